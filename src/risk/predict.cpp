#include "risk/predict.hpp"

#include <tbb/parallel_for.h>
#include <xgboost/c_api.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/random.hpp"

namespace wz::risk {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kModels[] = {"logistic", "poisson", "xgboost", "last_year"};
constexpr int kLogistic = 0, kPoisson = 1, kXgboost = 2, kLastYear = 3, kModelCount = 4;

std::string fmt_double(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

// Rows in descending score order (ties keep row order; every metric treats a tie group as one).
std::vector<std::size_t> order_desc(const std::vector<double>& score) {
    std::vector<std::size_t> o(score.size());
    std::iota(o.begin(), o.end(), std::size_t{0});
    std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
    return o;
}

double weight_of(const std::vector<double>& w, std::size_t i) {
    return w.empty() ? 1.0 : w[i];
}

// AUC over rows in descending order: every positive scores against the negatives below it, and half
// against those tied with it.
double auc_ordered(const std::vector<std::size_t>& order, const std::vector<double>& score,
                   const std::vector<int>& label, const std::vector<double>& w) {
    double pos_total = 0, neg_total = 0, sum = 0;
    // Descending: a negative is below every positive seen before its group.
    double pos_above = 0;
    for (std::size_t g = 0; g < order.size();) {
        std::size_t e = g;
        double pg = 0, ng = 0;
        while (e < order.size() && score[order[e]] == score[order[g]]) {
            const double wi = weight_of(w, order[e]);
            (label[order[e]] != 0 ? pg : ng) += wi;
            ++e;
        }
        sum += ng * pos_above + 0.5 * pg * ng;
        pos_above += pg;
        pos_total += pg;
        neg_total += ng;
        g = e;
    }
    if (pos_total <= 0 || neg_total <= 0) return kNaN;
    return sum / (pos_total * neg_total);
}

double precision_ordered(const std::vector<std::size_t>& order, const std::vector<double>& score,
                         const std::vector<int>& label, double share, const std::vector<double>& w) {
    double total = 0;
    for (std::size_t i : order) total += weight_of(w, i);
    if (total <= 0) return kNaN;
    const double k = std::ceil(share * total - 1e-9);
    double taken = 0, hits = 0;
    for (std::size_t g = 0; g < order.size() && taken < k;) {
        std::size_t e = g;
        double gw = 0, gp = 0;
        while (e < order.size() && score[order[e]] == score[order[g]]) {
            const double wi = weight_of(w, order[e]);
            gw += wi;
            if (label[order[e]] != 0) gp += wi;
            ++e;
        }
        if (gw > 0) {
            const double take = std::min(gw, k - taken);
            hits += gp * take / gw;
            taken += take;
        }
        g = e;
    }
    return hits / k;
}

// Percentile (linear interpolation between order statistics, R's type 7) of finite values.
double quantile(std::vector<double> v, double q) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
    if (v.empty()) return kNaN;
    std::sort(v.begin(), v.end());
    const double h = (static_cast<double>(v.size()) - 1) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// ---- penalised GLMs ----------------------------------------------------------------------------

struct Standardiser {
    Eigen::VectorXd mean, sd;  // sd 0 for a constant feature (its z is 0)
};

Standardiser standardiser(const Eigen::MatrixXd& x) {
    Standardiser s;
    const auto n = static_cast<double>(x.rows());
    s.mean = x.colwise().mean().transpose();
    s.sd = ((x.rowwise() - s.mean.transpose()).array().square().colwise().sum() / n).sqrt().transpose();
    return s;
}

Eigen::MatrixXd design(const Eigen::MatrixXd& x, const Standardiser& s) {
    Eigen::MatrixXd d(x.rows(), x.cols() + 1);
    d.col(0).setOnes();
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        if (s.sd(j) > 0) {
            d.col(j + 1) = (x.col(j).array() - s.mean(j)) / s.sd(j);
        } else {
            d.col(j + 1).setZero();
        }
    }
    return d;
}

double log1pexp(double e) {
    return e > 0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e));
}

