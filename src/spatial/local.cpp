#include "spatial/local.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "spatial/random.hpp"

namespace wz::spatial {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kEmptySlot = std::numeric_limits<std::uint32_t>::max();
// Permutations per block: the block's draw table (max |N_i| x block) is generated once and then used by
// every area while it is hot in cache.
constexpr std::uint32_t kBlock = 512;
// Up to this many areas (z takes 512 KB) the permuted values are read from z directly.
constexpr std::size_t kDirectReadAreas = 65'536;

// Partial Fisher-Yates over the virtual array 0..m-1, remembering only the displaced positions in a
// small open-addressing map: k distinct values in O(k) time and memory, whatever m.
class PartialShuffle {
  public:
    explicit PartialShuffle(std::size_t k) {
        std::size_t cap = 16;
        while (cap < 2 * k + 2) cap <<= 1;
        keys_.assign(cap, kEmptySlot);
        values_.assign(cap, 0);
        mask_ = cap - 1;
        used_.reserve(k);
    }

    // Writes k distinct uniform values from [0, m) to out[0], out[stride], ... (k <= m).
    void draw(StreamRng& rng, std::uint32_t m, std::size_t k, std::uint32_t* out, std::size_t stride) {
        for (std::uint32_t t = 0; t < k; ++t) {
            const std::uint32_t j = t + rng.below_exact(m - t);
            const std::uint32_t at_t = get(t);
            const std::uint32_t at_j = (j == t) ? at_t : get(j);
            out[static_cast<std::size_t>(t) * stride] = at_j;
            set(j, at_t);
        }
        for (std::size_t s : used_) keys_[s] = kEmptySlot;
        used_.clear();
    }

  private:
    std::size_t slot(std::uint32_t key) const { return (key * 0x9e3779b1U) & mask_; }
    std::uint32_t get(std::uint32_t pos) const {
        for (std::size_t s = slot(pos);; s = (s + 1) & mask_) {
            if (keys_[s] == kEmptySlot) return pos;
            if (keys_[s] == pos) return values_[s];
        }
    }
    void set(std::uint32_t pos, std::uint32_t value) {
        for (std::size_t s = slot(pos);; s = (s + 1) & mask_) {
            if (keys_[s] == kEmptySlot) {
                keys_[s] = pos;
                values_[s] = value;
                used_.push_back(s);
                return;
            }
            if (keys_[s] == pos) {
                values_[s] = value;
                return;
            }
        }
    }
    std::vector<std::uint32_t> keys_;
    std::vector<std::uint32_t> values_;
    std::vector<std::size_t> used_;
    std::size_t mask_ = 0;
};

bool row_is_uniform(std::span<const double> wts) {
    for (double v : wts) {
        if (v != wts[0]) return false;
    }
    return true;
}

// Sums over each area's permuted neighbour sets, S_r = sum_p w_p z[draw_p], compared with the observed
// S = sum_j w_ij z_j (for rows with one weight the unweighted sums are compared). Fills, per area,
// the counts of S_r >= S and S_r <= S and the first two moments of S_r - S.
struct PermutationTally {
    std::vector<std::uint32_t> at_least;
    std::vector<std::uint32_t> at_most;
    std::vector<double> sum_diff;
    std::vector<double> sum_diff2;
};

// How many independent draw tables ("families") the areas are spread over: 8, fewer when drawing them
// would cost more than about 10^8 random positions in all.
std::uint32_t draw_families(std::uint32_t permutations, std::size_t max_k) {
    const double work = static_cast<double>(permutations) * static_cast<double>(max_k);
    const double families = std::floor(1e8 / std::max(work, 1.0));
    return static_cast<std::uint32_t>(std::clamp(families, 1.0, 8.0));
}

PermutationTally tally_conditional_permutations(std::span<const double> z, const Weights& w,
                                                std::span<const std::uint8_t> active,
                                                std::span<const std::uint8_t> uniform,
                                                std::span<const double> observed, std::uint32_t permutations,
                                                std::uint64_t seed) {
    const std::size_t n = z.size();
    PermutationTally t;
    t.at_least.assign(n, 0);
    t.at_most.assign(n, 0);
    t.sum_diff.assign(n, 0.0);
    t.sum_diff2.assign(n, 0.0);
    std::size_t max_k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (active[i] != 0) max_k = std::max(max_k, w.cardinality(i));
    }
    if (max_k == 0 || permutations == 0) return t;
    const auto m = static_cast<std::uint32_t>(n - 1);  // values to draw from: all but the area's own

