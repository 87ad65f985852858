#pragma once
// The hot loop of scoring: acc[i] += weight * (T(x[i]) - centre) for the log and logit transforms, with
// the widest vector logarithm this processor runs. The logarithm is glibc's vector math library
// (libmvec: 8 doubles with AVX-512, 4 with AVX2; within 1 ulp of std::log, special values as std::log);
// without AVX2 it is Eigen's (2 doubles, SSE). The choice is made once per process; the environment
// variable WIJKZICHT_SIMD=sse|avx2|avx512 narrows it (tests compare the kernels, benchmarks measure them).
#include <cstddef>
#include <string_view>

namespace wz::liveability::detail {

enum class LogKind { kLog, kLogit };  // log(x), or log(x / (1 - x))

// acc[i] += weight * (T(x[i]) - centre) for i < n. Out-of-domain values give -inf, inf or NaN in acc,
// exactly as std::log would (log of 0 is -inf, of a negative number NaN; logit of 1 is inf).
void accumulate_log(LogKind kind, const double* x, std::size_t n, double weight, double centre, double* acc);

// The kernel in use: "avx512", "avx2" or "sse".
std::string_view log_kernel_name();

// For tests: the same with a named kernel ("sse", "avx2", "avx512"); false when this processor cannot
// run it.
bool accumulate_log_with(std::string_view kernel, LogKind kind, const double* x, std::size_t n, double weight,
                         double centre, double* acc);

}  // namespace wz::liveability::detail
