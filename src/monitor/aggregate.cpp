#include "monitor/aggregate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz::monitor {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

AreaScores empty_scores(Level level, const std::vector<std::string>& codes, const std::vector<int>& years,
                        std::size_t dims, const std::vector<std::string>& part_names) {
    AreaScores a;
    a.level = level;
    a.codes = codes;
    a.years = years;
    const std::size_t n = codes.size() * years.size();
    a.residents.assign(n, 0.0);
    a.weight.assign(n, 0.0);
    a.cells.assign(n, 0.0);
    a.score.assign(n, 0.0);  // weighted sums until finish()
    a.rel.assign(n, 0.0);
    a.dims.assign(dims, std::vector<double>(n, 0.0));
    a.part_names = part_names;
    a.parts.assign(part_names.size(), std::vector<double>(n, 0.0));
    a.cls.assign(n, 0);
    a.res_by_class.assign(n, {});
    a.cells_by_class.assign(n, {});
    return a;
}

// Adds the sums of `from` into `to` by the parent index.
void roll_up(const AreaScores& from, const std::vector<std::int32_t>& parent, AreaScores& to) {
    const std::size_t ny = from.years.size();
    for (std::size_t a = 0; a < from.codes.size(); ++a) {
        const std::int32_t p = parent[a];
        if (p < 0) continue;
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t i = from.at(a, y), j = to.at(static_cast<std::size_t>(p), y);
            to.residents[j] += from.residents[i];
            to.weight[j] += from.weight[i];
            to.cells[j] += from.cells[i];
            to.score[j] += from.score[i];
            to.rel[j] += from.rel[i];
            for (std::size_t d = 0; d < from.dims.size(); ++d) to.dims[d][j] += from.dims[d][i];
            for (std::size_t q = 0; q < from.parts.size(); ++q) to.parts[q][j] += from.parts[q][i];
            for (std::size_t k = 0; k < 9; ++k) {
                to.res_by_class[j][k] += from.res_by_class[i][k];
                to.cells_by_class[j][k] += from.cells_by_class[i][k];
            }
        }
    }
}

// Turns weighted sums into means, hides small areas and classifies.
void finish(AreaScores& a, const liveability::ClassRule& classes, double class_offset,
            const AggregateOptions& options) {
    for (std::size_t i = 0; i < a.score.size(); ++i) {
        const bool shown = a.weight[i] > 0 && a.residents[i] >= options.min_residents;
        if (!shown) {
            a.score[i] = a.rel[i] = kNaN;
            for (auto& d : a.dims) d[i] = kNaN;
            for (auto& p : a.parts) p[i] = kNaN;
            a.cls[i] = 0;
            continue;
        }
        a.score[i] /= a.weight[i];
        a.rel[i] /= a.weight[i];
        for (auto& d : a.dims) d[i] /= a.weight[i];
        for (auto& p : a.parts) p[i] /= a.weight[i];
        a.cls[i] = static_cast<std::uint8_t>(classes.classify(a.score[i] - class_offset));
    }
}

}  // namespace

