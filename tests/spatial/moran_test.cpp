// Hand-computed cases for global Moran's I, local Moran, G_i and G_i*, permutation inference and
// multiple testing. Every expected number is worked out in the comments from the definitions in
// docs/spatial.md (spdep / PySAL formulas).
#include "spatial/moran.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "spatial/hotspots.hpp"
#include "spatial/inference.hpp"
#include "spatial/local.hpp"
#include "spatial/spatial_test_support.hpp"
#include "spatial/weights.hpp"

namespace wz::spatial {
namespace {

constexpr double kTol = 1e-12;

Weights line_of_five() {
    return contiguity_weights(test::view_of(test::square_grid(1, 5)), Contiguity::kRook);
}

// Line 0-1-2-3-4, y = 1..5: mean 3, z = (-2,-1,0,1,2), sum z^2 = 10.
// Binary weights: S0 = 8, sum_ij w_ij z_i z_j = 2 (z0 z1 + z1 z2 + z2 z3 + z3 z4) = 2 (2 + 0 + 0 + 2) = 8,
// I = (n / S0) * 8 / 10 = (5/8)(0.8) = 0.5, E[I] = -1/4.
// S1 = 1/2 sum (w_ij + w_ji)^2 = 1/2 * 8 * 4 = 16; S2 = sum (2 d_i)^2, d = (1,2,2,2,1): 4 * 14 = 56.
// Var_N = (n^2 S1 - n S2 + 3 S0^2) / (S0^2 (n^2 - 1)) - E^2 = (400 - 280 + 192) / 1536 - 1/16 = 0.140625
//   -> z_N = 0.75 / 0.375 = 2.
// K = n sum z^4 / (sum z^2)^2 = 5 * 34 / 100 = 1.7;
// Var_R = [n((n^2-3n+3) S1 - n S2 + 3 S0^2) - K((n^2-n) S1 - 2n S2 + 6 S0^2)] / ((n-1)(n-2)(n-3) S0^2) - E^2
//       = [5 (208 - 280 + 192) - 1.7 (320 - 560 + 384)] / 1536 - 1/16 = (600 - 244.8) / 1536 - 0.0625 =
//       0.16875.
TEST(MoranGlobal, LineOfFiveBinaryByHand) {
    const std::vector<double> y{1, 2, 3, 4, 5};
    GlobalMoranOptions o;
    o.permutations = 0;
    const GlobalMoran g = global_moran(y, line_of_five(), o);
    EXPECT_NEAR(g.I, 0.5, kTol);
    EXPECT_NEAR(g.expected, -0.25, kTol);
    EXPECT_NEAR(g.S0, 8.0, kTol);
    EXPECT_NEAR(g.S1, 16.0, kTol);
    EXPECT_NEAR(g.S2, 56.0, kTol);
    EXPECT_NEAR(g.kurtosis, 1.7, kTol);
    EXPECT_NEAR(g.variance_normality, 0.140625, kTol);
    EXPECT_NEAR(g.z_normality, 2.0, kTol);
    EXPECT_NEAR(g.p_normality_greater, 0.022750131948179195, 1e-15);  // 1 - Phi(2)
    EXPECT_NEAR(g.p_normality, 2 * 0.022750131948179195, 1e-15);
    EXPECT_NEAR(g.variance_randomisation, 0.16875, kTol);
    EXPECT_NEAR(g.z_randomisation, 0.75 / std::sqrt(0.16875), kTol);
    EXPECT_EQ(g.permutations, 0U);
    EXPECT_TRUE(std::isnan(g.p_sim_folded));
}

// Row-standardised: rows 0 and 4 hold one neighbour (weight 1), rows 1-3 two (weights 1/2). S0 = n = 5.
// sum_ij w_ij z_i z_j = z0 z1 + z1 (z0+z2)/2 + z2 (z1+z3)/2 + z3 (z2+z4)/2 + z4 z3 = 2 + 1 + 0 + 1 + 2 = 6
// I = (5/5) * 6 / 10 = 0.6.
TEST(MoranGlobal, LineOfFiveRowStandardisedAndIslandConventions) {
    const std::vector<double> y{1, 2, 3, 4, 5};
    GlobalMoranOptions o;
    o.permutations = 0;
    const Weights r = with_transform(line_of_five(), Transform::kRowStandardised);
    EXPECT_NEAR(global_moran(y, r, o).I, 0.6, kTol);

    // Add an island (area 5) with value 3: the mean stays 3 and sum z^2 stays 10, but n = 6:
    // binary I = (6/8)(8/10) = 0.6; with spdep's adjust.n the island leaves n: (5/8)(8/10) = 0.5.
    Weights with_island = line_of_five();
    with_island.offsets.push_back(with_island.offsets.back());
    const std::vector<double> y6{1, 2, 3, 4, 5, 3};
    EXPECT_NEAR(global_moran(y6, with_island, o).I, 0.6, kTol);
    o.adjust_n_for_islands = true;
    const GlobalMoran adj = global_moran(y6, with_island, o);
    EXPECT_NEAR(adj.I, 0.5, kTol);
    EXPECT_NEAR(adj.expected, -0.25, kTol);
}

// 3 x 3 checkerboard: 1 where row + column is even (5 cells), else 0. mean 5/9: z = 4/9 or -5/9,
// sum z^2 = (5*16 + 4*25)/81 = 180/81.
// Rook (binary): all 24 ordered links join unlike cells: sum = 24 * (-20/81); S0 = 24;
//   I = (9/24) * (-480/81) / (180/81) = -1 (perfect dispersion).
// Queen (binary): add 8 diagonal links (both directions 16), each 2x2 block has one even-even and one
//   odd-odd diagonal: 8 * 16/81 + 8 * 25/81 = 328/81; total (-480 + 328)/81 = -152/81; S0 = 40;
//   I = (9/40) * (-152/180) = -0.19.
TEST(MoranGlobal, CheckerboardOnAThreeByThreeGrid) {
    const std::vector<double> y{1, 0, 1, 0, 1, 0, 1, 0, 1};
    const geo::AreaRings rings = test::square_grid(3, 3);
    GlobalMoranOptions o;
    o.permutations = 0;
    EXPECT_NEAR(global_moran(y, contiguity_weights(test::view_of(rings), Contiguity::kRook), o).I, -1.0,
                kTol);
    EXPECT_NEAR(global_moran(y, contiguity_weights(test::view_of(rings), Contiguity::kQueen), o).I, -0.19,
                kTol);
}

TEST(MoranGlobal, PermutationPValueOfPerfectDispersion) {
    // Rook checkerboard: no relabelling gives I below -1, and few reach it; the observed I is the
    // minimum, so the lower tail holds only the ties (the two checkerboard labellings, 1 in 126).
    const std::vector<double> y{1, 0, 1, 0, 1, 0, 1, 0, 1};
    const Weights w = contiguity_weights(test::view_of(test::square_grid(3, 3)), Contiguity::kRook);
    GlobalMoranOptions o;
    o.permutations = 9999;
    o.seed = 7;
    const GlobalMoran g = global_moran(y, w, o);
    EXPECT_EQ(g.permutations, 9999U);
    EXPECT_EQ(g.sim_at_least, 9999U);  // every permuted I >= -1
    // P(relabelling = the checkerboard) = 1 / C(9,5) = 1/126 -> about 79 of 9999.
    EXPECT_NEAR(static_cast<double>(g.sim_at_most), 9999.0 / 126.0, 30.0);
    EXPECT_DOUBLE_EQ(g.p_sim_less, (g.sim_at_most + 1.0) / 10000.0);
    EXPECT_DOUBLE_EQ(g.p_sim_folded, g.p_sim_less);
    // The permutation mean approaches E[I] = -1/8.
    EXPECT_NEAR(g.sim_mean, -0.125, 0.01);
}

// Local statistics on the line of five with row-standardised weights, y = 1..5, n = 5, m2 = 10/5 = 2.
// lag z = (z1, (z0+z2)/2, (z1+z3)/2, (z2+z4)/2, z3) = (-1, -1, 0, 1, 1).
// spdep I_i = z_i lag_i / m2 = (1, 0.5, 0, 0.5, 1); PySAL multiplies by (n-1)/n = 0.8.
// Area 0: W = 1, W2 = 1, E = -z^2 W / ((n-1) m2) = -4/8 = -0.5,
//   Var = (z/m2)^2 n/(n-2) (W2 - W^2/(n-1)) (m2 - z^2/(n-1)) = 1 * 5/3 * 3/4 * 1 = 1.25,
//   Z = (1 + 0.5) / sqrt(1.25).
// Area 1: W = 1, W2 = 1/2: E = -1/8, Var = (1/4)(5/3)(1/4)(7/4) = 35/192, Z = (0.5 + 0.125)/sqrt(35/192).
// G_i* (self included, row-standardised: area 0 has weights 1/2 for {0, 1}): lag* y = 1.5, W* = 1,
//   S1* = 1/2, s^2 = m2 = 2: z = (1.5 - 3) / sqrt(2 (5 * 0.5 - 1) / 4) = -1.5 / sqrt(0.75) = -sqrt(3).
//   G_0* = 1.5 / 15 = 0.1.
// G_i (no self) for area 0: mean of others 14/4 = 3.5, variance of others 54/4 - 3.5^2 = 1.25,
//   Var = 1.25 ((n-1) * 1 - 1)/(n-2) = 1.25, z = (2 - 3.5)/sqrt(1.25); G_0 = 2 / 14.
TEST(MoranLocal, LineOfFiveByHand) {
    const std::vector<double> y{1, 2, 3, 4, 5};
    LocalOptions o;
    o.permutations = 0;
    o.scaling = MoranScaling::kN;
    const LocalStatistics s = local_statistics(y, line_of_five(), Transform::kRowStandardised, o);
    const std::vector<double> lag{-1, -1, 0, 1, 1};
    const std::vector<double> I{1, 0.5, 0, 0.5, 1};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_NEAR(s.lag_z[i], lag[i], kTol) << i;
        EXPECT_NEAR(s.I[i], I[i], kTol) << i;
        EXPECT_EQ(s.has_statistic[i], 1);
    }
    EXPECT_NEAR(s.I_expected[0], -0.5, kTol);
    EXPECT_NEAR(s.I_variance[0], 1.25, kTol);
    EXPECT_NEAR(s.I_z[0], 1.5 / std::sqrt(1.25), kTol);
    EXPECT_NEAR(s.I_expected[1], -0.125, kTol);
    EXPECT_NEAR(s.I_variance[1], 35.0 / 192.0, kTol);
    EXPECT_NEAR(s.I_z[1], 0.625 / std::sqrt(35.0 / 192.0), kTol);
    EXPECT_NEAR(s.Gstar_z[0], -std::sqrt(3.0), kTol);
    EXPECT_NEAR(s.Gstar[0], 0.1, kTol);
    EXPECT_NEAR(s.G_z[0], -1.5 / std::sqrt(1.25), kTol);
    EXPECT_NEAR(s.G[0], 2.0 / 14.0, kTol);
    // Symmetry of the line: area 4 mirrors area 0.
    EXPECT_NEAR(s.Gstar_z[4], std::sqrt(3.0), kTol);
    EXPECT_NEAR(s.I_z[4], s.I_z[0], kTol);
    // Quadrants (PySAL: H when > 0): LL, LL, LL (z = 0 and lag = 0 count as L), HH, HH.
    EXPECT_EQ(s.quadrant, (std::vector<Quadrant>{Quadrant::kLL, Quadrant::kLL, Quadrant::kLL, Quadrant::kHH,
                                                 Quadrant::kHH}));

