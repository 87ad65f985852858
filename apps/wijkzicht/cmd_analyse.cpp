// wijkzicht analyse: tenure turning point (segmented regression), worst safety, safety quadrant.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/analyse.hpp"
#include "picture_print.hpp"
#include "stored_scores.hpp"

namespace wz::app {
namespace {

struct AnalyseArgs {
    std::string what, store, level = "buurt", key_figures = "kerncijfers_buurten",
                             share_column = "Wonen/Eigendom/Huurwoningen corporatie", outcome = "development",
                             interval = "profile", dimension = "vei", out;
    int from = 0, to = 0, year = 0, bootstrap = 999, grid = 200;
    std::vector<std::string> dimensions;
    std::size_t top = 25;
    double quantile = 0.1, level_ci = 0.95;
    std::uint64_t seed = 1;
    bool weighted = false, json = false;
};

nlohmann::json interval_json(const stats::Interval& i) {
    return {{"low", i.low}, {"high", i.high}, {"low_open", i.low_open}, {"high_open", i.high_open}};
}

int run_tenure(const AnalyseArgs& args, const monitor::AreaScores& areas,
               const std::vector<std::string>& dims) {
    const Dataset kf = read_dataset(args.store, args.key_figures);
    monitor::TenureOptions o;
    o.outcome =
        args.outcome == "score" ? monitor::TenureOutcome::kScore : monitor::TenureOutcome::kDevelopment;
    o.from_year = args.from;
    o.to_year = args.to;
    o.weight_by_residents = args.weighted;
    for (const auto& d : args.dimensions) {
        const auto it = std::find(dims.begin(), dims.end(), d);
        if (it == dims.end()) {
            throw UsageError(fmt::format("--dimensions: '{}' is not one of {}", d, fmt::join(dims, ", ")));
        }
        o.dimensions.push_back(static_cast<std::size_t>(it - dims.begin()));
    }
    o.segmented.level = args.level_ci;
    o.segmented.grid = args.grid;
    o.segmented.bootstrap = args.bootstrap;
    o.segmented.seed = args.seed;
    o.segmented.interval = args.interval == "bootstrap" ? stats::BreakpointInterval::kBootstrap
                           : args.interval == "both"    ? stats::BreakpointInterval::kBoth
                                                        : stats::BreakpointInterval::kProfile;
    const monitor::TenureResult r = monitor::tenure_breakpoint(areas, kf.table, args.share_column, o);
    const auto& f = r.fit;
    nlohmann::json j = {{"analysis", "tenure"},
                        {"share_column", args.share_column},
                        {"outcome", args.outcome},
                        {"from_year", r.from_year},
                        {"to_year", r.to_year},
                        {"areas", f.n},
                        {"left_out", r.left_out},
                        {"weighted_by_residents", args.weighted},
                        {"dimensions", args.dimensions},
                        {"breakpoint", f.breakpoint},
                        {"breakpoint_se", f.breakpoint_se},
                        {"intercept", f.intercept},
                        {"slope_before", f.slope_before},
                        {"slope_before_se", f.slope_before_se},
                        {"slope_after", f.slope_after},
                        {"slope_after_se", f.slope_after_se},
                        {"r2", f.r2},
                        {"confidence_level", args.level_ci},
                        {"search_range", {f.search_low, f.search_high}}};
    if (f.has_profile) j["interval_profile"] = interval_json(f.profile);
    if (f.has_bootstrap) {
        j["interval_bootstrap"] = interval_json(f.bootstrap);
        j["bootstrap_replicates"] = f.bootstrap_replicates;
    }
    if (!args.out.empty()) write_table_csv(r.points, args.out);
    if (args.json) {
        std::cout << j.dump(2) << '\n';
        return 0;
    }
    const stats::Interval& ci = f.has_profile ? f.profile : f.bootstrap;
    std::cout << fmt::format(
        "{} of {} areas ({} left out) against '{}' in {}:\n"
        "  breakpoint {:.2f} (SE {:.2f}), {:.0f}% interval [{}{:.2f}, {:.2f}{}] ({})\n"
        "  slope before {:+.5f} (SE {:.5f}) per point, after {:+.5f} (SE {:.5f}); R2 {:.3f}\n",
        args.outcome == "score" ? fmt::format("score {}", r.to_year)
                                : fmt::format("development {}-{}", r.from_year, r.to_year),
        f.n, r.left_out, args.share_column, r.from_year, f.breakpoint, f.breakpoint_se, 100 * args.level_ci,
        ci.low_open ? "<" : "", ci.low, ci.high, ci.high_open ? ">" : "",
        f.has_profile ? "profile likelihood" : "bootstrap", f.slope_before, f.slope_before_se, f.slope_after,
        f.slope_after_se, f.r2);
    return 0;
}

int run_analyse(const AnalyseArgs& args) {
    const auto level = parse_level(args.level);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", args.level));
    const std::string name = fmt::format("score_{}", level_name(*level));
    const Dataset scores = read_dataset(args.store, name);
    const std::vector<std::string> dims = score_dimensions(scores.table);
    const monitor::AreaScores areas = monitor::area_scores_from_table(scores.table, *level, dims);
    if (areas.years.empty()) throw UsageError(fmt::format("dataset '{}' has no rows", name));
    if (args.what == "tenure") return run_tenure(args, areas, dims);
    const int year = args.year != 0 ? args.year : areas.years.back();
    const Table t =
        args.what == "safety"
            ? monitor::worst_on_dimension(areas, dims, args.dimension, year, args.top)
            : monitor::quadrant_poor_dimension_good_total(areas, dims, args.dimension, year, args.quantile);
    if (!args.out.empty()) write_table_csv(t, args.out);
    if (args.json) {
        std::cout << nlohmann::json{{"analysis", args.what},
                                    {"year", year},
                                    {"dimension", args.dimension},
                                    {"areas", table_json(t)}}
                         .dump(2)
                  << '\n';
        return 0;
    }
    std::cout
        << (args.what == "safety"
                ? fmt::format("The {} {} with the lowest '{}' score in {}\n", t.row_count(),
                              level_name(*level), args.dimension, year)
                : fmt::format(
                      "{} {} with '{}' in the lowest {:.0f}% and a total above the national mean in {}\n",
                      t.row_count(), level_name(*level), args.dimension, 100 * args.quantile, year));
    for (const Column& c : t.columns()) std::cout << fmt::format("{:>12}", c.name());
    std::cout << '\n';
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        for (const Column& c : t.columns()) {
            std::cout << fmt::format("{:>12}", c.type() == ColumnType::kReal && !c.is_missing(r)
                                                   ? fmt::format("{:.4f}", c.real_at(r))
                                                   : c.to_text(r));
        }
        std::cout << '\n';
    }
    return 0;
}

}  // namespace

