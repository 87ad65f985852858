#include "jobs/calibrate.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "jobs/json.hpp"

namespace wz::jobs {
namespace {

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

}  // namespace

CalibrateResult calibrate_from_store(const std::string& store, const CalibrateOptions& a) {
    CalibrateResult out;
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
    const Dataset meta = read_dataset(store, a.meta);
    std::optional<Dataset> survey, sales;
    if (use_survey) survey = read_dataset(store, a.survey);
    if (use_sales) sales = read_dataset(store, a.sales);
    const Dataset indicators = read_dataset(store, a.indicators);
    spdlog::info("calibrating from {} indicator rows{}{}", indicators.table.row_count(),
                 survey ? fmt::format(", {} survey respondents", survey->table.row_count()) : "",
                 sales ? fmt::format(", {} sales", sales->table.row_count()) : "");
    const ProgressStep step("calibrate: fitting the models");
    out.calibration = liveability::calibrate_weights(
        indicators.table, meta.table, survey ? &survey->table : nullptr, sales ? &sales->table : nullptr, o);
    const liveability::Calibration& cal = out.calibration;
    nlohmann::json dims = nlohmann::json::array();
    for (const auto& d : cal.dimensions) {
        dims.push_back({{"dimension", d.dimension},
                        {"indicators", d.indicators},
                        {"weight_sum", number_or_null(d.weight_sum)},
                        {"abs_weight_sum", number_or_null(d.abs_weight_sum)}});
    }
    out.report = {{"dataset", a.name},
                  {"indicators", cal.weights.row_count()},
                  {"folds", a.folds},
                  {"seed", a.seed},
                  {"combination", cal.combination},
                  {"survey", model_json(cal.survey)},
                  {"sales", model_json(cal.sales)},
                  {"dimensions", dims}};
    StoreUpdate& update = out.update;
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
    update.datasets.push_back(Dataset{a.name, "model-weights", std::nullopt, cal.weights, out.report});
    return out;
}

}  // namespace wz::jobs
