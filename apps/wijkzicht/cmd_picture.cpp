// wijkzicht picture: the national picture from stored scores (run `wijkzicht score` first, or score
// published cell scores): shares per class and year, onvoldoende areas at a chosen level, development by
// city group and starting class, regions with population decline against the country.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"
#include "picture_print.hpp"
#include "stored_scores.hpp"

namespace wz::app {
namespace {

struct PictureArgs {
    std::string store, level = "buurt", groups = "regio_kenmerken:Stedenklasse",
                       regions = "regio_kenmerken:Bevolkingsdaling", out_dir;
    std::vector<std::string> exclude;
    int from = 0, to = 0;
    double onvoldoende_residents = 100;
    bool json = false;
};

int run_picture(const PictureArgs& args) {
    const auto level = parse_level(args.level);
    if (!level || *level == Level::kGrid || *level == Level::kPc4) {
        throw UsageError(
            fmt::format("--level: '{}' is not an area level with scores (buurt, wijk, gemeente, "
                        "corop_plus, corop, provincie)",
                        args.level));
    }
    const std::string name = fmt::format("score_{}", level_name(*level));
    const Dataset scores = read_dataset(args.store, name);
    const std::vector<std::string> dims = score_dimensions(scores.table);
    const monitor::AreaScores areas = monitor::area_scores_from_table(scores.table, *level, dims);
    if (areas.years.empty()) throw UsageError(fmt::format("dataset '{}' has no rows", name));
    Table years = read_dataset(args.store, "picture_years").table;
    const Table classes = read_dataset(args.store, "picture_classes").table;
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
    if (const auto group_of = values_by_code(args.store, args.groups); !group_of.empty()) {
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
    Dataset cp;
    bool have_cp = true;
    try {
        cp = read_dataset(args.store, "score_corop_plus");
    } catch (const UsageError&) {
        have_cp = false;
    }
    if (have_cp) {
        if (const auto type_of = values_by_code(args.store, args.regions); !type_of.empty()) {
            const monitor::AreaScores r = monitor::area_scores_from_table(cp.table, Level::kCoropPlus, dims);
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
    if (!args.out_dir.empty()) {
        std::filesystem::create_directories(args.out_dir);
        const auto out = [&](const Table& t, const char* n) {
            if (t.column_count() > 0) write_table_csv(t, (std::filesystem::path(args.out_dir) / n).string());
        };
        out(years, "picture_years.csv");
        out(classes, "picture_classes.csv");
        out(groups, "picture_groups.csv");
        out(regions, "picture_regions.csv");
    }
    if (args.json) {
        nlohmann::json j = {{"level", level_name(*level)},
                            {"years", table_json(years)},
                            {"classes", table_json(classes)},
                            {"development_by_group", table_json(groups)},
                            {"regions", table_json(regions)},
                            {"excluded_regions", args.exclude},
                            {"from_year", from},
                            {"to_year", to}};
        std::cout << j.dump(2) << '\n';
        return 0;
    }
    print_picture(std::cout, years, classes);
    if (groups.row_count() > 0) {
        std::cout << fmt::format("\nDevelopment {}-{} of {} by city group and starting class\n", from, to,
                                 level_name(*level));
        std::cout << fmt::format("{:<28} {:>5} {:>6} {:>10} {:>10}\n", "group", "class", "areas", "start",
                                 "change");
        const Column& g = groups.column("group");
        for (std::size_t r = 0; r < groups.row_count(); ++r) {
            const auto num = [&](const char* c, const char* f) {
                const Column& col = groups.column(c);
                return col.is_missing(r) ? std::string("-") : fmt::format(fmt::runtime(f), col.number_at(r));
            };
            std::cout << fmt::format("{:<28} {:>5} {:>6} {:>10} {:>10}\n", g.text_at(r),
                                     num("start_class", "{:.0f}"), num("areas", "{:.0f}"),
                                     num("mean_start_score", "{:.4f}"), num("mean_change", "{:+.4f}"));
        }
    }
    if (regions.row_count() > 0) {
        std::cout << "\nRegions against the country (COROP-plus)\n";
        std::cout << fmt::format("{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}\n", "type", "year", "regions",
                                 "residents", "mean", "onv.%", "vs NL");
        for (std::size_t r = 0; r < regions.row_count(); ++r) {
            const auto num = [&](const char* c, const char* f, double scale) {
                const Column& col = regions.column(c);
                return col.is_missing(r) ? std::string("-")
                                         : fmt::format(fmt::runtime(f), col.number_at(r) * scale);
            };
            std::cout << fmt::format(
                "{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}\n", regions.column("region_type").text_at(r),
                regions.column("year").int_at(r), num("regions", "{:.0f}", 1), num("residents", "{:.0f}", 1),
                num("mean_score", "{:.4f}", 1), num("onvoldoende_share", "{:.2f}", 100),
                num("against_country", "{:+.4f}", 1));
        }
    }
    return 0;
}

}  // namespace

void add_picture_command(CLI::App& app, Action& action);
void add_picture_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<PictureArgs>();
    CLI::App* cmd = app.add_subcommand(
        "picture",
        "The national picture (report 'Leefbaarheid in Nederland'), from the scores `wijkzicht score` "
        "stored:\n"
        "per year the residents and share per class, onvoldoende (classes 1-3), zwak (4), ruim voldoende or "
        "better (6-9),\nthe number of onvoldoende areas at --level (at least 100 residents in onvoldoende "
        "cells), the change from\nthe previous year split into dimensions (driver = the largest), "
        "development "
        "of areas by city group (G4, G40,\noverig) and starting class, and COROP-plus regions with "
        "population "
        "decline against the country.\nExample: wijkzicht picture --store nl.gpkg --level buurt --exclude "
        "CP0101 "
        "--json");
    cmd->add_option("--store", a->store, "The results store")->required();
    cmd->add_option("--level", a->level, "Level of the onvoldoende areas and of the development by group")
        ->capture_default_str();
    cmd->add_option("--exclude", a->exclude, "COROP-plus region(s) to leave out of their region type");
    cmd->add_option("--from", a->from, "First year of the development by group (default: the first)");
    cmd->add_option("--to", a->to, "Last year of the development by group (default: the last)");
    cmd->add_option("--onvoldoende-residents", a->onvoldoende_residents,
                    "Residents in onvoldoende cells that make an area onvoldoende")
        ->capture_default_str();
    cmd->add_option("--groups", a->groups, "DATASET:COLUMN with the city group of each gemeente")
        ->capture_default_str();
    cmd->add_option("--regions", a->regions, "DATASET:COLUMN with the type of each COROP-plus region")
        ->capture_default_str();
    cmd->add_option("--out-dir", a->out_dir, "Also write the tables as CSV here");
    cmd->add_flag("--json", a->json, "Print the picture as JSON");
    cmd->callback([&action, a] { action = [a] { return run_picture(*a); }; });
}

const CommandRegistration kRegister{45, add_picture_command};

}  // namespace wz::app