// Maximises sum_i loglik_i(eta_i) - n lambda / 2 |beta_1..|^2 by Newton steps with step halving.
// Logistic: loglik = y eta - log(1 + e^eta); Poisson: y eta - e^eta (eta clamped to <= 30).
Eigen::VectorXd fit_glm(const Eigen::MatrixXd& d, const Eigen::VectorXd& y, bool poisson, double lambda) {
    const Eigen::Index k = d.cols();
    const auto n = static_cast<double>(d.rows());
    Eigen::VectorXd pen = Eigen::VectorXd::Constant(k, n * lambda);
    if (k > 0) pen(0) = 0;  // the intercept is not penalised
    auto objective = [&](const Eigen::VectorXd& b) {
        const Eigen::VectorXd eta = d * b;
        double ll = 0;
        for (Eigen::Index i = 0; i < eta.size(); ++i) {
            const double e = poisson ? std::min(eta(i), 30.0) : eta(i);
            ll += poisson ? y(i) * e - std::exp(e) : y(i) * e - log1pexp(e);
        }
        return ll - 0.5 * (pen.array() * b.array().square()).sum();
    };
    Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
    const double ybar = y.mean();
    b(0) =
        poisson ? std::log(std::max(ybar, 1e-6)) : std::log(std::max(ybar, 1e-6) / std::max(1 - ybar, 1e-6));
    double obj = objective(b);
    for (int it = 0; it < 200; ++it) {
        check_cancelled();
        const Eigen::VectorXd eta = d * b;
        Eigen::VectorXd mu(eta.size()), w(eta.size());
        for (Eigen::Index i = 0; i < eta.size(); ++i) {
            if (poisson) {
                mu(i) = std::exp(std::min(eta(i), 30.0));
                w(i) = mu(i);
            } else {
                mu(i) = 1 / (1 + std::exp(-eta(i)));
                w(i) = mu(i) * (1 - mu(i));
            }
        }
        const Eigen::VectorXd grad = d.transpose() * (y - mu) - pen.cwiseProduct(b);
        Eigen::MatrixXd h = d.transpose() * w.asDiagonal() * d;
        h.diagonal() += pen;
        h.diagonal().array() += 1e-10 * n;  // keeps a constant column (all-zero z) solvable
        const Eigen::VectorXd step = h.ldlt().solve(grad);
        double t = 1;
        Eigen::VectorXd next = b + step;
        double next_obj = objective(next);
        while (!(next_obj >= obj - 1e-12 * std::abs(obj)) && t > 1e-6) {
            t /= 2;
            next = b + t * step;
            next_obj = objective(next);
        }
        const double change = (next - b).cwiseAbs().maxCoeff();
        b = next;
        obj = next_obj;
        if (change < 1e-10) break;
    }
    return b;
}

// ---- XGBoost ----------------------------------------------------------------------------------

void xgb_check(int rc, const char* what) {
    if (rc != 0)
        throw InternalError(std::string("predict: XGBoost ") + what + " failed: " + XGBGetLastError());
}

struct DMatrix {
    DMatrixHandle h = nullptr;
    DMatrix(const Eigen::MatrixXd& x) {
        std::vector<float> data(static_cast<std::size_t>(x.size()));
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            for (Eigen::Index j = 0; j < x.cols(); ++j)
                data[static_cast<std::size_t>(i * x.cols() + j)] = static_cast<float>(x(i, j));
        }
        xgb_check(XGDMatrixCreateFromMat(data.data(), static_cast<bst_ulong>(x.rows()),
                                         static_cast<bst_ulong>(x.cols()),
                                         std::numeric_limits<float>::quiet_NaN(), &h),
                  "XGDMatrixCreateFromMat");
    }
    ~DMatrix() {
        if (h != nullptr) XGDMatrixFree(h);
    }
    DMatrix(const DMatrix&) = delete;
    DMatrix& operator=(const DMatrix&) = delete;
};

struct Booster {
    BoosterHandle h = nullptr;
    ~Booster() {
        if (h != nullptr) XGBoosterFree(h);
    }
};

struct XgbFit {
    std::vector<double> prob;
    std::vector<double> gain;  // per feature, share of the total
};