std::vector<AreaScores> aggregate_to_levels(const liveability::CellYearPanel& panel,
                                            const liveability::CellScores& scores,
                                            const liveability::ScoringModel& model,
                                            std::span<const std::int32_t> cell_area,
                                            const AreaHierarchy& hierarchy, const AggregateOptions& options) {
    if (hierarchy.levels.empty()) throw UsageError("no area levels to aggregate to");
    if (cell_area.size() != panel.cells) throw InternalError("cell assignment and panel disagree");
    const std::size_t nd = model.dimensions.size();
    std::vector<std::string> part_names;
    if (scores.parts.size() == model.parts.size())
        for (const auto& p : model.parts) part_names.push_back(p.name);
    const std::size_t np = part_names.size();
    std::vector<AreaScores> out;
    out.push_back(empty_scores(hierarchy.levels[0], hierarchy.codes[0], panel.years, nd, part_names));
    AreaScores& base = out.front();
    const auto w = panel.weights();
    for (std::size_t r = 0; r < panel.rows; ++r) {
        if ((r & 16383U) == 0) check_cancelled();
        const std::int32_t area = cell_area[static_cast<std::size_t>(panel.cell[r])];
        if (area < 0) continue;
        const std::size_t i = base.at(static_cast<std::size_t>(area), panel.year[r]);
        base.residents[i] += panel.residents[r];
        if (std::isnan(scores.score[r])) continue;
        base.cells[i] += 1;
        const std::size_t k = scores.cls[r] - 1U;
        base.res_by_class[i][k] += panel.residents[r];
        base.cells_by_class[i][k] += 1;
        if (w[r] <= 0) continue;
        base.weight[i] += w[r];
        base.score[i] += w[r] * scores.score[r];
        base.rel[i] += w[r] * scores.rel[r];
        for (std::size_t d = 0; d < nd; ++d) base.dims[d][i] += w[r] * scores.dims[d][r];
        for (std::size_t p = 0; p < np; ++p) base.parts[p][i] += w[r] * scores.parts[p][r];
    }
    for (std::size_t l = 1; l < hierarchy.levels.size(); ++l) {
        AreaScores next = empty_scores(hierarchy.levels[l], hierarchy.codes[l], panel.years, nd, part_names);
        roll_up(out[l - 1], hierarchy.parent[l - 1], next);
        out.push_back(std::move(next));
    }
    for (auto& a : out) finish(a, model.classes, model.class_offset, options);
    return out;
}

Table area_scores_table(const AreaScores& areas, const std::vector<std::string>& dimensions) {
    Table t;
    Column code("code", ColumnType::kText), year("year", ColumnType::kInt),
        residents("residents", ColumnType::kReal), weight("weight", ColumnType::kReal),
        cells("cells", ColumnType::kInt), score("score", ColumnType::kReal), rel("rel", ColumnType::kReal),
        cls("class", ColumnType::kInt);
    std::vector<Column> dims, rk, ck, parts;
    for (const auto& d : dimensions) dims.emplace_back(d, ColumnType::kReal);
    for (const auto& p : areas.part_names) parts.emplace_back("part_" + p, ColumnType::kReal);
    for (int k = 1; k <= 9; ++k) {
        rk.emplace_back(fmt::format("res_k{}", k), ColumnType::kReal);
        ck.emplace_back(fmt::format("cells_k{}", k), ColumnType::kInt);
    }
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        for (std::size_t y = 0; y < areas.years.size(); ++y) {
            const std::size_t i = areas.at(a, y);
            code.push_text(areas.codes[a]);
            year.push_int(areas.years[y]);
            residents.push_real(areas.residents[i]);
            weight.push_real(areas.weight[i]);
            cells.push_int(static_cast<std::int64_t>(areas.cells[i]));
            const bool shown = areas.cls[i] != 0;
            const auto real_or_hidden = [&](Column& c, double v) {
                if (shown) {
                    c.push_real(v);
                } else {
                    c.push_missing(Missing::kSecret);
                }
            };
            real_or_hidden(score, areas.score[i]);
            real_or_hidden(rel, areas.rel[i]);
            for (std::size_t d = 0; d < dims.size(); ++d) real_or_hidden(dims[d], areas.dims[d][i]);
            for (std::size_t p = 0; p < parts.size(); ++p) real_or_hidden(parts[p], areas.parts[p][i]);
            if (shown) {
                cls.push_int(areas.cls[i]);
            } else {
                cls.push_missing(Missing::kSecret);
            }
            for (std::size_t k = 0; k < 9; ++k) {
                rk[k].push_real(areas.res_by_class[i][k]);
                ck[k].push_int(static_cast<std::int64_t>(areas.cells_by_class[i][k]));
            }
        }
    }
    t.add_column(std::move(code));
    t.add_column(std::move(year));
    t.add_column(std::move(residents));
    t.add_column(std::move(weight));
    t.add_column(std::move(cells));
    t.add_column(std::move(score));
    t.add_column(std::move(rel));
    for (auto& c : dims) t.add_column(std::move(c));
    t.add_column(std::move(cls));
    for (auto& c : rk) t.add_column(std::move(c));
    for (auto& c : ck) t.add_column(std::move(c));
    for (auto& c : parts) t.add_column(std::move(c));
    return t;
}

