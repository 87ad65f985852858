#pragma once
// Counter-based random streams: every number is a pure function of (seed, stream, entity, sub, counter),
// so results never depend on the order in which entities are processed or on the number of threads.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/random.hpp"

namespace wz::synth {

// What a stream is for (part of the key, so two purposes never share numbers).
enum class Stream : std::uint64_t {
    kLand = 1,
    kCity,
    kCellPop,
    kCellYear,
    kSeeds,
    kNames,
    kBuurt,
    kTenure,
    kLattice,
    kIndicatorNoise,
    kSurvey,
    kSales,
    kIncident,
    kPerson,
    kDwelling,
    kEntity,
    kNetwork,
    kTransaction,
    kPlant,
    kKey,
    kSuspicion,
    kModel,
    kGrowth,
    kBsn,
};

// The stream of one entity: core's Rng keyed by (seed, stream, entity, sub). Counter-based in effect:
// the n-th number is mix64(key + (n + 1) * gamma), a pure function of the key and n.
class Rng : public wz::Rng {
  public:
    Rng(std::uint64_t seed, Stream stream, std::uint64_t entity, std::uint64_t sub = 0)
        : wz::Rng(stream_state_entity(seed, static_cast<std::uint64_t>(stream), entity, sub) + kGoldenGamma) {
    }
    // [0, n) by the remainder (the draws every synthetic country so far was made with).
    std::uint64_t below(std::uint64_t n) { return below_mod(n); }
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
