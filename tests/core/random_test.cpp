// The one random-number facility (core/random.hpp) and the modules' stream keys: the numbers each
// module drew before the generators were merged, recomputed here from SplitMix64's definition.
#include "core/random.hpp"

#include <gtest/gtest.h>

#include "spatial/random.hpp"
#include "stats/random.hpp"
#include "synth/rng.hpp"

namespace wz {
namespace {

// SplitMix64's output function, written out (Steele, Lea & Flood 2014; Vigna's splitmix64.c).
std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;

TEST(Random, Mix64IsSplitMixOnAKnownValue) {
    // splitmix64.c with state 0: the first output is 0xe220a8397b1dcdaf.
    EXPECT_EQ(splitmix64(0), 0xe220a8397b1dcdafULL);
    Rng r(0);
    EXPECT_EQ(r.next(), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(r.next(), 0x6e789e6aa1b965f4ULL);  // the second output of splitmix64.c from 0
}

TEST(Random, TheSpatialStreamsAreTheOnesOfBeforeTheMerge) {
    // Before: state = mix(mix(seed ^ purpose * gamma) + index); next: state += gamma, return mix(state).
    const std::uint64_t seed = 42, index = 7;
    std::uint64_t state = mix(mix(seed ^ (3 * kGamma)) + index);
    spatial::StreamRng r(seed, spatial::StreamPurpose::kGlobalPermutation, index);
    for (int i = 0; i < 5; ++i) {
        state += kGamma;
        EXPECT_EQ(r.next(), mix(state));
    }
}

TEST(Random, TheStatsStreamsAreTheOnesOfBeforeTheMerge) {
    // Before: state = mix(mix(seed + gamma) ^ stream * 0xd1b54a32d192ed03).
    std::uint64_t state = mix(mix(5 + kGamma) ^ (1 * 0xd1b54a32d192ed03ULL));
    stats::SplitMix r(5, 1);
    for (int i = 0; i < 5; ++i) {
        state += kGamma;
        EXPECT_EQ(r.next(), mix(state));
    }
}

TEST(Random, TheSynthStreamsAreTheOnesOfBeforeTheMerge) {
    // Before: key = sm(sm(sm(seed) ^ stream * C) ^ entity) ^ sm(sub ^ D), sm(x) = mix(x + gamma); the n-th
    // number (n = 1, 2, ...) is sm(key + gamma * n).
    const auto sm = [](std::uint64_t x) { return mix(x + kGamma); };
    const std::uint64_t seed = 1, stream = 3, entity = 123456, sub = 2;
    const std::uint64_t key =
        sm(sm(sm(seed) ^ (stream * 0xD1B54A32D192ED03ULL)) ^ entity) ^ sm(sub ^ 0x8CB92BA72F3D8DD7ULL);
    synth::Rng r(seed, synth::Stream::kCellPop, entity, sub);
    for (std::uint64_t n = 1; n <= 5; ++n) EXPECT_EQ(r.next(), sm(key + kGamma * n));
    synth::Rng m(seed, synth::Stream::kCellPop, entity, sub);
    EXPECT_EQ(m.below(1000), sm(key + kGamma) % 1000);  // the remainder, as before
}

TEST(Random, BelowExactIsUnbiasedAndInRange) {
    Rng r(9);
    std::array<int, 3> counts{};
    for (int i = 0; i < 30000; ++i) {
        const std::uint32_t v = r.below_exact(3);
        ASSERT_LT(v, 3U);
        ++counts[v];
    }
    for (int c : counts) EXPECT_NEAR(c, 10000, 400);  // 4 standard deviations
}

}  // namespace
}  // namespace wz
