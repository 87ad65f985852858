#include "monitor/picture.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace wz::monitor {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void push_real_or_missing(Column& c, double v) {
    if (std::isfinite(v)) {
        c.push_real(v);
    } else {
        c.push_missing(Missing::kEmpty);
    }
}

Table table_of(std::vector<Column>&& columns) {
    Table t;
    for (auto& c : columns) t.add_column(std::move(c));
    return t;
}

}  // namespace

Table picture_classes(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                      const std::vector<std::string>& class_names) {
    const std::size_t ny = panel.years.size();
    std::vector<std::array<double, 10>> res(ny, std::array<double, 10>{});
    for (std::size_t r = 0; r < panel.rows; ++r) {
        if (scores.cls[r] == 0) continue;
        res[panel.year[r]][scores.cls[r]] += panel.residents[r];
    }
    Column year("year", ColumnType::kInt), cls("class", ColumnType::kInt), name("name", ColumnType::kText),
        residents("residents", ColumnType::kReal), share("share", ColumnType::kReal);
    for (std::size_t y = 0; y < ny; ++y) {
        double total = 0;
        for (int k = 1; k <= 9; ++k) total += res[y][static_cast<std::size_t>(k)];
        for (int k = 1; k <= 9; ++k) {
            year.push_int(panel.years[y]);
            cls.push_int(k);
            name.push_text(static_cast<std::size_t>(k) <= class_names.size()
                               ? class_names[static_cast<std::size_t>(k - 1)]
                               : "");
            residents.push_real(res[y][static_cast<std::size_t>(k)]);
            push_real_or_missing(share, total > 0 ? res[y][static_cast<std::size_t>(k)] / total : kNaN);
        }
    }
    return table_of(
        {std::move(year), std::move(cls), std::move(name), std::move(residents), std::move(share)});
}

AreaCounts count_onvoldoende_areas(const AreaScores& areas, const PictureOptions& options) {
    const std::size_t ny = areas.years.size();
    AreaCounts out{std::vector<std::int64_t>(ny, 0), std::vector<std::int64_t>(ny, 0)};
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t i = areas.at(a, y);
            if (areas.residents[i] > 0) ++out.populated[y];
            double onv = 0;
            for (int k = 1; k <= options.onvoldoende_max_class; ++k) {
                onv += areas.res_by_class[i][static_cast<std::size_t>(k - 1)];
            }
            if (onv >= options.onvoldoende_area_residents) ++out.onvoldoende[y];
        }
    }
    return out;
}

