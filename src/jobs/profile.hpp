#pragma once
// The area profile (docs/api.md, "The area profile"): everything about one area in one answer — its
// parents, scores per year, the country's scores, development, typology designations with their
// reasons, hotspot results and the five most comparable areas.
//
// Split for the service: load_profile_data reads the store once (every area layer, score_<level>,
// development_<level>, score_nederland, the stored typology and hotspot datasets, the model preset's class
// and development names) and precomputes, per area, its comparable areas; area_profile then answers from
// memory only (one binary search for the code, then work proportional to the area's own rows).
#include <array>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.hpp"
#include "monitor/aggregate.hpp"

namespace wz::jobs {

// The parent levels of an area, in the order of the profile's `parents` object.
inline constexpr std::array<std::string_view, 5> kProfileParents = {"wijk", "gemeente", "corop", "corop_plus",
                                                                    "provincie"};

struct ProfileDevelopment {
    int from = 0, to = 0;
    double change = 0;  // NaN when missing
    int cls = 0;        // 0 = missing
};

// One stored typology result (typology_<set>[_<designation>]_<level>_<year>).
struct ProfileTypology {
    std::string dataset, rules;
    int year = 0;
};
struct ProfileDesignation {
    std::uint32_t typology = 0;  // index into ProfileData::typologies
    std::string designation, reasons;
};

// One stored hotspot result (a dataset of kind "hotspots": spatial::hotspot_table's columns).
struct ProfileHotspot {
    std::uint32_t dataset = 0;  // index into ProfileData::hotspot_datasets
    std::string quadrant;       // empty = missing
    double p = 0;               // NaN when missing
    std::optional<bool> significant;
};

struct ProfileNeighbour {
    std::uint32_t area = 0;  // index into the same level's areas
    double distance = 0;
};

struct ProfileArea {
    std::string code, name;
    std::array<std::string, 5> parents;  // by kProfileParents, empty = unknown
    std::int32_t score_row = -1;         // area index in the level's scores (-1: no scores)
    std::vector<ProfileDevelopment> development;
    std::vector<ProfileDesignation> designations;
    std::vector<ProfileHotspot> hotspots;
    std::vector<ProfileNeighbour> comparable;  // at most five, nearest first (ties by code)
};

struct ProfileLevel {
    Level level = Level::kBuurt;
    int vintage = 0;                            // of the area layer (0: the level has no area layer)
    std::vector<ProfileArea> areas;             // sorted by code
    std::optional<monitor::AreaScores> scores;  // score_<level>
};

struct ProfileData {
    std::string store;
    std::string model;  // the model preset the scores were made with ("lbm2"), empty when unknown
    std::vector<std::string> dimensions;
    std::vector<std::string> class_names;        // class k has name class_names[k - 1]
    std::vector<std::string> development_names;  // development class k: development_names[k - 1]
    std::vector<std::string> class_colors, development_colors;  // "#rrggbb" per class (may be empty)
    std::string model_title;                                    // "Leefbaarometer 2.0"
    std::vector<std::string> dimension_names;    // by `dimensions` ("Woningen"); the code when unknown
    std::vector<ProfileLevel> levels;            // finest first
    std::optional<monitor::AreaScores> country;  // score_nederland (one area)
    std::vector<ProfileTypology> typologies;
    std::vector<std::string> hotspot_datasets;
    // Every area code -> (level index, area index), sorted by code.
    struct Ref {
        std::string code;
        std::uint32_t level = 0, area = 0;
    };
    std::vector<Ref> index;

    const ProfileArea* find(std::string_view code, const ProfileLevel** level = nullptr) const;
};

// How many comparable areas a profile lists.
inline constexpr std::size_t kComparableAreas = 5;

// Reads the store once (NotFoundError when there is no store; a store without scores gives profiles with
// empty scores).
std::shared_ptr<const ProfileData> load_profile_data(const std::string& store);

// The profile of one area (docs/api.md), nullopt for an unknown code. Reads no store.
std::optional<nlohmann::json> area_profile(const ProfileData& data, std::string_view code);

// Some codes of the data for error messages ("BU00010000, WK000100, ... (1234 areas)").
std::string profile_codes_hint(const ProfileData& data);

}  // namespace wz::jobs
