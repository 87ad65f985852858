#include "liveability/transform_kernel.hpp"

#include <immintrin.h>

#include <Eigen/Core>
#include <cstdlib>
#include <string>

// glibc's vector logarithms (x86_64 vector function ABI: 'd' = AVX2, 'e' = AVX-512), in libmvec.
extern "C" __m256d _ZGVdN4v_log(__m256d x);  // NOLINT(bugprone-reserved-identifier)
extern "C" __m512d _ZGVeN8v_log(__m512d x);  // NOLINT(bugprone-reserved-identifier)

namespace wz::liveability::detail {
namespace {

using Kernel = void (*)(LogKind, const double*, std::size_t, double, double, double*);

void accumulate_sse(LogKind kind, const double* x, std::size_t n, double weight, double centre, double* acc) {
    const auto len = static_cast<Eigen::Index>(n);
    Eigen::Map<const Eigen::ArrayXd> v(x, len);
    Eigen::Map<Eigen::ArrayXd> a(acc, len);
    if (kind == LogKind::kLog) {
        a += weight * (v.log() - centre);
    } else {
        a += weight * ((v / (1.0 - v)).log() - centre);
    }
}

// One vector step: a + w * (log(v or v / (1 - v)) - c). (A lambda would not inherit the target.)
__attribute__((target("avx2,fma"))) inline __m256d step_avx2(bool logit, __m256d v, __m256d a, __m256d w,
                                                             __m256d c) {
    if (logit) v = _mm256_div_pd(v, _mm256_sub_pd(_mm256_set1_pd(1.0), v));
    return _mm256_add_pd(a, _mm256_mul_pd(w, _mm256_sub_pd(_ZGVdN4v_log(v), c)));
}

__attribute__((target("avx512f"))) inline __m512d step_avx512(bool logit, __m512d v, __m512d a, __m512d w,
                                                              __m512d c) {
    if (logit) v = _mm512_div_pd(v, _mm512_sub_pd(_mm512_set1_pd(1.0), v));
    return _mm512_add_pd(a, _mm512_mul_pd(w, _mm512_sub_pd(_ZGVeN8v_log(v), c)));
}

__attribute__((target("avx2,fma"))) void accumulate_avx2(LogKind kind, const double* x, std::size_t n,
                                                         double weight, double centre, double* acc) {
    const __m256d w = _mm256_set1_pd(weight), c = _mm256_set1_pd(centre);
    const bool logit = kind == LogKind::kLogit;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(acc + i, step_avx2(logit, _mm256_loadu_pd(x + i), _mm256_loadu_pd(acc + i), w, c));
    if (i < n) {  // the tail through a padded copy, so every value goes through the same logarithm
        alignas(32) double xv[4] = {1, 1, 1, 1}, av[4] = {0, 0, 0, 0};
        for (std::size_t k = 0; i + k < n; ++k) {
            xv[k] = x[i + k];
            av[k] = acc[i + k];
        }
        _mm256_store_pd(av, step_avx2(logit, _mm256_load_pd(xv), _mm256_load_pd(av), w, c));
        for (std::size_t k = 0; i + k < n; ++k) acc[i + k] = av[k];
    }
}

__attribute__((target("avx512f"))) void accumulate_avx512(LogKind kind, const double* x, std::size_t n,
                                                          double weight, double centre, double* acc) {
    const __m512d w = _mm512_set1_pd(weight), c = _mm512_set1_pd(centre), one = _mm512_set1_pd(1.0);
    const bool logit = kind == LogKind::kLogit;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm512_storeu_pd(acc + i, step_avx512(logit, _mm512_loadu_pd(x + i), _mm512_loadu_pd(acc + i), w, c));
    if (i < n) {  // masked tail: lanes past the end read as 1 (log 0) and are not stored
        const auto mask = static_cast<__mmask8>((1U << (n - i)) - 1U);
        const __m512d v = _mm512_mask_loadu_pd(one, mask, x + i);
        const __m512d a = _mm512_maskz_loadu_pd(mask, acc + i);
        _mm512_mask_storeu_pd(acc + i, mask, step_avx512(logit, v, a, w, c));
    }
}

bool supports(std::string_view kernel) {
    __builtin_cpu_init();
    if (kernel == "sse") return true;
    if (kernel == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (kernel == "avx512") return __builtin_cpu_supports("avx512f");
    return false;
}

Kernel kernel_named(std::string_view kernel) {
    if (kernel == "avx512") return accumulate_avx512;
    if (kernel == "avx2") return accumulate_avx2;
    return accumulate_sse;
}

struct Chosen {
    std::string_view name;
    Kernel kernel;
};

Chosen choose() {
    const char* env = std::getenv("WIJKZICHT_SIMD");  // NOLINT(concurrency-mt-unsafe): read once
    const std::string_view limit = env != nullptr ? std::string_view(env) : std::string_view("avx512");
    for (std::string_view k : {"avx512", "avx2"}) {
        const bool allowed = limit == k || (limit == "avx512" && k == "avx2");
        if (allowed && supports(k)) return {k, kernel_named(k)};
    }
    return {"sse", accumulate_sse};
}

const Chosen& chosen() {
    static const Chosen c = choose();
    return c;
}

}  // namespace

void accumulate_log(LogKind kind, const double* x, std::size_t n, double weight, double centre, double* acc) {
    chosen().kernel(kind, x, n, weight, centre, acc);
}

std::string_view log_kernel_name() {
    return chosen().name;
}

bool accumulate_log_with(std::string_view kernel, LogKind kind, const double* x, std::size_t n, double weight,
                         double centre, double* acc) {
    if (!supports(kernel)) return false;
    kernel_named(kernel)(kind, x, n, weight, centre, acc);
    return true;
}

}  // namespace wz::liveability::detail