    // Each area belongs to one of G families; a family's areas share its draw table.
    const std::uint32_t families = draw_families(permutations, max_k);
    std::vector<std::uint32_t> family(n);
    for (std::size_t i = 0; i < n; ++i) {
        StreamRng rng(seed, StreamPurpose::kAreaFamily, i);
        family[i] = rng.below_exact(families);
    }

    // Per family and block: positions d in [0, n-1) (position p of permutation r at
    // [(f * max_k + p) * kBlock + r]). Position d means the d-th value among the others: z[d] for an
    // area a > d, z[d + 1] for a <= d (skipping a itself). When z does not fit in a core's cache, both
    // candidates are gathered once per block and each area reads them sequentially; otherwise areas
    // read z directly. Both read the same values: the choice changes the speed, not the result.
    const std::size_t table = static_cast<std::size_t>(families) * max_k * kBlock;
    const bool pregather = n > kDirectReadAreas;
    std::vector<std::uint32_t> draws(table);
    std::vector<double> candidates(pregather ? 2 * table : 0);  // z[d], z[d + 1] side by side
    tbb::enumerable_thread_specific<PartialShuffle> shufflers([max_k] { return PartialShuffle(max_k); });
    tbb::enumerable_thread_specific<std::vector<double>> sums([] { return std::vector<double>(kBlock); });
    const double* zp = z.data();

    for (std::uint32_t r0 = 0; r0 < permutations; r0 += kBlock) {
        const std::uint32_t nb = std::min(kBlock, permutations - r0);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, static_cast<std::size_t>(families) * nb, 16),
                          [&](const tbb::blocked_range<std::size_t>& range) {
                              auto& shuffle = shufflers.local();
                              for (std::size_t fr = range.begin(); fr != range.end(); ++fr) {
                                  const auto f = static_cast<std::uint32_t>(fr / nb);
                                  const auto r = static_cast<std::uint32_t>(fr % nb);
                                  StreamRng rng(seed, StreamPurpose::kLocalDraws,
                                                (static_cast<std::uint64_t>(f) << 40) | (r0 + r));
                                  const std::size_t base = static_cast<std::size_t>(f) * max_k * kBlock + r;
                                  shuffle.draw(rng, m, max_k, draws.data() + base, kBlock);
                                  if (!pregather) continue;
                                  for (std::size_t p = 0; p < max_k; ++p) {
                                      const std::size_t e = base + p * kBlock;
                                      candidates[2 * e] = zp[draws[e]];
                                      candidates[2 * e + 1] = zp[draws[e] + 1];
                                  }
                              }
                          });
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& range) {
                double* acc = sums.local().data();
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    if (active[i] == 0) continue;
                    const std::size_t k = w.cardinality(i);
                    const auto self = static_cast<std::uint32_t>(i);
                    const std::size_t fbase = static_cast<std::size_t>(family[i]) * max_k * kBlock;
                    std::fill(acc, acc + nb, 0.0);
                    const double* wts = w.weights.data() + w.offsets[i];
                    for (std::size_t p = 0; p < k; ++p) {
                        const std::uint32_t* d = draws.data() + fbase + p * kBlock;
                        const double wp = uniform[i] != 0 ? 1.0 : wts[p];
                        if (pregather) {
                            // Branch-free: the comparison picks one of the pair (a branch would be
                            // mispredicted half of the time).
                            const double* pair = candidates.data() + 2 * (fbase + p * kBlock);
                            if (uniform[i] != 0) {
                                for (std::uint32_t r = 0; r < nb; ++r)
                                    acc[r] += pair[2 * r + (d[r] >= self ? 1U : 0U)];
                            } else {
                                for (std::uint32_t r = 0; r < nb; ++r)
                                    acc[r] += wp * pair[2 * r + (d[r] >= self ? 1U : 0U)];
                            }
                        } else if (uniform[i] != 0) {
                            for (std::uint32_t r = 0; r < nb; ++r)
                                acc[r] += zp[d[r] + (d[r] >= self ? 1U : 0U)];
                        } else {
                            for (std::uint32_t r = 0; r < nb; ++r)
                                acc[r] += wp * zp[d[r] + (d[r] >= self ? 1U : 0U)];
                        }
                    }
                    const double s = observed[i];
                    std::uint32_t ge = 0;
                    std::uint32_t le = 0;
                    double sd = 0;
                    double sd2 = 0;
                    for (std::uint32_t r = 0; r < nb; ++r) {
                        const double diff = acc[r] - s;
                        ge += diff >= 0 ? 1U : 0U;
                        le += diff <= 0 ? 1U : 0U;
                        sd += diff;
                        sd2 += diff * diff;
                    }
                    t.at_least[i] += ge;
                    t.at_most[i] += le;
                    t.sum_diff[i] += sd;
                    t.sum_diff2[i] += sd2;
                }
            });
    }
    return t;
}

}  // namespace

