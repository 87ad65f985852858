#include "liveability/calibrate.hpp"

#include <fmt/format.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/code_year_index.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz::liveability {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Eigen::Index kBlockRows = 4096;

enum class Transform { kIdentity, kLog, kLogit, kSqrt };

std::optional<Transform> parse_transform(std::string_view name) {
    if (name == "identity") return Transform::kIdentity;
    if (name == "log") return Transform::kLog;
    if (name == "logit") return Transform::kLogit;
    if (name == "sqrt") return Transform::kSqrt;
    return std::nullopt;
}

double apply_transform(Transform t, double x) {
    switch (t) {
        case Transform::kIdentity:
            return x;
        case Transform::kLog:
            return x > 0 ? std::log(x) : kNaN;
        case Transform::kLogit:
            return x > 0 && x < 1 ? std::log(x / (1.0 - x)) : kNaN;
        case Transform::kSqrt:
            return x >= 0 ? std::sqrt(x) : kNaN;
    }
    return kNaN;
}

// Whether apply_transform(t, x) is finite, without computing it.
bool transform_defined(Transform t, double x) {
    switch (t) {
        case Transform::kIdentity:
            return std::isfinite(x);
        case Transform::kLog:
            return x > 0 && std::isfinite(x);
        case Transform::kLogit:
            return x > 0 && x < 1;
        case Transform::kSqrt:
            return x >= 0 && std::isfinite(x);
    }
    return false;
}

struct IndicatorMeta {
    std::string id, name, transform, dim2, dim3;
    Transform tf = Transform::kIdentity;
};

std::vector<IndicatorMeta> read_meta(const Table& meta) {
    const Column& id = meta.column("id");
    const Column& tf = meta.column("transform");
    const Column& d2 = meta.column("dimension_lbm2");
    const Column* name = meta.find("name");
    const Column* d3 = meta.find("dimension_lbm3");
    std::vector<IndicatorMeta> out;
    for (std::size_t r = 0; r < meta.row_count(); ++r) {
        IndicatorMeta m;
        m.id = id.to_text(r);
        if (m.id.empty()) throw UsageError(fmt::format("indicator metadata: row {} has no id", r + 1));
        m.transform = tf.to_text(r);
        const auto t = parse_transform(m.transform);
        if (!t) {
            throw UsageError(fmt::format(
                "indicator metadata: transform '{}' of {} is not known (identity, log, logit, sqrt)",
                m.transform, m.id));
        }
        m.tf = *t;
        m.dim2 = d2.to_text(r);
        if (name) m.name = name->to_text(r);
        if (d3) m.dim3 = d3->to_text(r);
        out.push_back(std::move(m));
    }
    if (out.empty()) throw UsageError("indicator metadata: no indicators");
    return out;
}

// The indicator rows by (cell, year), and the columns and transforms in metadata order.
struct IndicatorIndex {
    std::vector<std::string> columns;  // in metadata order
    std::vector<Transform> transforms;
    CodeYearIndex index;                 // (cell, year) -> id
    std::vector<std::size_t> row_of;     // id -> the first row of that (cell, year)
    std::vector<std::string> code_text;  // codes of a non-text code column, rendered once

    std::optional<std::size_t> find(std::string_view code, std::int64_t year) const {
        const auto id = index.find(code, year);
        if (!id) return std::nullopt;
        return row_of[*id];
    }
};

IndicatorIndex index_indicators(const CalibrationRows& source, const std::vector<IndicatorMeta>& meta) {
    IndicatorIndex idx;
    for (const auto& m : meta) {
        const auto type = source.column_type(m.id);
        if (!type) {
            throw UsageError(
                fmt::format("indicators: no column '{}' (named in the indicator metadata)", m.id));
        }
        if (*type == ColumnType::kText) {
            throw UsageError(fmt::format("indicators: column '{}' is text, expected numbers", m.id));
        }
        idx.columns.push_back(m.id);
        idx.transforms.push_back(m.tf);
    }
    const Column& code = source.codes();
    const Column& year = source.years();
    const std::size_t n = code.size();
    if (code.type() != ColumnType::kText) {
        idx.code_text.resize(n);
        for (std::size_t r = 0; r < n; ++r) idx.code_text[r] = code.to_text(r);
    }
    idx.index.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
        if (code.is_missing(r) || year.is_missing(r)) continue;
        const std::string_view k = code.type() == ColumnType::kText ? std::string_view(code.text_at(r))
                                                                    : std::string_view(idx.code_text[r]);
        const auto y = static_cast<std::int64_t>(std::llround(year.number_at(r)));
        if (idx.index.insert(k, y).second) idx.row_of.push_back(r);  // the first row of a (cell, year) wins
    }
    return idx;
}

