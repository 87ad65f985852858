#pragma once
// The hotspot analysis behind `wijkzicht hotspots`: missing values and islands handled, global Moran's
// I, local Moran, G_i and G_i* with permutation inference and multiple-testing flags, as one table.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.hpp"
#include "spatial/local.hpp"
#include "spatial/moran.hpp"
#include "spatial/weights.hpp"

namespace wz::spatial {

struct HotspotSettings {
    Transform transform = Transform::kRowStandardised;
    std::uint32_t permutations = 999;         // local statistics
    std::uint32_t global_permutations = 999;  // global Moran's I (0: analytical only)
    std::uint64_t seed = 0;
    MoranScaling scaling = MoranScaling::kNMinus1;
    Alternative alternative = Alternative::kFolded;  // which pseudo-p is reported and tested
    double alpha = 0.05;                             // for the FDR and Bonferroni flags
    bool adjust_n_for_islands = false;               // global Moran: spdep's adjust.n
};

// Why an area has or lacks local statistics.
enum class AreaStatus : std::uint8_t {
    kOk,            // statistics computed
    kIsland,        // no neighbour among the areas with values: no local statistic
    kNoGeometry,    // empty geometry, so no neighbours: treated as an island
    kMissingValue,  // no value: left out of the analysis altogether
};
std::string_view status_name(AreaStatus s);  // "ok", "island", "no-geometry", "missing"

struct HotspotResult {
    std::vector<AreaStatus> status;           // per input area
    std::vector<std::uint32_t> sample_index;  // per input area: its index in the sample, or UINT32_MAX
    std::size_t sample_size = 0;              // areas with a value (islands included)
    std::size_t islands = 0;                  // among them, without neighbours (no-geometry included)
    std::size_t no_geometry = 0;
    std::size_t missing = 0;
    GlobalMoran global;
    LocalStatistics local;  // indexed by sample index
    // Per sample index: the reported pseudo-p-values and their flags.
    std::vector<double> I_p, G_p;
    double I_fdr_cutoff = 0, G_fdr_cutoff = 0;
    double I_bonferroni_cutoff = 0, G_bonferroni_cutoff = 0;
    std::vector<std::uint8_t> I_fdr, I_bonferroni, Gstar_fdr, Gstar_bonferroni;
};

// `values`: one per area of `base`, NaN = missing. `base`: binary or general weights without
// self-links over all areas. `no_geometry` (empty or one per area): 1 marks areas whose geometry is
// empty (reported as such; they are islands).
HotspotResult analyse_hotspots(std::span<const double> values, const Weights& base,
                               std::span<const std::uint8_t> no_geometry, const HotspotSettings& settings);

// One row per input area: id, value, status, neighbours, lag, I, I_z, I_p, I_z_sim, quadrant,
// I_sig_fdr, I_sig_bonferroni, G, G_z, Gstar, Gstar_z, Gstar_p, Gstar_sig_fdr,
// Gstar_sig_bonferroni, cluster, hotspot. Statistics are missing (empty) for islands and missing values.
// G_i's pseudo-p equals G_i*'s (both order the permutations by the same neighbour sum), so only
// Gstar_p is given.
Table hotspot_table(std::span<const std::string> ids, std::span<const double> values,
                    const HotspotResult& result);

}  // namespace wz::spatial