XgbFit fit_xgboost(const Eigen::MatrixXd& xtrain, const std::vector<int>& ytrain,
                   const Eigen::MatrixXd& xtest, const PredictOptions& o) {
    DMatrix train(xtrain), test(xtest);
    std::vector<float> labels(ytrain.begin(), ytrain.end());
    xgb_check(XGDMatrixSetFloatInfo(train.h, "label", labels.data(), static_cast<bst_ulong>(labels.size())),
              "XGDMatrixSetFloatInfo");
    Booster b;
    xgb_check(XGBoosterCreate(&train.h, 1, &b.h), "XGBoosterCreate");
    const std::pair<std::string, std::string> params[] = {
        {"objective", "binary:logistic"},
        {"tree_method", "exact"},
        {"max_depth", std::to_string(o.xgb_max_depth)},
        {"eta", fmt_double(o.xgb_eta)},
        {"min_child_weight", fmt_double(o.xgb_min_child_weight)},
        {"subsample", "1"},
        {"colsample_bytree", "1"},
        {"seed", std::to_string(o.seed & 0x7fffffffU)},
        {"nthread", std::to_string(o.xgb_threads)},
        {"verbosity", "0"},
    };
    for (const auto& [k, v] : params)
        xgb_check(XGBoosterSetParam(b.h, k.c_str(), v.c_str()), "XGBoosterSetParam");
    for (int r = 0; r < o.xgb_rounds; ++r) {
        check_cancelled();
        xgb_check(XGBoosterUpdateOneIter(b.h, r, train.h), "XGBoosterUpdateOneIter");
    }
    XgbFit f;
    bst_ulong len = 0;
    const float* out = nullptr;
    xgb_check(XGBoosterPredict(b.h, test.h, 0, 0, 0, &len, &out), "XGBoosterPredict");
    if (len != static_cast<bst_ulong>(xtest.rows()))
        throw InternalError("predict: XGBoost returned a wrong count");
    f.prob.assign(out, out + len);
    f.gain.assign(static_cast<std::size_t>(xtrain.cols()), 0.0);
    bst_ulong nf = 0, dim = 0;
    const char** names = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    xgb_check(XGBoosterFeatureScore(b.h, R"({"importance_type": "total_gain"})", &nf, &names, &dim, &shape,
                                    &scores),
              "XGBoosterFeatureScore");
    double total = 0;
    for (bst_ulong i = 0; i < nf; ++i) {
        const std::string name = names[i];  // "f<index>" (no feature names are set)
        if (name.size() < 2 || name[0] != 'f') continue;
        const auto j = static_cast<std::size_t>(std::stoul(name.substr(1)));
        if (j < f.gain.size()) f.gain[j] = static_cast<double>(scores[i]);
        total += static_cast<double>(scores[i]);
    }
    if (total > 0) {
        for (double& g : f.gain) g /= total;
    }
    return f;
}

double poisson_tail(double lambda, double c) {
    // P(N >= c) = 1 - sum_{k < c} e^-lambda lambda^k / k!
    if (c <= 0) return 1;
    const auto kmax = static_cast<long>(std::ceil(c)) - 1;
    double term = std::exp(-lambda), cdf = 0;
    for (long k = 0; k <= kmax; ++k) {
        if (k > 0) term *= lambda / static_cast<double>(k);
        cdf += term;
    }
    return std::clamp(1 - cdf, 0.0, 1.0);
}

// ---- output helpers ---------------------------------------------------------------------------

struct IntCol {
    std::vector<std::int64_t> v;
    std::vector<std::uint8_t> s;
    void push(std::int64_t x) {
        v.push_back(x);
        s.push_back(0);
    }
    void push_missing() {
        v.push_back(0);
        s.push_back(static_cast<std::uint8_t>(Missing::kNotAvailable));
    }
    void push_year(int y) { y == 0 ? push_missing() : push(y); }
};
struct RealCol {
    std::vector<double> v;
    std::vector<std::uint8_t> s;
    void push(double x) {
        v.push_back(std::isfinite(x) ? x : 0.0);
        s.push_back(std::isfinite(x) ? 0 : static_cast<std::uint8_t>(Missing::kNotAvailable));
    }
};

}  // namespace

double auc(const std::vector<double>& score, const std::vector<int>& label,
           const std::vector<double>& weight) {
    return auc_ordered(order_desc(score), score, label, weight);
}

double precision_at(const std::vector<double>& score, const std::vector<int>& label, double share,
                    const std::vector<double>& weight) {
    return precision_ordered(order_desc(score), score, label, share, weight);
}

std::vector<int> top_share_labels(const std::vector<double>& target, double share) {
    std::size_t n = 0;
    for (double t : target) n += std::isfinite(t) ? 1 : 0;
    const auto k = static_cast<std::size_t>(std::ceil(share * static_cast<double>(n) - 1e-9));
    std::vector<double> sorted;
    for (double t : target) {
        if (std::isfinite(t)) sorted.push_back(t);
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> label(target.size(), 0);
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (!std::isfinite(target[i]) || target[i] <= 0) continue;
        // rows with a target >= this one
        const auto at_least = static_cast<std::size_t>(
            sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), target[i]));
        label[i] = at_least <= k ? 1 : 0;
    }
    return label;
}

