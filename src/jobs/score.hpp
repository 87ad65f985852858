#pragma once
// The scoring job (wijkzicht score): every cell and year scored from the indicators and model weights in a
// store (or published cell scores), dimension scores, classes, development, aggregation to every level on
// one buurt vintage, and the national picture — as the datasets to store.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include <map>
#include <vector>

#include "io/store.hpp"
#include "liveability/score.hpp"
#include "monitor/aggregate.hpp"

namespace wz::jobs {

struct ScoreOptions {
    std::string model = "lbm2";                  // preset name or file
    std::string weights = "model_weights";       // dataset in the store or CSV file
    std::string published;                       // dataset of published cell scores instead of weights
    std::string indicators = "indicators";       // dataset: code, year, one column per indicator
    std::string population = "grid_population";  // dataset: code, year, INW (WONING); "none"
    std::string dimension_column;                // default "dimension" or "dimension_<model>"
    std::string weighting = "residents";         // residents | dwellings | unweighted
    std::string groups = "regio_kenmerken:Stedenklasse";       // DATASET:COLUMN city group per gemeente
    std::string regions = "regio_kenmerken:Bevolkingsdaling";  // DATASET:COLUMN type per COROP-plus region
    std::string nuisance = "overlast";  // indicators whose name contains it form the part "overlast"
    int year = 0;                                              // year of rows without one
    int vintage = 0;                                           // buurt vintage (0: the newest)
    int base_year = 0;                                         // 0: 2016 when scored, else the middle year
    double offset = std::nan("");  // NaN: the preset's national mean of the base year
    double min_residents = 100;
    double secret_residents = 0;
};

struct ScoreResult {
    StoreUpdate update;     // score_grid, score_<level>, development_<level>, picture_* (not yet stored)
    nlohmann::json meta;    // the parameters and counts recorded with every dataset
    Table picture_years;    // also in update (picture_years)
    Table picture_classes;  // also in update (picture_classes)
};

// What follows the cell scores, as score_country does it (the benchmarks call this too): development of
// every cell, aggregation to every level, and the national picture.
struct ScoreSummaryInputs {
    const liveability::CellYearPanel& panel;
    const liveability::CellScores& scores;
    const liveability::ScoringModel& model;
    const std::vector<std::int32_t>& cell_area;  // buurt per cell (-1: none)
    const monitor::AreaHierarchy& hierarchy;
    std::vector<std::string> class_names;
    std::vector<std::string> group_of_buurt;  // city group per buurt; empty: no development by group
    std::map<std::string, std::string> type_of_region;  // COROP-plus code -> type ("geen": none)
    double min_residents = 100;
};
struct ScoreSummary {
    liveability::CellDevelopment cell_development;
    std::vector<monitor::AreaScores> areas;  // one per level of the hierarchy
    Table classes, years, groups, regions;   // picture_*; groups and regions may have no columns
    Table indicators;                        // picture_indicators (no columns for published scores)
};
ScoreSummary summarise_cell_scores(const ScoreSummaryInputs& in);

// Reads what it needs from the store and computes everything; stores nothing (store the result with
// apply_to_store(store, result.update)). Long steps report progress and stop on cancel (core/progress.hpp).
ScoreResult score_country(const std::string& store, const ScoreOptions& options);

}  // namespace wz::jobs