Table area_development_table(const AreaScores& areas, const liveability::ClassRule& development) {
    Column code("code", ColumnType::kText), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt), change("change", ColumnType::kReal),
        cls("development_class", ColumnType::kInt);
    const std::size_t ny = areas.years.size();
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        for (std::size_t y0 = 0; y0 < ny; ++y0) {
            for (std::size_t y1 = y0 + 1; y1 < ny; ++y1) {
                const std::size_t i = areas.at(a, y0), j = areas.at(a, y1);
                if (areas.cls[i] == 0 || areas.cls[j] == 0) continue;
                const double d = areas.score[j] - areas.score[i];
                code.push_text(areas.codes[a]);
                from.push_int(areas.years[y0]);
                to.push_int(areas.years[y1]);
                change.push_real(d);
                cls.push_int(development.classify(d));
            }
        }
    }
    Table t;
    t.add_column(std::move(code));
    t.add_column(std::move(from));
    t.add_column(std::move(to));
    t.add_column(std::move(change));
    t.add_column(std::move(cls));
    return t;
}

AreaScores area_scores_from_table(const Table& table, Level level,
                                  const std::vector<std::string>& dimensions) {
    AreaScores a;
    a.level = level;
    const Column& code = table.column("code");
    const Column& year = table.column("year");
    std::map<std::string, std::size_t> area;
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        area.emplace(code.to_text(r), 0);
        const int y = static_cast<int>(year.number_at(r));
        if (std::find(a.years.begin(), a.years.end(), y) == a.years.end()) a.years.push_back(y);
    }
    std::sort(a.years.begin(), a.years.end());
    for (auto& [c, at] : area) {
        at = a.codes.size();
        a.codes.push_back(c);
    }
    const std::size_t n = a.codes.size() * a.years.size();
    a.residents.assign(n, 0.0);
    a.weight.assign(n, 0.0);
    a.cells.assign(n, 0.0);
    a.score.assign(n, kNaN);
    a.rel.assign(n, kNaN);
    a.dims.assign(dimensions.size(), std::vector<double>(n, kNaN));
    a.cls.assign(n, 0);
    a.res_by_class.assign(n, {});
    a.cells_by_class.assign(n, {});
    const Column& residents = table.column("residents");
    const Column& weight = table.column("weight");
    const Column& cells = table.column("cells");
    const Column& score = table.column("score");
    const Column& rel = table.column("rel");
    const Column& cls = table.column("class");
    std::vector<const Column*> dims, rk, ck, parts;
    for (const auto& d : dimensions) dims.push_back(&table.column(d));
    for (const Column& c : table.columns()) {
        if (c.name().rfind("part_", 0) != 0) continue;
        a.part_names.push_back(c.name().substr(5));
        parts.push_back(&c);
    }
    a.parts.assign(parts.size(), std::vector<double>(n, kNaN));
    for (int k = 1; k <= 9; ++k) {
        rk.push_back(&table.column(fmt::format("res_k{}", k)));
        ck.push_back(&table.column(fmt::format("cells_k{}", k)));
    }
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        const auto y = static_cast<std::size_t>(
            std::lower_bound(a.years.begin(), a.years.end(), static_cast<int>(year.number_at(r))) -
            a.years.begin());
        const std::size_t i = a.at(area.at(code.to_text(r)), y);
        a.residents[i] = residents.number_at(r);
        a.weight[i] = weight.number_at(r);
        a.cells[i] = cells.number_at(r);
        if (!cls.is_missing(r)) {
            a.cls[i] = static_cast<std::uint8_t>(cls.number_at(r));
            a.score[i] = score.number_at(r);
            a.rel[i] = rel.number_at(r);
            for (std::size_t d = 0; d < dims.size(); ++d) a.dims[d][i] = dims[d]->number_at(r);
            for (std::size_t p = 0; p < parts.size(); ++p) a.parts[p][i] = parts[p]->number_at(r);
        }
        for (std::size_t k = 0; k < 9; ++k) {
            a.res_by_class[i][k] = rk[k]->number_at(r);
            a.cells_by_class[i][k] = ck[k]->number_at(r);
        }
    }
    return a;
}

}  // namespace wz::monitor
