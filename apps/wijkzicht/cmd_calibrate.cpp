// wijkzicht calibrate: indicator weights from a resident survey and house sales (ridge + k-fold CV).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "liveability/calibrate.hpp"

namespace wz::app {
namespace {

struct CalibrateArgs {
    std::string store, survey = "survey", sales = "sales", indicators = "indicators", meta = "indicator_meta";
    std::string out, name = "model_weights", lambda = "auto", survey_share = "auto";
    int folds = 5;
    std::uint64_t seed = 1;
    double survey_scale = 5.0, sales_scale = 1.8;
    bool json = false;
};

std::optional<double> parse_auto_or_number(const std::string& text, const char* option) {
    if (text == "auto") return std::nullopt;
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !std::isfinite(v)) {
        throw UsageError(fmt::format("{}: expected 'auto' or a number, found '{}'", option, text));
    }
    return v;
}

nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json model_json(const liveability::ModelReport& m) {
    if (!m.used) return {{"used", false}};
    nlohmann::json cv = nlohmann::json::array();
    for (const auto& p : m.cv_path) cv.push_back({{"lambda", p.lambda}, {"rmse", p.rmse}, {"r2", p.r2}});
    nlohmann::json controls = nlohmann::json::array();
    for (const auto& c : m.control_coefficients) {
        controls.push_back(
            {{"name", c.name}, {"coef", number_or_null(c.coef)}, {"se", number_or_null(c.se)}});
    }
    return {{"used", true},
            {"outcome", m.outcome},
            {"outcome_units_per_score_unit", m.scale},
            {"rows", m.rows},
            {"n", m.n},
            {"dropped",
             m.dropped_no_indicators + m.dropped_missing_indicator + m.dropped_missing_outcome_or_control},
            {"dropped_no_indicators", m.dropped_no_indicators},
            {"dropped_missing_indicator", m.dropped_missing_indicator},
            {"dropped_missing_outcome_or_control", m.dropped_missing_outcome_or_control},
            {"lambda", m.lambda},
            {"lambda_fixed", m.lambda_fixed},
            {"cv_rmse", m.cv_rmse},
            {"cv_r2", m.cv_r2},
            {"r2", m.r2},
            {"sigma", m.sigma},
            {"effective_df", m.df},
            {"controls", m.controls},
            {"controls_absent", m.controls_missing},
            {"control_coefficients", controls},
            {"cv_path", cv}};
}

int run_calibrate(const CalibrateArgs& a) {
    liveability::CalibrationOptions o;
    o.folds = a.folds;
    o.seed = a.seed;
    o.lambda = parse_auto_or_number(a.lambda, "--lambda");
    if (o.lambda && !(*o.lambda >= 0))
        throw UsageError(fmt::format("--lambda: must be >= 0, found {}", a.lambda));
    o.survey_share = parse_auto_or_number(a.survey_share, "--survey-share");
    o.survey_points_per_score = a.survey_scale;
    o.sales_log_price_per_score = a.sales_scale;
    if (a.folds < 2) throw UsageError(fmt::format("--folds: need at least 2, found {}", a.folds));
    const bool use_survey = a.survey != "none", use_sales = a.sales != "none";
    if (!use_survey && !use_sales)
        throw UsageError("--survey none and --sales none: nothing to calibrate from");
    const Dataset meta = read_dataset(a.store, a.meta);
    std::optional<Dataset> survey, sales;
    if (use_survey) survey = read_dataset(a.store, a.survey);
    if (use_sales) sales = read_dataset(a.store, a.sales);
    const Dataset indicators = read_dataset(a.store, a.indicators);
    spdlog::info("calibrating from {} indicator rows{}{}", indicators.table.row_count(),
                 survey ? fmt::format(", {} survey respondents", survey->table.row_count()) : "",
                 sales ? fmt::format(", {} sales", sales->table.row_count()) : "");
    const auto cal = liveability::calibrate_weights(
        indicators.table, meta.table, survey ? &survey->table : nullptr, sales ? &sales->table : nullptr, o);
    nlohmann::json dims = nlohmann::json::array();
    for (const auto& d : cal.dimensions) {
        dims.push_back({{"dimension", d.dimension},
                        {"indicators", d.indicators},
                        {"weight_sum", number_or_null(d.weight_sum)},
                        {"abs_weight_sum", number_or_null(d.abs_weight_sum)}});
    }
    nlohmann::json report = {{"dataset", a.name},
                             {"indicators", cal.weights.row_count()},
                             {"folds", a.folds},
                             {"seed", a.seed},
                             {"combination", cal.combination},
                             {"survey", model_json(cal.survey)},
                             {"sales", model_json(cal.sales)},
                             {"dimensions", dims}};
    if (!a.out.empty()) write_table_csv(cal.weights, a.out);
    StoreUpdate update;
    update.run.command = "calibrate";
    update.run.started = utc_now();
    update.run.seed = a.seed;
    update.run.parameters = {{"survey", a.survey},
                             {"sales", a.sales},
                             {"indicators", a.indicators},
                             {"meta", a.meta},
                             {"folds", a.folds},
                             {"seed", a.seed},
                             {"lambda", a.lambda},
                             {"survey_share", a.survey_share},
                             {"survey_scale", a.survey_scale},
                             {"sales_scale", a.sales_scale},
                             {"dataset", a.name}};
    update.datasets.push_back(Dataset{a.name, "model-weights", std::nullopt, cal.weights, report});
    apply_to_store(a.store, update);
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
                 a.name, a.out.empty() ? "" : " and " + a.out);
    if (a.json) std::cout << report.dump(2) << '\n';
    return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app, Action& action);
