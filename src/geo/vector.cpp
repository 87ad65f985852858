#include "geo/vector.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <mutex>

#include "core/codes.hpp"
#include "core/error.hpp"

namespace wz::geo {
namespace {

void register_gdal_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

// "TopoJSON:" and other driver prefixes: a name of letters, digits and '_' (two or more, so not a
// Windows drive letter) before the first ':', not followed by "//" (a URL).
std::size_t driver_prefix_length(const std::string& s) {
    const std::size_t colon = s.find(':');
    if (colon == std::string::npos || colon < 2 || s.compare(colon, 3, "://") == 0) return 0;
    for (std::size_t i = 0; i < colon; ++i)
        if (std::isalnum(static_cast<unsigned char>(s[i])) == 0 && s[i] != '_') return 0;
    return colon + 1;
}

DatasetPtr open_vector(const std::string& path) {
    register_gdal_once();
    file_behind(path);  // a clear error for a missing file, before GDAL's own
    const std::string gdal_path = gdal_path_for(path);
    const char* csv_options[] = {"GEOM_POSSIBLE_NAMES=geometry,wkt,the_geom,geom,WKT,GEOMETRY",
                                 "KEEP_GEOM_COLUMNS=NO", nullptr};
    const bool is_csv = ends_with(to_lower(path), ".csv");
    CPLErrorReset();
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(gdal_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                    nullptr, is_csv ? csv_options : nullptr, nullptr));
    if (ds == nullptr) {
        const std::string msg = CPLGetLastErrorMsg();
        throw InputError(
            path, 0, 0,
            "a vector source GDAL can read (GeoPackage, shapefile, GeoJSON, TopoJSON, CSV with WKT)",
            msg.empty() ? std::string("a file GDAL does not recognise") : quote_found(msg, 160));
    }
    return DatasetPtr(ds);
}

std::string feature_source(const std::string& path, const std::string& layer, std::int64_t fid) {
    return fmt::format("{}:layer {}:feature {}", path, layer, fid);
}

bool looks_geographic(const OGREnvelope& env) {
    return env.MinX >= -180 && env.MaxX <= 180 && env.MinY >= -90 && env.MaxY <= 90;
}

}  // namespace

std::optional<std::size_t> VectorLayer::field_index(const std::string& name) const {
    const std::string want = to_lower(name);
    for (std::size_t i = 0; i < field_names.size(); ++i) {
        if (to_lower(field_names[i]) == want) return i;
    }
    return std::nullopt;
}

std::string file_behind(const std::string& source) {
    namespace fs = std::filesystem;
    std::string path = source.substr(driver_prefix_length(source));
    if (path.rfind("/vsi", 0) == 0) {
        const std::size_t slash = path.find('/', 1);
        const std::string handler = path.substr(0, slash == std::string::npos ? path.size() : slash + 1);
        if (handler != "/vsizip/" && handler != "/vsigzip/" && handler != "/vsitar/" && handler != "/vsi7z/")
            throw UsageError(
                fmt::format("'{}': only local files are read (GDAL names /vsizip/, /vsigzip/, "
                            "/vsitar/, /vsi7z/ and DRIVER:file); download the source first",
                            source));
        std::string rest = path.substr(handler.size());
        // the archive: the shortest leading part of the path that is a regular file
        for (std::size_t end = rest.find('/', 1);; end = rest.find('/', end + 1)) {
            const std::string part = rest.substr(0, end);
            if (fs::is_regular_file(part)) return part;
            if (end == std::string::npos) break;
        }
        throw NotFoundError(fmt::format("no such file: the archive in '{}' does not exist", source));
    }
    if (!fs::exists(path)) throw NotFoundError(fmt::format("no such file: '{}'", path));
    return path;
}

std::string gdal_path_for(const std::string& path) {
    const std::string l = to_lower(path);
    if (l.rfind("/vsi", 0) == 0 || driver_prefix_length(path) > 0) return path;
    if (ends_with(l, ".zip")) return "/vsizip/" + std::filesystem::absolute(path).string();
    if (ends_with(l, ".topojson")) return "TopoJSON:" + path;
    if (ends_with(l, ".json") || ends_with(l, ".geojson")) {
        // A TopoJSON file carries "type":"Topology" near its start.
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f != nullptr) {
            char head[4096] = {};
            const std::size_t n = std::fread(head, 1, sizeof(head) - 1, f);
            std::fclose(f);
            const std::string start(head, n);
            if (start.find("\"Topology\"") != std::string::npos) return "TopoJSON:" + path;
        }
    }
    return path;
}

std::vector<std::string> list_layers(const std::string& path) {
    DatasetPtr ds = open_vector(path);
    std::vector<std::string> names;
    for (auto* layer : ds->GetLayers()) names.emplace_back(layer->GetName());
    return names;
}