// A table as indicator blocks of 65,536 rows.
class TableCalibrationRows final : public CalibrationRows {
  public:
    explicit TableCalibrationRows(const Table& t) : t_(t), code_(t.column("code")), year_(t.column("year")) {}
    const Column& codes() const override { return code_; }
    const Column& years() const override { return year_; }
    std::optional<ColumnType> column_type(const std::string& name) const override {
        const Column* c = t_.find(name);
        if (c == nullptr) return std::nullopt;
        return c->type();
    }
    std::size_t block_count() const override { return (t_.row_count() + kRows - 1) / kRows; }
    std::size_t block_begin(std::size_t b) const override { return std::min(b * kRows, t_.row_count()); }
    void read_block(std::size_t b, const std::vector<std::string>& columns,
                    std::vector<std::vector<double>>& values) override {
        const std::size_t first = block_begin(b), last = block_begin(b + 1);
        values.resize(columns.size());
        for (std::size_t j = 0; j < columns.size(); ++j) {
            const Column& c = t_.column(columns[j]);
            values[j].resize(last - first);
            for (std::size_t r = first; r < last; ++r) {
                values[j][r - first] = c.status()[r] != 0                 ? kNaN
                                       : c.type() == ColumnType::kReal ? c.reals()[r]
                                                                       : static_cast<double>(c.ints()[r]);
            }
        }
    }

  private:
    static constexpr std::size_t kRows = 65536;
    const Table& t_;
    const Column& code_;
    const Column& year_;
};

// A control predictor: value for an input row (NaN = missing, the row is dropped).
struct Control {
    std::string name;
    std::function<double(std::size_t)> value;
};

// A categorical control: dummies for its levels (except the reference and rare levels).
struct Categorical {
    std::string prefix;                             // "year", "dwelling_type"
    std::function<std::string(std::size_t)> level;  // "" = missing
    bool reference_most_frequent = false;           // else the smallest level (numeric order for years)
    bool numeric_order = false;
};

struct ModelSpec {
    std::string model, outcome_name;
    double scale = 1;
    const Table* data = nullptr;
    std::function<double(std::size_t)> outcome;  // NaN = missing/invalid
    std::vector<Control> controls;
    std::vector<Categorical> categoricals;
};

struct FittedModel {
    ModelReport report;
    Eigen::VectorXd coef, se;  // indicator coefficients (outcome units per unit of T)
};

bool level_less(const std::string& a, const std::string& b, bool numeric) {
    if (numeric) {
        const double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
        if (x != y) return x < y;
    }
    return a < b;
}

// One model's fit, in the steps the indicator blocks allow: its rows are matched to indicator rows
// (prepare), the usable ones chosen once the indicators' validity is known (select), their Gram matrices
// built from the indicator values a block at a time in indicator-row order (feed), and the ridge path
// cross-validated (finish). The rows are visited in indicator-row order, so that the reads of the
// (columnar) indicator values run forward through memory; the order is deterministic, and the folds
// are assigned in it.
class ModelFit {
  public:
    ModelFit(const ModelFit&) = delete;
    ModelFit& operator=(const ModelFit&) = delete;
    ~ModelFit() {
        try {
            adding_.wait();  // a block still in flight when an error ends the fit
        } catch (...) {      // NOLINT(bugprone-empty-catch): the error that ended the fit is the one to report
        }
    }
    ModelFit(const ModelSpec& spec, const IndicatorIndex& ind, const CalibrationOptions& options)
        : spec_(spec), ind_(ind), options_(options) {
        ModelReport& rep = fm_.report;
        rep.model = spec.model;
        rep.used = true;
        rep.outcome = spec.outcome_name;
        rep.scale = spec.scale;
        const Table& data = *spec.data;
        const Column& code = data.column("code");
        const Column& year = data.column("year");
        rep.rows = data.row_count();
        candidates_.reserve(data.row_count());
        for (std::size_t r = 0; r < data.row_count(); ++r) {
            if (code.is_missing(r) || year.is_missing(r)) {
                ++rep.dropped_no_indicators;
                continue;
            }
            const auto y = static_cast<std::int64_t>(std::llround(year.number_at(r)));
            const auto ir =
                code.type() == ColumnType::kText ? ind.find(code.text_at(r), y) : ind.find(code.to_text(r), y);
            if (!ir) {
                ++rep.dropped_no_indicators;
                continue;
            }
            candidates_.emplace_back(*ir, r);
        }
        std::sort(candidates_.begin(), candidates_.end());
        // Each categorical's level per input row, as an index into its level names (-1: missing), so
        // that the rows and dummies below compare numbers, not texts.
        levels_.resize(spec.categoricals.size());
        for (std::size_t c = 0; c < spec.categoricals.size(); ++c) {
            std::unordered_map<std::string, int> id;
            Levels& lv = levels_[c];
            lv.of_row.assign(data.row_count(), -1);
            for (std::size_t r = 0; r < data.row_count(); ++r) {
                std::string level = spec.categoricals[c].level(r);
                if (level.empty()) continue;
                const auto [it, added] = id.emplace(std::move(level), static_cast<int>(lv.names.size()));
                if (added) lv.names.push_back(it->first);
                lv.of_row[r] = it->second;
            }
        }
    }

