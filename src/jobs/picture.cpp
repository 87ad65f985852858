#include "jobs/picture.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "core/error.hpp"
#include "geo/assign.hpp"
#include "io/store.hpp"
#include "jobs/area_scores.hpp"
#include "jobs/stored_scores.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace wz::jobs {
namespace {

// The cities (gemeenten of a city group other than "overig"), by group and name, with their names from
// the store's gemeente layer, and the development of their areas.
Table development_per_city(const std::string& store, const monitor::AreaScores& areas, Level level,
                           const std::map<std::string, std::string>& group_of, int from, int to,
                           const monitor::PictureOptions& po) {
    std::map<std::string, std::string> name_of;
    if (!area_vintages(store, Level::kGemeente).empty())
        for (const Area& a : read_area_layer(store, Level::kGemeente, 0).areas) name_of[a.code] = a.name;
    std::vector<monitor::City> cities;
    for (const auto& [code, group] : group_of) {
        if (group.empty() || group == "overig" || group == "geen") continue;
        const auto n = name_of.find(code);
        cities.push_back({code, n != name_of.end() ? n->second : std::string(), group});
    }
    std::sort(cities.begin(), cities.end(), [](const monitor::City& a, const monitor::City& b) {
        return std::tie(a.group, a.name, a.code) < std::tie(b.group, b.name, b.code);
    });
    std::map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < cities.size(); ++i) index[cities[i].code] = static_cast<std::int32_t>(i);
    std::vector<std::int32_t> city_of(areas.codes.size(), -1);
    for (std::size_t a = 0; a < areas.codes.size(); ++a) {
        const std::string gm = level == Level::kGemeente
                                   ? areas.codes[a]
                                   : parent_code_from_code(areas.codes[a], Level::kGemeente).value_or("");
        if (const auto it = index.find(gm); it != index.end()) city_of[a] = it->second;
    }
    return monitor::development_by_city(areas, city_of, cities, from, to, po);
}

}  // namespace

