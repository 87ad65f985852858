#pragma once
// Cells to polygons: dissolves a labelled 100 m grid into one MultiPolygon per label with exactly
// shared boundaries, and writes GeoPackage area layers (EPSG:28992) reproducibly.
#include <cstdint>
#include <string>
#include <vector>

namespace wz::synth {

struct GridFrame {
    int x0 = 0, y0 = 0, w = 0, h = 0;  // lower-left cell and size, units of 100 m
};

// ISO WKB MultiPolygon per label (0..n-1; -1 = no area). Outer rings counter-clockwise, holes clockwise,
// diagonal-only contacts split into separate polygons. Empty vector when a label has no cells.
std::vector<std::vector<std::uint8_t>> dissolve(const GridFrame& frame, const std::vector<std::int32_t>& label, std::size_t n);

// Writes a GeoPackage with one polygon layer; every row has a WKB geometry and one text value per field.
// Byte-identical for identical input (the GeoPackage timestamp is fixed).
void write_gpkg(const std::string& path, const std::string& layer, const std::vector<std::string>& fields,
                const std::vector<std::vector<std::string>>& rows, const std::vector<std::vector<std::uint8_t>>& wkb);

}  // namespace wz::synth