    // Marks the indicator rows this model needs (needed[row] = 1).
    void mark(std::vector<std::uint8_t>& needed) const {
        for (const auto& [ir, r] : candidates_) needed[ir] = 1;
    }

    // Keeps the rows with valid indicators (valid[row]), an outcome and all controls; decides the
    // dummies and the folds.
    void select(const std::vector<std::uint8_t>& valid) {
        ModelReport& rep = fm_.report;
        for (const auto& [ir, r] : candidates_) {
            if (valid[ir] == 0) {
                ++rep.dropped_missing_indicator;
                continue;
            }
            bool ok = std::isfinite(spec_.outcome(r));
            for (std::size_t c = 0; c < spec_.controls.size() && ok; ++c)
                ok = std::isfinite(spec_.controls[c].value(r));
            for (std::size_t c = 0; c < spec_.categoricals.size() && ok; ++c) ok = levels_[c].of_row[r] >= 0;
            if (!ok) {
                ++rep.dropped_missing_outcome_or_control;
                continue;
            }
            rows_.push_back(r);
            ind_rows_.push_back(ir);
        }
        candidates_ = {};
        // Dummy columns: levels with enough rows, minus the reference.
        for (std::size_t c = 0; c < spec_.categoricals.size(); ++c) {
            const Categorical& cat = spec_.categoricals[c];
            std::vector<std::size_t> count(levels_[c].names.size(), 0);
            for (std::size_t r : rows_) ++count[static_cast<std::size_t>(levels_[c].of_row[r])];
            // (level, rows, id) of the levels present, in level order.
            std::vector<std::tuple<std::string, std::size_t, int>> lv;
            for (std::size_t i = 0; i < count.size(); ++i)
                if (count[i] > 0) lv.emplace_back(levels_[c].names[i], count[i], static_cast<int>(i));
            std::sort(lv.begin(), lv.end(), [&](const auto& a, const auto& b) {
                return level_less(std::get<0>(a), std::get<0>(b), cat.numeric_order);
            });
            if (lv.empty()) continue;
            std::size_t ref = 0;
            if (cat.reference_most_frequent) {
                for (std::size_t i = 1; i < lv.size(); ++i) {
                    if (std::get<1>(lv[i]) > std::get<1>(lv[ref])) ref = i;
                }
            }
            for (std::size_t i = 0; i < lv.size(); ++i) {
                if (i == ref || std::get<1>(lv[i]) < options_.min_level_rows) continue;
                dummies_.push_back({c, std::get<0>(lv[i]), std::get<2>(lv[i])});
            }
        }
        const std::size_t nj = ind_.columns.size();
        for (std::size_t j = 0; j < nj; ++j) {
            names_.push_back(ind_.columns[j]);
            penalized_.push_back(true);
        }
        for (const auto& c : spec_.controls) {
            names_.push_back(c.name);
            penalized_.push_back(false);
            rep.controls.push_back(c.name);
        }
        for (const auto& d : dummies_) {
            names_.push_back(spec_.categoricals[d.categorical].prefix + "=" + d.level);
            penalized_.push_back(false);
        }
        for (const auto& c : spec_.categoricals) rep.controls.push_back(c.prefix + " (dummies)");
        const std::size_t p = names_.size();
        rep.n = rows_.size();
        if (rep.n < std::max<std::size_t>(p + 2, static_cast<std::size_t>(options_.folds) * 2)) {
            throw UsageError(fmt::format(
                "{}: {} usable rows for {} predictors ({} of {} rows have no indicators for their cell and "
                "year, {} a missing or invalid indicator, {} a missing outcome or control)",
                spec_.model, rep.n, p, rep.dropped_no_indicators, rep.rows, rep.dropped_missing_indicator,
                rep.dropped_missing_outcome_or_control));
        }
        fold_ = stats::assign_folds(rep.n, options_.folds, options_.seed);
        builder_.emplace(p, options_.folds);
        x_.resize(std::min<Eigen::Index>(kBlockRows, static_cast<Eigen::Index>(rep.n)),
                  static_cast<Eigen::Index>(p));
        y_.resize(x_.rows());
    }

