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

#include "core/code_year_index.hpp"
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

// The rows of a stored indicator dataset whose (code, year) has respondents or sales: all the
// calibration uses, as indicator blocks (one per block of the store, holding the rows used in it). Their
// codes and years are read up front; their values when the fit asks, a store block at a time (both
// cores, each column with its own reader), so calibrating never holds the indicator values.
class StoredIndicatorRows final : public liveability::CalibrationRows {
  public:
    StoredIndicatorRows(const std::string& store, const std::string& dataset, const Table* survey,
                        const Table* sales)
        : store_(store), dataset_(dataset), probe_(store, dataset) {
        // The (code, year) keys of respondents and sales, as views into their tables (which outlive the
        // index); a code stored as a number is rendered once (a deque keeps the views valid).
        CodeYearIndex wanted;
        std::deque<std::string> owned;
        for (const Table* t : {survey, sales}) {
            if (t == nullptr || t->find("code") == nullptr || t->find("year") == nullptr) continue;
            const Column& code = t->column("code");
            const Column& year = t->column("year");
            wanted.reserve(wanted.size() + t->row_count());
            for (std::size_t r = 0; r < t->row_count(); ++r) {
                if (code.is_missing(r) || year.is_missing(r)) continue;
                std::string_view c;
                if (code.type() == ColumnType::kText) {
                    c = code.text_at(r);
                } else {
                    c = owned.emplace_back(code.to_text(r));
                }
                wanted.insert(c, std::llround(year.number_at(r)));
            }
        }
        // The indicator rows' keys a store block at a time (both cores, a reader each), each looked up;
        // then the first indicator row of each wanted (code, year) taken, as calibrate takes it. Only
        // the rows found are kept, never the code column of the whole dataset.
        const std::size_t blocks = probe_.block_count();
        const std::size_t per_block = probe_.block_rows();
        std::vector<std::vector<std::pair<std::size_t, std::uint32_t>>> hits(blocks);  // (row, key id)
        {
            struct KeyBlock {
                std::unique_ptr<DatasetBlockReader> reader;
                std::optional<Column> code, year;
                std::string scratch;
            };
            tbb::enumerable_thread_specific<KeyBlock> local;
            const ColumnType code_type = *probe_.column_type("code");
            const ColumnType year_type = *probe_.column_type("year");
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                              [&](const tbb::blocked_range<std::size_t>& br) {
                                  KeyBlock& k = local.local();
                                  if (!k.reader) {
                                      k.reader = std::make_unique<DatasetBlockReader>(store, dataset);
                                      k.code.emplace("code", code_type);
                                      k.year.emplace("year", year_type);
                                  }
                                  for (std::size_t b = br.begin(); b != br.end(); ++b) {
                                      k.reader->read_block("code", b, *k.code);
                                      k.reader->read_block("year", b, *k.year);
                                      const Column& code = *k.code;
                                      const Column& year = *k.year;
                                      for (std::size_t i = 0; i < code.size(); ++i) {
                                          if (code.is_missing(i) || year.is_missing(i)) continue;
                                          std::string_view c;
                                          if (code.type() == ColumnType::kText) {
                                              c = code.text_at(i);
                                          } else {
                                              k.scratch = code.to_text(i);
                                              c = k.scratch;
                                          }
                                          if (const auto id = wanted.find(c, std::llround(year.number_at(i))))
                                              hits[b].emplace_back(b * per_block + i,
                                                                   static_cast<std::uint32_t>(*id));
                                      }
                                  }
                              });
        }
        std::vector<bool> taken(wanted.size(), false);
        std::vector<std::string> c;
        std::vector<std::int64_t> y;
        for (const auto& block_hits : hits) {
            for (const auto& [row, id] : block_hits) {
                if (taken[id]) continue;
                taken[id] = true;
                rows_.push_back(row);
                c.emplace_back(wanted.key(id).first);
                y.push_back(wanted.key(id).second);
            }
        }
        hits.clear();
        codes_ = Column::of_texts("code", std::move(c));
        years_ = Column::of_ints("year", std::move(y));
        // Per store block: the rows used in it, [first_[b], first_[b + 1]) into rows_.
        block_rows_ = per_block;
        first_.assign(blocks + 1, rows_.size());
        for (std::size_t i = rows_.size(); i-- > 0;) first_[rows_[i] / block_rows_] = i;
        for (std::size_t b = blocks; b-- > 0;) first_[b] = std::min(first_[b], first_[b + 1]);
    }

    const Column& codes() const override { return codes_; }
    const Column& years() const override { return years_; }
    std::optional<ColumnType> column_type(const std::string& name) const override {
        return probe_.column_type(name);
    }
    std::size_t block_count() const override { return first_.size() - 1; }
    std::size_t block_begin(std::size_t b) const override { return first_[b]; }

    void read_block(std::size_t b, const std::vector<std::string>& columns,
                    std::vector<std::vector<double>>& values) override {
        const std::size_t first = first_[b], last = first_[b + 1];
        values.resize(columns.size());
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, columns.size(), 4),
                          [&](const tbb::blocked_range<std::size_t>& br) {
                              Buffers& buf = local_.local();
                              if (!buf.reader)
                                  buf.reader = std::make_unique<DatasetBlockReader>(store_, dataset_);
                              buf.v.resize(block_rows_);
                              buf.st.resize(block_rows_);
                              for (std::size_t j = br.begin(); j != br.end(); ++j) {
                                  // Missing values read as NaN (their reasons are not needed here).
                                  buf.reader->read_real_block(columns[j], b, buf.v.data(), buf.st.data());
                                  std::vector<double>& out = values[j];
                                  out.resize(last - first);
                                  for (std::size_t i = first; i < last; ++i)
                                      out[i - first] = buf.v[rows_[i] - b * block_rows_];
                              }
                          });
    }

  private:
    struct Buffers {
        std::unique_ptr<DatasetBlockReader> reader;
        std::vector<double> v;
        std::vector<std::uint8_t> st;
    };
    std::string store_, dataset_;
    DatasetBlockReader probe_;
    std::vector<std::size_t> rows_;  // the store rows used, ascending
    Column codes_{"code", ColumnType::kText}, years_{"year", ColumnType::kInt};
    std::size_t block_rows_ = 0;
    std::vector<std::size_t> first_;
    tbb::enumerable_thread_specific<Buffers> local_;  // each thread's reader (its read lock ends with it)
};

