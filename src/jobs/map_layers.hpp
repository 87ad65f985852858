#pragma once
// The map layers of the results (docs/maps.md): built by the command that owns them and stored with its
// datasets (StoreUpdate::map_layers).
//   map_<level>_<vintage>   after `score`: one polygon layer per level (buurt, wijk, gemeente, ...) on the
//                           boundary vintage of the run, one feature per area and year, with the score,
//                           class, dimension scores, residents and the development since the previous
//                           measurement. Styles: the nine classes of the latest year (the default), the
//                           classes of every other year, the development into the latest year and every
//                           dimension score of the latest year on a diverging ramp. The 100 m grid is
//                           not a polygon map layer (3 million cells at --scale 1).
//   map_typology_<...>      after `typology`: every area of the rule set's level with its designation
//                           and reasons.
//   map_hotspots_<...>      after `hotspots --store` of an area level: every area with its quadrant and
//                           significance (grid results stay tables: hundreds of thousands of cells).
#include <string>
#include <vector>

#include "io/dataset.hpp"
#include "io/map_layers.hpp"
#include "io/store.hpp"
#include "liveability/model.hpp"

namespace wz::jobs {

// The score map layers of the score_<level> and development_<level> datasets among `datasets`, for each
// level that has an area layer among `areas` (rows of areas without a polygon are left out).
std::vector<MapLayer> score_map_layers(const std::vector<Dataset>& datasets,
                                       const std::vector<AreaLayer>& areas,
                                       const liveability::ModelPreset& preset);

// Adds the score map layers to a score run's update: the buurt layer `buurten` and the store's area layers of
// the levels above it (the same vintage when the store has it, else the newest older one, else the newest).
void add_score_map_layers(StoreUpdate& update, const std::string& store,
                          const liveability::ModelPreset& preset, const AreaLayer& buurten);

// The map layer of a typology result (`summary`: code, designated, designation, criteria_met,
// criteria_unknown, reasons, group) on the areas of `layer`; `dataset` is its dataset name.
MapLayer typology_map_layer(const std::string& dataset, const Table& summary, const AreaLayer& layer);

// The map layer of a stored hot-spot result (`table`: code, value, I, I_p, quadrant, I_sig_fdr, cluster,
// Gstar_z, hotspot, significant, …) on the areas of `layer`: every area with its local Moran quadrant and
// significance. Styles: the significant LISA clusters (HH, LL, HL, LH; the rest "niet significant"), the
// default, and the Getis-Ord Gi* hot and cold spots.
MapLayer hotspot_map_layer(const std::string& dataset, const std::string& variable, const Table& table,
                           const AreaLayer& layer);

}  // namespace wz::jobs
