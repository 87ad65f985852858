#include "liveability/panel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz::liveability {
namespace {

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

// Cell key -> cell index: open addressing with linear probing (no node per cell: the panel of the
// country has half a million cells and is built every run).
class CellIndex {
  public:
    explicit CellIndex(std::size_t expected) {
        std::size_t cap = 16;
        while (cap < 2 * expected) cap *= 2;
        keys_.assign(cap, kEmpty);
        values_.assign(cap, -1);
        mask_ = cap - 1;
    }
    // The index of `key`, or `next` (stored) when the key is new.
    std::int32_t find_or_add(std::int64_t key, std::int32_t next) {
        std::size_t i = slot(key);
        if (keys_[i] == kEmpty) {
            if (2 * (++used_) > keys_.size()) {
                grow();
                i = slot(key);
            }
            keys_[i] = key;
            values_[i] = next;
        }
        return values_[i];
    }
    std::int32_t find(std::int64_t key) const { return values_[slot(key)]; }  // -1 when absent

  private:
    static constexpr std::int64_t kEmpty = std::numeric_limits<std::int64_t>::min();
    std::size_t slot(std::int64_t key) const {
        auto h = static_cast<std::uint64_t>(key) * 0x9e3779b97f4a7c15ULL;
        std::size_t i = static_cast<std::size_t>(h >> 20) & mask_;
        while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
        return i;
    }
    void grow() {
        std::vector<std::int64_t> keys = std::move(keys_);
        std::vector<std::int32_t> values = std::move(values_);
        keys_.assign(keys.size() * 2, kEmpty);
        values_.assign(keys.size() * 2, -1);
        mask_ = keys_.size() - 1;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] != kEmpty) {
                const std::size_t j = slot(keys[i]);
                keys_[j] = keys[i];
                values_[j] = values[i];
            }
        }
    }
    std::vector<std::int64_t> keys_;
    std::vector<std::int32_t> values_;
    std::size_t mask_ = 0, used_ = 0;
};

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
        if ((r & 16383U) == 0) check_cancelled();
        if (years.is_missing(r) && options.default_year == 0) {
            throw UsageError(fmt::format("indicators row {}: no year (give one with --year)", r + 1));
        }
        const int y = year_of(r);
        if (std::find(p.years.begin(), p.years.end(), y) == p.years.end()) p.years.push_back(y);
    }
    std::sort(p.years.begin(), p.years.end());
    if (p.years.size() > 255) throw UsageError("indicators: more than 255 measurement years");
    const auto year_index = [&](int y) {
        return static_cast<std::size_t>(std::lower_bound(p.years.begin(), p.years.end(), y) -
                                        p.years.begin());
    };
    // Cells.
    CellIndex cell_index(n / std::max<std::size_t>(1, p.years.size()) + 16);
    p.cell.resize(n);
    p.year.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
        if ((r & 16383U) == 0) check_cancelled();
        const GridCell c = cell_of(codes, r, "indicators");
        const std::int32_t next = static_cast<std::int32_t>(out.cells.size());
        const std::int32_t index = cell_index.find_or_add(c.key(), next);
        if (index == next) out.cells.push_back(c);
        p.cell[r] = index;
        p.year[r] = static_cast<std::uint8_t>(year_index(year_of(r)));
    }
    p.cells = out.cells.size();
    // Each (cell, year) once.
    const std::vector<std::int32_t> at = row_index(p);
    for (std::size_t r = 0; r < n; ++r) {
        if ((r & 16383U) == 0) check_cancelled();
        const auto kept = at[p.year[r] * p.cells + static_cast<std::size_t>(p.cell[r])];
        if (static_cast<std::size_t>(kept) != r) {  // row_index keeps the last row of a repeated pair
            throw UsageError(fmt::format("indicators rows {} and {}: cell {} appears twice in {}", r + 1,
                                         kept + 1, out.cells[static_cast<std::size_t>(p.cell[r])].code(),
                                         p.years[p.year[r]]));
        }
    }
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
    // The population row of each panel row (the last one when a (cell, year) repeats).
    std::vector<std::int32_t> pop_row(n, -1);
    for (std::size_t q = 0; q < population.row_count(); ++q) {
        if (py.is_missing(q)) continue;
        const auto c = parse_grid_cell(pc.text_at(q));
        if (!c) continue;
        const std::int32_t cell = cell_index.find(c->key());
        const auto y = static_cast<int>(py.number_at(q));
        const std::size_t yi = year_index(y);
        if (cell < 0 || yi == p.years.size() || p.years[yi] != y) continue;
        const std::int32_t r = at[yi * p.cells + static_cast<std::size_t>(cell)];
        if (r >= 0) pop_row[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(q);
    }
    for (std::size_t r = 0; r < n; ++r) {
        if ((r & 16383U) == 0) check_cancelled();
        if (pop_row[r] < 0) {
            ++out.rows_without_population;
            continue;
        }
        const auto q = static_cast<std::size_t>(pop_row[r]);
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
