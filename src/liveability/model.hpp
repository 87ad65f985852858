#pragma once
// Liveability model presets (LBM 2.0, LBM 3.0 or a user file): dimensions, class boundaries,
// development classes and the constants that turn relative scores into absolute ones. Presets are
// data (TOML), never constants in code; this module only parses their text.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wz::liveability {

// Ordered edges e1 < e2 < ... < e(k-1): class = 1 + the number of edges at or below the value.
struct ClassRule {
    std::vector<double> edges;
    std::vector<std::string> names;   // one per class (edges + 1), may be empty
    std::vector<std::string> colors;  // one "#rrggbb" per class for maps and charts, may be empty

    int classify(double value) const;
    // Distance from the value to the nearest edge (how close a value is to changing class).
    double distance_to_edge(double value) const;
};

struct Dimension {
    std::string key;   // column in the published data ("rlbwon", "won")
    std::string code;  // short code ("won")
    std::string name;  // "Woningen"
};

struct ModelPreset {
    std::string name;   // "lbm2"
    std::string title;  // "Leefbaarometer 2.0"
    std::string total;  // column of the relative total ("rlbrmtr", "afw")
    std::vector<Dimension> dimensions;
    std::string published_class;        // column of published classes, if any ("kl")
    std::string published_development;  // column of published development classes, if any ("vkl")

    enum class Absolute { kNationalMeanPerYear, kEditionConstant };
    Absolute absolute = Absolute::kNationalMeanPerYear;
    std::map<int, double> absolute_values;  // year -> national mean, or edition -> constant
    int edition = 0;                        // the edition whose constant applies (kEditionConstant)

    bool classes_on_absolute = true;
    ClassRule classes;
    ClassRule development;
    bool development_assumed = false;      // the preset says its development edges are an assumption
    std::vector<double> dimension_bounds;  // symmetric dimension classes (LBM 3.0), empty if none

    // Absolute score of a relative score in `year`; nullopt when the preset has no constant for it.
    std::optional<double> to_absolute(double relative, int year) const;
    // The score the classes are defined on.
    std::optional<double> class_score(double relative, int year) const;
};

// Parses a preset from TOML text; errors are wz::InputError naming `source`, line and column.
ModelPreset parse_model_preset(std::string_view toml_text, const std::string& source);

// Symmetric dimension class around 5: |d| <= b1 -> 5, <= b2 -> 4/6, ... beyond the last -> 1/9.
int symmetric_dimension_class(double value, const std::vector<double>& bounds);

}  // namespace wz::liveability