    // PySAL/GeoDa scaling: I times (n-1)/n, the same z-values.
    o.scaling = MoranScaling::kNMinus1;
    const LocalStatistics p = local_statistics(y, line_of_five(), Transform::kRowStandardised, o);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_NEAR(p.I[i], 0.8 * I[i], kTol);
        if (i != 2) {
            EXPECT_NEAR(p.I_z[i], s.I_z[i], kTol);
        }
    }
    // Area 2 has z = 0: I = 0, E = 0 and variance 0, so no z-value (as spdep: NaN).
    EXPECT_TRUE(std::isnan(s.I_z[2]));
    EXPECT_DOUBLE_EQ(s.I_variance[2], 0.0);
    EXPECT_NEAR(p.I_expected[0], -0.4, kTol);
}

TEST(MoranLocal, BinaryAndRowStandardisedGiveTheSameGstarZ) {
    // G_i* z is invariant to scaling a row: binary and row-standardised weights agree.
    const std::vector<double> y{3, 8, 1, 9, 4, 7, 2, 6, 5};
    const Weights q = contiguity_weights(test::view_of(test::square_grid(3, 3)), Contiguity::kQueen);
    LocalOptions o;
    o.permutations = 0;
    const LocalStatistics b = local_statistics(y, q, Transform::kBinary, o);
    const LocalStatistics r = local_statistics(y, q, Transform::kRowStandardised, o);
    for (std::size_t i = 0; i < 9; ++i) {
        if (i == 4) continue;
        EXPECT_NEAR(b.Gstar_z[i], r.Gstar_z[i], 1e-12) << i;
        if (i != 8) {
            EXPECT_NEAR(b.I_z[i], r.I_z[i], 1e-12) << i;
        }
    }
    // The centre neighbours every other cell, so its neighbour sum never changes under permutation:
    // G_4* has variance m2 (n S1* - W*^2)/(n-1) = 0 with S1* = W* = 9, and local Moran's
    // W2 - W^2/(n-1) = 8 - 64/8 = 0; no z-values (NaN, as spdep). Cell 8 has the mean value (z = 0).
    EXPECT_TRUE(std::isnan(b.Gstar_z[4]));
    EXPECT_TRUE(std::isnan(r.Gstar_z[4]));
    EXPECT_TRUE(std::isnan(b.I_z[4]));
    EXPECT_TRUE(std::isnan(b.I_z[8]));
    // Centre cell of the queen grid: binary lag = sum of the other 8 values minus 8 * mean.
    EXPECT_NEAR(b.lag_z[4], (45.0 - 4.0) - 8.0 * 5.0, 1e-12);
}