    // Whether a row of this model has its indicators in [first, last).
    bool wants(std::size_t first, std::size_t last) const {
        const auto it = std::lower_bound(ind_rows_.begin() + static_cast<std::ptrdiff_t>(next_), ind_rows_.end(), first);
        return it != ind_rows_.end() && *it < last;
    }

    // The rows whose indicators are in [first, first + values[0].size()) (values[j][i]: raw value of
    // indicator j in row first + i), added to the Gram matrices a block of kBlockRows rows at a time:
    // the same blocks, in the same order, whatever the indicator blocks are.
    void feed(std::size_t first, const std::vector<std::vector<double>>& values) {
        const std::size_t nj = ind_.columns.size();
        const std::size_t last = first + (values.empty() ? 0 : values[0].size());
        while (next_ < rows_.size() && ind_rows_[next_] < last) {
            const std::size_t at = ind_rows_[next_] - first, r = rows_[next_];
            const auto i = filled_;
            for (std::size_t j = 0; j < nj; ++j)
                x_(i, static_cast<Eigen::Index>(j)) = apply_transform(ind_.transforms[j], values[j][at]);
            auto col = static_cast<Eigen::Index>(nj);
            for (const auto& c : spec_.controls) x_(i, col++) = c.value(r);
            for (const auto& d : dummies_)
                x_(i, col++) = levels_[d.categorical].of_row[r] == d.level_id ? 1.0 : 0.0;
            y_(i) = spec_.outcome(r);
            ++next_;
            if (++filled_ == x_.rows()) add_block();
        }
    }

    FittedModel finish() {
        if (next_ != rows_.size()) throw InternalError("calibrate: " + spec_.model + " rows left unfed");
        adding_.wait();
        ModelReport& rep = fm_.report;
        const stats::FoldGrams grams = builder_->finish();
        const stats::RidgeSpec rs{names_, penalized_};
        const std::vector<double> grid =
            options_.lambda ? std::vector<double>{*options_.lambda} : options_.lambda_grid;
        stats::RidgeCv cv;
        try {
            cv = stats::cross_validate_ridge(grams, rs, grid);
        } catch (const UsageError& e) {
            throw UsageError(fmt::format("{} model: {}", spec_.model, e.what()));
        }
        const std::size_t nj = ind_.columns.size(), p = names_.size();
        rep.lambda_fixed = options_.lambda.has_value();
        rep.lambda = cv.fit.lambda;
        rep.cv_path = cv.path;
        rep.cv_rmse = cv.path[cv.chosen].rmse;
        rep.cv_r2 = cv.path[cv.chosen].r2;
        rep.r2 = cv.fit.r2;
        rep.sigma = cv.fit.sigma;
        rep.df = cv.fit.df;
        fm_.coef = cv.fit.coef.segment(1, static_cast<Eigen::Index>(nj));
        fm_.se = cv.fit.se.segment(1, static_cast<Eigen::Index>(nj));
        rep.control_coefficients.push_back({"intercept", cv.fit.coef(0), cv.fit.se(0)});
        for (std::size_t k = nj; k < p; ++k) {
            const auto e = static_cast<Eigen::Index>(k + 1);
            rep.control_coefficients.push_back({names_[k], cv.fit.coef(e), cv.fit.se(e)});
        }
        return std::move(fm_);
    }

