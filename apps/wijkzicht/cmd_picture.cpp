// wijkzicht picture: the national picture from stored scores (run `wijkzicht score` first, or score
// published cell scores): shares per class and year, onvoldoende areas at a chosen level, development by
// city group and starting class, regions with population decline against the country.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>

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
            "cells), the change from\nthe previous year split into dimensions (driver = the largest), "
            "development "
            "of areas by city group (G4, G40,\noverig) and starting class, per city (G4 and G40 by name: do "
            "onvoldoende buurten\ncatch up with ruim voldoende or goed ones?), and COROP-plus regions with "
            "population "
            "decline against the country.\nExample: wijkzicht picture --store nl.gpkg --level buurt "
            "--exclude "
            "CP0101 "
            "--json");
        store_.add(cmd, "The results store");
        cmd->add_option("--level", o_.level, "Level of the onvoldoende areas and of the development by group")
            ->capture_default_str();
        cmd->add_option(
            "--exclude", o_.exclude,
            "COROP-plus region(s) or gemeente(n) to leave out of their region type (the report left "
            "Eemsdelta out)");
        cmd->add_option("--from", o_.from, "First year of the development by group (default: the first)");
        cmd->add_option("--to", o_.to, "Last year of the development by group (default: the last)");
        cmd->add_option("--onvoldoende-residents", o_.onvoldoende_residents,
                        "Residents in onvoldoende cells that make an area onvoldoende")
            ->capture_default_str();
        cmd->add_option("--groups", o_.groups, "DATASET:COLUMN with the city group of each gemeente")
            ->capture_default_str();
        cmd->add_option("--regions", o_.regions,
                        "DATASET:COLUMN with the type of each COROP-plus region and/or gemeente (krimpregio, "
                        "anticipeerregio; 'geen' = none); per gemeente the regions are the designated sets "
                        "of gemeenten")
            ->capture_default_str();
        cmd->add_option(
               "--urbanity", o_.urbanity,
               "DATASET:COLUMN with the CBS urbanity class (stedelijkheid 1-5) of each area of --level")
            ->capture_default_str();
        cmd->add_option(
               "--survey", o_.survey,
               "DATASET:COLUMN with the survey rating per respondent (code = 100 m cell, year), set beside "
               "the scores by region type")
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
                                      {"indicators", jobs::table_json(p.indicators)},
                                      {"dimensions_by_group", jobs::table_json(p.dimension_groups)},
                                      {"dimensions_by_urbanity", jobs::table_json(p.dimension_urbanity)},
                                      {"survey_by_region_type", jobs::table_json(p.survey_regions)},
                                      {"regions", jobs::table_json(p.regions)},
                                      {"regions_by_gemeente", jobs::table_json(p.regions_gemeenten)},
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
        if (p.indicators.row_count() > 0) {
            std::cout
                << "\nThe change of the national mean by indicator: the three that drove it (1 = the largest "
                   "change in the total's direction; % = part of the total change)\n";
            const Column &y = p.indicators.column("year"), &ind = p.indicators.column("indicator"),
                         &dim = p.indicators.column("dimension"), &ch = p.indicators.column("change"),
                         &share = p.indicators.column("share_of_change"), &rank = p.indicators.column("rank");
            std::map<std::int64_t, std::string> total;
            std::map<std::int64_t, std::map<std::int64_t, std::string>> top;  // year -> rank -> text
            for (std::size_t r = 0; r < p.indicators.row_count(); ++r) {
                if (ind.text_at(r) == "(total)" && !ch.is_missing(r))
                    total[y.int_at(r)] = fmt::format("{:+.4f}", ch.real_at(r));
                if (rank.is_missing(r) || rank.int_at(r) > 3) continue;
                top[y.int_at(r)][rank.int_at(r)] = fmt::format(
                    "{} ({}) {:+.4f}{}", ind.text_at(r), dim.text_at(r), ch.real_at(r),
                    share.is_missing(r) ? std::string() : fmt::format(" = {:.0f}%", 100 * share.real_at(r)));
            }
            for (const auto& [year, ranks] : top) {
                std::cout << fmt::format("{}  total {}:", year, total[year]);
                for (const auto& [k, text] : ranks) std::cout << fmt::format("  {}. {}", k, text);
                std::cout << '\n';
            }
        }
        print_safety_by_group(p.dimension_groups, "city group");
        print_safety_by_group(p.dimension_urbanity, "urbanity class");
        if (p.cities.row_count() > 0) {
            std::cout << fmt::format(
                "\nDevelopment {}-{} per city: {} starting onvoldoende (1-3) against ruim voldoende or goed "
                "(6-7)\n",
                p.from, p.to, level_name(p.level));
            std::cout << fmt::format("{:<8} {:<24} {:<6} {:>6} {:>10} {:>6} {:>10} {:>9}  {}\n", "city",
                                     "name", "group", "onv.", "change", "good", "change", "gap", "weak");
            for (std::size_t r = 0; r < p.cities.row_count(); ++r) {
                const auto num = [&](const char* c, const char* f) {
                    const Column& col = p.cities.column(c);
                    return col.is_missing(r) ? std::string("-")
                                             : fmt::format(fmt::runtime(f), col.number_at(r));
                };
                const Column& up = p.cities.column("weak_catch_up");
                std::cout << fmt::format(
                    "{:<8} {:<24} {:<6} {:>6} {:>10} {:>6} {:>10} {:>9}  {}\n",
                    p.cities.column("city").text_at(r), p.cities.column("name").text_at(r),
                    p.cities.column("group").text_at(r), num("onvoldoende_areas", "{:.0f}"),
                    num("onvoldoende_change", "{:+.4f}"), num("good_areas", "{:.0f}"),
                    num("good_change", "{:+.4f}"), num("gap", "{:+.4f}"),
                    up.is_missing(r)    ? "-"
                    : up.int_at(r) == 1 ? "catch up"
                                        : "fall behind");
            }
        }
        print_regions(p.regions, "COROP-plus regions");
        print_regions(p.regions_gemeenten, "regions as sets of gemeenten");
        if (p.survey_regions.row_count() > 0) {
            std::cout << "\nThe survey's rating by region type (residents' own view beside the scores)\n";
            const Column &t = p.survey_regions.column("region_type"), &y = p.survey_regions.column("year"),
                         &n = p.survey_regions.column("respondents"),
                         &m = p.survey_regions.column("mean_rating"),
                         &d = p.survey_regions.column("against_country");
            for (std::size_t r = 0; r < t.size(); ++r)
                std::cout << fmt::format("{:<18} {:>6} {:>8} {:>8.3f} {:>+9.3f}\n", t.text_at(r), y.int_at(r),
                                         n.int_at(r), m.number_at(r), d.number_at(r));
        }
        return 0;
    }

  private:
    // Safety by group: the change since the first year, in the last year (vei, or onv in LBM 3.0).
    // Safety and nuisance per group: the change to the last year, absolute (against the country where the
    // country's own change is unknown).
    static void print_safety_by_group(const Table& t, const char* what) {
        if (t.row_count() == 0) return;
        const Column &g = t.column("group"), &y = t.column("year"), &d = t.column("dimension"),
                     &rel = t.column("change_since_first");
        const Column* abs = t.find("absolute_change_since_first");
        std::int64_t last = 0;
        for (std::size_t r = 0; r < y.size(); ++r) last = std::max(last, y.int_at(r));
        std::string line;
        bool absolute = true;
        for (std::size_t r = 0; r < y.size(); ++r) {
            const std::string& dim = d.text_at(r);
            if (y.int_at(r) != last || (dim != "vei" && dim != "onv" && dim != "overlast") ||
                rel.is_missing(r))
                continue;
            const bool has_abs = abs != nullptr && !abs->is_missing(r);
            absolute = absolute && has_abs;
            line +=
                fmt::format("  {} {} {:+.4f}", g.text_at(r), dim, has_abs ? abs->real_at(r) : rel.real_at(r));
        }
        if (!line.empty())
            std::cout << fmt::format("\nSafety and nuisance by {}, change to {}{}:{}\n", what, last,
                                     absolute ? "" : " (against the country)", line);
    }

    // Regions by type against the country: one line per type and year.
    static void print_regions(const Table& t, const char* what) {
        if (t.row_count() == 0) return;
        std::cout << fmt::format("\nRegions against the country ({})\n", what);
        std::cout << fmt::format("{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}  {}\n", "type", "year",
                                 "regions", "residents", "mean", "onv.%", "vs NL", "mostly");
        const Column* main = t.find("main_dimension");
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const auto num = [&](const char* c, const char* f, double scale) {
                const Column& col = t.column(c);
                return col.is_missing(r) ? std::string("-")
                                         : fmt::format(fmt::runtime(f), col.number_at(r) * scale);
            };
            std::cout << fmt::format(
                "{:<18} {:>6} {:>8} {:>12} {:>8} {:>8} {:>10}  {}\n", t.column("region_type").text_at(r),
                t.column("year").int_at(r), num("regions", "{:.0f}", 1), num("residents", "{:.0f}", 1),
                num("mean_score", "{:.4f}", 1), num("onvoldoende_share", "{:.2f}", 100),
                num("against_country", "{:+.4f}", 1), main != nullptr ? main->text_at(r) : std::string());
        }
    }

    void write_csvs(const jobs::Picture& p) const {
        std::filesystem::create_directories(out_dir_);
        const auto out = [&](const Table& t, const char* n) {
            if (t.column_count() > 0) write_table_csv(t, (std::filesystem::path(out_dir_) / n).string());
        };
        out(p.years, "picture_years.csv");
        out(p.classes, "picture_classes.csv");
        out(p.groups, "picture_groups.csv");
        out(p.cities, "picture_cities.csv");
        out(p.indicators, "picture_indicators.csv");
        out(p.dimension_groups, "picture_dimension_groups.csv");
        out(p.dimension_urbanity, "picture_dimension_urbanity.csv");
        out(p.survey_regions, "picture_survey_regions.csv");
        out(p.regions, "picture_regions.csv");
        out(p.regions_gemeenten, "picture_regions_gemeenten.csv");
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