TEST(MoranLocal, IslandGetsNoStatisticButStaysInTheSample) {
    // Line of five plus an island with value 3 (mean stays 3, sum z^2 stays 10, n = 6, m2 = 10/6).
    Weights w = line_of_five();
    w.offsets.push_back(w.offsets.back());
    const std::vector<double> y{1, 2, 3, 4, 5, 3};
    LocalOptions o;
    o.permutations = 99;
    o.seed = 1;
    const LocalStatistics s = local_statistics(y, w, Transform::kRowStandardised, o);
    EXPECT_EQ(s.has_statistic[5], 0);
    EXPECT_TRUE(std::isnan(s.I[5]));
    EXPECT_TRUE(std::isnan(s.Gstar_z[5]));
    EXPECT_TRUE(std::isnan(s.I_p(5, Alternative::kFolded)));
    EXPECT_EQ(s.quadrant[5], Quadrant::kNone);
    // Area 0: (n-1) z lag / sum z^2 = 5 * (-2)(-1) / 10 = 1.
    EXPECT_NEAR(s.I[0], 1.0, kTol);
}

// Permutation engine. y = (0, 10, 3, 1, 2); area 0's neighbours are {1, 2} (binary).
// Without replacement, the pairs of the other values {10, 3, 1, 2} sum to 13, 11, 12, 4, 5, 3:
// P(sum >= 13) = 1/6 exactly. (With replacement it would be 3/16.)
TEST(MoranPermutation, ConditionalDrawsAreWithoutReplacement) {
    const std::vector<double> y{0, 10, 3, 1, 2};
    const Weights w = weights_from_links(5, {pack_link(0, 1), pack_link(0, 2), pack_link(3, 4)}, true);
    LocalOptions o;
    o.permutations = kMaxPermutations;
    o.seed = 2024;
    const LocalStatistics s = local_statistics(y, w, Transform::kBinary, o);
    const double share = static_cast<double>(s.G_at_least[0]) / kMaxPermutations;
    const double se = std::sqrt((1.0 / 6.0) * (5.0 / 6.0) / kMaxPermutations);
    EXPECT_NEAR(share, 1.0 / 6.0, 5 * se);
    EXPECT_GT(std::fabs(share - 3.0 / 16.0), 10 * se);
    // The largest sum, 13, is tied only with itself: at_most counts every permutation.
    EXPECT_EQ(s.G_at_most[0], kMaxPermutations);
    // Area 0 has z < 0 (0 < mean 3.2): local Moran's order is reversed.
    EXPECT_EQ(s.I_at_most[0], s.G_at_least[0]);
    EXPECT_DOUBLE_EQ(s.I_p(0, Alternative::kLess), (s.G_at_least[0] + 1.0) / (kMaxPermutations + 1.0));
    // Area 3's only neighbour is 4 (value 2): other values {0, 10, 3, 2}; P(draw >= 2) = 3/4.
    EXPECT_NEAR(static_cast<double>(s.G_at_least[3]) / kMaxPermutations, 0.75, 0.01);
}

