// wijkzicht analyse: tenure turning point (segmented regression), worst safety, safety quadrant.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "jobs/analyse.hpp"
#include "jobs/json.hpp"

namespace wz::app {
namespace {

class Analyse final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "analyse",
            "Analyses of stored area scores (run `wijkzicht score` first):\n"
            "  tenure    score development (or score) against a tenure share with segmented regression: the "
            "turning\n"
            "            point with a confidence interval (profile likelihood by default, or bootstrap);\n"
            "            the curve is stored as picture_tenure for the national picture (--no-store: not)\n"
            "  safety    the ranked list of areas with the worst safety (--dimension) score\n"
            "  quadrant  areas whose safety is in the lowest --quantile while the total is above the "
            "national "
            "mean\n"
            "Examples: wijkzicht analyse tenure --store nl.gpkg --from 2012 --to 2022\n"
            "          wijkzicht analyse safety --store nl.gpkg --year 2018 --top 20");
        cmd->add_option("what", what_, "tenure, safety or quadrant")
            ->required()
            ->check(CLI::IsMember({"tenure", "safety", "quadrant"}));
        store_.add(cmd, "The results store");
        cmd->add_option("--level", level_, "Area level (uses score_<level>)")->capture_default_str();
        cmd->add_option("--key-figures", t_.key_figures,
                        "tenure: dataset with the tenure shares (code, year, ...)")
            ->capture_default_str();
        cmd->add_option("--share-column", t_.share_column, "tenure: column with the share (%)")
            ->capture_default_str();
        cmd->add_option("--outcome", t_.outcome, "tenure: development (change from..to) or score (in --to)")
            ->check(CLI::IsMember({"development", "score"}))
            ->capture_default_str();
        cmd->add_option("--from", t_.from, "tenure: first year (default: the first; its share is used)");
        cmd->add_option("--to", t_.to, "tenure: last year (default: the last)");
        cmd->add_option("--interval", t_.interval, "tenure: profile, bootstrap or both")
            ->check(CLI::IsMember({"profile", "bootstrap", "both"}))
            ->capture_default_str();
        cmd->add_option("--confidence", t_.confidence, "tenure: confidence level")->capture_default_str();
        cmd->add_option("--bootstrap", t_.bootstrap, "tenure: bootstrap replicates")->capture_default_str();
        cmd->add_option("--grid", t_.grid, "tenure: grid points of the breakpoint search")
            ->capture_default_str();
        cmd->add_option("--seed", t_.seed, "tenure: bootstrap seed")->capture_default_str();
        cmd->add_flag("--weighted", t_.weighted, "tenure: weight areas by residents");
        cmd->add_option("--dimensions", t_.dimensions,
                        "tenure: the outcome is the sum of these dimension scores (e.g. won bev vei) instead "
                        "of the total")
            ->delimiter(',');
        cmd->add_option("--dimension", r_.dimension,
                        "safety/quadrant: the dimension (vei in LBM 2.0, onv in 3.0)")
            ->capture_default_str();
        cmd->add_option("--year", r_.year, "safety/quadrant: the year (default: the last)");
        cmd->add_option("--top", r_.top, "safety: number of areas")->capture_default_str();
        cmd->add_option("--quantile", r_.quantile,
                        "quadrant: 'very poor' = at or below this quantile of the areas")
            ->capture_default_str();
        cmd->add_option("--out", out_, "CSV file (tenure: the points used; else the list)");
        cmd->add_flag("--json", json_, "Print JSON");
        cmd->add_flag("--no-store", no_store_,
                      "tenure: do not store the curve (picture_tenure) in the store");
        return cmd;
    }
    int run() override {
        t_.level = level_;
        r_.level = level_;
        if (what_ == "tenure") return run_tenure();
        const jobs::Ranking k = what_ == "safety" ? jobs::worst_on_dimension(store_.path, r_)
                                                  : jobs::poor_dimension_good_total(store_.path, r_);
        if (!out_.empty()) write_table_csv(k.areas, out_);
        if (json_) {
            std::cout << nlohmann::json{{"analysis", what_},
                                        {"year", k.year},
                                        {"dimension", r_.dimension},
                                        {"areas", jobs::table_json(k.areas)}}
                             .dump(2)
                      << '\n';
            return 0;
        }
        std::cout
            << (what_ == "safety"
                    ? fmt::format("The {} {} with the lowest '{}' score in {}\n", k.areas.row_count(),
                                  level_name(k.level), r_.dimension, k.year)
                    : fmt::format(
                          "{} {} with '{}' in the lowest {:.0f}% and a total above the national mean in {}\n",
                          k.areas.row_count(), level_name(k.level), r_.dimension, 100 * r_.quantile, k.year));
        for (const Column& c : k.areas.columns()) std::cout << fmt::format("{:>12}", c.name());
        std::cout << '\n';
        for (std::size_t r = 0; r < k.areas.row_count(); ++r) {
            for (const Column& c : k.areas.columns()) {
                std::cout << fmt::format("{:>12}", c.type() == ColumnType::kReal && !c.is_missing(r)
                                                       ? fmt::format("{:.4f}", c.real_at(r))
                                                       : c.to_text(r));
            }
            std::cout << '\n';
        }
        return 0;
    }

  private:
    int run_tenure() {
        const jobs::TenureJobResult t = jobs::tenure_turning_point(store_.path, t_);
        if (!out_.empty()) write_table_csv(t.result.points, out_);
        if (!no_store_) {
            const std::int64_t run = apply_to_store(store_.path, jobs::tenure_curve_update(t_, t));
            spdlog::info("the tenure curve stored as picture_tenure (the national picture shows it)");
            log_stored(store_.path, run);
        }
        if (json_) {
            std::cout << t.report.dump(2) << '\n';
            return 0;
        }
        const monitor::TenureResult& r = t.result;
        const auto& f = r.fit;
        const stats::Interval& ci = f.has_profile ? f.profile : f.bootstrap;
        std::cout << fmt::format(
            "{} of {} areas ({} left out) against '{}' in {}:\n"
            "  breakpoint {:.2f} (SE {:.2f}), {:.0f}% interval [{}{:.2f}, {:.2f}{}] ({})\n"
            "  slope before {:+.5f} (SE {:.5f}) per point, after {:+.5f} (SE {:.5f}); R2 {:.3f}\n",
            t_.outcome == "score" ? fmt::format("score {}", r.to_year)
                                  : fmt::format("development {}-{}", r.from_year, r.to_year),
            f.n, r.left_out, t_.share_column, r.from_year, f.breakpoint, f.breakpoint_se, 100 * t_.confidence,
            ci.low_open ? "<" : "", ci.low, ci.high, ci.high_open ? ">" : "",
            f.has_profile ? "profile likelihood" : "bootstrap", f.slope_before, f.slope_before_se,
            f.slope_after, f.slope_after_se, f.r2);
        return 0;
    }

    StoreOption store_;
    std::string what_, level_ = "buurt", out_;
    jobs::TenureJobOptions t_;
    jobs::RankingOptions r_;
    bool json_ = false, no_store_ = false;
};

}  // namespace

std::unique_ptr<Command> make_analyse() {
    return std::make_unique<Analyse>();
}

}  // namespace wz::app