Table picture_years(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                    const std::vector<std::string>& dimensions, const AreaScores& areas,
                    const PictureOptions& options) {
    const std::size_t ny = panel.years.size();
    struct Sums {
        double residents = 0, weighted = 0, weight = 0, onv = 0, zwak = 0, good = 0;
    };
    std::vector<Sums> s(ny);
    const auto w = panel.weights();
    for (std::size_t r = 0; r < panel.rows; ++r) {
        const int k = scores.cls[r];
        if (k == 0) continue;
        Sums& t = s[panel.year[r]];
        const double res = panel.residents[r];
        t.residents += res;
        if (w[r] > 0) {
            t.weighted += w[r] * scores.score[r];
            t.weight += w[r];
        }
        if (k <= options.onvoldoende_max_class) t.onv += res;
        if (k == options.zwak_class) t.zwak += res;
        if (k >= options.good_min_class) t.good += res;
    }
    const AreaCounts counts = count_onvoldoende_areas(areas, options);
    std::vector<Column> cols;
    for (const char* n : {"year"}) cols.emplace_back(n, ColumnType::kInt);
    for (const char* n :
         {"residents", "mean_score", "onvoldoende_residents", "onvoldoende_share", "zwak_residents",
          "zwak_share", "ruim_voldoende_plus_residents", "ruim_voldoende_plus_share"}) {
        cols.emplace_back(n, ColumnType::kReal);
    }
    cols.emplace_back("onvoldoende_areas", ColumnType::kInt);
    cols.emplace_back("areas_populated", ColumnType::kInt);
    cols.emplace_back("change_mean_score", ColumnType::kReal);
    cols.emplace_back("change_onvoldoende_share", ColumnType::kReal);
    for (const auto& d : dimensions) cols.emplace_back("change_" + d, ColumnType::kReal);
    cols.emplace_back("driver", ColumnType::kText);
    cols.emplace_back("driver_share", ColumnType::kReal);
    for (std::size_t y = 0; y < ny; ++y) {
        const Sums& t = s[y];
        const double share = t.residents > 0 ? 1.0 / t.residents : kNaN;
        std::size_t c = 0;
        cols[c++].push_int(panel.years[y]);
        cols[c++].push_real(t.residents);
        push_real_or_missing(cols[c++], t.weight > 0 ? t.weighted / t.weight : kNaN);
        cols[c++].push_real(t.onv);
        push_real_or_missing(cols[c++], t.onv * share);
        cols[c++].push_real(t.zwak);
        push_real_or_missing(cols[c++], t.zwak * share);
        cols[c++].push_real(t.good);
        push_real_or_missing(cols[c++], t.good * share);
        cols[c++].push_int(counts.onvoldoende[y]);
        cols[c++].push_int(counts.populated[y]);
        if (y == 0) {
            for (; c < cols.size(); ++c) cols[c].push_missing(Missing::kEmpty);
            continue;
        }
        const Sums& p = s[y - 1];
        const double total = scores.national_mean[y] - scores.national_mean[y - 1];
        push_real_or_missing(cols[c++], total);
        push_real_or_missing(cols[c++], t.onv * share - (p.residents > 0 ? p.onv / p.residents : kNaN));
        // The driver moved with the total: the dimension with the largest change in the total's direction
        // (a dimension that moved against it does not drive it); its share of the total change. Without a
        // total change: the largest in absolute value.
        const double sign = std::isfinite(total) && total != 0 ? (total > 0 ? 1.0 : -1.0) : 0.0;
        std::size_t driver = 0;
        double largest = -std::numeric_limits<double>::infinity();
        for (std::size_t d = 0; d < dimensions.size(); ++d) {
            const double ch = scores.national_dim_mean[y][d] - scores.national_dim_mean[y - 1][d];
            push_real_or_missing(cols[c++], ch);
            const double along = sign != 0 ? sign * ch : std::abs(ch);
            if (std::isfinite(ch) && along > largest) {
                largest = along;
                driver = d;
            }
        }
        const bool found = std::isfinite(largest) && (sign == 0 || largest > 0);
        cols[c++].push_text(found ? dimensions[driver] : "");
        push_real_or_missing(
            cols[c++],
            found && sign != 0
                ? (scores.national_dim_mean[y][driver] - scores.national_dim_mean[y - 1][driver]) / total
                : kNaN);
    }
    // The national level of every indicator part of the model (e.g. nuisance), centred like the indicators.
    for (std::size_t p = 0; p < areas.part_names.size(); ++p) {
        Column c("part_" + areas.part_names[p], ColumnType::kReal);
        for (std::size_t y = 0; y < ny; ++y)
            push_real_or_missing(
                c, y < scores.national_part_mean.size() && p < scores.national_part_mean[y].size()
                       ? scores.national_part_mean[y][p]
                       : kNaN);
        cols.push_back(std::move(c));
    }
    return table_of(std::move(cols));
}

