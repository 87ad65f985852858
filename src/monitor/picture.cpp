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
        push_real_or_missing(cols[c++], scores.national_mean[y] - scores.national_mean[y - 1]);
        push_real_or_missing(cols[c++], t.onv * share - (p.residents > 0 ? p.onv / p.residents : kNaN));
        // The driver: the dimension that moved furthest in the direction of the total change (a dimension
        // that moved against the total does not explain it), with its share of the total change.
        const double total = scores.national_mean[y] - scores.national_mean[y - 1];
        const double sign = total < 0 ? -1.0 : 1.0;
        std::size_t driver = 0;
        double largest = -std::numeric_limits<double>::infinity();
        for (std::size_t d = 0; d < dimensions.size(); ++d) {
            const double ch = scores.national_dim_mean[y][d] - scores.national_dim_mean[y - 1][d];
            push_real_or_missing(cols[c++], ch);
            if (std::isfinite(ch) && sign * ch > largest) {
                largest = sign * ch;
                driver = d;
            }
        }
        const bool found = std::isfinite(largest);
        cols[c++].push_text(found ? dimensions[driver] : "");
        push_real_or_missing(cols[c++], found && total != 0 ? sign * largest / total : kNaN);
    }
    return table_of(std::move(cols));
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

Table development_by_city(const AreaScores& areas, std::span<const std::string> city_of_area,
                          const std::map<std::string, std::string>& group_of_city,
                          const std::map<std::string, std::string>& name_of_city,
                          std::span<const std::string> groups, int from_year, int to_year,
                          const CityDevelopmentOptions& options) {
    Column city("city", ColumnType::kText), name("name", ColumnType::kText),
        group("group", ColumnType::kText), weak_n("weak_areas", ColumnType::kInt),
        weak_change("weak_mean_change", ColumnType::kReal), strong_n("strong_areas", ColumnType::kInt),
        strong_change("strong_mean_change", ColumnType::kReal), gap("gap", ColumnType::kReal),
        verdict("verdict", ColumnType::kText), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt);
    const auto y0 = std::find(areas.years.begin(), areas.years.end(), from_year);
    const auto y1 = std::find(areas.years.begin(), areas.years.end(), to_year);
    struct Acc {
        std::size_t weak = 0, strong = 0;
        double weak_change = 0, strong_change = 0;
    };
    std::map<std::pair<std::string, std::string>, Acc> acc;  // (group, city)
    if (y0 != areas.years.end() && y1 != areas.years.end()) {
        const auto i0 = static_cast<std::size_t>(y0 - areas.years.begin());
        const auto i1 = static_cast<std::size_t>(y1 - areas.years.begin());
        // Every listed city gets a row, even one without areas on either side.
        for (const auto& [c, g] : group_of_city)
            if (std::find(groups.begin(), groups.end(), g) != groups.end()) acc[{g, c}];
        for (std::size_t a = 0; a < areas.codes.size() && a < city_of_area.size(); ++a) {
            const auto g = group_of_city.find(city_of_area[a]);
            if (g == group_of_city.end() ||
                std::find(groups.begin(), groups.end(), g->second) == groups.end())
                continue;
            const std::size_t i = areas.at(a, i0), j = areas.at(a, i1);
            if (areas.cls[i] == 0 || areas.cls[j] == 0) continue;
            const int k = areas.cls[i];
            const double ch = areas.score[j] - areas.score[i];
            Acc& x = acc[{g->second, city_of_area[a]}];
            if (k <= options.weak_max_class) {
                ++x.weak;
                x.weak_change += ch;
            } else if (k >= options.strong_min_class && k <= options.strong_max_class) {
                ++x.strong;
                x.strong_change += ch;
            }
        }
    }
    for (const auto& [key, x] : acc) {
        city.push_text(key.second);
        const auto nm = name_of_city.find(key.second);
        name.push_text(nm == name_of_city.end() ? std::string() : nm->second);
        group.push_text(key.first);
        weak_n.push_int(static_cast<std::int64_t>(x.weak));
        strong_n.push_int(static_cast<std::int64_t>(x.strong));
        const double w = x.weak > 0 ? x.weak_change / static_cast<double>(x.weak) : kNaN;
        const double s = x.strong > 0 ? x.strong_change / static_cast<double>(x.strong) : kNaN;
        push_real_or_missing(weak_change, w);
        push_real_or_missing(strong_change, s);
        push_real_or_missing(gap, w - s);
        verdict.push_text(!std::isfinite(w - s) ? "no comparison"
                          : w - s > 0           ? "weak catch up"
                          : w - s < 0           ? "weak lag behind"
                                                : "equal");
        from.push_int(from_year);
        to.push_int(to_year);
    }
    return table_of({std::move(city), std::move(name), std::move(group), std::move(weak_n),
                     std::move(weak_change), std::move(strong_n), std::move(strong_change), std::move(gap),
                     std::move(verdict), std::move(from), std::move(to)});
}

