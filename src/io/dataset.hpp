#pragma once
// What importers produce and the results store keeps: area layers and datasets.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"

namespace wz {

struct Area {
    std::string code;
    std::string name;
    // Parent codes by level (empty when unknown): wijk, gemeente, corop, corop_plus, provincie.
    std::string wijk, gemeente, corop, corop_plus, provincie;
    std::vector<std::uint8_t> wkb;  // MultiPolygon in EPSG:28992; empty = no geometry
};

struct AreaLayer {
    Level level = Level::kBuurt;
    int vintage = 0;
    std::string source_crs;
    std::string source_driver;  // the GDAL driver that read the source (not stored)
    std::vector<Area> areas;
    std::size_t empty_geometries() const;
    // How many areas have a link to the parent level (by its column name: "wijk", "gemeente", ...).
    std::size_t parent_links(std::string_view parent) const;
};

// The store table that holds an area layer: "areas_buurt_2014".
std::string area_layer_name(Level level, int vintage);

struct Dataset;

// A file a streaming source read, with its SHA-256 taken on the way.
struct StreamedInput {
    std::string path;
    std::string sha256;
    std::uint64_t bytes = 0;
};

// The rows of a dataset too large to hold, supplied a block at a time while the store writes them
// (streaming imports): the source reads, checks and converts its input block by block.
class RowBlocks {
  public:
    RowBlocks() = default;
    RowBlocks(const RowBlocks&) = delete;
    RowBlocks& operator=(const RowBlocks&) = delete;
    virtual ~RowBlocks() = default;
    // Fills `block` (emptied by the caller, with the dataset's columns; its memory is reused) with the
    // next rows, at most `max_rows` and at least one unless the rows are exhausted: then false. Throws on
    // bad input; the store then rolls the whole update back.
    virtual bool next(Table& block, std::size_t max_rows) = 0;
    // After the last block: what the source learnt from all rows (the level, notes) goes into `ds`.
    virtual void finish(Dataset& ds) { (void)ds; }
    // After the last block: the files read, with their SHA-256, for the run's provenance.
    virtual std::vector<StreamedInput> inputs() const { return {}; }
};

struct Dataset {
    std::string name;            // store table is "ds_<name>"
    std::string kind;            // statline, grid-stats, lbm2, lbm2-development, lbm3, incidents
    std::optional<Level> level;  // the level of the `code` column when it has one level
    Table table;  // key columns first: "code" (area or cell code) and "year" where the data has them
    nlohmann::json meta = nlohmann::json::object();  // notes: units, edition constant, dropped columns, ...
    // When set, `table` holds the columns only (no rows): the rows come from here while the store writes
    // them, a block at a time.
    std::shared_ptr<RowBlocks> rows = nullptr;
};

// A streaming dataset's rows read into its table (a dataset without a stream is returned as it is): for
// tests and data small enough to hold.
Dataset collect_rows(Dataset ds, std::size_t block_rows = 65536);

// Lower-case letters, digits and '_' only; starts with a letter ("Kerncijfers 2017" -> "kerncijfers_2017").
std::string sanitize_dataset_name(std::string_view text);

// Distinct years of the dataset's "year" column (and "from_year"/"to_year"), sorted.
std::vector<std::int64_t> dataset_years(const Table& table);

}  // namespace wz