Table picture_indicators(const liveability::CellScores& scores, const liveability::ScoringModel& model,
                         std::span<const int> years) {
    const std::size_t ny = scores.national_indicator_mean.size(), nk = model.indicators.size();
    if (ny == 0 || ny != years.size() || ny != scores.national_mean.size()) return Table{};
    Column year("year", ColumnType::kInt), indicator("indicator", ColumnType::kText),
        dimension("dimension", ColumnType::kText), mean("mean", ColumnType::kReal),
        change("change", ColumnType::kReal), share("share_of_change", ColumnType::kReal),
        rank("rank", ColumnType::kInt);
    for (std::size_t y = 0; y < ny; ++y) {
        const auto& m = scores.national_indicator_mean[y];
        const double total = y > 0 ? scores.national_mean[y] - scores.national_mean[y - 1] : kNaN;
        const double sign = std::isfinite(total) && total != 0 ? (total > 0 ? 1.0 : -1.0) : 1.0;
        // Ranks by change along the total's direction (ties: the model's order).
        std::vector<std::size_t> order(nk);
        std::vector<double> ch(nk, kNaN);
        for (std::size_t j = 0; j < nk; ++j) {
            order[j] = j;
            if (y > 0) ch[j] = m[j] - scores.national_indicator_mean[y - 1][j];
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const double va = std::isfinite(ch[a]) ? sign * ch[a] : -std::numeric_limits<double>::infinity();
            const double vb = std::isfinite(ch[b]) ? sign * ch[b] : -std::numeric_limits<double>::infinity();
            return va > vb;
        });
        std::vector<std::int64_t> rank_of(nk, 0);
        for (std::size_t r = 0; r < nk; ++r) rank_of[order[r]] = static_cast<std::int64_t>(r + 1);
        year.push_int(years[y]);
        indicator.push_text("(total)");
        dimension.push_text("");
        push_real_or_missing(mean, scores.national_mean[y]);
        push_real_or_missing(change, total);
        push_real_or_missing(share, std::isfinite(total) ? 1.0 : kNaN);
        rank.push_missing(Missing::kEmpty);
        for (std::size_t j = 0; j < nk; ++j) {
            const auto& iw = model.indicators[j];
            year.push_int(years[y]);
            indicator.push_text(iw.indicator);
            dimension.push_text(static_cast<std::size_t>(iw.dimension) < model.dimensions.size()
                                    ? model.dimensions[static_cast<std::size_t>(iw.dimension)]
                                    : std::string());
            push_real_or_missing(mean, m[j]);
            push_real_or_missing(change, ch[j]);
            push_real_or_missing(share, std::isfinite(total) && total != 0 ? ch[j] / total : kNaN);
            if (y > 0 && std::isfinite(ch[j])) {
                rank.push_int(rank_of[j]);
            } else {
                rank.push_missing(Missing::kEmpty);
            }
        }
    }
    return table_of({std::move(year), std::move(indicator), std::move(dimension), std::move(mean),
                     std::move(change), std::move(share), std::move(rank)});
}

Table development_by_group(const AreaScores& areas, std::span<const std::string> group_of_area, int from_year,
                           int to_year) {
    const auto y0 = std::find(areas.years.begin(), areas.years.end(), from_year);
    const auto y1 = std::find(areas.years.begin(), areas.years.end(), to_year);
    Column group("group", ColumnType::kText), start("start_class", ColumnType::kInt),
        n("areas", ColumnType::kInt), start_score("mean_start_score", ColumnType::kReal),
        change("mean_change", ColumnType::kReal), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt);
    if (y0 == areas.years.end() || y1 == areas.years.end()) {
        return table_of({std::move(group), std::move(start), std::move(n), std::move(start_score),
                         std::move(change), std::move(from), std::move(to)});
    }
    const auto i0 = static_cast<std::size_t>(y0 - areas.years.begin());
    const auto i1 = static_cast<std::size_t>(y1 - areas.years.begin());
    struct Acc {
        std::size_t n = 0;
        double start = 0, change = 0;
    };
    std::map<std::string, std::array<Acc, 10>> acc;  // group -> start class
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        if (a >= group_of_area.size() || group_of_area[a].empty()) continue;
        const std::size_t i = areas.at(a, i0), j = areas.at(a, i1);
        if (areas.cls[i] == 0 || areas.cls[j] == 0) continue;
        Acc& x = acc[group_of_area[a]][areas.cls[i]];
        ++x.n;
        x.start += areas.score[i];
        x.change += areas.score[j] - areas.score[i];
    }
    for (const auto& [g, by_class] : acc) {
        Acc weak, strong;
        for (std::size_t k = 1; k <= 9; ++k) {
            const Acc& x = by_class[k];
            if (x.n == 0) continue;
            group.push_text(g);
            start.push_int(static_cast<std::int64_t>(k));
            n.push_int(static_cast<std::int64_t>(x.n));
            start_score.push_real(x.start / static_cast<double>(x.n));
            change.push_real(x.change / static_cast<double>(x.n));
            from.push_int(from_year);
            to.push_int(to_year);
            Acc& side = k <= 4 ? weak : strong;
            if (k <= 4 || k >= 7) {
                side.n += x.n;
                side.change += x.change;
            }
        }
        // The gap row: mean change of weak (<= 4) minus strong (>= 7) starting areas.
        group.push_text(g + " (weak minus strong)");
        start.push_missing(Missing::kEmpty);
        n.push_int(static_cast<std::int64_t>(weak.n + strong.n));
        start_score.push_missing(Missing::kEmpty);
        push_real_or_missing(change, weak.n > 0 && strong.n > 0
                                         ? weak.change / static_cast<double>(weak.n) -
                                               strong.change / static_cast<double>(strong.n)
                                         : kNaN);
        from.push_int(from_year);
        to.push_int(to_year);
    }
    return table_of({std::move(group), std::move(start), std::move(n), std::move(start_score),
                     std::move(change), std::move(from), std::move(to)});
}

