#include "stats/distributions.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace wz::stats {
namespace {

// Continued fraction of the incomplete beta (Numerical Recipes 6.4, modified Lentz).
double beta_fraction(double a, double b, double x) {
    constexpr double kTiny = 1e-300;
    constexpr double kEps = 1e-15;
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double dm = m;
        const double m2 = 2.0 * dm;
        double aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < kEps) break;
    }
    return h;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
    if (!(a > 0) || !(b > 0)) throw InternalError("incomplete_beta: a and b must be positive");
    if (x <= 0) return 0.0;
    if (x >= 1) return 1.0;
    const double log_front =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    const double front = std::exp(log_front);
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
    return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double df) {
    if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(t)) return 0.0;
    if (!(df > 0)) return std::numeric_limits<double>::quiet_NaN();
    return incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
}

double student_t_quantile(double prob, double df) {
    if (!(prob > 0 && prob < 1)) throw InternalError("student_t_quantile: prob must be in (0, 1)");
    if (prob == 0.5) return 0.0;
    const double tail = prob < 0.5 ? prob : 1.0 - prob;  // one-sided tail area
    // Bisection on |t|: two-sided p(|t|) = 2 tail, decreasing in |t|.
    double lo = 0.0, hi = 1.0;
    while (student_t_two_sided_p(hi, df) > 2.0 * tail && hi < 1e12) hi *= 2.0;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (student_t_two_sided_p(mid, df) > 2.0 * tail) {
            lo = mid;
        } else {
            hi = mid;
        }
        if (hi - lo <= 1e-14 * hi) break;
    }
    const double t = 0.5 * (lo + hi);
    return prob < 0.5 ? -t : t;
}

double normal_cdf(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

}  // namespace wz::stats
