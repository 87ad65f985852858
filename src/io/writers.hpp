#pragma once
// The writers of result files: each writes to a temporary file beside the target and renames it over
// the target only when all of it is written, so a failure or a cancel (core/progress.hpp) leaves the old
// file (or none) and no temporary file behind. Tables as CSV are in io/table_csv.hpp (write_table_csv).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.hpp"

namespace wz {

// A temporary file "<target>.tmp-<pid><suffix>" that is removed when the object dies without commit().
// (GDAL's GeoPackage driver wants the suffix ".gpkg".)
class TempFile {
  public:
    explicit TempFile(std::string target, std::string_view suffix = "");
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }
    const std::string& target() const { return target_; }
    // Renames the temporary file over the target (IoError when that fails).
    void commit();

  private:
    std::string target_, path_;
    bool committed_ = false;
};

// Writes `text` to `path` atomically (IoError when it cannot).
void write_text_atomically(const std::string& path, std::string_view text);

// Writes `table` as the only layer `layer` (EPSG:28992, multipolygons) of a new GeoPackage at `path`,
// one feature per row with `geometries[row]` as WKB (empty: no geometry). Integer columns become
// Integer64 fields, decimals Real, text String; missing values are NULL.
void write_table_gpkg(const Table& table, const std::vector<std::vector<std::uint8_t>>& geometries,
                      const std::string& path, const std::string& layer);

// One layer of write_tables_gpkg: `geometries` (one WKB per row) or nullptr for an attribute table.
struct GpkgLayer {
    std::string name;
    const Table* table = nullptr;
    const std::vector<std::vector<std::uint8_t>>* geometries = nullptr;
};
// Writes several layers into one new GeoPackage at `path` (atomically, as write_table_gpkg).
void write_tables_gpkg(const std::vector<GpkgLayer>& layers, const std::string& path);

// One source layer of a vector tile set: polygons (RD New WKB, one per row) with the table's columns as
// feature properties, in tiles of zoom minzoom..maxzoom.
struct TileLayer {
    std::string name;
    const Table* table = nullptr;
    const std::vector<std::vector<std::uint8_t>>* geometries = nullptr;
    int minzoom = 0, maxzoom = 14;
};
struct VectorTileOptions {
    std::string name = "wijkzicht";
    std::string description;
    int max_tile_bytes = 2000000;    // before gzip; larger tiles are simplified by GDAL
    int max_tile_features = 400000;
    // Douglas-Peucker tolerance in tile units (4096 per tile: 8 units are one pixel of a 512 px tile)
    // below the deepest zoom, and at the deepest zoom (GDAL's SIMPLIFICATION, SIMPLIFICATION_MAX_ZOOM).
    double simplification = 0, simplification_max_zoom = 0;
};
// Writes Mapbox vector tiles (EPSG:3857, gzip) of the layers into a new MBTiles file at `path` through
// GDAL's MVT driver, atomically (a temporary file renamed at the end).
void write_vector_tiles(const std::vector<TileLayer>& layers, const std::string& path,
                        const VectorTileOptions& options);

}  // namespace wz
