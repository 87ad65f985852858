// wijkzicht picture: the national picture from stored scores (run `wijkzicht score` first, or score
// published cell scores): shares per class and year, onvoldoende areas at a chosen level, development by
// city group and starting class, regions with population decline against the country.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "io/table_csv.hpp"
#include "jobs/json.hpp"
#include "jobs/picture.hpp"
#include "picture_print.hpp"

namespace wz::app {
namespace {

class Picture final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "picture",
            "The national picture (report 'Leefbaarheid in Nederland'), from the scores `wijkzicht score` "
            "stored:\n"
            "per year the residents and share per class, onvoldoende (classes 1-3), zwak (4), ruim voldoende "
            "or "
            "better (6-9),\nthe number of onvoldoende areas at --level (at least 100 residents in "
            "onvoldoende "
            "cells), the change from\nthe previous year split into dimensions (driver = the dimension that "
            "moved furthest with the total,\nwith its share), development of areas by city group (G4, G40, "
            "overig) and starting class, development\nper city (G4 and G40 each: onvoldoende buurten against "
            "ruim voldoende or goed ones), and regions with\npopulation decline (gemeenten, or COROP-plus "
            "regions) against the country, per dimension.\nExample: wijkzicht picture --store nl.gpkg "
            "--level buurt --exclude GM0010 --json");
        store_.add(cmd, "The results store");
        cmd->add_option("--level", o_.level, "Level of the onvoldoende areas and of the development by group")
            ->capture_default_str();
        cmd->add_option("--exclude", o_.exclude,
                        "Region(s) of --region-level to leave out of their region type (not of the country)");
        cmd->add_option("--region-level", o_.region_level,
                        "Level of the region codes: gemeente (krimp- and anticipeerregio's are sets of "
                        "gemeenten) or corop_plus")
            ->capture_default_str();
        cmd->add_option("--from", o_.from, "First year of the development by group (default: the first)");
        cmd->add_option("--to", o_.to, "Last year of the development by group (default: the last)");
        cmd->add_option("--onvoldoende-residents", o_.onvoldoende_residents,
                        "Residents in onvoldoende cells that make an area onvoldoende")
            ->capture_default_str();
        cmd->add_option("--groups", o_.groups, "DATASET:COLUMN with the city group of each gemeente")
            ->capture_default_str();
        cmd->add_option("--regions", o_.regions,
                        "DATASET:COLUMN with the type of each region (krimpregio, anticipeerregio, geen), or "
                        "a CSV file with columns code, region_type")
            ->capture_default_str();
        cmd->add_option("--names", o_.names, "DATASET:COLUMN with the name of each gemeente (optional)")
            ->capture_default_str();
        cmd->add_option("--cities", o_.cities, "City groups whose cities get a row each")
            ->capture_default_str();
        cmd->add_option("--weak-max-class", o_.city.weak_max_class,
                        "Development per city: weak buurten are of class 1..this at the start (onvoldoende)")
            ->capture_default_str();
        cmd->add_option("--strong-min-class", o_.city.strong_min_class,
                        "... strong buurten of this class (ruim voldoende) ...")
            ->capture_default_str();
        cmd->add_option("--strong-max-class", o_.city.strong_max_class, "... up to this one (goed)")
            ->capture_default_str();
        cmd->add_option("--out-dir", out_dir_, "Also write the tables as CSV here");
        cmd->add_flag("--json", json_, "Print the picture as JSON");
        return cmd;
    }
    int run() override {
        const jobs::Picture p = jobs::national_picture(store_.path, o_);
        if (!out_dir_.empty()) write_csvs(p);
        if (json_) {
            const nlohmann::json j = {{"level", level_name(p.level)},
                                      {"years", jobs::table_json(p.years)},
                                      {"classes", jobs::table_json(p.classes)},
                                      {"development_by_group", jobs::table_json(p.groups)},
                                      {"development_by_city", jobs::table_json(p.cities)},
                                      {"regions", jobs::table_json(p.regions)},
                                      {"region_level", level_name(p.region_level)},
                                      {"excluded_regions", o_.exclude},
                                      {"from_year", p.from},
                                      {"to_year", p.to}};
            std::cout << j.dump(2) << '\n';
            return 0;
        }
        print_picture(std::cout, p.years, p.classes);
        if (p.groups.row_count() > 0) {
            std::cout << fmt::format("\nDevelopment {}-{} of {} by city group and starting class\n", p.from,
                                     p.to, level_name(p.level));
            std::cout << fmt::format("{:<28} {:>5} {:>6} {:>10} {:>10}\n", "group", "class", "areas", "start",
                                     "change");
            const Column& g = p.groups.column("group");
            for (std::size_t r = 0; r < p.groups.row_count(); ++r) {
                const auto num = [&](const char* c, const char* f) {
                    const Column& col = p.groups.column(c);
                    return col.is_missing(r) ? std::string("-")
                                             : fmt::format(fmt::runtime(f), col.number_at(r));
                };
                std::cout << fmt::format("{:<28} {:>5} {:>6} {:>10} {:>10}\n", g.text_at(r),
                                         num("start_class", "{:.0f}"), num("areas", "{:.0f}"),
                                         num("mean_start_score", "{:.4f}"), num("mean_change", "{:+.4f}"));
            }
        }
        if (p.cities.row_count() > 0) {
            std::cout << fmt::format(
                "\nDevelopment {}-{} per city: buurten of class <= {} against class {}-{} at the start\n",
                p.from, p.to, o_.city.weak_max_class, o_.city.strong_min_class, o_.city.strong_max_class);
            std::cout << fmt::format("{:<8} {:<24} {:<6} {:>5} {:>9} {:>7} {:>9} {:>9}  {}\n", "city", "name",
                                     "group", "weak", "change", "strong", "change", "gap", "verdict");
            for (std::size_t r = 0; r < p.cities.row_count(); ++r) {
                const auto num = [&](const char* c, const char* f) {
                    const Column& col = p.cities.column(c);
                    return col.is_missing(r) ? std::string("-")
                                             : fmt::format(fmt::runtime(f), col.number_at(r));
                };
                std::cout << fmt::format("{:<8} {:<24} {:<6} {:>5} {:>9} {:>7} {:>9} {:>9}  {}\n",
                                         p.cities.column("city").text_at(r),
                                         p.cities.column("name").text_at(r).substr(0, 24),
                                         p.cities.column("group").text_at(r), num("weak_areas", "{:.0f}"),
                                         num("weak_mean_change", "{:+.4f}"), num("strong_areas", "{:.0f}"),
                                         num("strong_mean_change", "{:+.4f}"), num("gap", "{:+.4f}"),
                                         p.cities.column("verdict").text_at(r));
            }
        }
        if (p.regions.row_count() > 0) {
            std::cout << fmt::format("\nRegions against the country ({})\n", level_name(p.region_level));
            std::cout << fmt::format("{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}\n", "type", "year",
                                     "regions", "residents", "mean", "onv.%", "vs NL");
            for (std::size_t r = 0; r < p.regions.row_count(); ++r) {
                const auto num = [&](const char* c, const char* f, double scale) {
                    const Column& col = p.regions.column(c);
                    return col.is_missing(r) ? std::string("-")
                                             : fmt::format(fmt::runtime(f), col.number_at(r) * scale);
                };
                std::cout << fmt::format("{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}\n",
                                         p.regions.column("region_type").text_at(r),
                                         p.regions.column("year").int_at(r), num("regions", "{:.0f}", 1),
                                         num("residents", "{:.0f}", 1), num("mean_score", "{:.4f}", 1),
                                         num("onvoldoende_share", "{:.2f}", 100),
                                         num("against_country", "{:+.4f}", 1));
            }
        }
        return 0;
    }

  private:
    void write_csvs(const jobs::Picture& p) const {
        std::filesystem::create_directories(out_dir_);
        const auto out = [&](const Table& t, const char* n) {
            if (t.column_count() > 0) write_table_csv(t, (std::filesystem::path(out_dir_) / n).string());
        };
        out(p.years, "picture_years.csv");
        out(p.classes, "picture_classes.csv");
        out(p.groups, "picture_groups.csv");
        out(p.cities, "picture_cities.csv");
        out(p.regions, "picture_regions.csv");
    }

    StoreOption store_;
    jobs::PictureOptions o_;
    std::string out_dir_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_picture() {
    return std::make_unique<Picture>();
}

}  // namespace wz::app