TEST(MoranPermutation, ZeroDeviationGetsPOneNotTheSmallestP) {
    // Area 2 has z = 0 (value = mean): every permuted I_i equals I_i = 0, so p = 1 (esda would
    // report 1/(R+1) here).
    const std::vector<double> y{1, 2, 3, 4, 5};
    LocalOptions o;
    o.permutations = 999;
    const LocalStatistics s = local_statistics(y, line_of_five(), Transform::kRowStandardised, o);
    EXPECT_EQ(s.I_at_least[2], 999U);
    EXPECT_EQ(s.I_at_most[2], 999U);
    EXPECT_DOUBLE_EQ(s.I_p(2, Alternative::kFolded), 1.0);
}

TEST(MoranPermutation, AllOthersAsNeighboursTieEveryPermutation) {
    // Complete graph on 4 areas with integer values: every draw is the full set of the others, so the
    // neighbour sum never changes: all R permutations tie (p = 1).
    std::vector<std::uint64_t> links;
    for (std::uint32_t i = 0; i < 4; ++i) {
        for (std::uint32_t j = 0; j < 4; ++j) links.push_back(pack_link(i, j));
    }
    const Weights w = weights_from_links(4, links, false);
    const std::vector<double> y{1, 4, 2, 8};
    LocalOptions o;
    o.permutations = 500;
    const LocalStatistics s = local_statistics(y, w, Transform::kRowStandardised, o);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(s.G_at_least[i], 500U);
        EXPECT_EQ(s.G_at_most[i], 500U);
        EXPECT_DOUBLE_EQ(s.G_p(i, Alternative::kFolded), 1.0);
    }
}

