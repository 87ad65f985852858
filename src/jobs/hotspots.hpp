#pragma once
// The hotspots job (wijkzicht hotspots): global Moran's I, local Moran and Getis-Ord G_i / G_i* with
// permutation inference for the areas of a polygon layer (or 100 m grid cells) and one value per area.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"
#include "geo/vector.hpp"
#include "io/store.hpp"
#include "spatial/hotspots.hpp"
#include "spatial/weights.hpp"

namespace wz::jobs {

struct HotspotOptions {
    std::string areas;     // polygon layer (any GDAL source); empty for grid weights from the value ids
    std::string layer;     // layer name when the source has several
    std::string id_field;  // field with the area ids
    std::string values;    // CSV id,value
    std::string weights;  // queen | rook | knn:K | band:METRES | grid:rook | grid:queen | gal:FILE | gwt:FILE
    std::string transform = "R";
    double snap = 0.0;
    std::uint32_t permutations = 999;
    std::optional<std::uint32_t> global_permutations;
    std::uint64_t seed = 0;
    std::string alternative = "folded";
    std::string scaling = "n-1";
    double alpha = 0.05;
    bool adjust_n = false;
};

struct HotspotJobResult {
    std::vector<std::string> ids;
    Table table;               // one row per area (see spatial::hotspot_table)
    spatial::Weights weights;  // as built (before the transform)
    geo::VectorLayer layer;    // the areas (with geometry) when read from --areas
    nlohmann::json summary;    // n, weights, global Moran's I, local counts, seed
    nlohmann::json inputs;     // path, SHA-256 and size of every input file
    spatial::HotspotSettings settings;
    spatial::HotspotResult result;
};

HotspotJobResult hotspots_of_layer(const HotspotOptions& options);

// Hot spots of a variable the store holds (by default the liveability score of a level and year), on the
// store's own areas of that level: the result goes back into the store as a dataset of kind "hotspots"
// that the service, the dashboard and the profiles read.
struct StoreHotspotOptions {
    std::string store;
    Level level = Level::kBuurt;
    int year = 0;
    int vintage = 0;      // the areas' vintage; 0 = the newest the store has up to `year`
    std::string dataset;  // default score_<level>
    std::string variable = "score";
    std::string name;  // default hotspots_<variable>_<level>_<year>
};
struct StoreHotspotResult {
    std::string name;  // the dataset's name
    int vintage = 0;   // the areas' vintage used (0 for the grid)
    HotspotJobResult job;
};
// `options` gives the statistics (weights, permutations, seed, ...); its areas and values are filled in
// from the store. Weights default to queen for areas and grid:queen for the grid.
StoreHotspotResult hotspots_of_store(const StoreHotspotOptions& store_options, HotspotOptions options);
// The dataset (code, value, status, ..., significant = I_sig_fdr) with its run, for apply_to_store.
StoreUpdate hotspot_update(const StoreHotspotOptions& store_options, const StoreHotspotResult& result,
                           const HotspotOptions& options);

}  // namespace wz::jobs
