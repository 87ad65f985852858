#pragma once
// The typology jobs (wijkzicht typology, typology compare): a rule set applied to the areas of one level
// and year in a store — with the areas' parent links and, for rule sets that group adjacent areas, their
// queen contiguity — and two rule sets compared on the same areas.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "io/store.hpp"
#include "jobs/presets.hpp"
#include "typology/evaluate.hpp"

namespace wz::jobs {

struct TypologyOptions {
    std::string rules;  // NAME, NAME:DESIGNATION or a TOML file
    std::string level;  // must be the rule set's level when given
    int year = 0;
    std::vector<std::string> params;  // NAME=VALUE overrides
    std::string designation;          // only this designation counts as designated
};

struct TypologyEvaluation {
    LoadedRules loaded;
    typology::Evaluation evaluation;
    std::vector<Dataset> datasets;   // the inputs (kept alive: the evaluation points into them)
    std::optional<AreaLayer> layer;  // the areas with geometry, when the store has them
    std::vector<InputFile> inputs;   // the rule file
    typology::OutputOptions output() const { return {loaded.designation}; }
};

// A development dataset (code, from_year, to_year, change, development_class, every pair of
// measurements) as one row per area and measurement: the development from the measurement right before
// it, with to_year named `year` — what a rule set reads as "the development of the recent period".
Table development_by_measurement(const Table& development);

TypologyEvaluation evaluate_typology(const std::string& store, const TypologyOptions& options);

// Counts and every designated area with its criteria.
nlohmann::json typology_json(const TypologyEvaluation& e);
// The datasets typology_<set>[_<designation>]_<level>_<year> and ..._detail with their run.
StoreUpdate typology_update(const TypologyEvaluation& e, const Table& summary, const Table& detail,
                            const nlohmann::json& result);
// The designated areas (columns code, designated, designation, criteria_met, criteria_unknown, reasons,
// group) with their polygons, for typology_layer writing.
struct DesignatedAreas {
    Table table;
    std::vector<std::vector<std::uint8_t>> geometries;
};
DesignatedAreas designated_areas(const Table& summary, const AreaLayer& layer);

struct TypologyComparison {
    Table table;             // code, designated_a, designated_b, status, why
    nlohmann::json summary;  // counts, Jaccard index, the differing areas
    std::string a, b;
    std::size_t both = 0, only_a = 0, only_b = 0;
};
TypologyComparison compare_typologies(const std::string& store, const TypologyOptions& a,
                                      const std::string& rules_b);

}  // namespace wz::jobs