VectorLayer read_polygon_layer(const std::string& path, const VectorReadOptions& options) {
    DatasetPtr ds = open_vector(path);
    OGRLayer* layer = nullptr;
    std::string names;
    for (auto* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
    if (!options.layer.empty()) {
        layer = ds->GetLayerByName(options.layer.c_str());
        if (layer == nullptr)
            throw InputError(path, 0, 0, fmt::format("a layer named '{}'", options.layer), "layers " + names);
    } else {
        if (ds->GetLayerCount() != 1) {
            throw InputError(path, 0, 0, "one layer, or --layer NAME",
                             fmt::format("{} layers: {}", ds->GetLayerCount(), names));
        }
        layer = ds->GetLayer(0);
    }
    VectorLayer out;
    out.source = path;
    out.driver = ds->GetDriver() != nullptr ? ds->GetDriver()->GetDescription() : "";
    out.layer_name = layer->GetName();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        out.field_names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());

    OGRSpatialReference target;
    target.importFromEPSG(28992);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference source;
    bool have_source = false;
    if (!options.src_srs.empty()) {
        if (source.SetFromUserInput(options.src_srs.c_str()) != OGRERR_NONE) {
            throw UsageError(fmt::format("--src-srs: cannot understand '{}' (try EPSG:4326 or EPSG:28992)",
                                         options.src_srs));
        }
        have_source = true;
        out.source_crs = options.src_srs;
    } else if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        source = *srs;
        have_source = true;
        const char* auth = source.GetAuthorityName(nullptr);
        const char* code = source.GetAuthorityCode(nullptr);
        out.source_crs =
            (auth != nullptr && code != nullptr) ? fmt::format("{}:{}", auth, code) : source.GetName();
    } else {
        OGREnvelope env;
        if (layer->GetExtent(&env, TRUE) == OGRERR_NONE && looks_geographic(env)) {
            source.importFromEPSG(4326);
            out.source_crs =
                "EPSG:4326 (assumed: no CRS in the source and coordinates are longitude/latitude)";
        } else {
            source.importFromEPSG(28992);
            out.source_crs = "EPSG:28992 (assumed: no CRS in the source)";
        }
        have_source = true;
    }
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform;
    if (have_source && !source.IsSame(&target)) {
        transform.reset(OGRCreateCoordinateTransformation(&source, &target));
        if (!transform)
            throw InputError(path, 0, 0, "a CRS that PROJ can transform to EPSG:28992", out.source_crs);
    }

    layer->ResetReading();
    const auto field_count = static_cast<std::size_t>(defn->GetFieldCount());
    for (auto& feature : *layer) {
        VectorFeature f;
        f.fid = feature->GetFID();
        f.values.resize(field_count);
        f.is_null.resize(field_count);
        for (std::size_t i = 0; i < field_count; ++i) {
            const int fi = static_cast<int>(i);
            if (!feature->IsFieldSetAndNotNull(fi)) {
                f.is_null[i] = true;
            } else {
                f.values[i] = feature->GetFieldAsString(fi);
            }
        }
        OGRGeometry* geom = feature->GetGeometryRef();
        if (geom == nullptr || geom->IsEmpty()) {
            ++out.empty_geometries;
        } else {
            const auto flat = wkbFlatten(geom->getGeometryType());
            if (flat != wkbPolygon && flat != wkbMultiPolygon && flat != wkbCurvePolygon &&
                flat != wkbMultiSurface && flat != wkbGeometryCollection) {
                throw InputError(feature_source(path, out.layer_name, f.fid), 0, 0,
                                 "a polygon or multipolygon geometry",
                                 fmt::format("a {}", OGRGeometryTypeToName(geom->getGeometryType())));
            }
            std::unique_ptr<OGRGeometry> multi(OGRGeometryFactory::forceToMultiPolygon(geom->clone()));
            if (multi == nullptr || wkbFlatten(multi->getGeometryType()) != wkbMultiPolygon) {
                throw InputError(feature_source(path, out.layer_name, f.fid), 0, 0,
                                 "a polygon or multipolygon geometry",
                                 "a geometry collection with other parts");
            }
            multi->flattenTo2D();
            if (transform && multi->transform(transform.get()) != OGRERR_NONE) {
                throw InputError(feature_source(path, out.layer_name, f.fid), 0, 0,
                                 "coordinates that can be transformed to EPSG:28992",
                                 fmt::format("coordinates outside the range of {}", out.source_crs));
            }
            f.wkb.resize(multi->WkbSize());
            multi->exportToWkb(wkbNDR, f.wkb.data(), wkbVariantIso);
        }
        out.features.push_back(std::move(f));
    }
    return out;
}

}  // namespace wz::geo
