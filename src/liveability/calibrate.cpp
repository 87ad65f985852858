#include "liveability/calibrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

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

struct KeyHash {
    std::size_t operator()(const std::pair<std::string_view, std::int64_t>& k) const noexcept {
        return std::hash<std::string_view>()(k.first) ^
               (std::hash<std::int64_t>()(k.second) * 0x9e3779b97f4a7c15ULL);
    }
};
using CellYearIndex = std::unordered_map<std::pair<std::string_view, std::int64_t>, std::size_t, KeyHash>;

// Indicator values by (cell, year).
struct IndicatorSource {
    const Table* table = nullptr;
    std::vector<const Column*> columns;  // in metadata order
    std::vector<Transform> transforms;
    CellYearIndex index;
    std::vector<std::string> code_text;  // codes of a non-text code column, rendered once

    // Raw value of indicator j in row r (NaN when missing), without the per-call type dispatch.
    double value(std::size_t j, std::size_t r) const {
        const Column& c = *columns[j];
        if (c.status()[r] != 0) return kNaN;
        return c.type() == ColumnType::kReal ? c.reals()[r] : static_cast<double>(c.ints()[r]);
    }

    std::optional<std::size_t> find(const std::string& code, std::int64_t year) const {
        const auto it = index.find({std::string_view(code), year});
        if (it == index.end()) return std::nullopt;
        return it->second;
    }
};

void index_indicators(const Table& t, const std::vector<IndicatorMeta>& meta, IndicatorSource& src) {
    src.table = &t;
    const Column& code = t.column("code");
    const Column& year = t.column("year");
    for (const auto& m : meta) {
        const Column* c = t.find(m.id);
        if (c == nullptr) {
            throw UsageError(
                fmt::format("indicators: no column '{}' (named in the indicator metadata)", m.id));
        }
        if (c->type() == ColumnType::kText) {
            throw UsageError(fmt::format("indicators: column '{}' is text, expected numbers", m.id));
        }
        src.columns.push_back(c);
        src.transforms.push_back(m.tf);
    }
    const std::size_t n = t.row_count();
    if (code.type() != ColumnType::kText) {
        src.code_text.resize(n);
        for (std::size_t r = 0; r < n; ++r) src.code_text[r] = code.to_text(r);
    }
    src.index.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
        if (code.is_missing(r) || year.is_missing(r)) continue;
        const std::string_view k = code.type() == ColumnType::kText ? std::string_view(code.text_at(r))
                                                                    : std::string_view(src.code_text[r]);
        const auto y = static_cast<std::int64_t>(std::llround(year.number_at(r)));
        src.index.emplace(std::make_pair(k, y), r);  // the first row of a (cell, year) wins
    }
}

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

