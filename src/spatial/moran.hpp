#pragma once
// Global Moran's I with analytical inference (normality and randomisation, as spdep::moran.test and
// esda.Moran) and permutation inference.
#include <cstdint>
#include <span>

#include "spatial/inference.hpp"
#include "spatial/weights.hpp"

namespace wz::spatial {

struct GlobalMoranOptions {
    std::uint32_t permutations = 999;  // 0: analytical inference only
    std::uint64_t seed = 0;
    // false (default): n = every area in the sample, islands included (esda, GeoDa; spdep with
    // adjust.n = FALSE). true: n excludes islands, as spdep::moran.test's default adjust.n = TRUE.
    // Islands always count in the mean and in sum(z^2).
    bool adjust_n_for_islands = false;
};

struct GlobalMoran {
    double n = 0;  // the n of the formulas
    double I = 0;
    double expected = 0;  // -1 / (n - 1)
    double S0 = 0, S1 = 0, S2 = 0;
    double kurtosis = 0;  // b2 = n * sum(z^4) / (sum(z^2))^2, n = number of values
    double variance_normality = 0, z_normality = 0;
    double variance_randomisation = 0, z_randomisation = 0;
    // Normal p-values of the z-values: two-sided, and upper tail (spdep's default alternative "greater").
    double p_normality = 0, p_normality_greater = 0;
    double p_randomisation = 0, p_randomisation_greater = 0;
    // Permutation inference (random relabelling of all values); NaN when permutations = 0.
    std::uint32_t permutations = 0;
    std::uint32_t sim_at_least = 0;  // permuted I >= observed
    std::uint32_t sim_at_most = 0;   // permuted I <= observed
    double p_sim_folded = 0, p_sim_greater = 0, p_sim_less = 0;
    double sim_mean = 0, sim_sd = 0;  // population sd of the permuted I, as esda
    double z_sim = 0;
};

// I = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i^2 with z = y - mean(y). `y` must be finite and have
// one value per area of `w` (subset the weights to the areas with values first). Permutations draw
// whole relabellings (Fisher-Yates) from a stream keyed by (seed, permutation index): the result
// depends on (seed, permutations) only, not on the number of threads.
GlobalMoran global_moran(std::span<const double> y, const Weights& w, const GlobalMoranOptions& options);

}  // namespace wz::spatial