std::string_view scaling_name(MoranScaling s) {
    return s == MoranScaling::kN ? "n" : "n-1";
}

std::string_view quadrant_name(Quadrant q) {
    switch (q) {
        case Quadrant::kHH:
            return "HH";
        case Quadrant::kLH:
            return "LH";
        case Quadrant::kLL:
            return "LL";
        case Quadrant::kHL:
            return "HL";
        case Quadrant::kNone:
            break;
    }
    return "";
}

double LocalStatistics::I_p(std::size_t i, Alternative a) const {
    if (has_statistic[i] == 0) return kNaN;
    return pseudo_p_value(I_at_least[i], I_at_most[i], permutations, a);
}

double LocalStatistics::G_p(std::size_t i, Alternative a) const {
    if (has_statistic[i] == 0) return kNaN;
    return pseudo_p_value(G_at_least[i], G_at_most[i], permutations, a);
}

LocalStatistics local_statistics(std::span<const double> y, const Weights& base, Transform transform,
                                 const LocalOptions& options) {
    const std::size_t n = y.size();
    if (n != base.size())
        throw InternalError("local_statistics: one value per area of the weights is needed");
    if (base.self_included) throw InternalError("local_statistics: weights must not include self-links");
    if (options.permutations > kMaxPermutations)
        throw UsageError("local_statistics: at most 99,999 permutations");
    for (double v : y) {
        if (!std::isfinite(v))
            throw InternalError("local_statistics: values must be finite (subset missing values first)");
    }
    const Weights w = with_transform(base, transform);
    const Weights ws = with_transform(with_self(base), transform);

    LocalStatistics s;
    s.n = n;
    s.permutations = options.permutations;
    s.scaling = options.scaling;
    s.has_statistic.assign(n, 0);
    s.cardinality.assign(n, 0);
    s.lag_z.assign(n, kNaN);
    s.I.assign(n, kNaN);
    s.I_expected.assign(n, kNaN);
    s.I_variance.assign(n, kNaN);
    s.I_z.assign(n, kNaN);
    s.quadrant.assign(n, Quadrant::kNone);
    s.G.assign(n, kNaN);
    s.G_z.assign(n, kNaN);
    s.Gstar.assign(n, kNaN);
    s.Gstar_z.assign(n, kNaN);
    s.I_at_least.assign(n, 0);
    s.I_at_most.assign(n, 0);
    s.G_at_least.assign(n, 0);
    s.G_at_most.assign(n, 0);
    s.I_sim_mean.assign(n, kNaN);
    s.I_sim_sd.assign(n, kNaN);
    s.I_z_sim.assign(n, kNaN);
    if (n == 0) return s;

    double sum_y = 0;
    for (double v : y) sum_y += v;
    s.mean = sum_y / static_cast<double>(n);
    std::vector<double> z(n);
    for (std::size_t i = 0; i < n; ++i) {
        z[i] = y[i] - s.mean;
        s.sum_z2 += z[i] * z[i];
    }
    const double nd = static_cast<double>(n);
    const double m2 = s.sum_z2 / nd;
    const double c = options.scaling == MoranScaling::kNMinus1 ? (nd - 1.0) / nd : 1.0;

    std::vector<std::uint8_t> uniform(n, 0);
    std::vector<double> observed(n, 0.0);  // the neighbour sum the permutations are compared with
    for (std::size_t i = 0; i < n; ++i) {
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        s.cardinality[i] = static_cast<std::uint32_t>(row.size());
        if (row.empty()) continue;
        s.has_statistic[i] = 1;
        uniform[i] = row_is_uniform(wts) ? 1 : 0;

        // Local Moran (spdep::localmoran, conditional = TRUE, mlvar = TRUE), scaled by c.
        double lag = 0;
        double unweighted = 0;
        double wi = 0;
        double wi2 = 0;
        for (std::size_t e = 0; e < row.size(); ++e) {
            lag += wts[e] * z[row[e]];
            unweighted += z[row[e]];
            wi += wts[e];
            wi2 += wts[e] * wts[e];
        }
        observed[i] = uniform[i] != 0 ? unweighted : lag;
        s.lag_z[i] = lag;
        const double zi = z[i];
        s.I[i] = c * zi * lag / m2;
        s.I_expected[i] = -c * (zi * zi * wi) / ((nd - 1.0) * m2);
        s.I_variance[i] = c * c * (zi / m2) * (zi / m2) * (nd / (nd - 2.0)) * (wi2 - wi * wi / (nd - 1.0)) *
                          (m2 - zi * zi / (nd - 1.0));
        s.I_z[i] = (s.I[i] - s.I_expected[i]) / std::sqrt(s.I_variance[i]);
        s.quadrant[i] =
            zi > 0 ? (lag > 0 ? Quadrant::kHH : Quadrant::kHL) : (lag > 0 ? Quadrant::kLH : Quadrant::kLL);

        // G_i (spdep::localG without self): mean and variance of the other n-1 values.
        const double mean_other_z = -zi / (nd - 1.0);  // mean of z_j, j != i
        const double var_other = (s.sum_z2 - zi * zi) / (nd - 1.0) - mean_other_z * mean_other_z;
        const double g_numerator = lag - wi * mean_other_z;  // sum w_ij y_j - W_i * mean of the others
        const double g_variance = var_other * ((nd - 1.0) * wi2 - wi * wi) / (nd - 2.0);
        s.G_z[i] = g_numerator / std::sqrt(g_variance);
        double lag_y = 0;
        for (std::size_t e = 0; e < row.size(); ++e) lag_y += wts[e] * y[row[e]];
        s.G[i] = lag_y / (sum_y - y[i]);

        // G_i* (spdep::localG on include.self() weights).
        const auto srow = ws.neighbours_of(i);
        const auto swts = ws.weights_of(i);
        double lag_star_z = 0;
        double lag_star_y = 0;
        double wsi = 0;
        double wsi2 = 0;
        for (std::size_t e = 0; e < srow.size(); ++e) {
            lag_star_z += swts[e] * z[srow[e]];
            lag_star_y += swts[e] * y[srow[e]];
            wsi += swts[e];
            wsi2 += swts[e] * swts[e];
        }
        const double gs_variance = m2 * (nd * wsi2 - wsi * wsi) / (nd - 1.0);
        s.Gstar_z[i] = lag_star_z / std::sqrt(gs_variance);
        s.Gstar[i] = lag_star_y / sum_y;
    }

    if (options.permutations == 0) return s;
    const PermutationTally t = tally_conditional_permutations(z, w, s.has_statistic, uniform, observed,
                                                              options.permutations, options.seed);
    const double r = options.permutations;
    for (std::size_t i = 0; i < n; ++i) {
        if (s.has_statistic[i] == 0) continue;
        // G_i and G_i* increase with the neighbour sum.
        s.G_at_least[i] = t.at_least[i];
        s.G_at_most[i] = t.at_most[i];
        // I_i = conv * S: increases with S when z_i > 0, decreases when z_i < 0, is 0 when z_i = 0.
        const double unit = uniform[i] != 0 ? w.weights[w.offsets[i]] : 1.0;
        const double conv = c * z[i] * unit / m2;
        if (conv > 0) {
            s.I_at_least[i] = t.at_least[i];
            s.I_at_most[i] = t.at_most[i];
        } else if (conv < 0) {
            s.I_at_least[i] = t.at_most[i];
            s.I_at_most[i] = t.at_least[i];
        } else {
            s.I_at_least[i] = s.I_at_most[i] = options.permutations;
        }
        const double mean_diff = t.sum_diff[i] / r;
        const double var_diff = std::max(0.0, t.sum_diff2[i] / r - mean_diff * mean_diff);
        s.I_sim_mean[i] = conv * (observed[i] + mean_diff);
        s.I_sim_sd[i] = std::fabs(conv) * std::sqrt(var_diff);
        s.I_z_sim[i] = (s.I[i] - s.I_sim_mean[i]) / s.I_sim_sd[i];
    }
    return s;
}

}  // namespace wz::spatial
