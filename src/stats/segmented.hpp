#pragma once
// Segmented (continuous piecewise-linear, one breakpoint) regression of y on x:
//
//     y = a + b1 x + b2 max(0, x - c) + e        (slope b1 before c, b1 + b2 after it)
//
// The breakpoint c is estimated by profile least squares: for a fixed c the model is linear, and with
// x sorted and weighted prefix sums of 1, x, x^2, y, xy (and y^2) the 3 x 3 normal equations at any c
// cost O(log n). RSS(c) is evaluated on an even grid between the `lower_quantile` and `upper_quantile`
// of x, then refined by golden-section search on the two grid steps around the best grid point.
//
// Standard errors (a, b1, b1 + b2, b2, c) come from the Gauss-Newton covariance of the four-parameter
// model at the optimum (the c column of the Jacobian is -b2 1[x > c]), sigma^2 = RSS / (n - 4), as R's
// `segmented` reports them.
//
// Confidence interval for c:
//   * profile likelihood (default): {c : RSS(c) <= RSS_min (1 + F_{1, n-4; level} / (n - 4))}, the
//     connected set around the estimate (scan outward in steps of a quarter grid step, then bisection).
//     Deterministic and needs one profile; the F cut-off follows from the likelihood-ratio test of a fixed
//     breakpoint against the fitted one.
//   * bootstrap: B case-resampling replicates (deterministic from the seed: counts drawn with SplitMix,
//     no re-sorting, so each replicate costs O(n + grid log n)); percentile interval.
// A bound that reaches the edge of the search range is reported as open (the data do not bound it).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wz::stats {

enum class BreakpointInterval { kProfile, kBootstrap, kBoth };

struct SegmentedOptions {
    double lower_quantile = 0.05;  // search range for c: between these quantiles of x
    double upper_quantile = 0.95;
    int grid = 200;       // grid points over the search range
    double level = 0.95;  // confidence level of the interval(s)
    BreakpointInterval interval = BreakpointInterval::kProfile;
    int bootstrap = 999;     // replicates B (bootstrap interval only)
    std::uint64_t seed = 1;  // bootstrap seed
};

struct Interval {
    double low = 0, high = 0;
    bool low_open = false, high_open = false;  // the bound is the edge of the search range
    bool covers(double v) const { return v >= low && v <= high; }
};

struct SegmentedFit {
    std::size_t n = 0;
    double breakpoint = 0, breakpoint_se = 0;
    double intercept = 0, intercept_se = 0;
    double slope_before = 0, slope_before_se = 0;
    double slope_after = 0, slope_after_se = 0;
    double slope_change = 0, slope_change_se = 0;  // b2
    double rss = 0, r2 = 0, sigma = 0;
    double search_low = 0, search_high = 0;  // search range for c
    bool has_profile = false, has_bootstrap = false;
    Interval profile;    // profile-likelihood interval
    Interval bootstrap;  // percentile bootstrap interval
    double bootstrap_se = 0;
    int bootstrap_replicates = 0;
};

// x, y (same length, finite) and optional weights (empty = all 1; otherwise all > 0).
// Throws wz::UsageError on bad input (fewer than 8 rows, too few distinct x values in the search range).
SegmentedFit fit_segmented(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& weights = {}, const SegmentedOptions& options = {});

// Sample quantile (type 7: linear interpolation between order statistics) of unsorted values.
double quantile(std::vector<double> values, double prob);

}  // namespace wz::stats