Table regions_against_country(const AreaScores& regions, std::span<const std::string> type_of_region,
                              std::span<const std::string> excluded, const PictureOptions& options,
                              const std::vector<std::string>& dimensions) {
    const std::size_t ny = regions.years.size();
    const std::size_t nd = std::min(dimensions.size(), regions.dims.size());
    struct Acc {
        std::size_t regions = 0;
        double residents = 0, weighted = 0, weight = 0, onv = 0;
        std::vector<double> dims;
    };
    std::map<std::string, std::vector<Acc>> acc;
    const auto add = [&](const std::string& type, std::size_t a) {
        auto& v = acc[type];
        v.resize(ny);
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t i = regions.at(a, y);
            Acc& x = v[y];
            ++x.regions;
            x.residents += regions.residents[i];
            x.dims.resize(nd, 0.0);
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
        change("change_since_first", ColumnType::kReal), against("against_country", ColumnType::kReal);
    std::vector<Column> dim_mean, dim_against, dim_change;
    for (std::size_t d = 0; d < nd; ++d) {
        dim_mean.emplace_back(dimensions[d], ColumnType::kReal);
        dim_against.emplace_back(dimensions[d] + "_against_country", ColumnType::kReal);
        dim_change.emplace_back(dimensions[d] + "_change", ColumnType::kReal);
    }
    const std::vector<Acc>& country = acc["nederland"];
    for (const auto& [t, v] : acc) {
        const double first = v.front().weight > 0 ? v.front().weighted / v.front().weight : kNaN;
        for (std::size_t y = 0; y < ny; ++y) {
            const Acc& x = v[y];
            const double m = x.weight > 0 ? x.weighted / x.weight : kNaN;
            const double cm = country[y].weight > 0 ? country[y].weighted / country[y].weight : kNaN;
            for (std::size_t d = 0; d < nd; ++d) {
                const auto mean_of = [&](const Acc& q) { return q.weight > 0 ? q.dims[d] / q.weight : kNaN; };
                push_real_or_missing(dim_mean[d], mean_of(x));
                push_real_or_missing(dim_against[d], mean_of(x) - mean_of(country[y]));
                push_real_or_missing(dim_change[d], mean_of(x) - mean_of(v.front()));
            }
            type.push_text(t);
            year.push_int(regions.years[y]);
            n.push_int(static_cast<std::int64_t>(x.regions));
            residents.push_real(x.residents);
            push_real_or_missing(mean, m);
            push_real_or_missing(onv, x.residents > 0 ? x.onv / x.residents : kNaN);
            push_real_or_missing(change, m - first);
            push_real_or_missing(against, m - cm);
        }
    }
    std::vector<Column> cols;
    for (Column* c : {&type, &year, &n, &residents, &mean, &onv, &change, &against})
        cols.push_back(std::move(*c));
    for (std::size_t d = 0; d < nd; ++d) {
        cols.push_back(std::move(dim_mean[d]));
        cols.push_back(std::move(dim_against[d]));
        cols.push_back(std::move(dim_change[d]));
    }
    return table_of(std::move(cols));
}

}  // namespace wz::monitor
