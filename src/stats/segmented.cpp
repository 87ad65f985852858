#include "stats/segmented.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "stats/distributions.hpp"
#include "stats/random.hpp"

namespace wz::stats {
namespace {

constexpr std::uint64_t kBootstrapStream = 0x626f6f74;  // "boot"
constexpr double kGolden = 0.6180339887498949;

// Weighted prefix sums over x sorted ascending (index 0 = empty prefix).
struct Profile {
    std::vector<double> xs;  // sorted (centred) x
    std::vector<double> s0, s1, s2, sy, sxy;
    double syy = 0;

    void build(const std::vector<double>& x_sorted, const std::vector<double>& y_sorted,
               const std::vector<double>& w_sorted) {
        const std::size_t n = x_sorted.size();
        xs = x_sorted;
        s0.assign(n + 1, 0.0);
        s1 = s2 = sy = sxy = s0;
        syy = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double w = w_sorted[i], x = x_sorted[i], y = y_sorted[i];
            s0[i + 1] = s0[i] + w;
            s1[i + 1] = s1[i] + w * x;
            s2[i + 1] = s2[i] + w * x * x;
            sy[i + 1] = sy[i] + w * y;
            sxy[i + 1] = sxy[i] + w * x * y;
            syy += w * y * y;
        }
    }

    struct Solution {
        double rss = std::numeric_limits<double>::infinity();
        Eigen::Vector3d b = Eigen::Vector3d::Zero();
        Eigen::Matrix3d gram = Eigen::Matrix3d::Zero();
        double t0 = 0, tx = 0;  // tail weight and weighted x sum
    };

    Solution solve(double c) const {
        const std::size_t n = xs.size();
        const auto i = static_cast<std::size_t>(std::upper_bound(xs.begin(), xs.end(), c) - xs.begin());
        Solution s;
        s.t0 = s0[n] - s0[i];
        s.tx = s1[n] - s1[i];
        const double txx = s2[n] - s2[i], ty = sy[n] - sy[i], txy = sxy[n] - sxy[i];
        const double sh = s.tx - c * s.t0;
        const double shh = txx - 2.0 * c * s.tx + c * c * s.t0;
        const double shx = txx - c * s.tx;
        const double shy = txy - c * ty;
        s.gram << s0[n], s1[n], sh, s1[n], s2[n], shx, sh, shx, shh;
        const Eigen::Vector3d rhs(sy[n], sxy[n], shy);
        if (n - i < 2 || i < 2) return s;
        const Eigen::LDLT<Eigen::Matrix3d> ldlt(s.gram);
        if (ldlt.info() != Eigen::Success ||
            !(ldlt.vectorD().minCoeff() > 1e-12 * s.gram.diagonal().maxCoeff())) {
            return s;
        }
        s.b = ldlt.solve(rhs);
        s.rss = std::max(0.0, syy - s.b.dot(rhs));
        return s;
    }
    double rss(double c) const { return solve(c).rss; }
};

// Grid search then golden-section refinement on [lo, hi].
double minimise_profile(const Profile& pr, double lo, double hi, int grid) {
    const int g = std::max(grid, 3);
    const double step = (hi - lo) / (g - 1);
    int best = 0;
    double best_rss = std::numeric_limits<double>::infinity();
    for (int i = 0; i < g; ++i) {
        const double r = pr.rss(lo + step * i);
        if (r < best_rss) {
            best_rss = r;
            best = i;
        }
    }
    double a = lo + step * std::max(0, best - 1);
    double b = lo + step * std::min(g - 1, best + 1);
    double c1 = b - kGolden * (b - a), c2 = a + kGolden * (b - a);
    double f1 = pr.rss(c1), f2 = pr.rss(c2);
    for (int it = 0; it < 100 && (b - a) > 1e-12 * std::max(1.0, std::fabs(hi - lo)); ++it) {
        if (f1 <= f2) {
            b = c2;
            c2 = c1;
            f2 = f1;
            c1 = b - kGolden * (b - a);
            f1 = pr.rss(c1);
        } else {
            a = c1;
            c1 = c2;
            f1 = f2;
            c2 = a + kGolden * (b - a);
            f2 = pr.rss(c2);
        }
    }
    const double c = 0.5 * (a + b);
    // Never worse than the best grid point.
    const double grid_c = lo + step * best;
    return pr.rss(c) <= best_rss ? c : grid_c;
}

// Outward scan from c_hat (direction -1 or +1) to where RSS exceeds the threshold, then bisection.
double profile_bound(const Profile& pr, double c_hat, double threshold, double limit, double step, int dir,
                     bool& open) {
    double inside = c_hat;
    open = false;
    for (;;) {
        double next = inside + dir * step;
        if ((dir < 0 && next <= limit) || (dir > 0 && next >= limit)) {
            next = limit;
            if (pr.rss(next) <= threshold) {
                open = true;
                return limit;
            }
        }
        if (pr.rss(next) > threshold) {
            double in = inside, out = next;
            for (int it = 0; it < 80; ++it) {
                const double mid = 0.5 * (in + out);
                if (pr.rss(mid) > threshold) {
                    out = mid;
                } else {
                    in = mid;
                }
            }
            return 0.5 * (in + out);
        }
        inside = next;
    }
}

}  // namespace

