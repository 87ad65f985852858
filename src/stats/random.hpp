#pragma once
// Deterministic random numbers for the stats module (fold assignment, bootstrap): SplitMix64 streams
// whose values depend on (seed, stream) only, so results never depend on threads or the platform's
// <random> distributions.
#include <cstdint>

namespace wz::stats {

constexpr std::uint64_t splitmix_mix(std::uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ULL;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z;
}

class SplitMix {
  public:
    SplitMix(std::uint64_t seed, std::uint64_t stream)
        : state_(
              splitmix_mix(splitmix_mix(seed + 0x9e3779b97f4a7c15ULL) ^ (stream * 0xd1b54a32d192ed03ULL))) {}

    std::uint64_t next() {
        state_ += 0x9e3779b97f4a7c15ULL;
        return splitmix_mix(state_);
    }
    // Uniform integer in [0, bound), bound >= 1 (multiply-shift on 64 bits; bias below 2^-32 for the
    // sizes used here).
    std::uint64_t below(std::uint64_t bound) {
        __extension__ using U128 = unsigned __int128;
        const U128 m = static_cast<U128>(next()) * bound;
        return static_cast<std::uint64_t>(m >> 64);
    }

  private:
    std::uint64_t state_;
};

}  // namespace wz::stats