void add_calibrate_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<CalibrateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "calibrate",
        "Estimate indicator weights (a liveability model of your own) from a resident survey and house "
        "sales.\n"
        "Judgement model: rating ~ T_j(indicators of the respondent's cell and year) + owner + age + year "
        "dummies.\n"
        "Hedonic model: log(price) ~ T_j(...) + log(floor_area) + rooms + dwelling type + build_year + "
        "year.\n"
        "Each is a ridge regression (indicators standardised and penalised, controls not) with k-fold\n"
        "cross-validation choosing lambda from 0, 10^-6 ... 10^1 (half decades) by CV RMSE. Coefficients are "
        "put\n"
        "on the score scale by convention (--survey-scale rating points and --sales-scale log-price per "
        "score\n"
        "unit) and combined per indicator by inverse-variance weighting (or --survey-share). Rows whose cell "
        "has\n"
        "no indicators for that year are dropped and counted.\n"
        "Output: dataset model_weights (indicator, name, transform, dimension, dimension_lbm3, weight, se,\n"
        "weight_survey, se_survey, weight_sales, se_sales), read by 'score --weights'. Method: "
        "docs/calibration.md.\n"
        "Example: wijkzicht calibrate --store nl.gpkg --folds 5 --seed 1 --out weights.csv --json");
    cmd->add_option("--store", a->store, "The results store")->required();
    cmd->add_option("--survey", a->survey, "Survey dataset (code, year, rating, owner, age); 'none' to skip")
        ->capture_default_str();
    cmd->add_option(
           "--sales", a->sales,
           "Sales dataset (code, year, price, floor_area, rooms, dwelling_type, build_year); 'none' to skip")
        ->capture_default_str();
    cmd->add_option("--indicators", a->indicators, "Indicator dataset (code, year, one column per indicator)")
        ->capture_default_str();
    cmd->add_option("--meta", a->meta, "Indicator metadata dataset (id, name, dimension_lbm2, transform)")
        ->capture_default_str();
    cmd->add_option("--folds", a->folds, "Cross-validation folds")->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the fold assignment (same seed = same folds)")
        ->capture_default_str();
    cmd->add_option("--lambda", a->lambda, "Ridge penalty: 'auto' (chosen by CV) or a number >= 0")
        ->capture_default_str();
    cmd->add_option("--survey-scale", a->survey_scale, "Rating points per score unit (a convention)")
        ->capture_default_str();
    cmd->add_option("--sales-scale", a->sales_scale, "Log-price per score unit (a convention)")
        ->capture_default_str();
    cmd->add_option(
           "--survey-share", a->survey_share,
           "'auto' (inverse-variance weights per indicator) or a fixed share in [0, 1] of the survey model")
        ->capture_default_str();
    cmd->add_option("--name", a->name, "Name of the output dataset")->capture_default_str();
    cmd->add_option("--out", a->out, "Also write the weights as CSV");
    cmd->add_flag("--json", a->json,
                  "Print the report (per model n, dropped, lambda, CV and fit; per dimension) as JSON");
    cmd->callback([&action, a] { action = [a] { return run_calibrate(*a); }; });
}

const CommandRegistration kRegister{35, add_calibrate_command};

}  // namespace wz::app
