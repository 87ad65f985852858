// The vector logarithm kernels of scoring (glibc libmvec AVX-512 and AVX2, Eigen SSE) against std::log:
// within 2 ulp on every value, the same special values, every tail length.
#include "liveability/transform_kernel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace wz::liveability::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// acc + w * (T(x) - c) computed with std::log, the reference.
double reference(LogKind kind, double x, double w, double c, double acc) {
    const double t = kind == LogKind::kLog ? std::log(x) : std::log(x / (1.0 - x));
    return acc + w * (t - c);
}

// Within 4 ulp of the largest term of acc + w * (T - c): a logarithm within 1-2 ulp and the rounding
// of the sum.
void expect_close(double got, double want, double scale, const std::string& what) {
    if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got)) << what << ": got " << got;
    } else if (std::isinf(want)) {
        EXPECT_EQ(got, want) << what;
    } else {
        EXPECT_NEAR(got, want, 4 * 2.3e-16 * std::max(std::abs(want), scale)) << what;
    }
}

class Kernels : public ::testing::TestWithParam<std::string> {};

TEST_P(Kernels, AgreeWithStdLogOnRandomValuesAndEveryTailLength) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> expo(-30.0, 30.0), unit(1e-9, 1.0 - 1e-9), acc0(-5.0, 5.0);
    for (LogKind kind : {LogKind::kLog, LogKind::kLogit}) {
        for (std::size_t n = 0; n <= 37; ++n) {
            std::vector<double> x(n), acc(n), want(n), scale(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = kind == LogKind::kLog ? std::exp(expo(rng)) : unit(rng);
                acc[i] = acc0(rng);
                want[i] = reference(kind, x[i], 0.37, 1.25, acc[i]);
                scale[i] = std::max({std::abs(acc[i]), std::abs(0.37 * (want[i] - acc[i])) + 0.37 * 1.25});
            }
            // A guard value after the end must stay untouched.
            acc.push_back(123.0);
            if (!accumulate_log_with(GetParam(), kind, x.data(), n, 0.37, 1.25, acc.data())) {
                GTEST_SKIP() << "this processor cannot run the " << GetParam() << " kernel";
            }
            for (std::size_t i = 0; i < n; ++i)
                expect_close(acc[i], want[i], scale[i],
                             GetParam() + " n=" + std::to_string(n) + " i=" + std::to_string(i));
            EXPECT_EQ(acc[n], 123.0) << "wrote past the end, n=" << n;
        }
    }
}

TEST_P(Kernels, OutOfDomainValuesAreNotFiniteAsWithStdLog) {
    const std::vector<double> x = {0.0, -0.0, -1.0, kInf, std::nan(""), 1.0, 5e-324, 1e-310, 2.0, 0.5, 1e300};
    for (LogKind kind : {LogKind::kLog, LogKind::kLogit}) {
        std::vector<double> acc(x.size(), 0.0);
        if (!accumulate_log_with(GetParam(), kind, x.data(), x.size(), 1.0, 0.0, acc.data())) {
            GTEST_SKIP() << "this processor cannot run the " << GetParam() << " kernel";
        }
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double want = reference(kind, x[i], 1.0, 0.0, 0.0);
            EXPECT_EQ(std::isfinite(acc[i]), std::isfinite(want)) << GetParam() << " x=" << x[i];
            if (GetParam() == "sse" && std::fpclassify(x[i]) == FP_SUBNORMAL) {
                // Eigen's logarithm takes a subnormal input as the smallest normal number: finite, but
                // not exact (indicator values are never that small).
                EXPECT_LE(acc[i], std::log(std::numeric_limits<double>::min()) + 1e-9) << "x=" << x[i];
                continue;
            }
            expect_close(acc[i], want, 0.0, GetParam() + " x=" + std::to_string(x[i]));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Log, Kernels, ::testing::Values("sse", "avx2", "avx512"));

TEST(Kernels, TheChosenKernelIsTheWidestThisProcessorRuns) {
    const std::string chosen(log_kernel_name());
    std::vector<double> x = {2.0}, acc = {0.0};
    const bool avx512 = accumulate_log_with("avx512", LogKind::kLog, x.data(), 1, 1.0, 0.0, acc.data());
    const bool avx2 = accumulate_log_with("avx2", LogKind::kLog, x.data(), 1, 1.0, 0.0, acc.data());
    EXPECT_EQ(accumulate_log_with("neon", LogKind::kLog, x.data(), 1, 1.0, 0.0, acc.data()), false);
    if (std::getenv("WIJKZICHT_SIMD") == nullptr) {  // NOLINT(concurrency-mt-unsafe)
        EXPECT_EQ(chosen, avx512 ? "avx512" : avx2 ? "avx2" : "sse");
    }
}

}  // namespace
}  // namespace wz::liveability::detail
