#include "jobs/picture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/area_scores.hpp"
#include "jobs/stored_scores.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace wz::jobs {

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
    Table groups, regions;
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
    }
    if (const std::optional<Dataset> cp = find_dataset(store, "score_corop_plus")) {
        if (const auto type_of = values_by_code(store, args.regions); !type_of.empty()) {
            const monitor::AreaScores r = monitor::area_scores_from_table(cp->table, Level::kCoropPlus, dims);
            for (const auto& code : args.exclude) {
                if (std::find(r.codes.begin(), r.codes.end(), code) == r.codes.end()) {
                    throw UsageError(
                        fmt::format("--exclude: '{}' is not a COROP-plus region with scores", code));
                }
            }
            std::vector<std::string> type(r.codes.size());
            for (std::size_t a = 0; a < r.codes.size(); ++a) {
                const auto it = type_of.find(r.codes[a]);
                if (it != type_of.end() && it->second != "geen") type[a] = it->second;
            }
            regions = monitor::regions_against_country(r, type, args.exclude, po);
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
    return p;
}

}  // namespace wz::jobs
