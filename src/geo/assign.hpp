#pragma once
// Which area each 100 m grid cell belongs to: by the cell centre (METHODS.md §1), on polygons in
// EPSG:28992. The polygons are rasterised onto the 100 m grid by GDAL (a pixel belongs to a polygon
// when its centre lies inside), so assigning hundreds of thousands of cells costs one pass.
#include <cstdint>
#include <span>
#include <vector>

#include "core/codes.hpp"

namespace wz::geo {

struct CellAssignment {
    std::vector<std::int32_t> area;  // per cell: index into the polygon list, or -1 (centre in no polygon)
    std::size_t unassigned = 0;
};

// Polygons as ISO/OGC WKB (Polygon or MultiPolygon, EPSG:28992); an empty entry is an area without
// geometry (it receives no cells). When polygons overlap, the later one in the list wins.
CellAssignment assign_cells_by_centre(std::span<const GridCell> cells,
                                      std::span<const std::vector<std::uint8_t>> polygons);

}  // namespace wz::geo