// Runs `f` on exactly `threads` worker threads (more than the machine's cores when asked).
template <class F>
auto with_threads(std::size_t threads, F f) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    tbb::task_arena arena(static_cast<int>(threads));
    return arena.execute(f);
}

LocalStatistics grid_statistics(std::size_t threads, std::uint64_t seed, std::uint32_t permutations) {
    return with_threads(threads, [&] {
        const int side = 40;
        std::vector<std::int32_t> x;
        std::vector<std::int32_t> yy;
        std::vector<double> v;
        for (int r = 0; r < side; ++r) {
            for (int c = 0; c < side; ++c) {
                x.push_back(c);
                yy.push_back(r);
                v.push_back(std::sin(0.3 * c) + std::cos(0.2 * r) + 0.1 * ((c * 7 + r * 13) % 11));
            }
        }
        const Weights w = grid_weights(x, yy, GridNeighbourhood::kQueen8);
        LocalOptions o;
        o.permutations = permutations;
        o.seed = seed;
        return local_statistics(v, w, Transform::kRowStandardised, o);
    });
}

TEST(MoranPermutation, ResultsDependOnSeedAndCountNotOnThreads) {
    const LocalStatistics one = grid_statistics(1, 99, 999);
    for (std::size_t threads : {2U, 16U}) {
        const LocalStatistics many = grid_statistics(threads, 99, 999);
        EXPECT_EQ(many.I_at_least, one.I_at_least) << threads;
        EXPECT_EQ(many.I_at_most, one.I_at_most) << threads;
        EXPECT_EQ(many.G_at_least, one.G_at_least) << threads;
        // Bitwise equal, not just close.
        for (std::size_t i = 0; i < one.I_z_sim.size(); ++i) {
            ASSERT_EQ(std::bit_cast<std::uint64_t>(many.I_z_sim[i]),
                      std::bit_cast<std::uint64_t>(one.I_z_sim[i]))
                << i;
        }
    }
    const LocalStatistics other_seed = grid_statistics(2, 100, 999);
    EXPECT_NE(other_seed.I_at_least, one.I_at_least);
    // Signal in the data: most cells of this smooth surface are significant.
    std::size_t significant = 0;
    for (std::size_t i = 0; i < one.n; ++i) significant += one.I_p(i, Alternative::kFolded) <= 0.01 ? 1 : 0;
    EXPECT_GT(significant, one.n / 4);
}