  private:
    struct Levels {
        std::vector<std::string> names;
        std::vector<int> of_row;
    };
    struct Dummy {
        std::size_t categorical;
        std::string level;
        int level_id;
    };

    // Hands the filled block to the Gram builder on another thread (one block in flight, so the blocks
    // are added in order) while the next one is filled here.
    void add_block() {
        adding_.wait();  // the block before is in
        const std::size_t first = added_;
        x_.swap(x_adding_);
        y_.swap(y_adding_);
        fold_adding_.assign(fold_.begin() + static_cast<std::ptrdiff_t>(first),
                            fold_.begin() + static_cast<std::ptrdiff_t>(first + static_cast<std::size_t>(filled_)));
        adding_.run([this] { builder_->add(x_adding_, y_adding_, fold_adding_); });
        added_ += static_cast<std::size_t>(filled_);
        filled_ = 0;
        const std::size_t left = rows_.size() - added_;
        if (left > 0) {  // the next block: kBlockRows rows, or the last, shorter one
            const auto m = std::min<Eigen::Index>(kBlockRows, static_cast<Eigen::Index>(left));
            x_.resize(m, x_adding_.cols());
            y_.resize(m);
        }
    }

    const ModelSpec& spec_;
    const IndicatorIndex& ind_;
    const CalibrationOptions& options_;
    FittedModel fm_;
    std::vector<std::pair<std::size_t, std::size_t>> candidates_;  // (indicator row, input row)
    std::vector<Levels> levels_;
    std::vector<std::size_t> rows_, ind_rows_;  // usable rows and their indicator rows, ascending
    std::vector<Dummy> dummies_;
    std::vector<std::string> names_;
    std::vector<bool> penalized_;
    std::vector<int> fold_;
    std::optional<stats::FoldGramBuilder> builder_;
    Eigen::MatrixXd x_, x_adding_;  // the block being filled, the block being added
    Eigen::VectorXd y_, y_adding_;
    std::vector<int> fold_adding_;
    tbb::task_group adding_;
    Eigen::Index filled_ = 0;  // rows of x_ filled
    std::size_t next_ = 0;     // the next row to feed
    std::size_t added_ = 0;    // rows added to the builder
};

std::function<double(std::size_t)> numeric(const Column& c) {
    return [&c](std::size_t r) { return c.is_missing(r) ? kNaN : c.number_at(r); };
}

std::function<double(std::size_t)> log_positive(const Column& c) {
    return [&c](std::size_t r) {
        if (c.is_missing(r)) return kNaN;
        const double v = c.number_at(r);
        return v > 0 ? std::log(v) : kNaN;
    };
}

std::function<std::string(std::size_t)> level_text(const Column& c) {
    return [&c](std::size_t r) { return c.is_missing(r) ? std::string() : c.to_text(r); };
}

ModelSpec survey_spec(const Table& survey, const CalibrationOptions& o, std::vector<std::string>& missing) {
    ModelSpec s;
    s.model = "survey";
    s.outcome_name = "rating";
    s.scale = o.survey_points_per_score;
    s.data = &survey;
    s.outcome = numeric(survey.column("rating"));
    for (const char* c : {"owner", "age"}) {
        if (const Column* col = survey.find(c)) {
            s.controls.push_back({c, numeric(*col)});
        } else {
            missing.emplace_back(c);
        }
    }
    s.categoricals.push_back({"year", level_text(survey.column("year")), false, true});
    return s;
}

ModelSpec sales_spec(const Table& sales, const CalibrationOptions& o, std::vector<std::string>& missing) {
    ModelSpec s;
    s.model = "sales";
    s.outcome_name = "log(price)";
    s.scale = o.sales_log_price_per_score;
    s.data = &sales;
    s.outcome = log_positive(sales.column("price"));
    if (const Column* c = sales.find("floor_area")) {
        s.controls.push_back({"log(floor_area)", log_positive(*c)});
    } else {
        missing.emplace_back("floor_area");
    }
    for (const char* c : {"rooms", "build_year"}) {
        if (const Column* col = sales.find(c)) {
            s.controls.push_back({c, numeric(*col)});
        } else {
            missing.emplace_back(c);
        }
    }
    if (const Column* c = sales.find("dwelling_type")) {
        s.categoricals.push_back({"dwelling_type", level_text(*c), true, false});
    } else {
        missing.emplace_back("dwelling_type");
    }
    s.categoricals.push_back({"year", level_text(sales.column("year")), false, true});
    return s;
}

}  // namespace

