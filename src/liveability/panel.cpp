#include "liveability/panel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.hpp"

namespace wz::liveability {
namespace {

std::int64_t cell_year_key(const GridCell& c, std::int64_t year) {
    return c.key() * 4096 + (year - 1900);
}

GridCell cell_of(const Column& codes, std::size_t r, const std::string& table) {
    const std::string& text = codes.text_at(r);
    const auto cell = parse_grid_cell(text);
    if (!cell) {
        throw UsageError(
            fmt::format("{} row {}: '{}' is not a grid cell code (E####N#### or C28992R100E####N####)", table,
                        r + 1, text));
    }
    return *cell;
}

}  // namespace

CellPanelData build_cell_panel(const Table& indicators, const Table& population, const ScoringModel& model,
                               const PanelOptions& options) {
    CellPanelData out;
    CellYearPanel& p = out.panel;
    const Column& codes = indicators.column("code");
    const Column& years = indicators.column("year");
    if (codes.type() != ColumnType::kText) throw UsageError("indicators: the code column is not text");
    const std::size_t n = indicators.row_count();
    p.rows = n;
    const auto year_of = [&](std::size_t r) {
        return years.is_missing(r) ? options.default_year : static_cast<int>(years.number_at(r));
    };
    // Years.
    for (std::size_t r = 0; r < n; ++r) {
        if (years.is_missing(r) && options.default_year == 0) {
            throw UsageError(fmt::format("indicators row {}: no year (give one with --year)", r + 1));
        }
        const int y = year_of(r);
        if (std::find(p.years.begin(), p.years.end(), y) == p.years.end()) p.years.push_back(y);
    }
    std::sort(p.years.begin(), p.years.end());
    if (p.years.size() > 255) throw UsageError("indicators: more than 255 measurement years");
    // Cells.
    std::unordered_map<std::int64_t, std::int32_t> cell_index;
    std::unordered_map<std::int64_t, std::size_t> seen;
    cell_index.reserve(n / std::max<std::size_t>(1, p.years.size()) + 16);
    seen.reserve(n);
    p.cell.resize(n);
    p.year.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
        const GridCell c = cell_of(codes, r, "indicators");
        const auto [it, added] = cell_index.try_emplace(c.key(), static_cast<std::int32_t>(out.cells.size()));
        if (added) out.cells.push_back(c);
        const int y = year_of(r);
        p.cell[r] = it->second;
        p.year[r] =
            static_cast<std::uint8_t>(std::lower_bound(p.years.begin(), p.years.end(), y) - p.years.begin());
        const auto [s, fresh] = seen.try_emplace(cell_year_key(c, y), r);
        if (!fresh) {
            throw UsageError(fmt::format("indicators rows {} and {}: cell {} appears twice in {}",
                                         s->second + 1, r + 1, c.code(), y));
        }
    }
    p.cells = out.cells.size();
    // Indicator columns.
    for (const IndicatorWeight& iw : model.indicators) {
        if (!options.attach_indicators) break;
        const Column* col = indicators.find(iw.indicator);
        if (col == nullptr) {
            throw UsageError(
                fmt::format("the indicators have no column '{}' that the model weights", iw.indicator));
        }
        if (col->type() != ColumnType::kReal) {
            throw UsageError(fmt::format("indicator column '{}' is not a decimal column", iw.indicator));
        }
        p.indicators.emplace_back(col->reals());
        p.missing.emplace_back(col->status());
    }
    // Residents (and weights) by (cell, year).
    p.residents.assign(n, 0.0);
    if (options.weighting != Weighting::kResidents)
        p.weight.assign(n, options.weighting == Weighting::kUnweighted ? 1.0 : 0.0);
    if (population.column_count() == 0) {
        out.rows_without_population = n;
        return out;
    }
    const Column& pc = population.column("code");
    const Column& py = population.column("year");
    const Column& pr = population.column(options.residents_column);
    const Column* pw =
        options.weighting == Weighting::kDwellings ? &population.column(options.dwellings_column) : nullptr;
    std::unordered_map<std::int64_t, std::size_t> pop_row;
    pop_row.reserve(population.row_count());
    for (std::size_t r = 0; r < population.row_count(); ++r) {
        if (py.is_missing(r)) continue;
        const auto c = parse_grid_cell(pc.text_at(r));
        if (!c) continue;
        pop_row[cell_year_key(*c, static_cast<std::int64_t>(py.number_at(r)))] = r;
    }
    for (std::size_t r = 0; r < n; ++r) {
        const GridCell& c = out.cells[static_cast<std::size_t>(p.cell[r])];
        const auto it = pop_row.find(cell_year_key(c, p.years[p.year[r]]));
        if (it == pop_row.end()) {
            ++out.rows_without_population;
            continue;
        }
        const std::size_t q = it->second;
        double res = 0;
        if (!pr.is_missing(q)) {
            res = pr.number_at(q);
        } else if (pr.missing_reason(q) == Missing::kSecret99997 ||
                   pr.missing_reason(q) == Missing::kSecret99998 ||
                   pr.missing_reason(q) == Missing::kGeheim || pr.missing_reason(q) == Missing::kSecret) {
            res = options.secret_residents;
            ++out.secret_population_rows;
        }
        p.residents[r] = std::max(0.0, res);
        if (pw != nullptr && !pw->is_missing(q)) p.weight[r] = std::max(0.0, pw->number_at(q));
    }
    return out;
}

}  // namespace wz::liveability
