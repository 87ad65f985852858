#include "spatial/moran.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "spatial/random.hpp"

namespace wz::spatial {
namespace {

double cross_product(std::span<const double> z, const Weights& w) {
    double total = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        double lag = 0;
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        for (std::size_t e = 0; e < row.size(); ++e) lag += wts[e] * z[row[e]];
        total += z[i] * lag;
    }
    return total;
}

double weight_of(const Weights& w, std::uint32_t from, std::uint32_t to) {
    const auto row = w.neighbours_of(from);
    const auto it = std::lower_bound(row.begin(), row.end(), to);
    if (it == row.end() || *it != to) return 0.0;
    return w.weights[w.offsets[from] + static_cast<std::size_t>(it - row.begin())];
}

}  // namespace

GlobalMoran global_moran(std::span<const double> y, const Weights& w, const GlobalMoranOptions& options) {
    const std::size_t n_values = y.size();
    if (n_values != w.size())
        throw InternalError("global_moran: one value per area of the weights is needed");
    for (double v : y) {
        if (!std::isfinite(v))
            throw InternalError("global_moran: values must be finite (subset missing values first)");
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    GlobalMoran g;
    double mean = 0;
    for (double v : y) mean += v;
    mean /= static_cast<double>(n_values);
    std::vector<double> z(n_values);
    double zz = 0;
    double z4 = 0;
    for (std::size_t i = 0; i < n_values; ++i) {
        z[i] = y[i] - mean;
        zz += z[i] * z[i];
        z4 += z[i] * z[i] * z[i] * z[i];
    }

    // Weight constants (as spdep::spweights.constants).
    std::vector<double> row_sum(n_values, 0.0);
    std::vector<double> col_sum(n_values, 0.0);
    for (std::size_t i = 0; i < n_values; ++i) {
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        for (std::size_t e = 0; e < row.size(); ++e) {
            g.S0 += wts[e];
            row_sum[i] += wts[e];
            col_sum[row[e]] += wts[e];
            g.S1 += wts[e] * wts[e] + wts[e] * weight_of(w, row[e], static_cast<std::uint32_t>(i));
        }
    }
    for (std::size_t i = 0; i < n_values; ++i) g.S2 += (row_sum[i] + col_sum[i]) * (row_sum[i] + col_sum[i]);

    double n = static_cast<double>(n_values);
    if (options.adjust_n_for_islands) n -= static_cast<double>(w.islands().size());
    g.n = n;
    g.kurtosis = static_cast<double>(n_values) * z4 / (zz * zz);
    const double scale = n / (g.S0 * zz);
    g.I = scale * cross_product(z, w);
    g.expected = -1.0 / (n - 1.0);
    const double s02 = g.S0 * g.S0;
    const double nn = n * n;
    const double ei2 = g.expected * g.expected;
    g.variance_normality = (nn * g.S1 - n * g.S2 + 3.0 * s02) / (s02 * (nn - 1.0)) - ei2;
    const double vi = n * (g.S1 * (nn - 3.0 * n + 3.0) - n * g.S2 + 3.0 * s02);
    const double tmp = g.kurtosis * (g.S1 * (nn - n) - 2.0 * n * g.S2 + 6.0 * s02);
    g.variance_randomisation = (vi - tmp) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s02) - ei2;
    g.z_normality = (g.I - g.expected) / std::sqrt(g.variance_normality);
    g.z_randomisation = (g.I - g.expected) / std::sqrt(g.variance_randomisation);
    g.p_normality = normal_two_sided(g.z_normality);
    g.p_normality_greater = normal_upper_tail(g.z_normality);
    g.p_randomisation = normal_two_sided(g.z_randomisation);
    g.p_randomisation_greater = normal_upper_tail(g.z_randomisation);

    g.permutations = options.permutations;
    if (options.permutations == 0 || n_values < 2) {
        g.permutations = 0;
        g.p_sim_folded = g.p_sim_greater = g.p_sim_less = g.sim_mean = g.sim_sd = g.z_sim = nan;
        return g;
    }
    if (n_values >= std::numeric_limits<std::uint32_t>::max())
        throw UsageError("global_moran: too many areas");
    std::vector<double> sim(options.permutations);
    tbb::enumerable_thread_specific<std::vector<double>> buffers;
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, options.permutations, 4),
                      [&](const tbb::blocked_range<std::uint32_t>& r) {
                          auto& buf = buffers.local();
                          for (std::uint32_t p = r.begin(); p != r.end(); ++p) {
                              buf.assign(z.begin(), z.end());
                              StreamRng rng(options.seed, StreamPurpose::kGlobalPermutation, p);
                              for (std::size_t i = n_values - 1; i > 0; --i) {
                                  const std::uint32_t j = rng.below_exact(static_cast<std::uint32_t>(i + 1));
                                  std::swap(buf[i], buf[j]);
                              }
                              sim[p] = scale * cross_product(buf, w);
                          }
                      });
    double sum = 0;
    for (std::uint32_t p = 0; p < options.permutations; ++p) {
        sum += sim[p];
        g.sim_at_least += sim[p] >= g.I ? 1 : 0;
        g.sim_at_most += sim[p] <= g.I ? 1 : 0;
    }
    const double r = options.permutations;
    g.sim_mean = sum / r;
    double ss = 0;
    for (double s : sim) ss += (s - g.sim_mean) * (s - g.sim_mean);
    g.sim_sd = std::sqrt(ss / r);
    g.z_sim = (g.I - g.sim_mean) / g.sim_sd;
    g.p_sim_folded =
        pseudo_p_value(g.sim_at_least, g.sim_at_most, options.permutations, Alternative::kFolded);
    g.p_sim_greater =
        pseudo_p_value(g.sim_at_least, g.sim_at_most, options.permutations, Alternative::kGreater);
    g.p_sim_less = pseudo_p_value(g.sim_at_least, g.sim_at_most, options.permutations, Alternative::kLess);
    return g;
}

}  // namespace wz::spatial
