#include "stats/ridge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "stats/ols.hpp"
#include "stats/random.hpp"

namespace wz::stats {
namespace {

constexpr std::uint64_t kFoldStream = 0x666f6c6473;  // "folds"

// A training (or full) Gram matrix reduced to what every lambda needs.
struct Prepared {
    std::size_t p = 0;
    double w = 0;        // sum of weights
    Eigen::VectorXd mx;  // means of the shifted x columns
    double my = 0;       // mean of shifted y
    double cyy = 0;      // weighted variance of y (divided by W)
    Eigen::VectorXd s;   // scale per column (sd for penalised, 1 for controls)
    Eigen::MatrixXd a;   // centred, scaled cross-products / W
    Eigen::VectorXd r;   // centred, scaled x'y / W
    std::vector<Eigen::Index> pen, ctl;
    Eigen::MatrixXd k;   // A_cc^-1 A_cq
    Eigen::VectorXd kc;  // A_cc^-1 r_c
    Eigen::MatrixXd v;   // eigenvectors of the Schur complement
    Eigen::VectorXd d;   // its eigenvalues
    Eigen::VectorXd rt;  // V' (r_q - A_qc kc)
};

Prepared prepare(const Eigen::MatrixXd& g, const RidgeSpec& spec) {
    Prepared pr;
    const auto p = static_cast<Eigen::Index>(spec.names.size());
    pr.p = spec.names.size();
    pr.w = g(0, 0);
    if (!(pr.w > 0)) throw UsageError("ridge: no rows to fit");
    pr.mx = g.block(0, 1, 1, p).transpose() / pr.w;
    pr.my = g(0, p + 1) / pr.w;
    Eigen::MatrixXd c = g.block(1, 1, p, p) / pr.w - pr.mx * pr.mx.transpose();
    Eigen::VectorXd cy = g.block(1, p + 1, p, 1) / pr.w - pr.mx * pr.my;
    pr.cyy = g(p + 1, p + 1) / pr.w - pr.my * pr.my;
    pr.s = Eigen::VectorXd::Ones(p);
    for (Eigen::Index j = 0; j < p; ++j) {
        if (spec.penalized[std::size_t(j)]) {
            pr.pen.push_back(j);
            const double sd = c(j, j) > 0 ? std::sqrt(c(j, j)) : 0.0;
            // Relative to the column's magnitude, so a column constant up to rounding counts as constant.
            const double mag = std::sqrt(g(j + 1, j + 1) / pr.w);
            if (!(sd > 1e-9 * std::max(mag, 1e-300))) {
                throw UsageError(fmt::format("ridge: column '{}' is constant (no variation to estimate from)",
                                             spec.names[std::size_t(j)]));
            }
            pr.s(j) = sd;
        } else {
            pr.ctl.push_back(j);
        }
    }
    pr.a = c.array() / (pr.s * pr.s.transpose()).array();
    pr.r = cy.array() / pr.s.array();
    const auto nq = static_cast<Eigen::Index>(pr.pen.size());
    const auto nc = static_cast<Eigen::Index>(pr.ctl.size());
    Eigen::MatrixXd aqq(nq, nq), aqc(nq, nc), acc(nc, nc);
    Eigen::VectorXd rq(nq), rc(nc);
    for (Eigen::Index i = 0; i < nq; ++i) {
        rq(i) = pr.r(pr.pen[std::size_t(i)]);
        for (Eigen::Index j = 0; j < nq; ++j)
            aqq(i, j) = pr.a(pr.pen[std::size_t(i)], pr.pen[std::size_t(j)]);
        for (Eigen::Index j = 0; j < nc; ++j)
            aqc(i, j) = pr.a(pr.pen[std::size_t(i)], pr.ctl[std::size_t(j)]);
    }
    for (Eigen::Index i = 0; i < nc; ++i) {
        rc(i) = pr.r(pr.ctl[std::size_t(i)]);
        for (Eigen::Index j = 0; j < nc; ++j)
            acc(i, j) = pr.a(pr.ctl[std::size_t(i)], pr.ctl[std::size_t(j)]);
    }
    Eigen::MatrixXd schur = aqq;
    Eigen::VectorXd rtilde = rq;
    if (nc > 0) {
        std::vector<std::string> cnames;
        for (auto j : pr.ctl) cnames.push_back(spec.names[std::size_t(j)]);
        // Controls are unpenalised, so they must have full rank (after centring: constant = all zero).
        check_full_rank(acc, cnames);
        const Eigen::LLT<Eigen::MatrixXd> llt(acc);
        pr.k = llt.solve(aqc.transpose());
        pr.kc = llt.solve(rc);
        schur.noalias() -= aqc * pr.k;
        rtilde.noalias() -= aqc * pr.kc;
    }
    if (nq > 0) {
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(schur);
        pr.v = eig.eigenvectors();
        pr.d = eig.eigenvalues();
        pr.rt = pr.v.transpose() * rtilde;
    }
    return pr;
}

// Standardised coefficients beta (length p) at lambda.
Eigen::VectorXd solve_standardised(const Prepared& pr, double lambda) {
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(pr.p));
    Eigen::VectorXd bq;
    if (!pr.pen.empty()) {
        const double dmax = std::max(pr.d.maxCoeff(), 1e-300);
        Eigen::VectorXd z(pr.d.size());
        for (Eigen::Index i = 0; i < pr.d.size(); ++i) {
            const double den = pr.d(i) + lambda;
            z(i) = den > 1e-12 * dmax ? pr.rt(i) / den : 0.0;  // pseudo-inverse for a null direction
        }
        bq = pr.v * z;
        for (std::size_t i = 0; i < pr.pen.size(); ++i) beta(pr.pen[i]) = bq(static_cast<Eigen::Index>(i));
    }
    if (!pr.ctl.empty()) {
        Eigen::VectorXd bc = pr.kc;
        if (!pr.pen.empty()) bc.noalias() -= pr.k * bq;
        for (std::size_t i = 0; i < pr.ctl.size(); ++i) beta(pr.ctl[i]) = bc(static_cast<Eigen::Index>(i));
    }
    return beta;
}

// v = (-b0, -b, 1) in shifted coordinates, for v' G v = weighted SSE.
Eigen::VectorXd residual_vector(const Prepared& pr, const Eigen::VectorXd& beta) {
    const auto p = static_cast<Eigen::Index>(pr.p);
    const Eigen::VectorXd b = beta.cwiseQuotient(pr.s);
    Eigen::VectorXd v(p + 2);
    v(0) = -(pr.my - pr.mx.dot(b));
    v.segment(1, p) = -b;
    v(p + 1) = 1.0;
    return v;
}

void check_spec(const FoldGrams& grams, const RidgeSpec& spec) {
    if (spec.names.size() != grams.predictors || spec.penalized.size() != grams.predictors) {
        throw UsageError(fmt::format("ridge: {} predictors but {} names and {} penalty flags",
                                     grams.predictors, spec.names.size(), spec.penalized.size()));
    }
}

}  // namespace

