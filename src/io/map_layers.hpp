#pragma once
// Map layers: polygon layers derived from the results, ready to open in QGIS with their styles
// (docs/maps.md). The command that owns a kind of map layer (`score`: the score maps of every level,
// `typology`: the designated areas of one rule set) builds them and hands them to the store in its
// StoreUpdate; the store writes them as GeoPackage feature tables `map_*` in the same transaction as
// the datasets (no GDAL, no copy of the store), registers them in `wz_map_layers` and puts their QGIS
// styles in the GeoPackage's `layer_styles` table, the first marked as the default style.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"
#include "io/qgis_style.hpp"

namespace wz {

struct MapLayer {
    std::string name;  // the feature table: "map_buurt_2014"
    std::string kind;  // who owns it: "score", "typology:<dataset>"; a run replaces every layer of its kinds
    std::optional<Level> level;
    int vintage = 0;  // boundary vintage of the geometries
    std::string description;
    Table table;                                        // the attributes, one row per feature
    std::vector<std::vector<std::uint8_t>> geometries;  // one (Multi)Polygon WKB per row, EPSG:28992
    std::vector<qgis::LayerStyle> styles;               // the first with use_as_default is the default
};

// minx, miny, maxx, maxy of a WKB geometry (2D, either byte order; Z/M coordinates ignored);
// nullopt for an empty geometry. std::runtime_error for a truncated or unsupported WKB.
std::optional<std::array<double, 4>> wkb_envelope(const std::vector<std::uint8_t>& wkb);

// A Polygon WKB as a MultiPolygon of one part (other geometries unchanged), so that a layer declared
// MULTIPOLYGON holds only multipolygons.
std::vector<std::uint8_t> promote_to_multipolygon(const std::vector<std::uint8_t>& wkb);

// The GeoPackage geometry blob of a WKB geometry: "GP", version 0, flags (little endian, an xy
// envelope, or the empty flag), the SRS id, the envelope, then the WKB itself.
std::vector<std::uint8_t> gpkg_geometry_blob(const std::vector<std::uint8_t>& wkb, std::int32_t srs_id);

}  // namespace wz