TEST(MoranPermutation, GlobalPermutationsIgnoreTheThreadCount) {
    const std::vector<double> y{5, 3, 8, 1, 9, 2, 7, 4, 6};
    const Weights w =
        with_transform(contiguity_weights(test::view_of(test::square_grid(3, 3)), Contiguity::kQueen),
                       Transform::kRowStandardised);
    GlobalMoranOptions o;
    o.permutations = 999;
    o.seed = 5;
    const GlobalMoran a = with_threads(1, [&] { return global_moran(y, w, o); });
    const GlobalMoran b = with_threads(16, [&] { return global_moran(y, w, o); });
    EXPECT_EQ(a.sim_at_least, b.sim_at_least);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.sim_sd), std::bit_cast<std::uint64_t>(b.sim_sd));
}

TEST(SpatialMultipleTesting, BenjaminiHochbergAsEsda) {
    // Sorted p: .001 .03 .034 .5 with thresholds k * .05 / 4 = .0125 .025 .0375 .05. The largest k with
    // p_(k) < threshold is 3 (.034 < .0375): cut-off .034, so .03 is a discovery although it fails its own
    // threshold (step-up).
    const std::vector<double> p{0.5, 0.034, 0.001, 0.03};
    EXPECT_DOUBLE_EQ(fdr_cutoff(p, 0.05), 0.034);
    EXPECT_EQ(flag_at_or_below(p, fdr_cutoff(p, 0.05)), (std::vector<std::uint8_t>{0, 1, 1, 1}));
    // Strict inequality: p_(1) = .0125 equals its threshold and does not pass.
    EXPECT_EQ(fdr_cutoff(std::vector<double>{0.0125, 0.9, 0.9, 0.9}, 0.05), 0.0);
    EXPECT_EQ(flag_at_or_below(std::vector<double>{0.0125, 0.9}, 0.0), (std::vector<std::uint8_t>{0, 0}));
    // NaN (islands) are not tested and do not count in m.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_DOUBLE_EQ(fdr_cutoff(std::vector<double>{0.02, nan, nan, 0.04}, 0.05), 0.04);
    EXPECT_DOUBLE_EQ(bonferroni_cutoff(std::vector<double>{0.02, nan, 0.3, 0.04}, 0.06), 0.02);
    EXPECT_EQ(flag_at_or_below(std::vector<double>{0.02, nan, 0.3, 0.04}, 0.02),
              (std::vector<std::uint8_t>{1, 0, 0, 0}));
}