std::vector<int> assign_folds(std::size_t n, int k, std::uint64_t seed) {
    if (k < 2) throw UsageError(fmt::format("folds: need at least 2 folds, got {}", k));
    if (n < static_cast<std::size_t>(k)) {
        throw UsageError(fmt::format("folds: {} rows cannot make {} folds", n, k));
    }
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    SplitMix rng(seed, kFoldStream);
    for (std::size_t i = n; i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng.below_fast(i));
        std::swap(perm[i - 1], perm[j]);
    }
    std::vector<int> fold(n);
    for (std::size_t i = 0; i < n; ++i) fold[perm[i]] = static_cast<int>(i % static_cast<std::size_t>(k));
    return fold;
}

Eigen::MatrixXd FoldGrams::total() const {
    Eigen::MatrixXd t = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(predictors + 2),
                                              static_cast<Eigen::Index>(predictors + 2));
    for (const auto& g : gram) t += g;
    return t;
}

std::size_t FoldGrams::total_rows() const {
    return std::accumulate(rows.begin(), rows.end(), std::size_t{0});
}

FoldGramBuilder::FoldGramBuilder(std::size_t predictors, int folds) {
    if (folds < 1) throw UsageError("folds: need at least one fold");
    g_.predictors = predictors;
    const auto m = static_cast<Eigen::Index>(predictors + 2);
    g_.gram.assign(static_cast<std::size_t>(folds), Eigen::MatrixXd::Zero(m, m));
    g_.rows.assign(static_cast<std::size_t>(folds), 0);
    g_.shift = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(predictors + 1));
}