// Whether calibrating can read the indicators a block at a time: stored in column blocks, every
// indicator of the metadata a decimal column (else the whole table is read).
bool blockwise_indicators(const std::string& store, const std::string& dataset, const Table& meta) {
    const DatasetBlockReader probe(store, dataset);
    if (!probe.stored_in_blocks()) return false;
    const Column* id = meta.find("id");
    if (id == nullptr) return false;
    for (std::size_t r = 0; r < meta.row_count(); ++r)
        if (probe.column_type(id->to_text(r)) != ColumnType::kReal) return false;
    return probe.column_type("code").has_value() && probe.column_type("year").has_value();
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
    if (blockwise_indicators(store, a.indicators, meta.table)) {
        StoredIndicatorRows used(store, a.indicators, survey ? &survey->table : nullptr,
                                 sales ? &sales->table : nullptr);
        spdlog::info("calibrating from {} indicator rows (the cell-years with respondents or sales){}{}",
                     used.codes().size(),
                     survey ? fmt::format(", {} survey respondents", survey->table.row_count()) : "",
                     sales ? fmt::format(", {} sales", sales->table.row_count()) : "");
        out.calibration = liveability::calibrate_weights(used, meta.table, survey ? &survey->table : nullptr,
                                                         sales ? &sales->table : nullptr, o);
    } else {
        const Table all = read_dataset(store, a.indicators).table;
        out.calibration = liveability::calibrate_weights(all, meta.table, survey ? &survey->table : nullptr,
                                                         sales ? &sales->table : nullptr, o);
    }
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