Table dimensions_by_group(const AreaScores& areas, std::span<const std::string> group_of_area,
                          std::span<const std::string> dimensions,
                          const std::vector<std::vector<double>>& national_level) {
    const std::size_t ny = areas.years.size(), nd = std::min(dimensions.size(), areas.dims.size());
    // The series: the dimensions, then the indicator parts (e.g. "overlast").
    std::vector<std::string> names(dimensions.begin(), dimensions.begin() + static_cast<std::ptrdiff_t>(nd));
    std::vector<const std::vector<double>*> values;
    for (std::size_t d = 0; d < nd; ++d) values.push_back(&areas.dims[d]);
    for (std::size_t p = 0; p < areas.parts.size() && p < areas.part_names.size(); ++p) {
        names.push_back(areas.part_names[p]);
        values.push_back(&areas.parts[p]);
    }
    const std::size_t ns = names.size();
    struct Acc {
        std::vector<double> w, wv;  // [year], [year * ns + s]
    };
    std::map<std::string, Acc> acc;
    const auto add = [&](const std::string& g, std::size_t a) {
        Acc& x = acc[g];
        x.w.resize(ny, 0.0);
        x.wv.resize(ny * ns, 0.0);
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t i = areas.at(a, y);
            if (!std::isfinite(areas.score[i]) || !(areas.weight[i] > 0)) continue;
            x.w[y] += areas.weight[i];
            for (std::size_t s = 0; s < ns; ++s) x.wv[y * ns + s] += areas.weight[i] * (*values[s])[i];
        }
    };
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        add("nederland", a);
        if (a < group_of_area.size() && !group_of_area[a].empty()) add(group_of_area[a], a);
    }
    Column group("group", ColumnType::kText), year("year", ColumnType::kInt),
        dim("dimension", ColumnType::kText), mean("mean", ColumnType::kReal),
        change("change_since_first", ColumnType::kReal),
        absolute("absolute_change_since_first", ColumnType::kReal);
    for (const auto& [g, x] : acc) {
        for (std::size_t s = 0; s < ns; ++s) {
            const double first = x.w.empty() || x.w[0] <= 0 ? kNaN : x.wv[s] / x.w[0];
            for (std::size_t y = 0; y < ny; ++y) {
                const double m = x.w[y] > 0 ? x.wv[y * ns + s] / x.w[y] : kNaN;
                const double national = s < national_level.size() && y < national_level[s].size()
                                            ? national_level[s][y] - national_level[s][0]
                                            : kNaN;
                group.push_text(g);
                year.push_int(areas.years[y]);
                dim.push_text(names[s]);
                push_real_or_missing(mean, m);
                push_real_or_missing(change, m - first);
                push_real_or_missing(absolute, m - first + national);
            }
        }
    }
    return table_of({std::move(group), std::move(year), std::move(dim), std::move(mean), std::move(change),
                     std::move(absolute)});
}

std::vector<std::vector<double>> national_levels(const Table& picture_years,
                                                 std::span<const std::string> dimensions,
                                                 std::span<const std::string> parts) {
    std::vector<std::vector<double>> out;
    const std::size_t ny = picture_years.row_count();
    for (const auto& d : dimensions) {
        std::vector<double> level(ny, kNaN);
        if (const Column* c = picture_years.find("change_" + d)) {
            double sum = 0;
            for (std::size_t y = 0; y < ny; ++y) {
                if (y > 0) sum += c->is_missing(y) ? kNaN : c->number_at(y);
                level[y] = sum;
            }
        }
        out.push_back(std::move(level));
    }
    for (const auto& p : parts) {
        std::vector<double> level(ny, kNaN);
        if (const Column* c = picture_years.find("part_" + p))
            for (std::size_t y = 0; y < ny; ++y) level[y] = c->is_missing(y) ? kNaN : c->number_at(y);
        out.push_back(std::move(level));
    }
    return out;
}