void add_analyse_command(CLI::App& app, Action& action);
void add_analyse_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<AnalyseArgs>();
    CLI::App* cmd = app.add_subcommand(
        "analyse",
        "Analyses of stored area scores (run `wijkzicht score` first):\n"
        "  tenure    score development (or score) against a tenure share with segmented regression: the "
        "turning\n"
        "            point with a confidence interval (profile likelihood by default, or bootstrap)\n"
        "  safety    the ranked list of areas with the worst safety (--dimension) score\n"
        "  quadrant  areas whose safety is in the lowest --quantile while the total is above the national "
        "mean\n"
        "Examples: wijkzicht analyse tenure --store nl.gpkg --from 2012 --to 2022\n"
        "          wijkzicht analyse safety --store nl.gpkg --year 2018 --top 20");
    cmd->add_option("what", a->what, "tenure, safety or quadrant")
        ->required()
        ->check(CLI::IsMember({"tenure", "safety", "quadrant"}));
    cmd->add_option("--store", a->store, "The results store")->required();
    cmd->add_option("--level", a->level, "Area level (uses score_<level>)")->capture_default_str();
    cmd->add_option("--key-figures", a->key_figures,
                    "tenure: dataset with the tenure shares (code, year, ...)")
        ->capture_default_str();
    cmd->add_option("--share-column", a->share_column, "tenure: column with the share (%)")
        ->capture_default_str();
    cmd->add_option("--outcome", a->outcome, "tenure: development (change from..to) or score (in --to)")
        ->check(CLI::IsMember({"development", "score"}))
        ->capture_default_str();
    cmd->add_option("--from", a->from, "tenure: first year (default: the first; its share is used)");
    cmd->add_option("--to", a->to, "tenure: last year (default: the last)");
    cmd->add_option("--interval", a->interval, "tenure: profile, bootstrap or both")
        ->check(CLI::IsMember({"profile", "bootstrap", "both"}))
        ->capture_default_str();
    cmd->add_option("--confidence", a->level_ci, "tenure: confidence level")->capture_default_str();
    cmd->add_option("--bootstrap", a->bootstrap, "tenure: bootstrap replicates")->capture_default_str();
    cmd->add_option("--grid", a->grid, "tenure: grid points of the breakpoint search")->capture_default_str();
    cmd->add_option("--seed", a->seed, "tenure: bootstrap seed")->capture_default_str();
    cmd->add_flag("--weighted", a->weighted, "tenure: weight areas by residents");
    cmd->add_option(
           "--dimensions", a->dimensions,
           "tenure: the outcome is the sum of these dimension scores (e.g. won bev vei) instead of the total")
        ->delimiter(',');
    cmd->add_option("--dimension", a->dimension,
                    "safety/quadrant: the dimension (vei in LBM 2.0, onv in 3.0)")
        ->capture_default_str();
    cmd->add_option("--year", a->year, "safety/quadrant: the year (default: the last)");
    cmd->add_option("--top", a->top, "safety: number of areas")->capture_default_str();
    cmd->add_option("--quantile", a->quantile,
                    "quadrant: 'very poor' = at or below this quantile of the areas")
        ->capture_default_str();
    cmd->add_option("--out", a->out, "CSV file (tenure: the points used; else the list)");
    cmd->add_flag("--json", a->json, "Print JSON");
    cmd->callback([&action, a] { action = [a] { return run_analyse(*a); }; });
}

const CommandRegistration kRegister{47, add_analyse_command};

}  // namespace wz::app
