#pragma once
// Random numbers for permutation inference whose values depend on (seed, stream, counter) only, never
// on the order in which threads ask for them: each permutation (or area) gets its own SplitMix64
// stream, keyed by the seed and its index.
#include <cstdint>

namespace wz::spatial {

// SplitMix64 finaliser (Stafford's Mix13): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ULL;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z;
}

// Streams of different purposes never share keys: the purpose is mixed into the key.
enum class StreamPurpose : std::uint64_t { kLocalDraws = 1, kAreaFamily = 2, kGlobalPermutation = 3 };

class StreamRng {
  public:
    StreamRng(std::uint64_t seed, StreamPurpose purpose, std::uint64_t index)
        : state_(mix64(mix64(seed ^ (static_cast<std::uint64_t>(purpose) * 0x9e3779b97f4a7c15ULL)) + index)) {
    }

    std::uint64_t next() {
        state_ += 0x9e3779b97f4a7c15ULL;
        return mix64(state_);
    }

    // A uniform integer in [0, bound), bound >= 1 and < 2^32, exactly unbiased (Lemire's method with
    // rejection), using the upper 32 bits of one 64-bit draw per attempt.
    std::uint32_t below(std::uint32_t bound) {
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

  private:
    std::uint64_t state_;
};

}  // namespace wz::spatial