double transform_indicator(const std::string& transform, double x) {
    const auto t = parse_transform(transform);
    if (!t) throw UsageError(fmt::format("unknown transform '{}' (identity, log, logit, sqrt)", transform));
    return apply_transform(*t, x);
}

Calibration calibrate_weights(const Table& indicators, const Table& meta, const Table* survey,
                              const Table* sales, const CalibrationOptions& options) {
    TableCalibrationRows blocks(indicators);
    return calibrate_weights(blocks, meta, survey, sales, options);
}

Calibration calibrate_weights(CalibrationRows& indicators, const Table& meta, const Table* survey,
                              const Table* sales, const CalibrationOptions& options) {
    if (survey == nullptr && sales == nullptr)
        throw UsageError("calibrate: neither a survey nor sales to fit");
    if (options.folds < 2)
        throw UsageError(fmt::format("calibrate: --folds must be at least 2, got {}", options.folds));
    if (!(options.survey_points_per_score > 0) || !(options.sales_log_price_per_score > 0)) {
        throw UsageError("calibrate: the score scales must be positive");
    }
    if (options.survey_share && !(*options.survey_share >= 0 && *options.survey_share <= 1)) {
        throw UsageError("calibrate: the survey share must be between 0 and 1");
    }
    const std::vector<IndicatorMeta> m = read_meta(meta);
    // Check every input's columns before the (slow) indexing.
    std::vector<std::string> survey_missing, sales_missing;
    std::optional<ModelSpec> ss, hs;
    if (survey) {
        survey->column("code");
        ss = survey_spec(*survey, options, survey_missing);
    }
    if (sales) {
        sales->column("code");
        hs = sales_spec(*sales, options, sales_missing);
    }
    const IndicatorIndex idx = index_indicators(indicators, m);
    std::optional<ModelFit> fit_s, fit_h;
    if (ss) fit_s.emplace(*ss, idx, options);
    if (hs) fit_h.emplace(*hs, idx, options);
    // 1. Which of the indicator rows the models need have every indicator in its transform's domain.
    std::vector<std::uint8_t> valid(indicators.codes().size(), 0);  // needed, then valid
    if (fit_s) fit_s->mark(valid);
    if (fit_h) fit_h->mark(valid);
    const std::size_t blocks = indicators.block_count();
    std::vector<std::vector<double>> values;
    {
        ProgressStep step("calibrate: checking the indicators of respondents and sales", blocks, "blocks");
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = indicators.block_begin(b), last = indicators.block_begin(b + 1);
            if (std::any_of(valid.begin() + static_cast<std::ptrdiff_t>(first),
                            valid.begin() + static_cast<std::ptrdiff_t>(last), [](std::uint8_t v) { return v != 0; })) {
                indicators.read_block(b, idx.columns, values);
                for (std::size_t j = 0; j < idx.columns.size(); ++j) {
                    for (std::size_t r = first; r < last; ++r)
                        if (valid[r] != 0 && !transform_defined(idx.transforms[j], values[j][r - first])) valid[r] = 0;
                }
            }
            step.advance();
        }
    }
    if (fit_s) fit_s->select(valid);
    if (fit_h) fit_h->select(valid);
    // 2. The models' Gram matrices, a block of indicator rows at a time; the next block the models want
    //    is read (on the other core) while this one is fed.
    {
        ProgressStep step("calibrate: building the models from the indicators", blocks, "blocks");
        const auto next_wanted = [&](std::size_t b) {
            for (; b < blocks; ++b) {
                const std::size_t first = indicators.block_begin(b), last = indicators.block_begin(b + 1);
                if ((fit_s && fit_s->wants(first, last)) || (fit_h && fit_h->wants(first, last))) break;
            }
            return b;
        };
        std::vector<std::vector<double>> next_values;
        tbb::task_group reading;
        struct WaitForReading {  // a read in flight when an error leaves the loop
            tbb::task_group& g;
            ~WaitForReading() {
                try {
                    g.wait();
                } catch (...) {  // NOLINT(bugprone-empty-catch): the error that left the loop is the one to report
                }
            }
        } wait_for_reading{reading};
        std::size_t b = next_wanted(0);
        if (b < blocks) indicators.read_block(b, idx.columns, values);
        while (b < blocks) {
            const std::size_t next = next_wanted(b + 1);
            if (next < blocks) reading.run([&, next] { indicators.read_block(next, idx.columns, next_values); });
            const std::size_t first = indicators.block_begin(b);
            if (fit_s) fit_s->feed(first, values);
            if (fit_h) fit_h->feed(first, values);
            reading.wait();
            values.swap(next_values);
            step.advance(next - b);
            b = next;
        }
        step.finish();
    }
    Calibration cal;
    std::optional<FittedModel> fs, fh;
    if (fit_s) {
        fs = fit_s->finish();
        fs->report.controls_missing = survey_missing;
        cal.survey = fs->report;
    } else {
        cal.survey.model = "survey";
    }
    if (fit_h) {
        fh = fit_h->finish();
        fh->report.controls_missing = sales_missing;
        cal.sales = fh->report;
    } else {
        cal.sales.model = "sales";
    }
    cal.combination = options.survey_share ? fmt::format("fixed survey share {:.2f}", *options.survey_share)
                                           : std::string("inverse-variance");
    Column c_ind("indicator", ColumnType::kText), c_name("name", ColumnType::kText),
        c_tf("transform", ColumnType::kText), c_dim("dimension", ColumnType::kText),
        c_dim3("dimension_lbm3", ColumnType::kText), c_w("weight", ColumnType::kReal),
        c_se("se", ColumnType::kReal), c_ws("weight_survey", ColumnType::kReal),
        c_ses("se_survey", ColumnType::kReal), c_wh("weight_sales", ColumnType::kReal),
        c_seh("se_sales", ColumnType::kReal);
    auto push = [](Column& c, double v) {
        if (std::isfinite(v)) {
            c.push_real(v);
        } else {
            c.push_missing(Missing::kNotAvailable);
        }
    };
    std::vector<std::string> dim_order;
    std::map<std::string, DimensionSummary> dims;
    for (std::size_t j = 0; j < m.size(); ++j) {
        const auto e = static_cast<Eigen::Index>(j);
        const double ws = fs ? fs->coef(e) / fs->report.scale : kNaN;
        const double ses = fs ? fs->se(e) / fs->report.scale : kNaN;
        const double wh = fh ? fh->coef(e) / fh->report.scale : kNaN;
        const double seh = fh ? fh->se(e) / fh->report.scale : kNaN;
        double w = kNaN, se = kNaN;
        if (fs && fh) {
            if (options.survey_share) {
                const double a = *options.survey_share;
                w = a * ws + (1 - a) * wh;
                se = std::sqrt(a * a * ses * ses + (1 - a) * (1 - a) * seh * seh);
            } else {
                const double ps = 1.0 / (ses * ses), ph = 1.0 / (seh * seh);
                w = (ps * ws + ph * wh) / (ps + ph);
                se = std::sqrt(1.0 / (ps + ph));
            }
        } else if (fs) {
            w = ws;
            se = ses;
        } else {
            w = wh;
            se = seh;
        }
        c_ind.push_text(m[j].id);
        c_name.push_text(m[j].name);
        c_tf.push_text(m[j].transform);
        c_dim.push_text(m[j].dim2);
        c_dim3.push_text(m[j].dim3);
        push(c_w, w);
        push(c_se, se);
        push(c_ws, ws);
        push(c_ses, ses);
        push(c_wh, wh);
        push(c_seh, seh);
        if (!dims.count(m[j].dim2)) dim_order.push_back(m[j].dim2);
        DimensionSummary& d = dims[m[j].dim2];
        d.dimension = m[j].dim2;
        ++d.indicators;
        d.weight_sum += w;
        d.abs_weight_sum += std::fabs(w);
    }
    for (auto* c : {&c_ind, &c_name, &c_tf, &c_dim, &c_dim3, &c_w, &c_se, &c_ws, &c_ses, &c_wh, &c_seh}) {
        cal.weights.add_column(std::move(*c));
    }
    for (const auto& d : dim_order) cal.dimensions.push_back(dims[d]);
    return cal;
}

}  // namespace wz::liveability
