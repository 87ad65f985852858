#pragma once
// The publication job (wijkzicht publish): the map layers, area layers and datasets of a results store,
// and optionally the disclosure-controlled aggregates of `risk publish`, written into PostgreSQL/PostGIS
// with the QGIS styles, in one transaction (io/postgis.hpp, docs/maps.md).
#include <string>
#include <vector>

#include "io/postgis.hpp"

namespace wz::jobs {

struct PublishOptions {
    std::string to;          // "PG:dbname=... host=... port=..."
    std::string store;       // the results store
    std::string restricted;  // the aggregates GeoPackage of `risk publish` (empty: none)
    // Datasets to publish: {"all"} (the default), {"none"}, or names.
    std::vector<std::string> datasets = {"all"};
};

// What is published, in order: map layers (map_*, with their styles), area layers (areas_*), datasets
// (ds_<name>), restricted layers (restricted_<layer>). UsageError names unknown datasets.
std::vector<PgSource> publication_sources(const PublishOptions& options);

PgPublishResult publish(const PublishOptions& options);

}  // namespace wz::jobs
