#pragma once
// Area geometries for web maps: RD New (EPSG:28992) polygons as GeoJSON in WGS84 (EPSG:4326,
// longitude/latitude, RFC 7946), simplified for the screen.
#include <cstdint>
#include <string>
#include <vector>

namespace wz::geo {

// Converts many WKB geometries at once (one transformation for all): each simplified with a tolerance
// of `tolerance_m` metres (topology preserved; 0: not simplified) and written as a GeoJSON geometry
// object with `decimals` decimals. An empty or unreadable WKB gives "null".
std::vector<std::string> geojson_wgs84(const std::vector<const std::vector<std::uint8_t>*>& wkb_rd,
                                       double tolerance_m, int decimals = 6);

// The bounding box [west, south, east, north] in WGS84 of the given RD geometries (NaN when none).
std::vector<double> bounds_wgs84(const std::vector<const std::vector<std::uint8_t>*>& wkb_rd);

}  // namespace wz::geo