Table survey_by_region_type(std::span<const int> year_of_respondent, std::span<const double> rating,
                            std::span<const std::string> type_of_respondent) {
    struct Acc {
        std::int64_t n = 0;
        double sum = 0;
    };
    std::map<std::pair<std::string, int>, Acc> acc;
    std::map<int, Acc> country;
    for (std::size_t i = 0; i < rating.size() && i < year_of_respondent.size(); ++i) {
        if (!std::isfinite(rating[i])) continue;
        const int y = year_of_respondent[i];
        const std::string type = i < type_of_respondent.size() && !type_of_respondent[i].empty()
                                     ? type_of_respondent[i]
                                     : "overig";
        for (Acc* a : {&acc[{type, y}], &acc[{"nederland", y}], &country[y]}) {
            ++a->n;
            a->sum += rating[i];
        }
    }
    Column type("region_type", ColumnType::kText), year("year", ColumnType::kInt),
        n("respondents", ColumnType::kInt), mean("mean_rating", ColumnType::kReal),
        against("against_country", ColumnType::kReal);
    for (const auto& [key, a] : acc) {
        const Acc& c = country[key.second];
        type.push_text(key.first);
        year.push_int(key.second);
        n.push_int(a.n);
        const double m = a.n > 0 ? a.sum / static_cast<double>(a.n) : kNaN;
        push_real_or_missing(mean, m);
        push_real_or_missing(against, c.n > 0 ? m - c.sum / static_cast<double>(c.n) : kNaN);
    }
    return table_of({std::move(type), std::move(year), std::move(n), std::move(mean), std::move(against)});
}

Table development_by_city(const AreaScores& areas, std::span<const std::int32_t> city_of_area,
                          const std::vector<City>& cities, int from_year, int to_year,
                          const PictureOptions& options) {
    Column code("city", ColumnType::kText), name("name", ColumnType::kText),
        group("group", ColumnType::kText), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt), n("areas", ColumnType::kInt),
        onv_n("onvoldoende_areas", ColumnType::kInt), onv_change("onvoldoende_change", ColumnType::kReal),
        good_n("good_areas", ColumnType::kInt), good_change("good_change", ColumnType::kReal),
        gap("gap", ColumnType::kReal), catch_up("weak_catch_up", ColumnType::kInt);
    const auto y0 = std::find(areas.years.begin(), areas.years.end(), from_year);
    const auto y1 = std::find(areas.years.begin(), areas.years.end(), to_year);
    struct Acc {
        std::size_t all = 0, onv = 0, good = 0;
        double onv_change = 0, good_change = 0;
    };
    std::vector<Acc> acc(cities.size());
    if (y0 != areas.years.end() && y1 != areas.years.end()) {
        const auto i0 = static_cast<std::size_t>(y0 - areas.years.begin());
        const auto i1 = static_cast<std::size_t>(y1 - areas.years.begin());
        for (std::size_t a = 0; a < areas.codes.size() && a < city_of_area.size(); ++a) {
            const std::int32_t c = city_of_area[a];
            if (c < 0 || static_cast<std::size_t>(c) >= cities.size()) continue;
            const std::size_t i = areas.at(a, i0), j = areas.at(a, i1);
            if (areas.cls[i] == 0 || areas.cls[j] == 0) continue;
            Acc& x = acc[static_cast<std::size_t>(c)];
            const double d = areas.score[j] - areas.score[i];
            const int k = areas.cls[i];
            ++x.all;
            if (k <= options.onvoldoende_max_class) {
                ++x.onv;
                x.onv_change += d;
            } else if (k >= options.good_min_class && k <= options.city_good_max_class) {
                ++x.good;
                x.good_change += d;
            }
        }
    }
    for (std::size_t c = 0; c < cities.size(); ++c) {
        const Acc& x = acc[c];
        code.push_text(cities[c].code);
        name.push_text(cities[c].name);
        group.push_text(cities[c].group);
        from.push_int(from_year);
        to.push_int(to_year);
        n.push_int(static_cast<std::int64_t>(x.all));
        onv_n.push_int(static_cast<std::int64_t>(x.onv));
        good_n.push_int(static_cast<std::int64_t>(x.good));
        const double onv = x.onv > 0 ? x.onv_change / static_cast<double>(x.onv) : kNaN;
        const double good = x.good > 0 ? x.good_change / static_cast<double>(x.good) : kNaN;
        push_real_or_missing(onv_change, onv);
        push_real_or_missing(good_change, good);
        push_real_or_missing(gap, onv - good);
        if (std::isfinite(onv - good)) {
            catch_up.push_int(onv > good ? 1 : 0);
        } else {
            catch_up.push_missing(Missing::kEmpty);
        }
    }
    return table_of({std::move(code), std::move(name), std::move(group), std::move(from), std::move(to),
                     std::move(n), std::move(onv_n), std::move(onv_change), std::move(good_n),
                     std::move(good_change), std::move(gap), std::move(catch_up)});
}