TEST(SpatialMultipleTesting, PseudoPValues) {
    EXPECT_DOUBLE_EQ(pseudo_p_value(10, 990, 999, Alternative::kFolded), 11.0 / 1000.0);
    EXPECT_DOUBLE_EQ(pseudo_p_value(10, 990, 999, Alternative::kGreater), 11.0 / 1000.0);
    EXPECT_DOUBLE_EQ(pseudo_p_value(10, 990, 999, Alternative::kLess), 991.0 / 1000.0);
    EXPECT_DOUBLE_EQ(pseudo_p_value(999, 999, 999, Alternative::kFolded), 1.0);
    EXPECT_TRUE(std::isnan(pseudo_p_value(0, 0, 0, Alternative::kFolded)));
}

TEST(SpatialHotspots, MissingValuesAreLeftOutAndIslandsMarked) {
    // Line of five plus an isolated sixth area without geometry; area 2 has no value, which cuts the
    // line into 0-1 and 3-4.
    Weights w = line_of_five();
    w.offsets.push_back(w.offsets.back());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> values{1, 2, nan, 4, 5, 3};
    const std::vector<std::uint8_t> no_geometry{0, 0, 0, 0, 0, 1};
    HotspotSettings settings;
    settings.permutations = 99;
    settings.global_permutations = 0;
    const HotspotResult r = analyse_hotspots(values, w, no_geometry, settings);
    EXPECT_EQ(r.status, (std::vector<AreaStatus>{AreaStatus::kOk, AreaStatus::kOk, AreaStatus::kMissingValue,
                                                 AreaStatus::kOk, AreaStatus::kOk, AreaStatus::kNoGeometry}));
    EXPECT_EQ(r.sample_size, 5U);
    EXPECT_EQ(r.missing, 1U);
    EXPECT_EQ(r.islands, 1U);
    EXPECT_EQ(r.no_geometry, 1U);
    // The sample: y = (1, 2, 4, 5, 3), mean 3, z = (-2, -1, 1, 2, 0), links 0-1 and 3-4 (now 2-3).
    // Row-standardised: lag = (-1, -2, 2, 1, none), I_0 = (n-1) z lag / sum z^2 = 4 * 2 / 10.
    EXPECT_NEAR(r.local.I[0], 0.8, kTol);
    EXPECT_NEAR(r.local.I[1], 0.8, kTol);
    EXPECT_EQ(r.local.has_statistic[4], 0);
    // Global (row-standardised, S0 = 4): sum w z z = 2 + 2 + 2 + 2 = 8; I = (5/4)(8/10) = 1.
    EXPECT_NEAR(r.global.I, 1.0, kTol);

    const std::vector<std::string> ids{"a", "b", "c", "d", "e", "f"};
    const Table t = hotspot_table(ids, values, r);
    EXPECT_EQ(t.row_count(), 6U);
    EXPECT_EQ(t.column("status").text_at(2), "missing");
    EXPECT_EQ(t.column("status").text_at(5), "no-geometry");
    EXPECT_TRUE(t.column("I").is_missing(2));
    EXPECT_TRUE(t.column("Gstar_p").is_missing(5));
    EXPECT_EQ(t.column("neighbours").int_at(5), 0);
    EXPECT_TRUE(t.column("neighbours").is_missing(2));
    EXPECT_EQ(t.column("neighbours").int_at(1), 1);
    EXPECT_NEAR(t.column("I").real_at(0), 0.8, kTol);
    EXPECT_EQ(t.column("quadrant").text_at(0), "LL");
}

}  // namespace
}  // namespace wz::spatial
