#include "spatial/inference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wz::spatial {

double normal_upper_tail(double z) {
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

double normal_two_sided(double z) {
    return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

std::string_view alternative_name(Alternative a) {
    switch (a) {
        case Alternative::kFolded:
            return "folded";
        case Alternative::kGreater:
            return "greater";
        case Alternative::kLess:
            return "less";
    }
    return "?";
}

double pseudo_p_value(std::uint32_t at_least, std::uint32_t at_most, std::uint32_t permutations,
                      Alternative a) {
    if (permutations == 0) return std::numeric_limits<double>::quiet_NaN();
    std::uint32_t m = 0;
    switch (a) {
        case Alternative::kFolded:
            m = std::min(at_least, at_most);
            break;
        case Alternative::kGreater:
            m = at_least;
            break;
        case Alternative::kLess:
            m = at_most;
            break;
    }
    return (static_cast<double>(m) + 1.0) / (static_cast<double>(permutations) + 1.0);
}

double fdr_cutoff(std::span<const double> p_values, double alpha) {
    std::vector<double> p;
    p.reserve(p_values.size());
    for (double v : p_values) {
        if (!std::isnan(v)) p.push_back(v);
    }
    if (p.empty()) return 0.0;
    std::sort(p.begin(), p.end());
    const auto m = static_cast<double>(p.size());
    for (std::size_t k = p.size(); k-- > 0;) {
        if (p[k] < static_cast<double>(k + 1) * alpha / m) return p[k];
    }
    return 0.0;
}

double bonferroni_cutoff(std::span<const double> p_values, double alpha) {
    const auto m = static_cast<std::size_t>(
        std::count_if(p_values.begin(), p_values.end(), [](double v) { return !std::isnan(v); }));
    return m == 0 ? 0.0 : alpha / static_cast<double>(m);
}

std::vector<std::uint8_t> flag_at_or_below(std::span<const double> p_values, double cutoff) {
    std::vector<std::uint8_t> out(p_values.size(), 0);
    if (!(cutoff > 0)) return out;
    for (std::size_t i = 0; i < p_values.size(); ++i) out[i] = (p_values[i] <= cutoff) ? 1 : 0;
    return out;
}

}  // namespace wz::spatial
