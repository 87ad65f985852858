#include "geo/geojson.hpp"

#include <cpl_string.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <limits>
#include <memory>

#include "core/error.hpp"

namespace wz::geo {

namespace {

std::unique_ptr<OGRCoordinateTransformation> rd_to_wgs84() {
    OGRSpatialReference rd, wgs;
    rd.importFromEPSG(28992);
    wgs.importFromEPSG(4326);
    rd.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&rd, &wgs));
    if (!t) throw InternalError("cannot transform EPSG:28992 to EPSG:4326 (PROJ data missing?)");
    return t;
}

std::unique_ptr<OGRGeometry> from_wkb(const std::vector<std::uint8_t>& wkb) {
    OGRGeometry* g = nullptr;
    if (wkb.empty() || OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE)
        return nullptr;
    return std::unique_ptr<OGRGeometry>(g);
}

}  // namespace

std::vector<std::string> geojson_wgs84(const std::vector<const std::vector<std::uint8_t>*>& wkb_rd,
                                       double tolerance_m, int decimals) {
    const auto transform = rd_to_wgs84();
    std::vector<std::string> out;
    out.reserve(wkb_rd.size());
    const std::string precision = std::to_string(decimals);
    CPLStringList json_options;
    json_options.SetNameValue("COORDINATE_PRECISION", precision.c_str());
    for (const auto* wkb : wkb_rd) {
        auto g = wkb ? from_wkb(*wkb) : nullptr;
        if (!g) {
            out.emplace_back("null");
            continue;
        }
        if (tolerance_m > 0) {
            std::unique_ptr<OGRGeometry> s(g->SimplifyPreserveTopology(tolerance_m));
            if (s && !s->IsEmpty()) g = std::move(s);
        }
        if (g->transform(transform.get()) != OGRERR_NONE) {
            out.emplace_back("null");
            continue;
        }
        char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g.get()), json_options.List());
        out.emplace_back(text ? text : "null");
        CPLFree(text);
    }
    return out;
}

std::vector<double> bounds_wgs84(const std::vector<const std::vector<std::uint8_t>*>& wkb_rd) {
    OGREnvelope all;
    bool any = false;
    for (const auto* wkb : wkb_rd) {
        auto g = wkb ? from_wkb(*wkb) : nullptr;
        if (!g) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        all.Merge(e);
        any = true;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!any) return {nan, nan, nan, nan};
    const auto transform = rd_to_wgs84();
    double x[2] = {all.MinX, all.MaxX}, y[2] = {all.MinY, all.MaxY};
    double west = 180, south = 90, east = -180, north = -90;
    for (double xi : x) {
        for (double yi : y) {
            double px = xi, py = yi;
            transform->Transform(1, &px, &py);
            west = std::min(west, px);
            east = std::max(east, px);
            south = std::min(south, py);
            north = std::max(north, py);
        }
    }
    return {west, south, east, north};
}

}  // namespace wz::geo
