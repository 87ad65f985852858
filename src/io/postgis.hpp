#pragma once
// Publication into PostgreSQL/PostGIS through GDAL's PG driver (wijkzicht publish, docs/maps.md): a set of
// tables written in ONE transaction — every table replaced (DROP and CREATE), the QGIS styles put into
// the database's `layer_styles` table (QGIS's own layout) and a catalogue `wz_publication` of what was
// published — so a second run replaces the first, and a run that fails or is cancelled at any point
// leaves the database exactly as it was.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "io/qgis_style.hpp"

namespace wz {

// One table to publish: a layer of a vector file (a GeoPackage layer, with or without geometry) or a table
// made on demand (read when its turn comes, so large datasets are not all in memory at once).
struct PgSource {
    std::string target;            // table name in the database (public schema)
    std::string kind;              // recorded in wz_publication: map, areas, dataset, restricted
    std::string path, layer;       // a vector file's layer ...
    std::function<Table()> table;  // ... or a table without geometry
    std::vector<qgis::LayerStyle> styles;
    std::string description;
};

struct PgPublished {
    std::string target, kind;
    std::size_t rows = 0;
    bool spatial = false;
    std::size_t styles = 0;
};

struct PgPublishResult {
    std::vector<PgPublished> tables;
    std::vector<std::string> dropped;  // published before, absent from this publication: dropped
    std::size_t styles = 0;
};

// Publishes `sources` into the database `connection` ("PG:dbname=... host=... port=..."). UsageError
// for a connection string that is not PG:..., IoError when the database cannot be reached or written,
// CancelledError when cancelled (core/progress.hpp); in every failure the transaction is rolled back.
// `label` (the store's path) is recorded in wz_publication.
PgPublishResult publish_to_postgis(const std::string& connection, const std::vector<PgSource>& sources,
                                   const std::string& label);

// UsageError unless `connection` is a PostgreSQL connection string ("PG:...").
void check_pg_connection(const std::string& connection);

// The connection string with its password replaced by "***" (for messages and logs).
std::string redact_connection(const std::string& connection);

// The layer names of a vector file (a GeoPackage), in its order. NotFoundError / BadInput when it cannot be
// opened as one.
std::vector<std::string> vector_layer_names(const std::string& path);

}  // namespace wz
