#pragma once
// Aggregation of cell scores to areas (METHODS.md §1–§2): cells are assigned to the buurten of ONE
// boundary vintage for all years (cells never change, boundaries do), and buurt sums roll up the
// hierarchy buurt -> wijk -> gemeente -> COROP-plus -> COROP -> provincie -> Nederland. Area scores are
// weighted means of the cell scores (residents by default), dimension scores likewise (they still add up
// to `rel`); an area with fewer residents than the minimum is not shown (score and class missing).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"
#include "liveability/score.hpp"

namespace wz::monitor {

// The areas of every level above the cells, finest first. parent[i][a] is the index, at level i + 1,
// of area a of level i (-1 when unknown). The first level is the one cells are assigned to.
struct AreaHierarchy {
    std::vector<Level> levels;
    std::vector<std::vector<std::string>> codes;
    std::vector<std::vector<std::int32_t>> parent;
};

struct AggregateOptions {
    double min_residents = 100;  // areas with fewer residents in a year get no score or class that year
};

// Sums and means per area and year of one level ([area * years + year]).
struct AreaScores {
    Level level = Level::kBuurt;
    std::vector<std::string> codes;
    std::vector<int> years;
    std::vector<double> residents, weight, cells;
    std::vector<double> score, rel;                     // weighted means (NaN when not shown)
    std::vector<std::vector<double>> dims;              // [dimension][area * years + year]
    std::vector<std::string> part_names;                // the scoring model's indicator parts ("overlast")
    std::vector<std::vector<double>> parts;             // [part][area * years + year], like dims
    std::vector<std::uint8_t> cls;                      // class of the area score, 0 = not shown
    std::vector<std::array<double, 9>> res_by_class;    // residents in cells of class k (k = 1..9)
    std::vector<std::array<double, 9>> cells_by_class;  // scored cells of class k
    std::size_t at(std::size_t area, std::size_t year) const { return area * years.size() + year; }
};

// Aggregates cell scores to every level of the hierarchy. `cell_area` gives, per cell, its area index at
// the hierarchy's first level (-1 = outside every area: left out and counted by the caller).
std::vector<AreaScores> aggregate_to_levels(const liveability::CellYearPanel& panel,
                                            const liveability::CellScores& scores,
                                            const liveability::ScoringModel& model,
                                            std::span<const std::int32_t> cell_area,
                                            const AreaHierarchy& hierarchy, const AggregateOptions& options);

// The area scores as a table: code, year, residents, weight, cells, score, rel, <dimensions>, class,
// res_k1..res_k9, cells_k1..cells_k9, part_<name> per indicator part. Hidden areas have score, rel,
// dimensions, parts and class missing (reason secret-x) but keep their counts.
Table area_scores_table(const AreaScores& areas, const std::vector<std::string>& dimensions);

// The inverse of area_scores_table (for commands that work on stored scores); part_<name> columns are
// read as parts.
AreaScores area_scores_from_table(const Table& table, Level level,
                                  const std::vector<std::string>& dimensions);

// Development of the area scores between every pair of years: code, from_year, to_year, change,
// development_class (areas shown in both years only).
Table area_development_table(const AreaScores& areas, const liveability::ClassRule& development);

}  // namespace wz::monitor
