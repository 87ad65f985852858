#pragma once
// Analyses of the report to parliament (METHODS.md §3): score and development against tenure shares
// with segmented regression, the buurten with the worst safety score, and the quadrant of buurten whose
// safety is very poor while the total score is above average.
#include <string>
#include <vector>

#include "core/table.hpp"
#include "monitor/aggregate.hpp"
#include "stats/segmented.hpp"

namespace wz::monitor {

enum class TenureOutcome { kDevelopment, kScore };

struct TenureOptions {
    TenureOutcome outcome = TenureOutcome::kDevelopment;
    int from_year = 0, to_year = 0;  // development from..to; score in to_year (0 = first / last year)
    bool weight_by_residents = false;
    // Outcome on the sum of these dimension scores (indices into AreaScores::dims) instead of the total:
    // the report's tenure effects work through some dimensions (housing, residents, safety).
    std::vector<std::size_t> dimensions;
    stats::SegmentedOptions segmented;
};

struct TenureResult {
    stats::SegmentedFit fit;
    Table points;              // code, share, outcome, residents: the data the fit used
    std::size_t left_out = 0;  // areas without a share, a score in both years, or hidden
    int from_year = 0, to_year = 0;
};

// `share_of_area` is the tenure share (in %) per area code and year: a table with code, year and the
// share column. The share of from_year is used (the state at the start of the development).
TenureResult tenure_breakpoint(const AreaScores& areas, const Table& key_figures,
                               const std::string& share_column, const TenureOptions& options);

// The `top` shown areas with the lowest value of dimension `dim` in `year`: rank, code, the dimension,
// score, rel, class, residents.
Table worst_on_dimension(const AreaScores& areas, const std::vector<std::string>& dimensions,
                         const std::string& dim, int year, std::size_t top);

// Areas whose dimension `dim` is at or below the national `quantile` of that dimension (over shown areas,
// unweighted) while their total is above the national mean (rel > 0): code, dimension value, threshold,
// rel, score, class, residents.
Table quadrant_poor_dimension_good_total(const AreaScores& areas, const std::vector<std::string>& dimensions,
                                         const std::string& dim, int year, double quantile);

}  // namespace wz::monitor
