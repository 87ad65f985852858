#include "jobs/picture.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "jobs/area_scores.hpp"
#include "jobs/stored_scores.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace wz::jobs {
namespace {

void check_class_groups(const monitor::CityDevelopmentOptions& o) {
    const auto in = [](int k) { return k >= 1 && k <= 9; };
    if (!in(o.weak_max_class) || !in(o.strong_min_class) || !in(o.strong_max_class) ||
        o.strong_min_class > o.strong_max_class || o.weak_max_class >= o.strong_min_class) {
        throw UsageError(fmt::format(
            "--weak-max-class {}, --strong-min-class {}, --strong-max-class {}: expected classes 1..9, the "
            "weak ones below the strong ones",
            o.weak_max_class, o.strong_min_class, o.strong_max_class));
    }
}

// DATASET:COLUMN values by code, or nothing when the dataset or the column is absent (optional data).
std::map<std::string, std::string> optional_values_by_code(const std::string& store,
                                                           const std::string& spec) {
    const auto colon = spec.find(':');
    if (spec.empty() || colon == std::string::npos) return {};
    const std::optional<Dataset> ds = find_dataset(store, spec.substr(0, colon));
    if (!ds || ds->table.find(spec.substr(colon + 1)) == nullptr) return {};
    return values_by_code(store, spec);
}

// Region types by code: DATASET:COLUMN in the store, or a CSV file with columns code and region_type
// (a user-supplied list of gemeenten, e.g. the designated krimp- and anticipeerregio's).
std::map<std::string, std::string> region_types(const std::string& store, const std::string& spec) {
    if (spec.size() > 4 && spec.substr(spec.size() - 4) == ".csv") {
        if (!std::filesystem::exists(spec))
            throw NotFoundError(fmt::format("--regions: '{}' does not exist", spec));
        const Table t = read_table_csv(spec, {"code", "region_type"});
        const Column* code = t.find("code");
        const Column* type = t.find("region_type");
        if (code == nullptr || type == nullptr) {
            std::string names;
            for (const auto& c : t.columns()) names += (names.empty() ? "" : ",") + c.name();
            throw InputError(spec, 1, 1, "columns 'code' and 'region_type'", names);
        }
        std::map<std::string, std::string> out;
        for (std::size_t r = 0; r < t.row_count(); ++r) out[code->to_text(r)] = type->to_text(r);
        return out;
    }
    return values_by_code(store, spec);
}

}  // namespace

Picture national_picture(const std::string& store, const PictureOptions& args) {
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
    const int from = args.from != 0 ? args.from : areas.years.front();
    const int to = args.to != 0 ? args.to : areas.years.back();
    if (*level == Level::kCoropPlus || *level == Level::kCorop || *level == Level::kProvincie ||
        *level == Level::kNederland) {
        // Cities are gemeenten: the development by group and per city needs buurten, wijken or gemeenten.
        spdlog::info("picture: no development by city group at level {} (areas larger than a gemeente)",
                     level_name(*level));
    }
    const auto region_level = parse_level(args.region_level);
    if (!region_level || (*region_level != Level::kGemeente && *region_level != Level::kCoropPlus)) {
        throw UsageError(
            fmt::format("--region-level: '{}' is not gemeente or corop_plus", args.region_level));
    }
    check_class_groups(args.city);
    Table groups, cities, regions;
    if (const auto group_of = values_by_code(store, args.groups); !group_of.empty()) {
        std::vector<std::string> g(areas.codes.size()), city(areas.codes.size());
        for (std::size_t a = 0; a < areas.codes.size(); ++a) {
            city[a] = *level == Level::kGemeente
                          ? areas.codes[a]
                          : parent_code_from_code(areas.codes[a], Level::kGemeente).value_or("");
            const auto it = group_of.find(city[a]);
            if (it != group_of.end()) g[a] = it->second;
        }
        groups = monitor::development_by_group(areas, g, from, to);
        cities =
            monitor::development_by_city(areas, city, group_of, optional_values_by_code(store, args.names),
                                         args.cities, from, to, args.city);
    }
    const std::string region_dataset = "score_" + std::string(level_name(*region_level));
    if (const std::optional<Dataset> rs = find_dataset(store, region_dataset)) {
        if (const auto type_of = region_types(store, args.regions); !type_of.empty()) {
            const monitor::AreaScores r = monitor::area_scores_from_table(rs->table, *region_level, dims);
            for (const auto& code : args.exclude) {
                if (std::find(r.codes.begin(), r.codes.end(), code) == r.codes.end()) {
                    throw UsageError(
                        fmt::format("--exclude: '{}' is not a {} with scores (--region-level {})", code,
                                    level_name(*region_level), level_name(*region_level)));
                }
            }
            std::vector<std::string> type(r.codes.size());
            for (std::size_t a = 0; a < r.codes.size(); ++a) {
                const auto it = type_of.find(r.codes[a]);
                if (it != type_of.end() && it->second != "geen") type[a] = it->second;
            }
            regions = monitor::regions_against_country(r, type, args.exclude, po, dims);
        }
    }
    Picture p;
    p.level = *level;
    p.region_level = *region_level;
    p.from = from;
    p.to = to;
    p.years = std::move(years);
    p.classes = classes;
    p.groups = std::move(groups);
    p.cities = std::move(cities);
    p.regions = std::move(regions);
    return p;
}

}  // namespace wz::jobs
