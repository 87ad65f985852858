// The vector logarithm kernels of scoring (glibc libmvec AVX-512 and AVX2, Eigen SSE) against std::log:
// within 2 ulp on every value, the same special values, every tail length.
#include "liveability/transform_kernel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

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

// The instruction sets the processor reports, read from /proc/cpuinfo (the kernel's view, independent of
// the dispatcher's own __builtin_cpu_supports checks): the flags of the first "flags" line.
std::set<std::string> cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::set<std::string> flags;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        for (std::string w; words >> w;) flags.insert(w);
        break;
    }
    return flags;
}

// The kernels this processor can run by /proc/cpuinfo: sse always (x86-64 baseline), avx2 with avx2 and
// fma (the kernel is compiled for "avx2,fma"), avx512 with avx512f.
bool cpu_reports(const std::string& kernel) {
    static const std::set<std::string> flags = cpuinfo_flags();
    if (kernel == "sse") return true;
    if (kernel == "avx2") return flags.count("avx2") > 0 && flags.count("fma") > 0;
    if (kernel == "avx512") return flags.count("avx512f") > 0;
    return false;
}

// A kernel the dispatcher refuses: skipped when /proc/cpuinfo lacks its instruction set too; a failure
// when the processor reports it (the dispatcher lost a kernel the machine runs), under CI or not. (The
// other disagreement, a kernel run that the processor does not report, fails the test below.)
#define WZ_KERNEL_OR_SKIP(ran)                                                                           \
    do {                                                                                                 \
        if (!(ran)) {                                                                                    \
            ASSERT_FALSE(cpu_reports(GetParam()))                                                        \
                << "/proc/cpuinfo reports the instruction set of the " << GetParam()                     \
                << " kernel, but the dispatcher refused to run it";                                      \
            GTEST_SKIP() << "this processor cannot run the " << GetParam() << " kernel (/proc/cpuinfo)"; \
        }                                                                                                \
    } while (0)

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
            WZ_KERNEL_OR_SKIP(accumulate_log_with(GetParam(), kind, x.data(), n, 0.37, 1.25, acc.data()));
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
        WZ_KERNEL_OR_SKIP(accumulate_log_with(GetParam(), kind, x.data(), x.size(), 1.0, 0.0, acc.data()));
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

// The expected kernel comes from /proc/cpuinfo, not from the dispatcher's supports(): a dispatcher that
// forgets AVX-512 (or picks it on a machine without it) fails here.
TEST(Kernels, TheChosenKernelIsTheWidestThisProcessorRuns) {
    const std::set<std::string> flags = cpuinfo_flags();
    ASSERT_FALSE(flags.empty()) << "no flags line in /proc/cpuinfo";
    const std::string widest = cpu_reports("avx512") ? "avx512" : cpu_reports("avx2") ? "avx2" : "sse";
    std::vector<double> x = {2.0}, acc = {0.0};
    for (const char* k : {"sse", "avx2", "avx512"}) {
        acc[0] = 0.0;
        EXPECT_EQ(accumulate_log_with(k, LogKind::kLog, x.data(), 1, 1.0, 0.0, acc.data()), cpu_reports(k))
            << k << ": the dispatcher and /proc/cpuinfo disagree";
    }
    EXPECT_EQ(accumulate_log_with("neon", LogKind::kLog, x.data(), 1, 1.0, 0.0, acc.data()), false);
    const char* limit = std::getenv("WIJKZICHT_SIMD");  // NOLINT(concurrency-mt-unsafe)
    if (limit == nullptr) {
        EXPECT_EQ(std::string(log_kernel_name()), widest);
    } else {
        // WIJKZICHT_SIMD narrows the choice to at most the named kernel.
        const std::string l(limit);
        const std::string want = l == "sse"    ? "sse"
                                 : l == "avx2" ? (cpu_reports("avx2") ? "avx2" : "sse")
                                               : widest;
        EXPECT_EQ(std::string(log_kernel_name()), want) << "WIJKZICHT_SIMD=" << l;
    }
    // Under CI the machine is known: print what was found, so a CI log shows which kernels really ran.
    if (test::running_in_ci()) {
        std::printf("kernels by /proc/cpuinfo: sse%s%s; chosen %s\n", cpu_reports("avx2") ? " avx2" : "",
                    cpu_reports("avx512") ? " avx512" : "", std::string(log_kernel_name()).c_str());
    }
}

}  // namespace
}  // namespace wz::liveability::detail
