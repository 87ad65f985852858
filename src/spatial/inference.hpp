#pragma once
// Inference helpers shared by the global and local statistics: normal tail probabilities,
// permutation pseudo-p-values and multiple-testing cut-offs.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wz::spatial {

// P(Z >= z) and P(|Z| >= |z|) for a standard normal Z (NaN in, NaN out).
double normal_upper_tail(double z);
double normal_two_sided(double z);

// Which tail a permutation pseudo-p-value counts.
//   kFolded   min(#sim >= obs, #sim <= obs): the esda/GeoDa/spdep "folded" pseudo-p, directional
//             (the smaller tail), not doubled; ties with the observed value count on both sides,
//             so a statistic every permutation matches (z_i = 0) gets p = 1, not 1/(R+1)
//   kGreater  #sim >= obs (clustering of like values / hot spot)
//   kLess     #sim <= obs (dispersion / cold spot)
enum class Alternative : std::uint8_t { kFolded, kGreater, kLess };
std::string_view alternative_name(Alternative a);  // "folded", "greater", "less"

// (M + 1) / (R + 1), M counted as the alternative says, from the counts of permuted statistics at or
// above (`at_least`) and at or below (`at_most`) the observed one. NaN when R = 0.
double pseudo_p_value(std::uint32_t at_least, std::uint32_t at_most, std::uint32_t permutations,
                      Alternative a);

// Benjamini-Hochberg false discovery rate as esda.fdr: with the m non-NaN p-values sorted ascending,
// the cut-off is the largest p_(k) with p_(k) < k * alpha / m (strict, as esda). Areas with p <= cut-off
// are discoveries. Returns 0 when no p-value passes (esda then returns 0.001 * alpha, which can flag
// areas BH does not; we flag none).
double fdr_cutoff(std::span<const double> p_values, double alpha);
// alpha / m, m = number of non-NaN p-values (0 when m = 0).
double bonferroni_cutoff(std::span<const double> p_values, double alpha);
// 1 where p <= cutoff (and cutoff > 0), 0 elsewhere and for NaN.
std::vector<std::uint8_t> flag_at_or_below(std::span<const double> p_values, double cutoff);

}  // namespace wz::spatial
