#include "geo/assign.hpp"

#include <fmt/format.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>

#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz::geo {
namespace {

struct GeometryDeleter {
    void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, GeometryDeleter>;

struct DatasetDeleter {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

}  // namespace

CellAssignment assign_cells_by_centre(std::span<const GridCell> cells,
                                      std::span<const std::vector<std::uint8_t>> polygons) {
    CellAssignment out;
    out.area.assign(cells.size(), -1);
    if (cells.empty()) return out;
    GDALAllRegister();
    // The raster covers the cells' bounding box, one pixel per 100 m cell.
    std::int32_t x0 = std::numeric_limits<std::int32_t>::max(), y0 = x0;
    std::int32_t x1 = std::numeric_limits<std::int32_t>::min(), y1 = x1;
    for (const GridCell& c : cells) {
        x0 = std::min(x0, c.x100);
        y0 = std::min(y0, c.y100);
        x1 = std::max(x1, c.x100);
        y1 = std::max(y1, c.y100);
    }
    const int width = x1 - x0 + 1, height = y1 - y0 + 1;
    if (static_cast<double>(width) * height > 4e8) {
        throw UsageError(fmt::format("the cells span {} x {} km: too large an extent for one grid",
                                     width / 10, height / 10));
    }
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (mem == nullptr) throw InternalError("GDAL has no MEM driver");
    std::unique_ptr<GDALDataset, DatasetDeleter> raster(
        mem->Create("", width, height, 1, GDT_Int32, nullptr));
    if (!raster) throw InternalError("cannot create the assignment raster");
    // North-up: row 0 is the top (largest y).
    double transform[6] = {x0 * 100.0, 100.0, 0.0, (y1 + 1) * 100.0, 0.0, -100.0};
    raster->SetGeoTransform(transform);
    GDALRasterBand* band = raster->GetRasterBand(1);
    band->Fill(-1);

    std::vector<GeometryPtr> owned;
    std::vector<OGRGeometryH> geoms;
    std::vector<double> burn;
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        if ((i & 255U) == 0) check_cancelled();
        if (polygons[i].empty()) continue;
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(polygons[i].data(), nullptr, &g, polygons[i].size()) !=
                OGRERR_NONE ||
            g == nullptr) {
            throw InternalError(fmt::format("polygon {}: invalid WKB", i));
        }
        owned.emplace_back(g);
        geoms.push_back(OGRGeometry::ToHandle(g));
        burn.push_back(static_cast<double>(i));
    }
    int band_list[1] = {1};
    if (!geoms.empty() &&
        GDALRasterizeGeometries(GDALDataset::ToHandle(raster.get()), 1, band_list,
                                static_cast<int>(geoms.size()), geoms.data(), nullptr, nullptr, burn.data(),
                                nullptr, nullptr, nullptr) != CE_None) {
        throw InternalError(fmt::format("rasterising the polygons failed: {}", CPLGetLastErrorMsg()));
    }
    std::vector<std::int32_t> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    if (band->RasterIO(GF_Read, 0, 0, width, height, pixels.data(), width, height, GDT_Int32, 0, 0) !=
        CE_None) {
        throw InternalError("cannot read the assignment raster");
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::size_t row = static_cast<std::size_t>(y1 - cells[i].y100);
        const std::size_t col = static_cast<std::size_t>(cells[i].x100 - x0);
        const std::int32_t a = pixels[row * static_cast<std::size_t>(width) + col];
        out.area[i] = a;
        if (a < 0) ++out.unassigned;
    }
    return out;
}

}  // namespace wz::geo
