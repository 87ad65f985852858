#pragma once
// The stats module's random streams (fold assignment, bootstrap): core's Rng keyed by (seed, stream), so
// results never depend on threads or the platform's <random> distributions.
#include <cstdint>

#include "core/random.hpp"

namespace wz::stats {

// Stream `stream` of `seed`. Draw indices with below_fast.
class SplitMix : public Rng {
  public:
    SplitMix(std::uint64_t seed, std::uint64_t stream) : Rng(stream_state_numbered(seed, stream)) {}
};

}  // namespace wz::stats
