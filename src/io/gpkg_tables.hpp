#pragma once
// Reading the attribute tables of a GeoPackage we wrote (write_tables_gpkg: e.g. the undermining
// aggregates of `risk publish`) back as tables, through GDAL, read-only.
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz {

// The layer names of the GeoPackage. NotFoundError when the file does not exist, BadInput when GDAL
// cannot open it as a GeoPackage.
std::vector<std::string> gpkg_layer_names(const std::string& path);

// The fields of one layer as columns (Integer/Integer64 -> int, Real -> decimal, others -> text; NULL ->
// missing); the geometry is not read. NotFoundError naming the layers when there is no such layer.
Table read_gpkg_table(const std::string& path, const std::string& layer);

}  // namespace wz
