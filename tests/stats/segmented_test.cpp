// Segmented regression: exact recovery without noise, a planted break with noise, interval coverage.
#include "stats/segmented.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "stats/random.hpp"

namespace wz::stats {
namespace {

double uniform(SplitMix& rng) {
    return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
}
double normal(SplitMix& rng) {
    const double u1 = uniform(rng), u2 = uniform(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// y = 1 + 0.5 x - slope_change max(0, x - c) + sd N(0, 1), x uniform on [0, 1].
void simulate(std::size_t n, double c, double change, double sd, std::uint64_t seed, std::vector<double>& x,
              std::vector<double>& y) {
    SplitMix rng(seed, 99);
    x.resize(n);
    y.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = uniform(rng);
        y[i] = 1.0 + 0.5 * x[i] + change * std::max(0.0, x[i] - c) + sd * normal(rng);
    }
}

TEST(Segmented, ExactDataGiveTheExactBreak) {
    std::vector<double> x, y;
    simulate(200, 0.37, -2.0, 0.0, 1, x, y);
    const SegmentedFit f = fit_segmented(x, y);
    EXPECT_NEAR(f.breakpoint, 0.37, 1e-6);
    EXPECT_NEAR(f.slope_before, 0.5, 1e-6);
    EXPECT_NEAR(f.slope_after, -1.5, 1e-6);
    EXPECT_NEAR(f.slope_change, -2.0, 1e-6);
    EXPECT_NEAR(f.intercept, 1.0, 1e-6);
    EXPECT_NEAR(f.r2, 1.0, 1e-9);
}

TEST(Segmented, RecoversAPlantedBreakWithItsInterval) {
    std::vector<double> x, y;
    simulate(2000, 0.45, -2.0, 0.1, 2, x, y);
    SegmentedOptions o;
    o.interval = BreakpointInterval::kBoth;
    o.bootstrap = 199;
    const SegmentedFit f = fit_segmented(x, y, {}, o);
    EXPECT_NEAR(f.breakpoint, 0.45, 0.03);
    EXPECT_TRUE(f.profile.covers(0.45)) << f.profile.low << " " << f.profile.high;
    EXPECT_TRUE(f.bootstrap.covers(0.45)) << f.bootstrap.low << " " << f.bootstrap.high;
    EXPECT_LT(f.profile.high - f.profile.low, 0.1);
    EXPECT_FALSE(f.profile.low_open || f.profile.high_open);
    EXPECT_NEAR(f.slope_before, 0.5, 0.1);
    EXPECT_NEAR(f.slope_after, -1.5, 0.1);
    // The delta-method SE and the bootstrap SE agree roughly.
    EXPECT_GT(f.breakpoint_se, 0.3 * f.bootstrap_se);
    EXPECT_LT(f.breakpoint_se, 3.0 * f.bootstrap_se);
    // The slopes' SEs are of the order of sigma / sqrt(n * var(x)).
    EXPECT_GT(f.slope_before_se, 0.005);
    EXPECT_LT(f.slope_before_se, 0.05);
}

TEST(Segmented, WeightsEqualRepeatedRows) {
    std::vector<double> x, y;
    simulate(120, 0.6, 1.5, 0.2, 3, x, y);
    std::vector<double> w(x.size()), xr, yr;
    for (std::size_t i = 0; i < x.size(); ++i) {
        w[i] = 1.0 + static_cast<double>(i % 3);
        for (int k = 0; k < static_cast<int>(w[i]); ++k) {
            xr.push_back(x[i]);
            yr.push_back(y[i]);
        }
    }
    SegmentedOptions o;
    o.lower_quantile = 0.0;  // same search range for both (quantiles of weighted and repeated data differ)
    o.upper_quantile = 1.0;
    const SegmentedFit a = fit_segmented(x, y, w, o);
    const SegmentedFit b = fit_segmented(xr, yr, {}, o);
    EXPECT_NEAR(a.breakpoint, b.breakpoint, 1e-9);
    EXPECT_NEAR(a.slope_before, b.slope_before, 1e-8);
    EXPECT_NEAR(a.slope_after, b.slope_after, 1e-8);
}

// Coverage of the 95% intervals over simulated data sets with a known break (n = 300, modest noise).
TEST(Segmented, IntervalsCoverTheTruth) {
    int profile_cover = 0, boot_cover = 0, boot_runs = 0;
    const int runs = 200;
    for (int r = 0; r < runs; ++r) {
        std::vector<double> x, y;
        simulate(300, 0.45, -1.0, 0.15, 1000 + static_cast<std::uint64_t>(r), x, y);
        SegmentedOptions o;
        o.interval = r < 40 ? BreakpointInterval::kBoth : BreakpointInterval::kProfile;
        o.bootstrap = 199;
        o.seed = static_cast<std::uint64_t>(r);
        const SegmentedFit f = fit_segmented(x, y, {}, o);
        profile_cover += f.profile.covers(0.45) ? 1 : 0;
        if (f.has_bootstrap) {
            ++boot_runs;
            boot_cover += f.bootstrap.covers(0.45) ? 1 : 0;
        }
    }
    const double pc = static_cast<double>(profile_cover) / runs;
    const double bc = static_cast<double>(boot_cover) / boot_runs;
    RecordProperty("profile_coverage", std::to_string(pc));
    RecordProperty("bootstrap_coverage", std::to_string(bc));
    std::printf(
        "coverage of the 95%% breakpoint interval: profile %.3f (%d runs), bootstrap %.3f (%d runs)\n", pc,
        runs, bc, boot_runs);
    EXPECT_GE(pc, 0.90);  // binomial sd at 0.95 and 200 runs: 0.015
    EXPECT_LE(pc, 0.995);
    EXPECT_GE(bc, 0.85);
}

TEST(Segmented, BootstrapIsDeterministic) {
    std::vector<double> x, y;
    simulate(200, 0.5, -1.0, 0.2, 4, x, y);
    SegmentedOptions o;
    o.interval = BreakpointInterval::kBootstrap;
    o.bootstrap = 50;
    o.seed = 7;
    const SegmentedFit a = fit_segmented(x, y, {}, o), b = fit_segmented(x, y, {}, o);
    EXPECT_EQ(a.bootstrap.low, b.bootstrap.low);
    EXPECT_EQ(a.bootstrap.high, b.bootstrap.high);
    EXPECT_FALSE(a.has_profile);
    o.seed = 8;
    const SegmentedFit c = fit_segmented(x, y, {}, o);
    EXPECT_TRUE(c.bootstrap.low != a.bootstrap.low || c.bootstrap.high != a.bootstrap.high);
}

TEST(Segmented, BadInput) {
    std::vector<double> x{1, 2, 3}, y{1, 2, 3};
    EXPECT_THROW(fit_segmented(x, y), UsageError);  // too few rows
    std::vector<double> x2(20, 1.0), y2(20, 2.0);
    EXPECT_THROW(fit_segmented(x2, y2), UsageError);  // x does not vary
    std::vector<double> x3, y3;
    simulate(50, 0.5, 1.0, 0.1, 5, x3, y3);
    y3[3] = std::nan("");
    EXPECT_THROW(fit_segmented(x3, y3), UsageError);
    EXPECT_THROW(fit_segmented(x3, std::vector<double>(49, 0.0)), UsageError);
}

TEST(Quantile, Type7) {
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.0), 1.0);
    EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 1.0), 4.0);
    EXPECT_DOUBLE_EQ(quantile({10, 20}, 0.25), 12.5);
}

}  // namespace
}  // namespace wz::stats
