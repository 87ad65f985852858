#pragma once
// Counter-based random streams: every number is a pure function of (seed, stream, entity, sub, counter),
// so results never depend on the order in which entities are processed or on the number of threads.
#include <cmath>
#include <cstdint>
#include <vector>

namespace wz::synth {

inline constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// What a stream is for (part of the key, so two purposes never share numbers).
enum class Stream : std::uint64_t {
    kLand = 1, kCity, kCellPop, kCellYear, kSeeds, kNames, kBuurt, kTenure, kLattice, kIndicatorNoise,
    kSurvey, kSales, kIncident, kPerson, kDwelling, kEntity, kNetwork, kTransaction, kPlant, kKey, kSuspicion,
    kModel, kGrowth, kBsn,
};

class Rng {
public:
    Rng(std::uint64_t seed, Stream stream, std::uint64_t entity, std::uint64_t sub = 0)
        : key_(splitmix64(splitmix64(splitmix64(seed) ^ (static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ULL)) ^ entity) ^
               splitmix64(sub ^ 0x8CB92BA72F3D8DD7ULL)) {}

    std::uint64_t next() { return splitmix64(key_ + 0x9E3779B97F4A7C15ULL * ++counter_); }
    // [0, 1)
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // [0, n)
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
    std::int64_t range(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }
    bool chance(double p) { return uniform() < p; }
    double normal() {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Two independent standard normals from one Box-Muller draw.
    void normal_pair(double& a, double& b) {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double t = 6.283185307179586 * uniform();
        a = r * std::cos(t);
        b = r * std::sin(t);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }
    double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
    std::int64_t poisson(double lambda) {
        if (lambda <= 0) return 0;
        if (lambda > 30) {
            const double v = std::round(normal(lambda, std::sqrt(lambda)));
            return v < 0 ? 0 : static_cast<std::int64_t>(v);
        }
        const double limit = std::exp(-lambda);
        double p = uniform();
        std::int64_t k = 0;
        while (p > limit) {
            p *= uniform();
            ++k;
        }
        return k;
    }
    // Rounds x up or down at random so that the expectation is x.
    std::int64_t round_stochastic(double x) {
        const double f = std::floor(x);
        return static_cast<std::int64_t>(f) + (uniform() < x - f ? 1 : 0);
    }

private:
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
};

// Smooth random field on the plane (value noise on a lattice, bilinear with smoothstep), mean 0, sd about 1.
class NoiseField {
public:
    NoiseField() = default;
    // Covers [0, width) x [0, height) in cell units with lattice spacing `spacing` cells.
    NoiseField(std::uint64_t seed, std::uint64_t id, double width, double height, double spacing);
    double at(double x, double y) const;

private:
    double spacing_ = 1;
    int nx_ = 0, ny_ = 0;
    std::vector<double> values_;
};

}  // namespace wz::synth