FittedModel fit_model(const ModelSpec& spec, const IndicatorSource& ind, const CalibrationOptions& options) {
    FittedModel fm;
    ModelReport& rep = fm.report;
    rep.model = spec.model;
    rep.used = true;
    rep.outcome = spec.outcome_name;
    rep.scale = spec.scale;
    const Table& data = *spec.data;
    const Column& code = data.column("code");
    const Column& year = data.column("year");
    rep.rows = data.row_count();
    const std::size_t nj = ind.columns.size();
    // Each row's indicator row first; then the rows are visited in indicator-row order, so that the reads
    // of the (columnar) indicator values run forward through memory. The order is deterministic, and the
    // folds are assigned in it.
    std::vector<std::pair<std::size_t, std::size_t>> candidates;  // (indicator row, input row)
    candidates.reserve(data.row_count());
    for (std::size_t r = 0; r < data.row_count(); ++r) {
        if (code.is_missing(r) || year.is_missing(r)) {
            ++rep.dropped_no_indicators;
            continue;
        }
        const auto ir = ind.find(code.type() == ColumnType::kText ? code.text_at(r) : code.to_text(r),
                                 static_cast<std::int64_t>(std::llround(year.number_at(r))));
        if (!ir) {
            ++rep.dropped_no_indicators;
            continue;
        }
        candidates.emplace_back(*ir, r);
    }
    std::sort(candidates.begin(), candidates.end());
    // Rows with valid indicators, an outcome and all controls.
    std::vector<std::size_t> rows, ind_rows;
    for (const auto& [ir, r] : candidates) {
        bool ok = true;
        for (std::size_t j = 0; j < nj && ok; ++j) {
            ok = std::isfinite(apply_transform(ind.transforms[j], ind.value(j, ir)));
        }
        if (!ok) {
            ++rep.dropped_missing_indicator;
            continue;
        }
        ok = std::isfinite(spec.outcome(r));
        for (std::size_t c = 0; c < spec.controls.size() && ok; ++c)
            ok = std::isfinite(spec.controls[c].value(r));
        for (std::size_t c = 0; c < spec.categoricals.size() && ok; ++c)
            ok = !spec.categoricals[c].level(r).empty();
        if (!ok) {
            ++rep.dropped_missing_outcome_or_control;
            continue;
        }
        rows.push_back(r);
        ind_rows.push_back(ir);
    }
    // Dummy columns: levels with enough rows, minus the reference.
    struct Dummy {
        std::size_t categorical;
        std::string level;
    };
    std::vector<Dummy> dummies;
    for (std::size_t c = 0; c < spec.categoricals.size(); ++c) {
        const Categorical& cat = spec.categoricals[c];
        std::map<std::string, std::size_t> count;
        for (std::size_t r : rows) ++count[cat.level(r)];
        std::vector<std::pair<std::string, std::size_t>> lv(count.begin(), count.end());
        std::sort(lv.begin(), lv.end(), [&](const auto& a, const auto& b) {
            return level_less(a.first, b.first, cat.numeric_order);
        });
        if (lv.empty()) continue;
        std::size_t ref = 0;
        if (cat.reference_most_frequent) {
            for (std::size_t i = 1; i < lv.size(); ++i) {
                if (lv[i].second > lv[ref].second) ref = i;
            }
        }
        for (std::size_t i = 0; i < lv.size(); ++i) {
            if (i == ref || lv[i].second < options.min_level_rows) continue;
            dummies.push_back({c, lv[i].first});
        }
    }
    std::vector<std::string> names;
    std::vector<bool> penalized;
    for (std::size_t j = 0; j < nj; ++j) {
        names.push_back(ind.columns[j]->name());
        penalized.push_back(true);
    }
    for (const auto& c : spec.controls) {
        names.push_back(c.name);
        penalized.push_back(false);
        rep.controls.push_back(c.name);
    }
    for (const auto& d : dummies) {
        names.push_back(spec.categoricals[d.categorical].prefix + "=" + d.level);
        penalized.push_back(false);
    }
    for (const auto& c : spec.categoricals) rep.controls.push_back(c.prefix + " (dummies)");
    const std::size_t p = names.size();
    rep.n = rows.size();
    if (rep.n < std::max<std::size_t>(p + 2, static_cast<std::size_t>(options.folds) * 2)) {
        throw UsageError(fmt::format(
            "{}: {} usable rows for {} predictors ({} of {} rows have no indicators for their cell and year, "
            "{} a missing or invalid indicator, {} a missing outcome or control)",
            spec.model, rep.n, p, rep.dropped_no_indicators, rep.rows, rep.dropped_missing_indicator,
            rep.dropped_missing_outcome_or_control));
    }
    const std::vector<int> fold = stats::assign_folds(rep.n, options.folds, options.seed);
    stats::FoldGramBuilder builder(p, options.folds);
    for (std::size_t first = 0; first < rep.n; first += static_cast<std::size_t>(kBlockRows)) {
        const std::size_t last = std::min(rep.n, first + static_cast<std::size_t>(kBlockRows));
        const auto m = static_cast<Eigen::Index>(last - first);
        Eigen::MatrixXd x(m, static_cast<Eigen::Index>(p));
        Eigen::VectorXd y(m);
        std::vector<int> fb(fold.begin() + static_cast<std::ptrdiff_t>(first),
                            fold.begin() + static_cast<std::ptrdiff_t>(last));
        for (std::size_t j = 0; j < nj; ++j) {
            for (Eigen::Index i = 0; i < m; ++i) {
                x(i, static_cast<Eigen::Index>(j)) =
                    apply_transform(ind.transforms[j], ind.value(j, ind_rows[first + std::size_t(i)]));
            }
        }
        Eigen::Index col = static_cast<Eigen::Index>(nj);
        for (const auto& c : spec.controls) {
            for (Eigen::Index i = 0; i < m; ++i) x(i, col) = c.value(rows[first + std::size_t(i)]);
            ++col;
        }
        for (const auto& d : dummies) {
            const Categorical& cat = spec.categoricals[d.categorical];
            for (Eigen::Index i = 0; i < m; ++i)
                x(i, col) = cat.level(rows[first + std::size_t(i)]) == d.level ? 1.0 : 0.0;
            ++col;
        }
        for (Eigen::Index i = 0; i < m; ++i) y(i) = spec.outcome(rows[first + std::size_t(i)]);
        builder.add(x, y, fb);
    }
    const stats::FoldGrams grams = builder.finish();
    const stats::RidgeSpec rs{names, penalized};
    const std::vector<double> grid =
        options.lambda ? std::vector<double>{*options.lambda} : options.lambda_grid;
    stats::RidgeCv cv;
    try {
        cv = stats::cross_validate_ridge(grams, rs, grid);
    } catch (const UsageError& e) {
        throw UsageError(fmt::format("{} model: {}", spec.model, e.what()));
    }
    rep.lambda_fixed = options.lambda.has_value();
    rep.lambda = cv.fit.lambda;
    rep.cv_path = cv.path;
    rep.cv_rmse = cv.path[cv.chosen].rmse;
    rep.cv_r2 = cv.path[cv.chosen].r2;
    rep.r2 = cv.fit.r2;
    rep.sigma = cv.fit.sigma;
    rep.df = cv.fit.df;
    fm.coef = cv.fit.coef.segment(1, static_cast<Eigen::Index>(nj));
    fm.se = cv.fit.se.segment(1, static_cast<Eigen::Index>(nj));
    rep.control_coefficients.push_back({"intercept", cv.fit.coef(0), cv.fit.se(0)});
    for (std::size_t k = nj; k < p; ++k) {
        const auto e = static_cast<Eigen::Index>(k + 1);
        rep.control_coefficients.push_back({names[k], cv.fit.coef(e), cv.fit.se(e)});
    }
    return fm;
}

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
    IndicatorSource src;
    index_indicators(indicators, m, src);
    Calibration cal;
    std::optional<FittedModel> fs, fh;
    if (ss) {
        fs = fit_model(*ss, src, options);
        fs->report.controls_missing = survey_missing;
        cal.survey = fs->report;
    } else {
        cal.survey.model = "survey";
    }
    if (hs) {
        fh = fit_model(*hs, src, options);
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
