#pragma once
// Builds the cell-and-year panel that scoring works on from the imported tables: indicator values per
// cell and year (code, year, ind...) joined with residents per cell and year (CBS grid statistics).
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"
#include "liveability/score.hpp"

namespace wz::liveability {

enum class Weighting { kResidents, kDwellings, kUnweighted };

struct PanelOptions {
    std::string residents_column = "INW";     // in the population table
    std::string dwellings_column = "WONING";  // used with Weighting::kDwellings
    Weighting weighting = Weighting::kResidents;
    // Residents counted for a cell whose count is secret (CBS -99997: 1–4 residents). 0 follows CBS's
    // published totals; 2.5 is the expected value of a uniform 1–4.
    double secret_residents = 0;
    int default_year = 0;  // the year of rows whose year is missing (0: such a row is an error)
    // false: the indicator values come from elsewhere (IndicatorBlocks); the indicators table then needs
    // only code and year, and the panel's indicator spans stay empty.
    bool attach_indicators = true;
};

struct CellPanelData {
    CellYearPanel panel;                      // spans point into the indicators table
    std::vector<GridCell> cells;              // per cell index
    std::size_t rows_without_population = 0;  // indicator rows with no population row (residents 0)
    std::size_t secret_population_rows = 0;   // population rows whose count is secret
};

// `population` may be an empty table (no residents known: weights only with Weighting::kUnweighted).
// `indicators`: columns code (a grid cell code in any form), year and the model's indicators (any
// extra columns are ignored); a missing model indicator column, a bad cell code or a repeated (cell,
// year) is a UsageError. `population`: code, year and the residents column (and the dwellings column
// when weighting by dwellings).
CellPanelData build_cell_panel(const Table& indicators, const Table& population, const ScoringModel& model,
                               const PanelOptions& options);

}  // namespace wz::liveability