Picture national_picture(const std::string& store, const PictureOptions& args) {
    for (const auto& [option, spec] :
         {std::pair{"--urbanity", &args.urbanity}, std::pair{"--survey", &args.survey}})
        if (!spec->empty() && spec->find(':') == std::string::npos)
            throw UsageError(fmt::format("{}: '{}': expected DATASET:COLUMN", option, *spec));
    const auto level = parse_level(args.level);
    if (!level || *level == Level::kGrid || *level == Level::kPc4) {
        throw UsageError(
            fmt::format("--level: '{}' is not an area level with scores (buurt, wijk, gemeente, "
                        "corop_plus, corop, provincie)",
                        args.level));
    }
    const StoredAreaScores stored = read_area_scores(store, *level);
    const std::vector<std::string>& dims = stored.dimensions;
    const monitor::AreaScores& areas = stored.areas;
    Table years = read_dataset(store, "picture_years").table;
    const Table classes = read_dataset(store, "picture_classes").table;
    monitor::PictureOptions po;
    po.onvoldoende_area_residents = args.onvoldoende_residents;
    // Onvoldoende areas at the requested level replace the stored (buurt) count.
    const monitor::AreaCounts counts = monitor::count_onvoldoende_areas(areas, po);
    {
        Column onv("onvoldoende_areas", ColumnType::kInt), pop("areas_populated", ColumnType::kInt);
        const Column& y = years.column("year");
        for (std::size_t r = 0; r < years.row_count(); ++r) {
            const auto it = std::find(areas.years.begin(), areas.years.end(), static_cast<int>(y.int_at(r)));
            if (it == areas.years.end()) {
                onv.push_missing(Missing::kEmpty);
                pop.push_missing(Missing::kEmpty);
                continue;
            }
            const auto i = static_cast<std::size_t>(it - areas.years.begin());
            onv.push_int(counts.onvoldoende[i]);
            pop.push_int(counts.populated[i]);
        }
        for (Column& c : years.columns()) {
            if (c.name() == "onvoldoende_areas") c = std::move(onv);
            if (c.name() == "areas_populated") c = std::move(pop);
        }
    }
    // The country's level of every dimension and indicator part per year (for the absolute changes by group),
    // when picture_years has the areas' years in order.
    std::vector<std::vector<double>> national;
    {
        const Column& y = years.column("year");
        bool aligned = years.row_count() == areas.years.size();
        for (std::size_t r = 0; aligned && r < years.row_count(); ++r)
            aligned = static_cast<int>(y.int_at(r)) == areas.years[r];
        if (aligned) national = monitor::national_levels(years, dims, areas.part_names);
    }
    const int from = args.from != 0 ? args.from : areas.years.front();
    const int to = args.to != 0 ? args.to : areas.years.back();
    Table groups, regions, cities, dimension_groups;
    if (const auto group_of = values_by_code(store, args.groups); !group_of.empty()) {
        std::vector<std::string> g(areas.codes.size());
        for (std::size_t a = 0; a < areas.codes.size(); ++a) {
            const std::string gm = *level == Level::kGemeente
                                       ? areas.codes[a]
                                       : parent_code_from_code(areas.codes[a], Level::kGemeente).value_or("");
            const auto it = group_of.find(gm);
            if (it != group_of.end()) g[a] = it->second;
        }
        groups = monitor::development_by_group(areas, g, from, to);
        cities = development_per_city(store, areas, *level, group_of, from, to, po);
        dimension_groups = monitor::dimensions_by_group(areas, g, dims, national);
    }
    // Regions by type: COROP-plus regions, and the designated sets of gemeenten (krimp- and
    // anticipeerregio's are sets of gemeenten) when the types are given per gemeente too.
    Table regions_gm;
    const std::map<std::string, std::string> type_of = values_by_code(store, args.regions);
    if (!type_of.empty()) {
        const std::optional<Dataset> cp = find_dataset(store, "score_corop_plus");
        const std::optional<Dataset> gm = find_dataset(store, "score_gemeente");
        std::optional<monitor::AreaScores> rc, rg;
        if (cp) rc = monitor::area_scores_from_table(cp->table, Level::kCoropPlus, dims);
        if (gm) rg = monitor::area_scores_from_table(gm->table, Level::kGemeente, dims);
        const auto has = [](const std::optional<monitor::AreaScores>& r, const std::string& code) {
            return r && std::find(r->codes.begin(), r->codes.end(), code) != r->codes.end();
        };
        for (const auto& code : args.exclude) {
            if (!has(rc, code) && !has(rg, code))
                throw UsageError(
                    fmt::format("--exclude: '{}' is not a COROP-plus region or gemeente with scores", code));
        }
        const auto types = [&](const monitor::AreaScores& r, std::size_t& typed) {
            std::vector<std::string> type(r.codes.size());
            for (std::size_t a = 0; a < r.codes.size(); ++a) {
                const auto it = type_of.find(r.codes[a]);
                if (it == type_of.end()) continue;
                ++typed;
                if (it->second != "geen") type[a] = it->second;
            }
            return type;
        };
        if (rc) {
            std::size_t typed = 0;
            const auto type = types(*rc, typed);
            regions = monitor::regions_against_country(*rc, type, args.exclude, po, dims);
        }
        if (rg) {
            std::size_t typed = 0;
            const auto type = types(*rg, typed);
            if (typed > 0) regions_gm = monitor::regions_against_country(*rg, type, args.exclude, po, dims);
        }
    }
    // The survey's rating by region type (by gemeente where the types are given per gemeente, else by
    // COROP-plus region): respondents' cells assigned to buurten by their centre.
    Table survey_regions;
    if (!type_of.empty()) {
        const auto colon = args.survey.find(':');
        const std::optional<Dataset> sv =
            colon == std::string::npos ? std::nullopt : find_dataset(store, args.survey.substr(0, colon));
        if (sv && sv->table.find(args.survey.substr(colon + 1)) != nullptr &&
            sv->table.find("code") != nullptr && sv->table.find("year") != nullptr &&
            !area_vintages(store, Level::kBuurt).empty()) {
            const AreaLayer buurten = read_area_layer(store, Level::kBuurt, 0);
            const Column& code = sv->table.column("code");
            const Column& yr = sv->table.column("year");
            const Column& rating = sv->table.column(args.survey.substr(colon + 1));
            std::vector<GridCell> cells;
            std::vector<std::int32_t> cell_of(sv->table.row_count(), -1);
            std::map<std::string, std::int32_t> index;
            for (std::size_t r = 0; r < sv->table.row_count(); ++r) {
                const auto cell = parse_grid_cell(code.to_text(r));
                if (!cell) continue;
                auto [it, added] = index.emplace(code.to_text(r), static_cast<std::int32_t>(cells.size()));
                if (added) cells.push_back(*cell);
                cell_of[r] = it->second;
            }
            std::vector<std::vector<std::uint8_t>> polys;
            polys.reserve(buurten.areas.size());
            for (const Area& a : buurten.areas) polys.push_back(a.wkb);
            const geo::CellAssignment where = geo::assign_cells_by_centre(cells, polys);
            bool by_gemeente = false;
            for (const auto& [c, t] : type_of) by_gemeente = by_gemeente || c.rfind("GM", 0) == 0;
            std::vector<int> survey_years;
            std::vector<double> ratings;
            std::vector<std::string> types;
            for (std::size_t r = 0; r < sv->table.row_count(); ++r) {
                survey_years.push_back(static_cast<int>(yr.int_at(r)));
                ratings.push_back(rating.number_at(r));
                std::string type;
                const std::int32_t b = cell_of[r] < 0 ? -1 : where.area[static_cast<std::size_t>(cell_of[r])];
                if (b >= 0) {
                    const Area& a = buurten.areas[static_cast<std::size_t>(b)];
                    const std::string region = by_gemeente ? a.gemeente : a.corop_plus;
                    if (const auto it = type_of.find(region); it != type_of.end() && it->second != "geen")
                        type = it->second;
                }
                types.push_back(type);
            }
            survey_regions = monitor::survey_by_region_type(survey_years, ratings, types);
        }
    }
    // Safety (and every dimension) by urbanity class of the areas (CBS stedelijkheid 1-5), where known.
    Table urbanity;
    {
        const auto colon = args.urbanity.find(':');
        const std::optional<Dataset> ds =
            colon == std::string::npos ? std::nullopt : find_dataset(store, args.urbanity.substr(0, colon));
        if (ds && ds->table.find(args.urbanity.substr(colon + 1)) != nullptr) {
            const auto class_of = values_by_code(store, args.urbanity);
            std::vector<std::string> u(areas.codes.size());
            for (std::size_t a = 0; a < areas.codes.size(); ++a) {
                const auto it = class_of.find(areas.codes[a]);
                if (it != class_of.end() && !it->second.empty()) u[a] = "stedelijkheid " + it->second;
            }
            urbanity = monitor::dimensions_by_group(areas, u, dims, national);
        } else if (!args.urbanity.empty()) {
            spdlog::info("no urbanity classes ({}): dimensions by urbanity are left out", args.urbanity);
        }
    }
    Picture p;
    p.level = *level;
    p.from = from;
    p.to = to;
    p.years = std::move(years);
    p.classes = classes;
    p.groups = std::move(groups);
    p.regions = std::move(regions);
    p.regions_gemeenten = std::move(regions_gm);
    p.dimension_urbanity = std::move(urbanity);
    p.survey_regions = std::move(survey_regions);
    p.cities = std::move(cities);
    p.dimension_groups = std::move(dimension_groups);
    if (has_dataset(store, "picture_indicators"))
        p.indicators = read_dataset(store, "picture_indicators").table;
    return p;
}

}  // namespace wz::jobs
