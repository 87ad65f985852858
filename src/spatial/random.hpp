#pragma once
// The spatial module's random streams: core's Rng keyed by (seed, purpose, index), so each permutation
// (or area) has its own stream and the numbers never depend on the order in which threads ask for them.
#include <cstdint>

#include "core/random.hpp"

namespace wz::spatial {

// Streams of different purposes never share keys: the purpose is mixed into the key.
enum class StreamPurpose : std::uint64_t { kLocalDraws = 1, kAreaFamily = 2, kGlobalPermutation = 3 };

// The stream of one permutation or area. Draw indices with below_exact (unbiased).
class StreamRng : public Rng {
  public:
    StreamRng(std::uint64_t seed, StreamPurpose purpose, std::uint64_t index)
        : Rng(stream_state_indexed(seed, static_cast<std::uint64_t>(purpose), index)) {}
};

}  // namespace wz::spatial
