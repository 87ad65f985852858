#pragma once
// The synthetic country in memory: land grid, cities, area hierarchy, population per cell and year,
// buurt attributes, and the planted truths. Internal to the synth module.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "synth/rng.hpp"

namespace wz::synth {

inline constexpr int kYears = 6;
inline constexpr std::array<int, kYears> kYearList{2012, 2014, 2016, 2018, 2020, 2022};
inline constexpr int kDims = 5;  // LBM 2.0: won, bev, vrz, vei, fys
inline constexpr std::array<const char*, kDims> kDimNames{"won", "bev", "vrz", "vei", "fys"};
inline constexpr double kAbsoluteOffset = 4.1847;  // absolute score = offset + relative score (LBM 2.0, 2016)
// LBM 2.0 class edges on the absolute score (METHODS.md §2).
inline constexpr std::array<double, 8> kClassEdges{3.47, 3.557, 3.6955, 3.897, 3.9975, 4.192, 4.3045, 4.3925};
int lbm2_class(double absolute);

struct Region {
    std::string code;
    std::string name;
    std::int32_t parent = -1;  // index in the next coarser level
    std::int32_t local = 0;    // number within the parent (wijk and buurt codes)
};

struct City {
    std::string name;
    int rank = 0;
    int cls = 2;  // 0 = G4, 1 = G40, 2 = other town
    double x = 0, y = 0;  // centre in cell units (bbox-relative)
    double pop = 0;       // intended residents
    double r0 = 1;        // exponential density radius (cells)
    double d0 = 50;       // centre density (residents per cell)
    std::int32_t gemeente = -1;
};

// What was planted in a buurt (overrides of the generated values).
struct BuurtPlant {
    int plant = -1;                          // index in Country::plants
    bool key_override = false;               // Danish / Berlin key figures set exactly
    std::array<double, kYears> work{}, convicted_ratio{}, basic_edu{}, income_ratio{}, nonwestern{};
    std::array<double, kYears> unemp{}, longunemp{}, transfer{}, childpov{};
    bool score_override = false;             // liveability fields set exactly
    std::array<std::array<double, kDims>, kYears> field{};  // F per dimension and year
    double low_cell_share = 0;               // share of cells pushed into onvoldoende
    double low_cell_drop = 0;                // F drop in those cells (all dimensions)
    std::int64_t population = 0;             // target residents (0 = as generated)
};

struct Plant {
    std::string id;         // "type2_meet", "dk2018_miss_residents", ...
    std::string rule;       // "type1", "type2", "type3", "dk2018_udsat", "dk2018_ghetto", "dk2021_forebyggelse", "berlin", ...
    std::string expect;     // "meet" or "miss"
    std::string missed;     // the single criterion missed ("" for meet)
    std::string level;      // buurt, wijk, corop_plus
    std::vector<std::int32_t> buurten;
    std::int32_t area = -1; // index at `level`
    nlohmann::json details = nlohmann::json::object();
};

struct Country {
    double scale = 0.01;
    std::uint64_t seed = 1;
    double tenure_breakpoint = 0.45;
    // Land grid: bbox of w x h cells with lower-left cell (x0, y0) in units of 100 m.
    int x0 = 0, y0 = 0, w = 0, h = 0;
    std::vector<std::int32_t> buurt_of;  // per bbox cell (y * w + x); -1 = water
    std::vector<double> lambda;          // expected residents per bbox cell (base year)
    std::vector<City> cities;
    std::vector<Region> provincies, corops, cps, gemeenten, wijken, buurten;
    std::vector<int> gemeente_class;     // 0 G4, 1 G40, 2 other
    // Region status per corop-plus: 0 none, 1 krimp (shrinking), 2 anticipeer (anticipating decline).
    std::vector<int> cp_status;
    // Populated cells (residents in any measurement year), sorted by bbox index.
    std::vector<std::uint32_t> cells;
    std::vector<std::int32_t> cell_buurt;            // per populated cell
    std::vector<std::int32_t> cell_pop;              // per populated cell and year: [i * kYears + y]
    std::vector<std::uint32_t> land_cells_per_buurt; // cell count per buurt (all land cells)
    // Buurt attributes (base year unless per year).
    std::vector<std::array<std::int64_t, kYears>> buurt_pop;
    std::vector<double> corp_share, cheap_private_share, owner_share, urbanity, deprivation;
    std::vector<BuurtPlant> buurt_plant;
    std::vector<Plant> plants;
    // Undermining: buurten where drug crime grows after earlier money laundering / possession suspicions.
    std::vector<std::int32_t> drug_growth_buurten;
    // Low-safety clusters (cell centre + radius in cells) and city centres with poor safety, good total.
    struct Disk {
        double x, y, r;
        std::string id;
    };
    std::vector<Disk> unsafe_clusters, centres;
    // City centres are planted at buurt level (every cell of the buurt), so they hold at every scale: the
    // buurten whose centroid lies in the centre's disk, and always the buurt of the disk's centre cell.
    std::vector<std::vector<std::int32_t>> centre_buurten;  // aligned with centres
    std::vector<char> in_centre;                            // per buurt
    // A G40 city whose onvoldoende buurten fall behind (the report found the opposite in most cities): two
    // weak buurten that decline and two ruim voldoende / goed ones that improve, set like planted buurten.
    struct CityPlant {
        std::int32_t city = -1;  // index in cities
        std::vector<std::int32_t> weak, good;
    };
    CityPlant city_fall_behind;

    std::int64_t x100(std::uint32_t idx) const { return x0 + static_cast<std::int64_t>(idx % static_cast<std::uint32_t>(w)); }
    std::int64_t y100(std::uint32_t idx) const { return y0 + static_cast<std::int64_t>(idx / static_cast<std::uint32_t>(w)); }
    std::int32_t gemeente_of_buurt(std::int32_t b) const { return wijken[static_cast<std::size_t>(buurten[static_cast<std::size_t>(b)].parent)].parent; }
    std::int32_t cp_of_buurt(std::int32_t b) const { return gemeenten[static_cast<std::size_t>(gemeente_of_buurt(b))].parent; }
    std::int32_t corop_of_buurt(std::int32_t b) const { return cps[static_cast<std::size_t>(cp_of_buurt(b))].parent; }
    std::int32_t provincie_of_buurt(std::int32_t b) const { return corops[static_cast<std::size_t>(corop_of_buurt(b))].parent; }
};

using Progress = std::function<void(const std::string&)>;

// country.cpp: land, cities, population, hierarchy, tenure, planted areas.
void build_country(Country& c, const Progress& progress);

}  // namespace wz::synth
