// wijkzicht calibrate: indicator weights from a resident survey and house sales (ridge + k-fold CV).
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "io/table_csv.hpp"
#include "jobs/calibrate.hpp"

namespace wz::app {
namespace {

class Calibrate final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "calibrate",
            "Estimate indicator weights (a liveability model of your own) from a resident survey and house "
            "sales.\n"
            "Judgement model: rating ~ T_j(indicators of the respondent's cell and year) + owner + age + "
            "year "
            "dummies.\n"
            "Hedonic model: log(price) ~ T_j(...) + log(floor_area) + rooms + dwelling type + build_year + "
            "year.\n"
            "Each is a ridge regression (indicators standardised and penalised, controls not) with k-fold\n"
            "cross-validation choosing lambda from 0, 10^-6 ... 10^1 (half decades) by CV RMSE. Coefficients "
            "are "
            "put\n"
            "on the score scale by convention (--survey-scale rating points and --sales-scale log-price per "
            "score\n"
            "unit) and combined per indicator by inverse-variance weighting (or --survey-share). Rows whose "
            "cell "
            "has\n"
            "no indicators for that year are dropped and counted.\n"
            "Output: dataset model_weights (indicator, name, transform, dimension, dimension_lbm3, weight, "
            "se,\n"
            "weight_survey, se_survey, weight_sales, se_sales), read by 'score --weights'. Method: "
            "docs/calibration.md.\n"
            "Example: wijkzicht calibrate --store nl.gpkg --folds 5 --seed 1 --out weights.csv --json");
        store_.add(cmd, "The results store");
        cmd->add_option("--survey", o_.survey,
                        "Survey dataset (code, year, rating, owner, age); 'none' to skip")
            ->capture_default_str();
        cmd->add_option("--sales", o_.sales,
                        "Sales dataset (code, year, price, floor_area, rooms, dwelling_type, build_year); "
                        "'none' to skip")
            ->capture_default_str();
        cmd->add_option("--indicators", o_.indicators,
                        "Indicator dataset (code, year, one column per indicator)")
            ->capture_default_str();
        cmd->add_option("--meta", o_.meta, "Indicator metadata dataset (id, name, dimension_lbm2, transform)")
            ->capture_default_str();
        cmd->add_option("--folds", o_.folds, "Cross-validation folds")->capture_default_str();
        cmd->add_option("--seed", o_.seed, "Seed of the fold assignment (same seed = same folds)")
            ->capture_default_str();
        cmd->add_option("--lambda", o_.lambda, "Ridge penalty: 'auto' (chosen by CV) or a number >= 0")
            ->capture_default_str();
        cmd->add_option("--survey-scale", o_.survey_scale, "Rating points per score unit (a convention)")
            ->capture_default_str();
        cmd->add_option("--sales-scale", o_.sales_scale, "Log-price per score unit (a convention)")
            ->capture_default_str();
        cmd->add_option("--survey-share", o_.survey_share,
                        "'auto' (inverse-variance weights per indicator) or a fixed share in [0, 1] of the "
                        "survey model")
            ->capture_default_str();
        cmd->add_option("--name", o_.name, "Name of the output dataset")->capture_default_str();
        cmd->add_option("--out", out_, "Also write the weights as CSV");
        cmd->add_flag("--json", json_,
                      "Print the report (per model n, dropped, lambda, CV and fit; per dimension) as JSON");
        return cmd;
    }
    int run() override {
        const jobs::CalibrateResult r = jobs::calibrate_from_store(store_.path, o_);
        const liveability::Calibration& cal = r.calibration;
        if (!out_.empty()) write_table_csv(cal.weights, out_);
        apply_to_store(store_.path, r.update);
        for (const auto* m : {&cal.survey, &cal.sales}) {
            if (!m->used) continue;
            spdlog::info(
                "{}: n={} (dropped {} without indicators, {} with a missing indicator, {} with a missing "
                "outcome or control), lambda={:g}{}, CV RMSE {:.4f}, CV R2 {:.3f}, R2 {:.3f}",
                m->model, m->n, m->dropped_no_indicators, m->dropped_missing_indicator,
                m->dropped_missing_outcome_or_control, m->lambda, m->lambda_fixed ? " (fixed)" : " (by CV)",
                m->cv_rmse, m->cv_r2, m->r2);
        }
        spdlog::info("{} weights ({}) written to dataset '{}'{}", cal.weights.row_count(), cal.combination,
                     o_.name, out_.empty() ? "" : " and " + out_);
        if (json_) std::cout << r.report.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::CalibrateOptions o_;
    std::string out_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_calibrate() {
    return std::make_unique<Calibrate>();
}

}  // namespace wz::app
