#pragma once
// Local indicators of spatial association: local Moran's I_i (LISA) with its quadrant, Getis-Ord G_i
// and G_i*, their analytical z-values, and conditional permutation inference.
//
// Conventions (see docs/spatial.md):
//  * z = y - mean(y) over every area in the sample (islands included, missing values excluded).
//  * Local Moran: I_i = c * z_i * (Wz)_i / (sum z^2 / n) with c = (n-1)/n (PySAL/GeoDa, the default:
//    I_i = (n-1) z_i (Wz)_i / sum z^2) or c = 1 (spdep: I_i = n z_i (Wz)_i / sum z^2). The analytical
//    z-value is spdep::localmoran's (conditional = TRUE, mlvar = TRUE) and does not depend on c.
//  * G_i uses W without the area itself; G_i* uses W* = the binary (or general) weights with the area
//    added as its own neighbour (weight 1) before the transform, as spdep's include.self(); z-values
//    from the analytical mean and variance exactly as spdep::localG computes them.
//  * Conditional permutation: hold y_i, draw |N_i| of the other n-1 values without replacement.
//    Areas are spread at random over G families (G = 8, fewer for very large R * max|N_i|); the areas
//    of a family share one table of R draws of positions among the other n-1 values (as esda shares
//    one table among all areas), areas of different families use independent draws. Each area's
//    reference sample is a uniform draw without replacement. Draws come from streams keyed by
//    (seed, family, permutation index) and the family from (seed, area index): results depend on
//    (seed, R) and the data only, never on the thread count.
//  * Islands (no neighbour among the areas with values) get no statistic (NaN, has_statistic = 0).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "spatial/inference.hpp"
#include "spatial/weights.hpp"

namespace wz::spatial {

enum class MoranScaling : std::uint8_t { kNMinus1, kN };  // PySAL/GeoDa (default), spdep
std::string_view scaling_name(MoranScaling s);            // "n-1", "n"

// PySAL's numbering: 1 HH, 2 LH, 3 LL, 4 HL; H means z > 0 (for the area) and (Wz) > 0 (for its
// neighbours), L means <= 0. kNone for an area without a statistic.
enum class Quadrant : std::uint8_t { kNone = 0, kHH = 1, kLH = 2, kLL = 3, kHL = 4 };
std::string_view quadrant_name(Quadrant q);  // "HH", "LH", "LL", "HL", ""

struct LocalOptions {
    std::uint32_t permutations = 999;  // 0: analytical only; at most kMaxPermutations
    std::uint64_t seed = 0;
    MoranScaling scaling = MoranScaling::kNMinus1;
};
inline constexpr std::uint32_t kMaxPermutations = 99'999;

struct LocalStatistics {
    std::size_t n = 0;
    double mean = 0;
    double sum_z2 = 0;  // sum (y - mean)^2
    std::uint32_t permutations = 0;
    MoranScaling scaling = MoranScaling::kNMinus1;

    std::vector<std::uint8_t> has_statistic;  // 0 for islands
    std::vector<std::uint32_t> cardinality;   // neighbours without self
    std::vector<double> lag_z;                // (Wz)_i
    // Local Moran.
    std::vector<double> I, I_expected, I_variance, I_z;
    std::vector<Quadrant> quadrant;
    // Getis-Ord: the statistic (share of the sum of y) and its z-value.
    std::vector<double> G, G_z;
    std::vector<double> Gstar, Gstar_z;
    // Permutation counts of R: permuted statistic >= / <= observed. G_i and G_i* share theirs (both
    // order the permutations by the same weighted neighbour sum).
    std::vector<std::uint32_t> I_at_least, I_at_most;
    std::vector<std::uint32_t> G_at_least, G_at_most;
    // Mean and population sd of the R permuted I_i (esda's EI_sim, seI_sim) and z_sim = (I - mean) / sd.
    std::vector<double> I_sim_mean, I_sim_sd, I_z_sim;

    double I_p(std::size_t i, Alternative a) const;
    double G_p(std::size_t i, Alternative a) const;  // also G_i*'s
};

// `y`: one finite value per area of `base` (subset to the areas with values first). `base`: binary or
// general weights without self-links; `transform` is applied to W and W*.
LocalStatistics local_statistics(std::span<const double> y, const Weights& base, Transform transform,
                                 const LocalOptions& options);

}  // namespace wz::spatial
