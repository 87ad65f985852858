#pragma once
// The one random-number facility of every module: SplitMix64 streams whose numbers are a pure function
// of a key, so results depend on (seed, purpose, index) only — never on threads, the platform's
// <random> distributions or the order in which work is done.
//
// A module derives a stream's starting state from its seed and what the stream is for (stream_state_*
// below: each module's keying is kept as it was, so every output it made before the merge is unchanged)
// and draws from an Rng.
#include <cmath>
#include <cstdint>

namespace wz {

inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// SplitMix64 finaliser (Stafford's Mix13): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ULL;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z;
}

// SplitMix64 with the golden gamma: the state advances by the gamma and each output is its mix.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
    return mix64(x + kGoldenGamma);
}

class Rng {
  public:
    constexpr explicit Rng(std::uint64_t state) : state_(state) {}

    constexpr std::uint64_t next() {
        state_ += kGoldenGamma;
        return mix64(state_);
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    bool chance(double p) { return uniform() < p; }

    // A uniform integer in [0, bound), bound >= 1 and < 2^32, exactly unbiased (Lemire's method with
    // rejection) from the upper 32 bits of each draw. For permutation inference, where bias matters.
    std::uint32_t below_exact(std::uint32_t bound) {
        std::uint64_t m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * bound;
        auto low = static_cast<std::uint32_t>(m);
        if (low < bound) {
            const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
            while (low < threshold) {
                m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * bound;
                low = static_cast<std::uint32_t>(m);
            }
        }
        return static_cast<std::uint32_t>(m >> 32);
    }
    // A uniform integer in [0, bound), bound >= 1, by a 64 x 64 -> 128-bit multiply-shift (bias below
    // bound / 2^64): fold assignment and bootstrap draws.
    std::uint64_t below_fast(std::uint64_t bound) {
        __extension__ using U128 = unsigned __int128;
        const U128 m = static_cast<U128>(next()) * bound;
        return static_cast<std::uint64_t>(m >> 64);
    }
    // [0, n) by the remainder (bias below n / 2^64; 0 when n == 0): the synthetic country's draws.
    std::uint64_t below_mod(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
    // [lo, hi] by below_mod.
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below_mod(static_cast<std::uint64_t>(hi - lo + 1)));
    }

    // A standard normal by Box-Muller (one of the pair).
    double normal() {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }
    // Two independent standard normals from one Box-Muller draw.
    void normal_pair(double& a, double& b) {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double t = 6.283185307179586 * uniform();
        a = r * std::cos(t);
        b = r * std::sin(t);
    }
    double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
    // Poisson: by multiplication of uniforms up to lambda 30, else a rounded normal approximation.
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
    std::uint64_t state_;
};

// The modules' stream keys (starting states). Two streams with different arguments never share numbers.
// spatial: one stream per (seed, purpose, index) — a permutation or an area.
constexpr std::uint64_t stream_state_indexed(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index) {
    return mix64(mix64(seed ^ (purpose * kGoldenGamma)) + index);
}
// stats: one stream per (seed, stream) — a fold assignment, a bootstrap replicate.
constexpr std::uint64_t stream_state_numbered(std::uint64_t seed, std::uint64_t stream) {
    return mix64(mix64(seed + kGoldenGamma) ^ (stream * 0xd1b54a32d192ed03ULL));
}
// synth: one stream per (seed, purpose, entity, sub) — a cell, a person, a year of a cell.
constexpr std::uint64_t stream_state_entity(std::uint64_t seed, std::uint64_t purpose, std::uint64_t entity,
                                            std::uint64_t sub) {
    return splitmix64(splitmix64(splitmix64(seed) ^ (purpose * 0xD1B54A32D192ED03ULL)) ^ entity) ^
           splitmix64(sub ^ 0x8CB92BA72F3D8DD7ULL);
}

}  // namespace wz
