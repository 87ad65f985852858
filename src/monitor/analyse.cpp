#include "monitor/analyse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "core/error.hpp"

namespace wz::monitor {
namespace {

std::size_t year_index(const AreaScores& areas, int year, const char* what) {
    const auto it = std::find(areas.years.begin(), areas.years.end(), year);
    if (it == areas.years.end()) {
        throw UsageError(fmt::format("{}: {} is not a measurement year of the scores ({})", what, year,
                                     fmt::join(areas.years, ", ")));
    }
    return static_cast<std::size_t>(it - areas.years.begin());
}

std::size_t dimension_index(const std::vector<std::string>& dimensions, const std::string& dim) {
    const auto it = std::find(dimensions.begin(), dimensions.end(), dim);
    if (it == dimensions.end()) {
        throw UsageError(fmt::format("--dimension: '{}' is not one of the dimensions ({})", dim,
                                     fmt::join(dimensions, ", ")));
    }
    return static_cast<std::size_t>(it - dimensions.begin());
}

Table table_of(std::vector<Column>&& columns) {
    Table t;
    for (auto& c : columns) t.add_column(std::move(c));
    return t;
}

}  // namespace

TenureResult tenure_breakpoint(const AreaScores& areas, const Table& key_figures,
                               const std::string& share_column, const TenureOptions& options) {
    if (areas.years.empty()) throw UsageError("no scores");
    TenureResult out;
    out.from_year = options.from_year != 0 ? options.from_year : areas.years.front();
    out.to_year = options.to_year != 0 ? options.to_year : areas.years.back();
    const std::size_t y0 = year_index(areas, out.from_year, "--from");
    const std::size_t y1 = year_index(areas, out.to_year, "--to");
    if (options.outcome == TenureOutcome::kDevelopment && y1 <= y0) {
        throw UsageError(fmt::format("--to ({}) must come after --from ({})", out.to_year, out.from_year));
    }
    const Column& code = key_figures.column("code");
    const Column& year = key_figures.column("year");
    const Column& share = key_figures.column(share_column);
    std::map<std::string, double> share_of;
    for (std::size_t r = 0; r < key_figures.row_count(); ++r) {
        if (share.is_missing(r) || year.is_missing(r) || static_cast<int>(year.number_at(r)) != out.from_year)
            continue;
        share_of[code.to_text(r)] = share.number_at(r);
    }
    if (share_of.empty()) {
        throw UsageError(
            fmt::format("the key figures have no '{}' values for {}", share_column, out.from_year));
    }
    std::vector<double> x, y, w;
    Column pc("code", ColumnType::kText), ps("share", ColumnType::kReal), po("outcome", ColumnType::kReal),
        pr("residents", ColumnType::kReal);
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        const auto it = share_of.find(areas.codes[a]);
        const std::size_t i0 = areas.at(a, y0), i1 = areas.at(a, y1);
        const bool have = options.outcome == TenureOutcome::kDevelopment
                              ? areas.cls[i0] != 0 && areas.cls[i1] != 0
                              : areas.cls[i1] != 0;
        if (it == share_of.end() || !have) {
            ++out.left_out;
            continue;
        }
        const auto value = [&](std::size_t i) {
            if (options.dimensions.empty()) return areas.score[i];
            double sum = 0;
            for (std::size_t d : options.dimensions) sum += areas.dims.at(d)[i];
            return sum;
        };
        const double v = options.outcome == TenureOutcome::kDevelopment ? value(i1) - value(i0) : value(i1);
        x.push_back(it->second);
        y.push_back(v);
        w.push_back(areas.residents[i0]);
        pc.push_text(areas.codes[a]);
        ps.push_real(it->second);
        po.push_real(v);
        pr.push_real(areas.residents[i0]);
    }
    out.fit = stats::fit_segmented(x, y, options.weight_by_residents ? w : std::vector<double>{},
                                   options.segmented);
    out.points = table_of({std::move(pc), std::move(ps), std::move(po), std::move(pr)});
    return out;
}

Table worst_on_dimension(const AreaScores& areas, const std::vector<std::string>& dimensions,
                         const std::string& dim, int year, std::size_t top) {
    const std::size_t d = dimension_index(dimensions, dim);
    const std::size_t y = year_index(areas, year, "--year");
    std::vector<std::size_t> shown;
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        if (areas.cls[areas.at(a, y)] != 0) shown.push_back(a);
    }
    // Lowest first; ties by code so the ranking is reproducible.
    std::sort(shown.begin(), shown.end(), [&](std::size_t p, std::size_t q) {
        const double vp = areas.dims[d][areas.at(p, y)], vq = areas.dims[d][areas.at(q, y)];
        return vp != vq ? vp < vq : areas.codes[p] < areas.codes[q];
    });
    if (shown.size() > top) shown.resize(top);
    Column rank("rank", ColumnType::kInt), code("code", ColumnType::kText), value(dim, ColumnType::kReal),
        score("score", ColumnType::kReal), rel("rel", ColumnType::kReal), cls("class", ColumnType::kInt),
        res("residents", ColumnType::kReal);
    for (std::size_t r = 0; r < shown.size(); ++r) {
        const std::size_t i = areas.at(shown[r], y);
        rank.push_int(static_cast<std::int64_t>(r + 1));
        code.push_text(areas.codes[shown[r]]);
        value.push_real(areas.dims[d][i]);
        score.push_real(areas.score[i]);
        rel.push_real(areas.rel[i]);
        cls.push_int(areas.cls[i]);
        res.push_real(areas.residents[i]);
    }
    return table_of({std::move(rank), std::move(code), std::move(value), std::move(score), std::move(rel),
                     std::move(cls), std::move(res)});
}

Table quadrant_poor_dimension_good_total(const AreaScores& areas, const std::vector<std::string>& dimensions,
                                         const std::string& dim, int year, double quantile) {
    const std::size_t d = dimension_index(dimensions, dim);
    const std::size_t y = year_index(areas, year, "--year");
    if (!(quantile > 0 && quantile < 1)) throw UsageError("--quantile must lie between 0 and 1");
    std::vector<double> values;
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        const std::size_t i = areas.at(a, y);
        if (areas.cls[i] != 0) values.push_back(areas.dims[d][i]);
    }
    if (values.empty()) throw UsageError(fmt::format("no area has a score in {}", year));
    const double threshold = stats::quantile(values, quantile);
    Column code("code", ColumnType::kText), value(dim, ColumnType::kReal),
        thr("threshold", ColumnType::kReal), rel("rel", ColumnType::kReal), score("score", ColumnType::kReal),
        cls("class", ColumnType::kInt), res("residents", ColumnType::kReal);
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        const std::size_t i = areas.at(a, y);
        if (areas.cls[i] == 0 || areas.dims[d][i] > threshold || areas.rel[i] <= 0) continue;
        code.push_text(areas.codes[a]);
        value.push_real(areas.dims[d][i]);
        thr.push_real(threshold);
        rel.push_real(areas.rel[i]);
        score.push_real(areas.score[i]);
        cls.push_int(areas.cls[i]);
        res.push_real(areas.residents[i]);
    }
    return table_of({std::move(code), std::move(value), std::move(thr), std::move(rel), std::move(score),
                     std::move(cls), std::move(res)});
}

}  // namespace wz::monitor