void FoldGramBuilder::add(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& fold,
                          const Eigen::VectorXd& weights) {
    const Eigen::Index m = x.rows();
    const auto p = static_cast<Eigen::Index>(g_.predictors);
    if (x.cols() != p || y.size() != m || fold.size() != static_cast<std::size_t>(m) ||
        (weights.size() != 0 && weights.size() != m)) {
        throw UsageError("FoldGramBuilder::add: block shapes do not match");
    }
    if (m == 0) return;
    if (!shifted_) {
        g_.shift.head(p) = x.colwise().mean().transpose();
        g_.shift(p) = y.mean();
        shifted_ = true;
    }
    const int k = static_cast<int>(g_.gram.size());
    std::vector<Eigen::Index> idx;
    idx.reserve(static_cast<std::size_t>(m));
    for (int f = 0; f < k; ++f) {
        idx.clear();
        for (Eigen::Index i = 0; i < m; ++i) {
            const int fi = fold[std::size_t(i)];
            if (fi < 0 || fi >= k) throw UsageError(fmt::format("fold {} out of range 0..{}", fi, k - 1));
            if (fi == f) idx.push_back(i);
        }
        if (idx.empty()) continue;
        const auto mf = static_cast<Eigen::Index>(idx.size());
        Eigen::MatrixXd z(mf, p + 2);
        Eigen::VectorXd sw(mf);
        for (Eigen::Index r = 0; r < mf; ++r) {
            const double w = weights.size() == 0 ? 1.0 : weights(idx[std::size_t(r)]);
            if (!(w > 0) || !std::isfinite(w)) throw UsageError("ridge: weights must be positive");
            sw(r) = std::sqrt(w);
            z(r, 0) = sw(r);
        }
        for (Eigen::Index c = 0; c < p; ++c) {
            const double sh = g_.shift(c);
            for (Eigen::Index r = 0; r < mf; ++r) z(r, c + 1) = sw(r) * (x(idx[std::size_t(r)], c) - sh);
        }
        for (Eigen::Index r = 0; r < mf; ++r) z(r, p + 1) = sw(r) * (y(idx[std::size_t(r)]) - g_.shift(p));
        if (!z.allFinite()) throw UsageError("ridge: design or response has non-finite values");
        g_.gram[std::size_t(f)].selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
        g_.rows[std::size_t(f)] += idx.size();
    }
}

FoldGrams FoldGramBuilder::finish() {
    for (auto& g : g_.gram) g = Eigen::MatrixXd(g.selfadjointView<Eigen::Lower>());
    return std::move(g_);
}

std::vector<double> default_lambda_grid() {
    std::vector<double> grid{0.0};
    for (int e = -12; e <= 2; ++e) grid.push_back(std::pow(10.0, 0.5 * e));
    return grid;
}

