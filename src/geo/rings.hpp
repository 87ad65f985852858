#pragma once
// Polygon rings and centroids decoded from WKB into flat arrays: the edge between vector I/O
// (geo::read_polygon_layer) and the pure spatial module, which takes plain coordinate arrays.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/vector.hpp"

namespace wz::geo {

// Every ring of every area, flat. Area a owns rings [area_start[a], area_start[a+1]); ring r owns points
// [ring_start[r], ring_start[r+1]); point p is (xy[2p], xy[2p+1]). Rings are kept as stored: the
// closing point (equal to the first) is kept when the source has it. An empty geometry is an area
// without rings.
struct AreaRings {
    std::vector<double> xy;
    std::vector<std::size_t> ring_start{0};
    std::vector<std::size_t> area_start{0};
    // Centroid of each area as GEOS computes it: area-weighted with holes subtracted; for an area of
    // zero area (collapsed rings) the length-weighted centroid of its boundary segments; when all
    // points coincide, their mean. NaN for an area without rings.
    std::vector<double> centroid_x;
    std::vector<double> centroid_y;
    // Polygon area in square coordinate units (shells minus holes).
    std::vector<double> area;

    std::size_t area_count() const { return area_start.size() - 1; }
    std::size_t ring_count() const { return ring_start.size() - 1; }
    std::size_t point_count() const { return xy.size() / 2; }
    bool is_empty(std::size_t a) const { return area_start[a] == area_start[a + 1]; }
};

// Decodes one WKB geometry (Polygon or MultiPolygon; little- or big-endian; ISO or EWKB Z/M
// variants, whose extra ordinates are dropped) and appends it as a new area. An empty span or an
// empty geometry appends an area without rings. Throws std::invalid_argument naming the byte
// offset when the WKB is truncated or holds another geometry type.
void append_wkb_area(std::span<const std::uint8_t> wkb, AreaRings& out);

// The rings of every feature of a layer, in feature order. A feature whose WKB cannot be decoded is
// an InputError naming file, layer and feature.
AreaRings rings_of_layer(const VectorLayer& layer);

}  // namespace wz::geo