PredictResult predict_drug_crime(const wz::Table& panel, const std::vector<std::string>& features,
                                 const std::string& target, const std::string& baseline,
                                 const PredictOptions& o) {
    // ---- checks and the panel -------------------------------------------------------------------
    if (o.test_years.empty()) throw UsageError("predict: no test years given");
    if (!(o.positive_share > 0 && o.positive_share < 1))
        throw UsageError("predict: positive_share must be in (0, 1), got " + fmt_double(o.positive_share));
    if (o.bootstrap < 0) throw UsageError("predict: bootstrap must be >= 0");
    if (!(o.confidence > 0 && o.confidence < 1)) throw UsageError("predict: confidence must be in (0, 1)");
    if (o.calibration_bins < 1) throw UsageError("predict: calibration_bins must be >= 1");
    if (o.xgb_threads < 1) throw UsageError("predict: xgb_threads must be >= 1");
    if (features.empty()) throw UsageError("predict: no feature columns given");
    const Column& buurt_col = panel.column("buurt");
    const Column& year_col = panel.column("year");
    if (buurt_col.type() != ColumnType::kText) throw UsageError("predict: column 'buurt' must be text");
    if (year_col.type() != ColumnType::kInt) throw UsageError("predict: column 'year' must be int");
    auto numeric = [&](const std::string& name) -> const Column& {
        const Column& c = panel.column(name);
        if (c.type() == ColumnType::kText)
            throw UsageError("predict: column '" + name + "' must be int or real, it is text");
        return c;
    };
    std::vector<const Column*> fcols;
    for (const auto& f : features) {
        if (f == target || f == baseline)
            throw UsageError("predict: '" + f + "' is the target or the baseline, not a feature");
        fcols.push_back(&numeric(f));
    }
    const Column& target_col = numeric(target);
    const Column& base_col = numeric(baseline);
    const std::size_t n = panel.row_count();
    const std::size_t p = features.size();
    std::map<std::pair<std::string, std::int64_t>, std::size_t> seen;
    std::vector<int> year(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (buurt_col.is_missing(i) || year_col.is_missing(i))
            throw UsageError("predict: panel row " + std::to_string(i + 1) + " has no buurt or no year");
        year[i] = static_cast<int>(year_col.int_at(i));
        if (!seen.emplace(std::pair{buurt_col.text_at(i), year_col.int_at(i)}, i).second)
            throw UsageError("predict: buurt " + buurt_col.text_at(i) + " appears twice in year " +
                             std::to_string(year[i]));
    }
    std::vector<double> y(n), base(n);
    std::vector<bool> complete(n, true);
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = target_col.number_at(i);
        base[i] = base_col.number_at(i);
        bool ok = std::isfinite(y[i]) && std::isfinite(base[i]);
        for (std::size_t j = 0; j < p; ++j) {
            const double v = fcols[j]->number_at(i);
            x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
            ok = ok && std::isfinite(v);
        }
        complete[i] = ok;
    }
    // Labels per target year (year + 1), over the rows with a target.
    std::vector<int> label(n, 0);
    std::map<int, double> threshold;  // smallest positive target per target year
    {
        std::map<int, std::vector<std::size_t>> by_year;
        for (std::size_t i = 0; i < n; ++i) by_year[year[i] + 1].push_back(i);
        for (const auto& [ty, rows] : by_year) {
            std::vector<double> t;
            for (auto i : rows) t.push_back(y[i]);
            const auto l = o.min_count > 0 ? std::vector<int>{} : top_share_labels(t, o.positive_share);
            double cut = kNaN;
            for (std::size_t k = 0; k < rows.size(); ++k) {
                label[rows[k]] =
                    o.min_count > 0 ? (std::isfinite(t[k]) && t[k] >= o.min_count ? 1 : 0) : l[k];
                if (label[rows[k]] != 0 && !(t[k] >= cut))
                    cut = std::isfinite(cut) ? std::min(cut, t[k]) : t[k];
            }
            threshold[ty] = cut;
        }
    }

    // ---- folds ------------------------------------------------------------------------------------
    PredictResult res;
    struct Pred {
        std::size_t row;
        int test_year;
        double score[kModelCount];
        double prob[kModelCount];
    };
    std::vector<Pred> preds;
    IntCol f_ty, f_from, f_to, f_trows, f_tpos, f_erows, f_epos, f_drop;
    RealCol f_thr;
    IntCol c_ty, c_rank;
    std::vector<std::string> c_model, c_feature;
    RealCol c_value;
    std::vector<int> years_sorted = o.test_years;
    std::sort(years_sorted.begin(), years_sorted.end());
    if (std::adjacent_find(years_sorted.begin(), years_sorted.end()) != years_sorted.end())
        throw UsageError("predict: a test year is given twice");
    for (const int ty : years_sorted) {
        check_cancelled();
        std::vector<std::size_t> train, test;
        std::int64_t dropped = 0;
        int from = std::numeric_limits<int>::max(), to = std::numeric_limits<int>::min();
        for (std::size_t i = 0; i < n; ++i) {
            const bool is_train = year[i] + 1 <= ty - 1, is_test = year[i] + 1 == ty;
            if (!is_train && !is_test) continue;
            if (!complete[i]) {
                ++dropped;
                continue;
            }
            if (is_train) {
                train.push_back(i);
                from = std::min(from, year[i]);
                to = std::max(to, year[i]);
            } else {
                test.push_back(i);
            }
        }
        const std::string where = "test year " + std::to_string(ty);
        if (test.empty())
            throw UsageError("predict: " + where + " has no complete panel rows of feature year " +
                             std::to_string(ty - 1));
        if (train.size() < o.min_train_rows)
            throw UsageError("predict: " + where + " has " + std::to_string(train.size()) +
                             " complete training rows (feature years <= " + std::to_string(ty - 2) +
                             "); at least " + std::to_string(o.min_train_rows) + " are needed");
        std::int64_t tpos = 0, epos = 0;
        for (auto i : train) tpos += label[i];
        for (auto i : test) epos += label[i];
        if (tpos == 0)
            throw UsageError("predict: the training set of " + where +
                             " (feature years <= " + std::to_string(ty - 2) + ") has no positive row");
        if (tpos == static_cast<std::int64_t>(train.size()))
            throw UsageError("predict: the training set of " + where + " has no negative row");
        f_ty.push(ty);
        f_from.push(from);
        f_to.push(to);
        f_trows.push(static_cast<std::int64_t>(train.size()));
        f_tpos.push(tpos);
        f_erows.push(static_cast<std::int64_t>(test.size()));
        f_epos.push(epos);
        f_drop.push(dropped);
        f_thr.push(threshold.count(ty) != 0 ? threshold[ty] : kNaN);

        const auto nt = static_cast<Eigen::Index>(train.size()), ne = static_cast<Eigen::Index>(test.size());
        Eigen::MatrixXd xt(nt, static_cast<Eigen::Index>(p)), xe(ne, static_cast<Eigen::Index>(p));
        Eigen::VectorXd yl(nt), yc(nt);
        std::vector<int> ylabel(train.size());
        for (Eigen::Index r = 0; r < nt; ++r) {
            const auto i = train[static_cast<std::size_t>(r)];
            xt.row(r) = x.row(static_cast<Eigen::Index>(i));
            yl(r) = label[i];
            yc(r) = y[i];
            ylabel[static_cast<std::size_t>(r)] = label[i];
        }
        for (Eigen::Index r = 0; r < ne; ++r)
            xe.row(r) = x.row(static_cast<Eigen::Index>(test[static_cast<std::size_t>(r)]));
        const Standardiser st = standardiser(xt);
        const Eigen::MatrixXd dt = design(xt, st), de = design(xe, st);
        const Eigen::VectorXd b_log = fit_glm(dt, yl, false, o.ridge_lambda);
        const Eigen::VectorXd b_poi = fit_glm(dt, yc, true, o.ridge_lambda);
        const Eigen::VectorXd eta_log = de * b_log, eta_poi = de * b_poi;
        XgbFit xf;
        if (o.xgboost) xf = fit_xgboost(xt, ylabel, xe, o);
        // The cut as known when predicting: the last training target year's smallest positive target.
        const double cut = threshold.count(ty - 1) != 0 ? threshold[ty - 1] : kNaN;
        // Baseline probabilities: positive share per baseline value in training.
        std::map<double, std::pair<double, double>> by_base;  // value -> (positives, rows)
        for (auto i : train) {
            auto& e = by_base[base[i]];
            e.first += label[i];
            e.second += 1;
        }
        for (Eigen::Index r = 0; r < ne; ++r) {
            const auto i = test[static_cast<std::size_t>(r)];
            Pred pr{};
            pr.row = i;
            pr.test_year = ty;
            pr.score[kLogistic] = pr.prob[kLogistic] = 1 / (1 + std::exp(-eta_log(r)));
            pr.score[kPoisson] = std::exp(std::min(eta_poi(r), 30.0));
            pr.prob[kPoisson] = o.min_count > 0
                                    ? poisson_tail(pr.score[kPoisson], o.min_count)
                                    : (std::isfinite(cut) ? poisson_tail(pr.score[kPoisson], cut) : kNaN);
            pr.score[kXgboost] = pr.prob[kXgboost] = o.xgboost ? xf.prob[static_cast<std::size_t>(r)] : kNaN;
            pr.score[kLastYear] = base[i];
            auto it = by_base.upper_bound(base[i]);
            if (it != by_base.begin()) --it;
            pr.prob[kLastYear] = it->second.first / it->second.second;
            preds.push_back(pr);
        }
        // Contributions.
        auto add_contrib = [&](const char* model, const std::vector<double>& v) {
            std::vector<std::size_t> ord(p);
            std::iota(ord.begin(), ord.end(), std::size_t{0});
            std::stable_sort(ord.begin(), ord.end(),
                             [&](std::size_t a, std::size_t b) { return std::abs(v[a]) > std::abs(v[b]); });
            for (std::size_t r = 0; r < p; ++r) {
                c_model.emplace_back(model);
                c_ty.push(ty);
                c_feature.push_back(features[ord[r]]);
                c_value.push(v[ord[r]]);
                c_rank.push(static_cast<std::int64_t>(r + 1));
            }
        };
        std::vector<double> cl(p), cp(p);
        for (std::size_t j = 0; j < p; ++j) {
            cl[j] = b_log(static_cast<Eigen::Index>(j + 1));
            cp[j] = b_poi(static_cast<Eigen::Index>(j + 1));
        }
        add_contrib("logistic", cl);
        add_contrib("poisson", cp);
        if (o.xgboost) add_contrib("xgboost", xf.gain);
    }
    {
        Table& t = res.folds;
        t.add_column(Column::of_ints("test_year", f_ty.v));
        t.add_column(Column::of_ints("train_from", f_from.v));
        t.add_column(Column::of_ints("train_to", f_to.v));
        t.add_column(Column::of_ints("train_rows", f_trows.v));
        t.add_column(Column::of_ints("train_positives", f_tpos.v));
        t.add_column(Column::of_ints("test_rows", f_erows.v));
        t.add_column(Column::of_ints("test_positives", f_epos.v));
        t.add_column(Column::of_ints("dropped", f_drop.v));
        t.add_column(Column::of_reals("threshold", f_thr.v, f_thr.s));
    }
    {
        Table& t = res.contributions;
        t.add_column(Column::of_texts("model", c_model));
        t.add_column(Column::of_ints("test_year", c_ty.v));
        t.add_column(Column::of_texts("feature", c_feature));
        t.add_column(Column::of_reals("value", c_value.v, c_value.s));
        t.add_column(Column::of_ints("rank", c_rank.v));
    }
    std::vector<int> models;
    for (int m = 0; m < kModelCount; ++m) {
        if (m != kXgboost || o.xgboost) models.push_back(m);
    }
    {
        std::vector<std::string> b, mo;
        IntCol yr, ty, lab;
        RealCol sc, pr;
        for (int m : models) {
            for (const auto& q : preds) {
                b.push_back(buurt_col.text_at(q.row));
                yr.push(year[q.row]);
                ty.push(q.test_year);
                mo.emplace_back(kModels[m]);
                sc.push(q.score[m]);
                pr.push(q.prob[m]);
                lab.push(label[q.row]);
            }
        }
        Table& t = res.predictions;
        t.add_column(Column::of_texts("buurt", std::move(b)));
        t.add_column(Column::of_ints("year", yr.v));
        t.add_column(Column::of_ints("test_year", ty.v));
        t.add_column(Column::of_texts("model", std::move(mo)));
        t.add_column(Column::of_reals("score", sc.v, sc.s));
        t.add_column(Column::of_reals("probability", pr.v, pr.s));
        t.add_column(Column::of_ints("label", lab.v));
    }

    // ---- metrics, bootstrap, calibration -----------------------------------------------------------
    // Evaluation sets: each test year, then all of them pooled (test_year 0 = missing in the tables).
    std::vector<std::pair<int, std::vector<std::size_t>>> sets;  // indices into preds
    for (const int ty : years_sorted) {
        std::vector<std::size_t> s;
        for (std::size_t k = 0; k < preds.size(); ++k) {
            if (preds[k].test_year == ty) s.push_back(k);
        }
        sets.emplace_back(ty, std::move(s));
    }
    if (years_sorted.size() > 1) {
        std::vector<std::size_t> all(preds.size());
        std::iota(all.begin(), all.end(), std::size_t{0});
        sets.emplace_back(0, std::move(all));
    }
    std::vector<std::string> m_model, d_model, d_metric, k_model;
    IntCol m_ty, m_n, m_pos, m_reps, d_ty, k_ty, k_bin, k_n;
    RealCol m_auc, m_auc_lo, m_auc_hi, m_p5, m_p5_lo, m_p5_hi, m_p10, m_p10_lo, m_p10_hi, m_brier;
    RealCol d_diff, d_lo, d_hi, d_better, k_lower, k_upper, k_pred, k_obs;
    const double qlo = (1 - o.confidence) / 2, qhi = 1 - qlo;
    const auto B = static_cast<std::size_t>(o.bootstrap);
    for (std::size_t si = 0; si < sets.size(); ++si) {
        check_cancelled();
        const auto& [ty, idx] = sets[si];
        const std::size_t m = idx.size();
        std::vector<int> lab(m);
        // Buurt clusters of the set.
        std::map<std::string, std::size_t> cluster_of;
        std::vector<std::size_t> cluster(m);
        for (std::size_t k = 0; k < m; ++k) {
            lab[k] = label[preds[idx[k]].row];
            cluster[k] =
                cluster_of.emplace(buurt_col.text_at(preds[idx[k]].row), cluster_of.size()).first->second;
        }
        const std::size_t nc = cluster_of.size();
        std::int64_t positives = 0;
        for (int l : lab) positives += l;
        std::vector<std::vector<double>> score(kModelCount, std::vector<double>(m));
        std::vector<std::vector<std::size_t>> order(kModelCount);
        for (int mo : models) {
            for (std::size_t k = 0; k < m; ++k)
                score[static_cast<std::size_t>(mo)][k] = preds[idx[k]].score[mo];
            order[static_cast<std::size_t>(mo)] = order_desc(score[static_cast<std::size_t>(mo)]);
        }
        // Bootstrap: [replicate][model][metric]
        std::vector<std::array<std::array<double, 3>, kModelCount>> rep(B);
        tbb::parallel_for(std::size_t{0}, B, [&](std::size_t r) {
            Rng rng(stream_state_indexed(o.seed, si + 1, r));
            std::vector<double> cw(nc, 0.0), w(m);
            for (std::size_t d = 0; d < nc; ++d) cw[rng.below_fast(nc)] += 1;
            for (std::size_t k = 0; k < m; ++k) w[k] = cw[cluster[k]];
            for (auto& a : rep[r]) a.fill(kNaN);
            for (int mo : models) {
                const auto mm = static_cast<std::size_t>(mo);
                rep[r][mm][0] = auc_ordered(order[mm], score[mm], lab, w);
                rep[r][mm][1] = precision_ordered(order[mm], score[mm], lab, 0.05, w);
                rep[r][mm][2] = precision_ordered(order[mm], score[mm], lab, 0.10, w);
            }
        });
        std::array<std::array<double, 3>, kModelCount> point{};
        for (int mo : models) {
            const auto mm = static_cast<std::size_t>(mo);
            point[mm][0] = auc_ordered(order[mm], score[mm], lab, {});
            point[mm][1] = precision_ordered(order[mm], score[mm], lab, 0.05, {});
            point[mm][2] = precision_ordered(order[mm], score[mm], lab, 0.10, {});
        }
        auto interval = [&](std::size_t mm, int metric, double q) {
            if (B == 0) return kNaN;
            std::vector<double> v(B);
            for (std::size_t r = 0; r < B; ++r) v[r] = rep[r][mm][static_cast<std::size_t>(metric)];
            return quantile(std::move(v), q);
        };
        for (int mo : models) {
            const auto mm = static_cast<std::size_t>(mo);
            m_model.emplace_back(kModels[mo]);
            m_ty.push_year(ty);
            m_auc.push(point[mm][0]);
            m_auc_lo.push(interval(mm, 0, qlo));
            m_auc_hi.push(interval(mm, 0, qhi));
            m_p5.push(point[mm][1]);
            m_p5_lo.push(interval(mm, 1, qlo));
            m_p5_hi.push(interval(mm, 1, qhi));
            m_p10.push(point[mm][2]);
            m_p10_lo.push(interval(mm, 2, qlo));
            m_p10_hi.push(interval(mm, 2, qhi));
            double brier = 0;
            for (std::size_t k = 0; k < m; ++k) {
                const double pk = preds[idx[k]].prob[mo];
                brier += (pk - lab[k]) * (pk - lab[k]);
            }
            m_brier.push(m > 0 ? brier / static_cast<double>(m) : kNaN);
            m_n.push(static_cast<std::int64_t>(m));
            m_pos.push(positives);
            std::int64_t reps = 0;
            for (std::size_t r = 0; r < B; ++r) reps += std::isfinite(rep[r][mm][0]) ? 1 : 0;
            m_reps.push(reps);
            // Paired differences against the baseline.
            if (mo != kLastYear) {
                const char* const names[] = {"auc", "precision_top5", "precision_top10"};
                for (int metric = 0; metric < 3; ++metric) {
                    const auto mt = static_cast<std::size_t>(metric);
                    std::vector<double> diff(B);
                    double better = 0, valid = 0;
                    for (std::size_t r = 0; r < B; ++r) {
                        diff[r] = rep[r][mm][mt] - rep[r][kLastYear][mt];
                        if (std::isfinite(diff[r])) {
                            valid += 1;
                            better += diff[r] > 0 ? 1 : 0;
                        }
                    }
                    d_model.emplace_back(kModels[mo]);
                    d_ty.push_year(ty);
                    d_metric.emplace_back(names[metric]);
                    d_diff.push(point[mm][mt] - point[kLastYear][mt]);
                    d_lo.push(B > 0 ? quantile(diff, qlo) : kNaN);
                    d_hi.push(B > 0 ? quantile(diff, qhi) : kNaN);
                    d_better.push(valid > 0 ? better / valid : kNaN);
                }
            }
            // Calibration.
            const auto bins = static_cast<std::size_t>(o.calibration_bins);
            std::vector<double> sp(bins, 0), so(bins, 0), sn(bins, 0);
            for (std::size_t k = 0; k < m; ++k) {
                const double pk = preds[idx[k]].prob[mo];
                if (!std::isfinite(pk)) continue;
                const auto b = std::min(
                    bins - 1, static_cast<std::size_t>(std::max(0.0, pk) * static_cast<double>(bins)));
                sp[b] += pk;
                so[b] += lab[k];
                sn[b] += 1;
            }
            for (std::size_t b = 0; b < bins; ++b) {
                if (sn[b] == 0) continue;
                k_model.emplace_back(kModels[mo]);
                k_ty.push_year(ty);
                k_bin.push(static_cast<std::int64_t>(b + 1));
                k_lower.push(static_cast<double>(b) / static_cast<double>(bins));
                k_upper.push(static_cast<double>(b + 1) / static_cast<double>(bins));
                k_pred.push(sp[b] / sn[b]);
                k_obs.push(so[b] / sn[b]);
                k_n.push(static_cast<std::int64_t>(sn[b]));
            }
        }
    }
    {
        Table& t = res.metrics;
        t.add_column(Column::of_texts("model", m_model));
        t.add_column(Column::of_ints("test_year", m_ty.v, m_ty.s));
        t.add_column(Column::of_reals("auc", m_auc.v, m_auc.s));
        t.add_column(Column::of_reals("auc_lo", m_auc_lo.v, m_auc_lo.s));
        t.add_column(Column::of_reals("auc_hi", m_auc_hi.v, m_auc_hi.s));
        t.add_column(Column::of_reals("precision_top5", m_p5.v, m_p5.s));
        t.add_column(Column::of_reals("precision_top5_lo", m_p5_lo.v, m_p5_lo.s));
        t.add_column(Column::of_reals("precision_top5_hi", m_p5_hi.v, m_p5_hi.s));
        t.add_column(Column::of_reals("precision_top10", m_p10.v, m_p10.s));
        t.add_column(Column::of_reals("precision_top10_lo", m_p10_lo.v, m_p10_lo.s));
        t.add_column(Column::of_reals("precision_top10_hi", m_p10_hi.v, m_p10_hi.s));
        t.add_column(Column::of_reals("brier", m_brier.v, m_brier.s));
        t.add_column(Column::of_ints("n", m_n.v));
        t.add_column(Column::of_ints("positives", m_pos.v));
        t.add_column(Column::of_ints("auc_replicates", m_reps.v));
    }
    {
        Table& t = res.comparison;
        t.add_column(Column::of_texts("model", d_model));
        t.add_column(Column::of_ints("test_year", d_ty.v, d_ty.s));
        t.add_column(Column::of_texts("metric", d_metric));
        t.add_column(Column::of_reals("difference", d_diff.v, d_diff.s));
        t.add_column(Column::of_reals("lo", d_lo.v, d_lo.s));
        t.add_column(Column::of_reals("hi", d_hi.v, d_hi.s));
        t.add_column(Column::of_reals("share_better", d_better.v, d_better.s));
    }
    {
        Table& t = res.calibration;
        t.add_column(Column::of_texts("model", k_model));
        t.add_column(Column::of_ints("test_year", k_ty.v, k_ty.s));
        t.add_column(Column::of_ints("bin", k_bin.v));
        t.add_column(Column::of_reals("lower", k_lower.v));
        t.add_column(Column::of_reals("upper", k_upper.v));
        t.add_column(Column::of_reals("mean_predicted", k_pred.v));
        t.add_column(Column::of_reals("observed_share", k_obs.v));
        t.add_column(Column::of_ints("n", k_n.v));
    }
    return res;
}

}  // namespace wz::risk
