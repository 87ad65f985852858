#pragma once
// The results store: one GeoPackage file (opens in QGIS as is) with
//   areas_<level>_<vintage>   polygon layers (EPSG:28992) with code, name and parent codes;
//   ds_<name>                 attribute tables, one per imported or computed dataset;
//   wz_datasets, wz_dataset_columns, wz_area_layers, wz_missing, wz_runs, wz_run_inputs
//                             the catalogue, missing-value reasons and provenance of every run.
//   wz_blocks                 column blocks of large datasets (see StoreOptions; not visible in QGIS).
//   map_*, wz_map_layers, layer_styles
//                             map layers (io/map_layers.hpp) with their QGIS styles, written in the
//                             update's transaction like the datasets.
// Every change is atomic: an update without area layers runs as one SQLite transaction on the store
// (rollback journal: a failure or a crash rolls it back); an update with area layers (written by GDAL)
// or one that creates the store is made on a copy that replaces the store only when all of it
// succeeded. Either way a failed run leaves the store byte for byte as it was.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "io/dataset.hpp"
#include "io/map_layers.hpp"

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
    // Map layers: every stored map layer of a kind given here (and of the same name) is replaced.
    std::vector<MapLayer> map_layers;
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

// Whether the store has a dataset of that name (NotFoundError when there is no store at all).
bool has_dataset(const std::string& store_path, const std::string& name);
// The dataset (only `columns`, in that order, when given), or nullopt when the store has none of that name.
std::optional<Dataset> find_dataset(const std::string& store_path, const std::string& name,
                                    const std::vector<std::string>& columns = {});

// Reads a dataset back as a table (types, units and missing reasons as stored). NotFoundError when the
// store has no such dataset.
Dataset read_dataset(const std::string& store_path, const std::string& name);
// The same with only the named columns, in the order given (a column the dataset lacks is a UsageError
// naming the columns it has).
Dataset read_dataset(const std::string& store_path, const std::string& name,
                     const std::vector<std::string>& columns);

// Reads a block-stored dataset (see StoreOptions) one column block at a time straight into the caller's
// memory, without building a table: for data too large to hold at once. Each reader has its own
// read-only connection; use one reader per thread. A reader that has read a block keeps a read lock on
// the store until it is destroyed: destroy it before writing to the same store.
class DatasetBlockReader {
  public:
    // Throws UsageError when the store or the dataset does not exist.
    DatasetBlockReader(const std::string& store_path, const std::string& dataset);
    ~DatasetBlockReader();
    DatasetBlockReader(const DatasetBlockReader&) = delete;
    DatasetBlockReader& operator=(const DatasetBlockReader&) = delete;

    bool stored_in_blocks() const;  // false: the dataset is stored as rows (use read_dataset)
    std::size_t rows() const;
    std::size_t block_rows() const;  // rows per block; the last block may be shorter
    std::size_t block_count() const;
    std::size_t rows_in_block(std::size_t block) const;
    // The type of a column, nullopt when the dataset has no such column.
    std::optional<ColumnType> column_type(const std::string& column) const;
    // The dataset's column names in their order.
    std::vector<std::string> column_names() const;

    // Reads block `block` of the decimal column `column`: rows_in_block(block) values into `values` and,
    // when some of them are missing, their reasons into `status` (then returns true; else `status` is
    // untouched). Missing values read as NaN. Throws UsageError for an unknown or non-decimal column and
    // std::runtime_error for a damaged block.
    bool read_real_block(const std::string& column, std::size_t block, double* values, std::uint8_t* status);
    // Reads block `block` of any column into `out` (emptied first; of the column's type), values and
    // missing reasons as stored; `out` keeps its memory (and a text column its strings) from block to
    // block. Throws UsageError for an unknown column, std::logic_error for another type or block.
    void read_block(const std::string& column, std::size_t block, Column& out);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The map layers in the store (wz_map_layers), by name; empty when there are none.
struct StoredMapLayer {
    std::string name, kind, level, description;
    int vintage = 0;
    std::size_t features = 0;
};
std::vector<StoredMapLayer> stored_map_layers(const std::string& store_path);
// The QGIS styles of a table from the store's layer_styles (the default first), empty when none.
std::vector<qgis::LayerStyle> stored_layer_styles(const std::string& store_path, const std::string& table);

// The vintages of the area layers of one level in the store, ascending (empty when there are none).
std::vector<int> area_vintages(const std::string& store_path, Level level);

// Reads the area layer `areas_<level>_<vintage>` back (codes, names, parent codes, WKB geometry).
// vintage 0 = the newest vintage of that level. Throws UsageError naming the layers that exist.
AreaLayer read_area_layer(const std::string& store_path, Level level, int vintage = 0);

}  // namespace wz
