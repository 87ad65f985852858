#pragma once
// The tiles job (wijkzicht tiles): Mapbox vector tiles of every map layer of a store — the areas of
// each level with their scores, classes and dimension scores per year, and the 100 m grid cells with
// their scores and classes — into one MBTiles file next to the store, for the service and the dashboard.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz::jobs {

struct TilesOptions {
    std::string out;  // empty: default_tiles_path(store)
    int max_zoom = 14;
    int grid_min_zoom = 11;  // the grid only from this zoom (a cell is 100 m)
    bool grid = true;        // include the grid cells (when the store has score_grid)
    // Polygon simplification in tile units (8 = one pixel of a 512 px tile) below the deepest zoom and
    // at it: fewer vertices to decode and draw in the country and province views.
    double simplify = 4, simplify_max_zoom = 1;
};

// "nl.gpkg" -> "nl.tiles.mbtiles".
std::string default_tiles_path(const std::string& store);

// The properties of one tile layer: code, name and per year Y of `scores` (rows code, year, ...):
// score_Y, class_Y and, with `dimensions`, every dimension column as <dim>_Y. `codes` fixes the rows
// (one per area, in this order); areas without scores keep missing values.
Table pivot_scores_by_year(const std::vector<std::string>& codes, const std::vector<std::string>& names,
                           const Table* scores, const std::vector<std::string>& dimensions);

// The polygon of a 100 m cell ("E1993N3660") as RD New WKB; empty for a code that is not a cell.
std::vector<std::uint8_t> grid_cell_wkb(const std::string& code);

struct TilesResult {
    std::string path;
    nlohmann::json summary;  // per layer: features, zooms, years; file bytes
};
// Builds the tile set (atomically replaces `out`). UsageError when the store has no area layers.
TilesResult build_tiles(const std::string& store, const TilesOptions& options);

}  // namespace wz::jobs
