#pragma once
// The 100 m grid as rasters for any GIS (GDAL at the edge): scores as a GeoTIFF with one band per year,
// classes as paletted GeoTIFFs (one per year, each carrying the class colour table) stacked by a VRT
// with one band per year. EPSG:28992, 100 m pixels aligned to the CBS grid, tiled, DEFLATE-compressed,
// with overviews (average for scores, mode for classes).
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz {

struct GridRasterSpec {
    std::string value_column = "score";  // real
    std::string class_column = "class";  // int 1..255; empty or absent from the table: no class rasters
    std::vector<std::array<unsigned char, 3>> class_colors;  // class k at [k - 1]; required for classes
    std::vector<std::string> class_names;                    // class k at [k - 1]; may be empty
};

struct GridRasterFiles {
    std::string scores;                    // OUT
    std::vector<std::string> class_files;  // OUT's stem + "_class_<year>.tif", one per year
    std::string class_stack;               // OUT's stem + "_class.vrt": every year, one band each
    std::vector<int> years;
    int width = 0, height = 0;    // pixels
    double min_x = 0, max_y = 0;  // upper-left corner, metres in RD New
    std::size_t cells = 0;        // distinct cells with a row
};

// `table`: `code` (grid cells, E####N#### or the CBS forms), `year`, the value column and, when present,
// the class column; one row per cell and year. Missing values are the rasters' nodata (NaN for
// scores, 0 for classes). Writes every file under a temporary name and renames them at the end, so a
// failure leaves no partial file. InputError for a code that is not a grid cell; UsageError for
// missing columns or a class outside 1..the colours given.
GridRasterFiles write_grid_rasters(const Table& table, const GridRasterSpec& spec,
                                   const std::string& out_path);

}  // namespace wz