RidgeFit fit_ridge(const FoldGrams& grams, const RidgeSpec& spec, double lambda) {
    check_spec(grams, spec);
    if (!(lambda >= 0) || !std::isfinite(lambda)) {
        throw UsageError(fmt::format("ridge: lambda must be >= 0, got {}", lambda));
    }
    const Eigen::MatrixXd g = grams.total();
    const Prepared pr = prepare(g, spec);
    const auto p = static_cast<Eigen::Index>(pr.p);
    if (lambda == 0 && p > 0) check_full_rank(pr.a, spec.names);
    const Eigen::VectorXd beta = solve_standardised(pr, lambda);
    RidgeFit fit;
    fit.names.emplace_back("intercept");
    fit.names.insert(fit.names.end(), spec.names.begin(), spec.names.end());
    fit.lambda = lambda;
    fit.n = grams.total_rows();
    fit.weight_sum = pr.w;
    const Eigen::VectorXd v = residual_vector(pr, beta);
    fit.rss = std::max(0.0, v.dot(g * v));
    const double sst = pr.w * pr.cyy;
    fit.r2 = sst > 0 ? 1.0 - fit.rss / sst : 0.0;
    Eigen::MatrixXd mmat = pr.a;
    for (auto j : pr.pen) mmat(j, j) += lambda;
    const Eigen::MatrixXd minv = mmat.ldlt().solve(Eigen::MatrixXd::Identity(p, p));
    const Eigen::MatrixXd am = pr.a * minv;
    fit.df = 1.0 + am.trace();
    const double resid_df = static_cast<double>(fit.n) - fit.df;
    if (!(resid_df > 0)) {
        throw UsageError(fmt::format("ridge: {} rows for {:.1f} effective parameters", fit.n, fit.df));
    }
    // As in weighted OLS: sigma^2 = e'We / (n - df), Var = sigma^2 (Z'WZ)^-1 at lambda = 0.
    const double sigma2 = fit.rss / resid_df;
    fit.sigma = std::sqrt(sigma2);
    const Eigen::MatrixXd var_std = (sigma2 / pr.w) * (minv * pr.a * minv);
    const Eigen::MatrixXd var_b = var_std.array() / (pr.s * pr.s.transpose()).array();
    const Eigen::VectorXd b = beta.cwiseQuotient(pr.s);
    const Eigen::VectorXd means = pr.mx + grams.shift.head(p);
    fit.coef.resize(p + 1);
    fit.se.resize(p + 1);
    fit.coef(0) = (pr.my + grams.shift(p)) - means.dot(b);
    fit.coef.tail(p) = b;
    fit.se(0) = std::sqrt(sigma2 / pr.w + means.dot(var_b * means));
    fit.se.tail(p) = var_b.diagonal().cwiseMax(0.0).cwiseSqrt();
    return fit;
}

RidgeCv cross_validate_ridge(const FoldGrams& grams, const RidgeSpec& spec, const std::vector<double>& grid) {
    check_spec(grams, spec);
    const std::size_t k = grams.gram.size();
    if (k < 2) throw UsageError("ridge: cross-validation needs at least 2 folds");
    if (grid.empty()) throw UsageError("ridge: empty lambda grid");
    for (double l : grid) {
        if (!(l >= 0) || !std::isfinite(l))
            throw UsageError(fmt::format("ridge: bad lambda {} in the grid", l));
    }
    const Eigen::MatrixXd total = grams.total();
    std::vector<double> sse(grid.size(), 0.0);
    for (std::size_t f = 0; f < k; ++f) {
        if (grams.rows[f] == 0) throw UsageError(fmt::format("ridge: fold {} is empty", f + 1));
        const Eigen::MatrixXd train = total - grams.gram[f];
        const Prepared pr = prepare(train, spec);
        for (std::size_t l = 0; l < grid.size(); ++l) {
            const Eigen::VectorXd v = residual_vector(pr, solve_standardised(pr, grid[l]));
            sse[l] += std::max(0.0, v.dot(grams.gram[f] * v));
        }
    }
    const double w = total(0, 0);
    const auto p = static_cast<Eigen::Index>(grams.predictors);
    const double my = total(0, p + 1) / w;
    const double sst = total(p + 1, p + 1) - w * my * my;
    RidgeCv cv;
    for (std::size_t l = 0; l < grid.size(); ++l) {
        cv.path.push_back({grid[l], std::sqrt(sse[l] / w), sst > 0 ? 1.0 - sse[l] / sst : 0.0});
    }
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t l = 0; l < grid.size(); ++l) {
        const bool better = sse[l] < best || (sse[l] == best && grid[l] > grid[cv.chosen]);
        if (better) {
            best = sse[l];
            cv.chosen = l;
        }
    }
    cv.fit = fit_ridge(grams, spec, grid[cv.chosen]);
    return cv;
}

RidgeCv cross_validate_ridge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RidgeSpec& spec,
                             int folds, std::uint64_t seed, const std::vector<double>& grid,
                             const Eigen::VectorXd& weights) {
    const auto n = static_cast<std::size_t>(x.rows());
    const std::vector<int> fold = assign_folds(n, folds, seed);
    FoldGramBuilder builder(static_cast<std::size_t>(x.cols()), folds);
    builder.add(x, y, fold, weights);
    return cross_validate_ridge(builder.finish(), spec, grid);
}

}  // namespace wz::stats
