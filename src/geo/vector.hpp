#pragma once
// Reading polygon layers from any GDAL vector source, reprojected to RD New (EPSG:28992).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wz::geo {

struct VectorReadOptions {
    std::string layer;    // empty: the only layer (an error names the layers when there are several)
    std::string src_srs;  // override or supply the source CRS ("EPSG:4326"); empty: from the source
};

struct VectorFeature {
    std::int64_t fid = 0;
    std::vector<std::string>
        values;  // attribute values as text, in VectorLayer::field_names order ("" = null)
    std::vector<bool> is_null;
    std::vector<std::uint8_t> wkb;  // MultiPolygon in EPSG:28992, ISO WKB; empty when the geometry is empty
};

struct VectorLayer {
    std::string source;  // the path as given
    std::string driver;  // the GDAL driver that read it ("GPKG", "TopoJSON", "ESRI Shapefile", ...)
    std::string layer_name;
    std::string source_crs;  // as found or assumed ("EPSG:4326 (assumed from coordinates)")
    std::vector<std::string> field_names;
    std::vector<VectorFeature> features;
    std::size_t empty_geometries = 0;

    // Index of a field (case-insensitive), or nullopt.
    std::optional<std::size_t> field_index(const std::string& name) const;
};

// The path GDAL should open: zip archives through /vsizip/, TopoJSON with its "TopoJSON:" prefix,
// CSV with a WKT geometry column through the CSV driver's geometry options. GDAL source names pass as
// they are: "/vsizip/boundaries.zip/buurt.shp", "/vsigzip/buurt.geojson.gz", "TopoJSON:buurt.json".
std::string gdal_path_for(const std::string& path);

// The file on disk behind a source name, to check and to fingerprint: "TopoJSON:buurt.json" ->
// "buurt.json", "/vsizip/b.zip/buurt.shp" -> "b.zip" (the first part of the path that is a file),
// "/vsigzip/x.geojson.gz" -> "x.geojson.gz", a plain path as it is. Throws UsageError for sources with
// no local file behind them (/vsicurl/, /vsis3/, ...: download the file first) and NotFoundError, naming
// the file, when it does not exist.
std::string file_behind(const std::string& source);

// Reads every feature of a polygon layer. Non-polygon geometries are an InputError naming layer and
// feature. Coordinates are transformed to EPSG:28992; a source without CRS is taken as EPSG:4326 when
// every coordinate lies within longitude/latitude ranges, else as EPSG:28992 (and the layer says so).
VectorLayer read_polygon_layer(const std::string& path, const VectorReadOptions& options);

// Layer names of a vector source (for help and error messages).
std::vector<std::string> list_layers(const std::string& path);

}  // namespace wz::geo