Table regions_against_country(const AreaScores& regions, std::span<const std::string> type_of_region,
                              std::span<const std::string> excluded, const PictureOptions& options,
                              std::span<const std::string> dimensions) {
    const std::size_t ny = regions.years.size();
    const std::size_t nd = std::min(dimensions.size(), regions.dims.size());
    struct Acc {
        std::size_t regions = 0;
        double residents = 0, weighted = 0, weight = 0, onv = 0;
        std::vector<double> dims;  // weighted sums of the dimension contributions
    };
    std::map<std::string, std::vector<Acc>> acc;
    const auto add = [&](const std::string& type, std::size_t a) {
        auto& v = acc[type];
        v.resize(ny);
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t i = regions.at(a, y);
            Acc& x = v[y];
            x.dims.resize(nd, 0.0);
            ++x.regions;
            x.residents += regions.residents[i];
            if (std::isfinite(regions.score[i]) && regions.weight[i] > 0) {
                x.weighted += regions.weight[i] * regions.score[i];
                x.weight += regions.weight[i];
                for (std::size_t d = 0; d < nd; ++d) x.dims[d] += regions.weight[i] * regions.dims[d][i];
            }
            for (int k = 1; k <= options.onvoldoende_max_class; ++k)
                x.onv += regions.res_by_class[i][static_cast<std::size_t>(k - 1)];
        }
    };
    for (std::size_t a = 0; a < regions.codes.size(); ++a) {
        add("nederland", a);
        if (std::find(excluded.begin(), excluded.end(), regions.codes[a]) != excluded.end()) continue;
        const std::string type =
            a < type_of_region.size() && !type_of_region[a].empty() ? type_of_region[a] : "overig";
        add(type, a);
    }
    Column type("region_type", ColumnType::kText), year("year", ColumnType::kInt),
        n("regions", ColumnType::kInt), residents("residents", ColumnType::kReal),
        mean("mean_score", ColumnType::kReal), onv("onvoldoende_share", ColumnType::kReal),
        change("change_since_first", ColumnType::kReal), against("against_country", ColumnType::kReal),
        main("main_dimension", ColumnType::kText);
    // Per dimension: the type's weighted mean contribution minus the country's; they add up to
    // against_country. main_dimension: the largest of them in the direction of against_country.
    std::vector<Column> dim_against;
    for (std::size_t d = 0; d < nd; ++d)
        dim_against.emplace_back("against_country_" + dimensions[d], ColumnType::kReal);
    const std::vector<Acc>& country = acc["nederland"];
    for (const auto& [t, v] : acc) {
        const double first = v.front().weight > 0 ? v.front().weighted / v.front().weight : kNaN;
        for (std::size_t y = 0; y < ny; ++y) {
            const Acc& x = v[y];
            const double m = x.weight > 0 ? x.weighted / x.weight : kNaN;
            const double cm = country[y].weight > 0 ? country[y].weighted / country[y].weight : kNaN;
            type.push_text(t);
            year.push_int(regions.years[y]);
            n.push_int(static_cast<std::int64_t>(x.regions));
            residents.push_real(x.residents);
            push_real_or_missing(mean, m);
            push_real_or_missing(onv, x.residents > 0 ? x.onv / x.residents : kNaN);
            push_real_or_missing(change, m - first);
            push_real_or_missing(against, m - cm);
            const double sign = std::isfinite(m - cm) && m != cm ? (m > cm ? 1.0 : -1.0) : 0.0;
            std::size_t best = nd;
            double largest = 0;
            for (std::size_t d = 0; d < nd; ++d) {
                const double gap = x.weight > 0 && country[y].weight > 0
                                       ? x.dims[d] / x.weight - country[y].dims[d] / country[y].weight
                                       : kNaN;
                push_real_or_missing(dim_against[d], gap);
                if (std::isfinite(gap) && sign * gap > largest) {
                    largest = sign * gap;
                    best = d;
                }
            }
            main.push_text(best < nd ? dimensions[best] : "");
        }
    }
    std::vector<Column> cols;
    for (Column* c : {&type, &year, &n, &residents, &mean, &onv, &change, &against, &main})
        cols.push_back(std::move(*c));
    for (auto& c : dim_against) cols.push_back(std::move(c));
    return table_of(std::move(cols));
}

}  // namespace wz::monitor
