#pragma once
// The results store: one GeoPackage file (opens in QGIS as is) with
//   areas_<level>_<vintage>   polygon layers (EPSG:28992) with code, name and parent codes;
//   ds_<name>                 attribute tables, one per imported or computed dataset;
//   wz_datasets, wz_dataset_columns, wz_area_layers, wz_missing, wz_runs, wz_run_inputs
//                             the catalogue, missing-value reasons and provenance of every run.
//   wz_blocks                 column blocks of large datasets (see StoreOptions; not visible in QGIS).
// Every change is atomic: an update without area layers runs as one SQLite transaction on the store
// (rollback journal: a failure or a crash rolls it back); an update with area layers (written by GDAL)
// or one that creates the store is made on a copy that replaces the store only when all of it
// succeeded. Either way a failed run leaves the store byte for byte as it was.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "io/dataset.hpp"

namespace wz {

struct InputFile {
    std::string path;
    std::string sha256;
    std::uint64_t bytes = 0;
};
// Content hash (SHA-256) and size of an input file. Throws UsageError when it cannot be read.
InputFile describe_input(const std::string& path);

struct RunRecord {
    std::string command;  // "import boundaries"
    nlohmann::json parameters = nlohmann::json::object();
    std::vector<InputFile> inputs;
    std::string started;  // ISO 8601 UTC
    std::optional<std::uint64_t> seed;
};
// The current UTC time as ISO 8601 ("2026-11-28T05:10:04Z").
std::string utc_now();

struct StoreUpdate {
    std::vector<AreaLayer> area_layers;  // replace layers of the same level and vintage
    std::vector<Dataset> datasets;       // replace datasets of the same name
    RunRecord run;
};

// How datasets are stored. A dataset with more than `block_threshold_rows` rows is stored in column
// blocks (table wz_blocks: per column and block of `block_rows` rows the raw little-endian values and
// the missing-reason bytes) instead of an attribute table ds_<name>; read_dataset reads both.
struct StoreOptions {
    std::size_t block_threshold_rows = 200000;
    std::size_t block_rows = 65536;
};

// Applies the update atomically (creates the store when it does not exist). Returns the run id.
std::int64_t apply_to_store(const std::string& store_path, const StoreUpdate& update);
std::int64_t apply_to_store(const std::string& store_path, const StoreUpdate& update,
                            const StoreOptions& options);

// Inventory: per level and vintage the number of areas; per dataset its rows, columns, years and
// storage ("rows" or "blocks"); runs.
nlohmann::json store_inventory(const std::string& store_path);

// Reads a dataset back as a table (types, units and missing reasons as stored).
Dataset read_dataset(const std::string& store_path, const std::string& name);

// The vintages of the area layers of one level in the store, ascending (empty when there are none).
std::vector<int> area_vintages(const std::string& store_path, Level level);

// Reads the area layer `areas_<level>_<vintage>` back (codes, names, parent codes, WKB geometry).
// vintage 0 = the newest vintage of that level. Throws UsageError naming the layers that exist.
AreaLayer read_area_layer(const std::string& store_path, Level level, int vintage = 0);

}  // namespace wz
