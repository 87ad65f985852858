#pragma once
// Distribution functions needed for inference: Student t (two-sided p-values and quantiles) and the
// regularised incomplete beta function they rest on.
namespace wz::stats {

// Regularised incomplete beta I_x(a, b), 0 <= x <= 1, a, b > 0 (continued fraction, Lentz).
double incomplete_beta(double a, double b, double x);

// Two-sided p-value P(|T| >= |t|) of Student's t with `df` > 0 degrees of freedom.
double student_t_two_sided_p(double t, double df);

// The quantile t with P(T <= t) = prob of Student's t (0 < prob < 1).
double student_t_quantile(double prob, double df);

// Standard normal: P(Z <= z).
double normal_cdf(double z);

}  // namespace wz::stats
