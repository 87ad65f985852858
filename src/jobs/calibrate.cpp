#include "jobs/calibrate.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/store.hpp"
#include "jobs/json.hpp"
#include "jobs/stored_indicators.hpp"

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

// The rows of the indicator dataset whose (code, year) has respondents or sales: all the calibration
// uses. A dataset stored in column blocks is read a block at a time (both cores, each with its own
// reader) and only those rows are kept, so calibrating never holds the whole indicator table.
Table indicator_rows_used(const std::string& store, const std::string& dataset, const Table* survey,
                          const Table* sales) {
    if (!stored_in_blocks(store, dataset)) return read_dataset(store, dataset).table;
    // (code, year) keys as views into the tables, which outlive the sets.
    using Key = std::pair<std::string_view, std::int64_t>;
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            return std::hash<std::string_view>()(k.first) ^
                   (static_cast<std::size_t>(k.second) * 0x9e3779b97f4a7c15ULL);
        }
    };
    const auto key_of = [](const Column& code, const Column& year, std::size_t r,
                           std::string& scratch) -> Key {
        if (code.type() == ColumnType::kText) return {code.text_at(r), std::llround(year.number_at(r))};
        scratch = code.to_text(r);
        return {scratch, std::llround(year.number_at(r))};
    };
    std::unordered_set<Key, KeyHash> wanted;
    std::deque<std::string> owned;  // codes stored as numbers: their text (a deque keeps the views valid)
    for (const Table* t : {survey, sales}) {
        if (t == nullptr || t->find("code") == nullptr || t->find("year") == nullptr) continue;
        const Column& code = t->column("code");
        const Column& year = t->column("year");
        wanted.reserve(wanted.size() + t->row_count());
        for (std::size_t r = 0; r < t->row_count(); ++r) {
            if (code.is_missing(r) || year.is_missing(r)) continue;
            if (code.type() == ColumnType::kText) {
                wanted.emplace(code.text_at(r), std::llround(year.number_at(r)));
            } else {
                owned.push_back(code.to_text(r));
                wanted.emplace(owned.back(), std::llround(year.number_at(r)));
            }
        }
    }
    const Table keys = read_dataset(store, dataset, {"code", "year"}).table;
    const Column& code = keys.column("code");
    const Column& year = keys.column("year");
    std::vector<std::size_t> rows;
    std::unordered_set<Key, KeyHash> taken;  // the first row of a (code, year), as calibrate takes it
    taken.reserve(wanted.size());
    std::string scratch;
    for (std::size_t r = 0; r < keys.row_count(); ++r) {
        if (code.is_missing(r) || year.is_missing(r)) continue;
        const Key k = key_of(code, year, r, scratch);
        if (wanted.count(k) == 0) continue;
        if (code.type() != ColumnType::kText) {
            owned.push_back(std::string(k.first));
            if (taken.emplace(owned.back(), k.second).second) rows.push_back(r);
        } else if (taken.insert(k).second) {
            rows.push_back(r);
        }
    }
    Table out;
    {
        std::vector<std::string> c(rows.size());
        std::vector<std::int64_t> y(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            c[i] = code.to_text(rows[i]);
            y[i] = std::llround(year.number_at(rows[i]));
        }
        out.add_column(Column::of_texts("code", std::move(c)));
        out.add_column(Column::of_ints("year", std::move(y)));
    }
    const DatasetBlockReader probe(store, dataset);
    std::vector<std::string> columns;
    for (const auto& name : probe.column_names())
        if (name != "code" && name != "year" && probe.column_type(name) == ColumnType::kReal)
            columns.push_back(name);
    const std::size_t block_rows = probe.block_rows(), blocks = probe.block_count();
    // Per block: the selected rows in it, [first, last) into `rows`.
    std::vector<std::size_t> first(blocks + 1, rows.size());
    for (std::size_t i = rows.size(); i-- > 0;) first[rows[i] / block_rows] = i;
    for (std::size_t b = blocks; b-- > 0;) first[b] = std::min(first[b], first[b + 1]);
    std::vector<std::vector<double>> values(columns.size(), std::vector<double>(rows.size()));
    std::vector<std::vector<std::uint8_t>> status(columns.size(), std::vector<std::uint8_t>(rows.size(), 0));
    ProgressStep step("calibrate: reading the indicators of respondents and sales", columns.size(),
                      "columns");
    struct Buffers {
        std::unique_ptr<DatasetBlockReader> reader;
        std::vector<double> v;
        std::vector<std::uint8_t> st;
    };
    tbb::enumerable_thread_specific<Buffers> local;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, columns.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& br) {
                          Buffers& buf = local.local();
                          if (!buf.reader) buf.reader = std::make_unique<DatasetBlockReader>(store, dataset);
                          buf.v.resize(block_rows);
                          buf.st.resize(block_rows);
                          for (std::size_t c = br.begin(); c != br.end(); ++c) {
                              for (std::size_t b = 0; b < blocks; ++b) {
                                  if (first[b] == first[b + 1]) continue;
                                  check_cancelled();
                                  const bool some_missing =
                                      buf.reader->read_real_block(columns[c], b, buf.v.data(), buf.st.data());
                                  for (std::size_t i = first[b]; i < first[b + 1]; ++i) {
                                      const std::size_t at = rows[i] - b * block_rows;
                                      values[c][i] = buf.v[at];
                                      if (some_missing) status[c][i] = buf.st[at];
                                  }
                              }
                              step.advance();
                          }
                      });
    local.clear();  // the readers' read locks end here
    for (std::size_t c = 0; c < columns.size(); ++c)
        out.add_column(Column::of_reals(columns[c], std::move(values[c]), std::move(status[c])));
    return out;
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
    const Table used = indicator_rows_used(store, a.indicators, survey ? &survey->table : nullptr,
                                           sales ? &sales->table : nullptr);
    spdlog::info("calibrating from {} indicator rows (the cell-years with respondents or sales){}{}",
                 used.row_count(),
                 survey ? fmt::format(", {} survey respondents", survey->table.row_count()) : "",
                 sales ? fmt::format(", {} sales", sales->table.row_count()) : "");
    const ProgressStep step("calibrate: fitting the models");
    out.calibration = liveability::calibrate_weights(used, meta.table, survey ? &survey->table : nullptr,
                                                     sales ? &sales->table : nullptr, o);
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