double quantile(std::vector<double> values, double prob) {
    if (values.empty()) throw UsageError("quantile of no values");
    std::sort(values.begin(), values.end());
    const double h = (static_cast<double>(values.size()) - 1.0) * std::clamp(prob, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

SegmentedFit fit_segmented(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& weights, const SegmentedOptions& options) {
    const std::size_t n = x.size();
    if (y.size() != n) throw UsageError(fmt::format("segmented: {} x values but {} y values", n, y.size()));
    if (!weights.empty() && weights.size() != n) {
        throw UsageError(fmt::format("segmented: {} rows but {} weights", n, weights.size()));
    }
    if (n < 8) throw UsageError(fmt::format("segmented: {} rows (need at least 8)", n));
    if (!(options.lower_quantile >= 0 && options.lower_quantile < options.upper_quantile &&
          options.upper_quantile <= 1)) {
        throw UsageError("segmented: need 0 <= lower_quantile < upper_quantile <= 1");
    }
    if (!(options.level > 0 && options.level < 1)) throw UsageError("segmented: level must be in (0, 1)");
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            throw UsageError(fmt::format("segmented: row {} is not finite", i + 1));
        }
        if (!weights.empty() && !(weights[i] > 0 && std::isfinite(weights[i]))) {
            throw UsageError(fmt::format("segmented: weight of row {} must be positive", i + 1));
        }
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    // Centre x and y for accuracy (weighted means).
    double sw = 0, mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = weights.empty() ? 1.0 : weights[i];
        sw += w;
        mx += w * x[i];
        my += w * y[i];
    }
    mx /= sw;
    my /= sw;
    std::vector<double> xs(n), ys(n), ws(n);
    for (std::size_t i = 0; i < n; ++i) {
        xs[i] = x[order[i]] - mx;
        ys[i] = y[order[i]] - my;
        ws[i] = weights.empty() ? 1.0 : weights[order[i]];
    }
    const double lo = quantile(xs, options.lower_quantile);
    const double hi = quantile(xs, options.upper_quantile);
    if (!(hi > lo)) throw UsageError("segmented: x does not vary within the search range");
    Profile pr;
    pr.build(xs, ys, ws);
    const double c = minimise_profile(pr, lo, hi, options.grid);
    const Profile::Solution s = pr.solve(c);
    if (!std::isfinite(s.rss))
        throw UsageError("segmented: too few distinct x values on a side of the break");

    SegmentedFit fit;
    fit.n = n;
    fit.search_low = lo + mx;
    fit.search_high = hi + mx;
    fit.breakpoint = c + mx;
    const double b1 = s.b(1), b2 = s.b(2);
    fit.slope_before = b1;
    fit.slope_change = b2;
    fit.slope_after = b1 + b2;
    fit.intercept = s.b(0) + my - b1 * mx;  // in original x and y
    fit.rss = s.rss;
    const double syy = pr.syy;
    fit.r2 = syy > 0 ? 1.0 - s.rss / syy : 0.0;
    const double df = static_cast<double>(n) - 4.0;
    const double sigma2 = s.rss / df;
    fit.sigma = std::sqrt(sigma2);
    // Gauss-Newton covariance of (a', b1, b2, c) with columns 1, x, h, g = -b2 1[x > c] (centred x).
    Eigen::Matrix4d j = Eigen::Matrix4d::Zero();
    j.topLeftCorner<3, 3>() = s.gram;
    j(0, 3) = j(3, 0) = -b2 * s.t0;
    j(1, 3) = j(3, 1) = -b2 * s.tx;
    j(2, 3) = j(3, 2) = -b2 * s.gram(0, 2);
    j(3, 3) = b2 * b2 * s.t0;
    const Eigen::Matrix4d cov = sigma2 * j.ldlt().solve(Eigen::Matrix4d::Identity());
    fit.slope_before_se = std::sqrt(std::max(0.0, cov(1, 1)));
    fit.slope_change_se = std::sqrt(std::max(0.0, cov(2, 2)));
    fit.slope_after_se = std::sqrt(std::max(0.0, cov(1, 1) + cov(2, 2) + 2.0 * cov(1, 2)));
    fit.breakpoint_se = std::sqrt(std::max(0.0, cov(3, 3)));
    // Intercept at x = 0 in original units: a = a' + my - b1 mx; Var from (a', b1).
    fit.intercept_se = std::sqrt(std::max(0.0, cov(0, 0) + mx * mx * cov(1, 1) - 2.0 * mx * cov(0, 1)));

    const bool want_profile = options.interval != BreakpointInterval::kBootstrap;
    const bool want_boot = options.interval != BreakpointInterval::kProfile;
    if (want_profile) {
        const double t = student_t_quantile(0.5 + 0.5 * options.level, df);
        const double threshold = s.rss * (1.0 + t * t / df);
        const double step = (hi - lo) / (4.0 * std::max(options.grid, 3));
        bool open_lo = false, open_hi = false;
        fit.profile.low = profile_bound(pr, c, threshold, lo, step, -1, open_lo) + mx;
        fit.profile.high = profile_bound(pr, c, threshold, hi, step, +1, open_hi) + mx;
        fit.profile.low_open = open_lo;
        fit.profile.high_open = open_hi;
        fit.has_profile = true;
    }
    if (want_boot) {
        if (options.bootstrap < 10) throw UsageError("segmented: need at least 10 bootstrap replicates");
        std::vector<double> cs;
        cs.reserve(static_cast<std::size_t>(options.bootstrap));
        std::vector<double> wb(n);
        std::vector<std::uint32_t> count(n);
        Profile pb;
        for (int b = 0; b < options.bootstrap; ++b) {
            SplitMix rng(options.seed,
                         kBootstrapStream + static_cast<std::uint64_t>(b) * std::uint64_t{0x10001});
            std::fill(count.begin(), count.end(), 0U);
            for (std::size_t i = 0; i < n; ++i) ++count[static_cast<std::size_t>(rng.below_fast(n))];
            for (std::size_t i = 0; i < n; ++i) wb[i] = ws[i] * count[i];
            pb.build(xs, ys, wb);
            const double cb = minimise_profile(pb, lo, hi, options.grid);
            if (std::isfinite(pb.rss(cb))) cs.push_back(cb + mx);
        }
        if (cs.size() < 10) throw UsageError("segmented: too few usable bootstrap replicates");
        const double alpha = 1.0 - options.level;
        fit.bootstrap.low = quantile(cs, 0.5 * alpha);
        fit.bootstrap.high = quantile(cs, 1.0 - 0.5 * alpha);
        const double edge = 1e-9 * (hi - lo);
        fit.bootstrap.low_open = fit.bootstrap.low <= lo + mx + edge;
        fit.bootstrap.high_open = fit.bootstrap.high >= hi + mx - edge;
        double mean = 0;
        for (double v : cs) mean += v;
        mean /= static_cast<double>(cs.size());
        double var = 0;
        for (double v : cs) var += (v - mean) * (v - mean);
        fit.bootstrap_se = std::sqrt(var / static_cast<double>(cs.size() - 1));
        fit.bootstrap_replicates = static_cast<int>(cs.size());
        fit.has_bootstrap = true;
    }
    return fit;
}

}  // namespace wz::stats
