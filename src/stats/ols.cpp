#include "stats/ols.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/error.hpp"
#include "stats/distributions.hpp"

namespace wz::stats {

void check_full_rank(const Eigen::MatrixXd& gram, const std::vector<std::string>& names) {
    const Eigen::Index k = gram.rows();
    if (gram.cols() != k || static_cast<std::size_t>(k) != names.size()) {
        throw UsageError("check_full_rank: Gram matrix and names do not match");
    }
    // Cholesky of the correlation-scaled Gram, column by column: the pivot d_j is the squared sine of the
    // angle between column j and the span of the columns before it.
    Eigen::VectorXd scale(k);
    for (Eigen::Index j = 0; j < k; ++j) {
        const double g = gram(j, j);
        if (!(g > 0)) {
            throw UsageError(
                fmt::format("rank deficient design: column '{}' is all zero", names[std::size_t(j)]));
        }
        scale(j) = 1.0 / std::sqrt(g);
    }
    Eigen::MatrixXd l = Eigen::MatrixXd::Zero(k, k);
    for (Eigen::Index j = 0; j < k; ++j) {
        double d = gram(j, j) * scale(j) * scale(j);
        for (Eigen::Index m = 0; m < j; ++m) d -= l(j, m) * l(j, m);
        if (!(d > 1e-12)) {
            const std::string before = j == 0 ? std::string() : names[std::size_t(j - 1)];
            throw UsageError(fmt::format(
                "rank deficient design: column '{}' is a linear combination of the columns before it{}",
                names[std::size_t(j)], j == 0 ? "" : fmt::format(" (up to '{}')", before)));
        }
        const double ljj = std::sqrt(d);
        l(j, j) = ljj;
        for (Eigen::Index i = j + 1; i < k; ++i) {
            double s = gram(i, j) * scale(i) * scale(j);
            for (Eigen::Index m = 0; m < j; ++m) s -= l(i, m) * l(j, m);
            l(i, j) = s / ljj;
        }
    }
}

Regression fit_ols(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<std::string>& names,
                   const OlsOptions& options, const Eigen::VectorXd& weights) {
    const Eigen::Index n = x.rows();
    const Eigen::Index p = x.cols();
    if (static_cast<std::size_t>(p) != names.size()) {
        throw UsageError(fmt::format("fit_ols: {} columns but {} names", p, names.size()));
    }
    if (y.size() != n) throw UsageError(fmt::format("fit_ols: {} rows in X but {} values of y", n, y.size()));
    const bool weighted = weights.size() > 0;
    if (weighted && weights.size() != n) {
        throw UsageError(fmt::format("fit_ols: {} rows but {} weights", n, weights.size()));
    }
    const Eigen::Index k = p + (options.intercept ? 1 : 0);
    if (n <= k) {
        throw UsageError(
            fmt::format("fit_ols: {} rows for {} coefficients (need more rows than coefficients)", n, k));
    }
    Regression r;
    if (options.intercept) r.names.emplace_back("intercept");
    r.names.insert(r.names.end(), names.begin(), names.end());
    // Weighted design: rows scaled by sqrt(w).
    Eigen::MatrixXd xw(n, k);
    Eigen::VectorXd yw(n), sw(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double w = weighted ? weights(i) : 1.0;
        if (!(w > 0) || !std::isfinite(w)) {
            throw UsageError(fmt::format("fit_ols: weight of row {} is {} (must be positive)", i + 1, w));
        }
        if (!std::isfinite(y(i))) throw UsageError(fmt::format("fit_ols: y is not finite in row {}", i + 1));
        sw(i) = std::sqrt(w);
        Eigen::Index c = 0;
        if (options.intercept) xw(i, c++) = sw(i);
        for (Eigen::Index j = 0; j < p; ++j) {
            if (!std::isfinite(x(i, j))) {
                throw UsageError(fmt::format("fit_ols: column '{}' is not finite in row {}",
                                             names[std::size_t(j)], i + 1));
            }
            xw(i, c++) = sw(i) * x(i, j);
        }
        yw(i) = sw(i) * y(i);
    }
    check_full_rank(xw.transpose() * xw, r.names);
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(xw);
    r.coef = qr.solve(yw);
    const Eigen::MatrixXd rmat = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd rinv = rmat.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(k, k));
    const Eigen::MatrixXd xtx_inv = rinv * rinv.transpose();
    const Eigen::VectorXd ew = yw - xw * r.coef;  // sqrt(w) e
    r.n = static_cast<std::size_t>(n);
    r.k = static_cast<std::size_t>(k);
    r.rss = ew.squaredNorm();
    const double df = static_cast<double>(n - k);
    r.sigma = std::sqrt(r.rss / df);
    if (options.robust_hc1) {
        Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(k, k);
        for (Eigen::Index i = 0; i < n; ++i) {
            const Eigen::VectorXd xi = xw.row(i).transpose();
            meat.noalias() += (ew(i) * ew(i)) * (xi * xi.transpose());
        }
        r.covariance = xtx_inv * meat * xtx_inv * (static_cast<double>(n) / df);
        r.robust = true;
    } else {
        r.covariance = xtx_inv * (r.rss / df);
    }
    double sst = 0;
    if (options.intercept) {
        const double wsum = sw.squaredNorm();
        const double ybar = sw.dot(yw) / wsum;
        for (Eigen::Index i = 0; i < n; ++i) sst += (yw(i) - sw(i) * ybar) * (yw(i) - sw(i) * ybar);
    } else {
        sst = yw.squaredNorm();
    }
    r.r2 = sst > 0 ? 1.0 - r.rss / sst : 0.0;
    const double c = options.intercept ? 1.0 : 0.0;
    r.adj_r2 = 1.0 - (1.0 - r.r2) * (static_cast<double>(n) - c) / df;
    r.se = r.covariance.diagonal().cwiseSqrt();
    r.t = r.coef.cwiseQuotient(r.se);
    r.p.resize(k);
    for (Eigen::Index j = 0; j < k; ++j) r.p(j) = student_t_two_sided_p(r.t(j), df);
    return r;
}

}  // namespace wz::stats
