#include "io/store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/store_guard.hpp"
#include "io/text_chunks.hpp"
#include "wijkzicht/version.hpp"

namespace wz {
namespace fs = std::filesystem;

namespace {

// ---- SQLite helpers -------------------------------------------------------------------------------

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// A failed SQLite call: a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is bad input naming the store and
// what quick_check finds (exit 2); anything else is an internal error.
[[noreturn]] void fail(sqlite3* db, const std::string& sql) {
    const std::string msg = sqlite3_errmsg(db);
    const int primary = sqlite3_extended_errcode(db) & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
        const char* file = sqlite3_db_filename(db, "main");
        store_guard::throw_damaged_store(file != nullptr ? file : "?", "SQLite reports: " + msg);
    }
    if (sql.empty()) throw std::runtime_error(fmt::format("store: {}", msg));
    throw std::runtime_error(fmt::format("store: {} (in: {})", msg, sql.substr(0, 120)));
}

Db open_db(const std::string& path, bool write) {
    sqlite3* raw = nullptr;
    const int flags = write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
        Db guard(raw);
        throw IoError(
            fmt::format("cannot open store '{}': {}", path, raw ? sqlite3_errmsg(raw) : "out of memory"));
    }
    // A writer that is committing holds the store for a moment: wait for it instead of failing.
    sqlite3_busy_timeout(raw, 10000);
    return Db(raw);
}

// A long statement (deleting a large dataset's blocks, say) stops when the job is cancelled: SQLite
// calls this every few thousand virtual-machine steps and abandons the statement (SQLITE_INTERRUPT) when
// it returns non-zero; the caller's transaction is then rolled back.
void stop_statements_on_cancel(sqlite3* db) {
    sqlite3_progress_handler(
        db, 10000,
        [](void*) -> int {
            const JobContext job = current_job();
            return job.cancel != nullptr && job.cancel->cancelled() ? 1 : 0;
        },
        nullptr);
}

void exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        fail(db, sql);
    }
}

Stmt prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) fail(db, sql);
    return Stmt(s);
}

// Steps a query: true for a row, false when done; an error throws (a damaged page is never read as the
// end of the data).
bool next_row(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(sqlite3_db_handle(s), "");
}

void step_done(sqlite3* db, sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) fail(db, "");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int i) {
    const auto* t = sqlite3_column_text(s, i);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
}

std::string quote_ident(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

bool table_exists(sqlite3* db, const std::string& name) {
    Stmt s = prepare(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    bind_text(s.get(), 1, name);
    return next_row(s.get());
}

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS wz_runs (fid INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL,
  parameters TEXT NOT NULL, program_version TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL, seed INTEGER);
CREATE TABLE IF NOT EXISTS wz_run_inputs (fid INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL,
  path TEXT NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wz_datasets (fid INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, level TEXT, row_count INTEGER NOT NULL, years TEXT NOT NULL, meta TEXT NOT NULL, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wz_dataset_columns (fid INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL,
  position INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, unit TEXT, description TEXT, missing INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wz_missing (fid INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL,
  row_fid INTEGER NOT NULL, column_name TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS wz_missing_dataset ON wz_missing(dataset);
CREATE TABLE IF NOT EXISTS wz_area_layers (fid INTEGER PRIMARY KEY AUTOINCREMENT, layer_name TEXT NOT NULL UNIQUE,
  level TEXT NOT NULL, vintage INTEGER NOT NULL, area_count INTEGER NOT NULL, empty_geometries INTEGER NOT NULL,
  parent_links TEXT NOT NULL, source_crs TEXT, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wz_blocks (fid INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL,
  column_name TEXT NOT NULL, block INTEGER NOT NULL, "values" BLOB NOT NULL, status BLOB);
CREATE INDEX IF NOT EXISTS wz_blocks_key ON wz_blocks(dataset, column_name, block);
)sql";

bool has_column(sqlite3* db, const std::string& table, const std::string& column) {
    Stmt s = prepare(db, "PRAGMA table_info(" + quote_ident(table) + ")");
    while (next_row(s.get())) {
        if (column_text(s.get(), 1) == column) return true;
    }
    return false;
}

// Creates the catalogue tables when missing and adds the columns newer versions use to older stores:
// wz_datasets.storage ('rows': attribute table ds_<name>; 'blocks': wz_blocks) and
// wz_datasets.missing_reasons (JSON counts by reason of a block dataset, whose reasons live in its
// status bytes instead of wz_missing).
void create_or_upgrade_schema(sqlite3* db) {
    exec(db, kSchema);
    if (!has_column(db, "wz_datasets", "storage"))
        exec(db, "ALTER TABLE wz_datasets ADD COLUMN storage TEXT NOT NULL DEFAULT 'rows'");
    if (!has_column(db, "wz_datasets", "missing_reasons"))
        exec(db, "ALTER TABLE wz_datasets ADD COLUMN missing_reasons TEXT");
}

void register_attributes(sqlite3* db, const std::string& table, const std::string& description) {
    Stmt del = prepare(db, "DELETE FROM gpkg_contents WHERE table_name=?");
    bind_text(del.get(), 1, table);
    step_done(db, del.get());
    Stmt ins =
        prepare(db,
                "INSERT INTO gpkg_contents(table_name, data_type, identifier, description, last_change) "
                "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))");
    bind_text(ins.get(), 1, table);
    bind_text(ins.get(), 2, table);
    bind_text(ins.get(), 3, description);
    step_done(db, ins.get());
}

// ---- GDAL (area layers) ---------------------------------------------------------------------------

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using GdalPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
    });
}

void create_empty_geopackage(const std::string& path) {
    gdal_init();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (drv == nullptr) throw std::runtime_error("GDAL has no GPKG driver");
    {
        GdalPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw IoError(fmt::format("cannot create store '{}': {}", path, CPLGetLastErrorMsg()));
    }
    // 64 KiB pages (SQLite's largest; GDAL creates 4 KiB): large datasets are written and read with 16
    // times fewer page reads, writes and system calls. The new file is tiny, so the VACUUM is instant.
    Db db = open_db(path, true);
    exec(db.get(), "PRAGMA page_size=65536; VACUUM;");
}

void write_area_layer(const std::string& path, const AreaLayer& layer) {
    gdal_init();
    GdalPtr ds(static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)));
    if (!ds) throw std::runtime_error(fmt::format("cannot open store for update: {}", CPLGetLastErrorMsg()));
    const std::string name = area_layer_name(layer.level, layer.vintage);
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        if (name == ds->GetLayer(i)->GetName()) {
            ds->DeleteLayer(i);
            break;
        }
    }
    OGRSpatialReference rd;
    rd.importFromEPSG(28992);
    const char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                             "DESCRIPTION=wijkzicht area layer", nullptr};
    OGRLayer* out = ds->CreateLayer(name.c_str(), &rd, wkbMultiPolygon, const_cast<char**>(options));
    if (out == nullptr)
        throw std::runtime_error(fmt::format("cannot create layer {}: {}", name, CPLGetLastErrorMsg()));
    for (const char* field : {"code", "name", "wijk", "gemeente", "corop", "corop_plus", "provincie"}) {
        OGRFieldDefn def(field, OFTString);
        out->CreateField(&def);
    }
    if (out->StartTransaction() != OGRERR_NONE)
        throw std::runtime_error("cannot start a transaction on the store");
    for (const Area& a : layer.areas) {
        OGRFeature f(out->GetLayerDefn());
        f.SetField("code", a.code.c_str());
        if (!a.name.empty()) f.SetField("name", a.name.c_str());
        const std::pair<const char*, const std::string*> parents[] = {{"wijk", &a.wijk},
                                                                      {"gemeente", &a.gemeente},
                                                                      {"corop", &a.corop},
                                                                      {"corop_plus", &a.corop_plus},
                                                                      {"provincie", &a.provincie}};
        for (const auto& [field, value] : parents) {
            if (!value->empty()) f.SetField(field, value->c_str());
        }
        if (!a.wkb.empty()) {
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(a.wkb.data(), &rd, &g, a.wkb.size()) != OGRERR_NONE) {
                throw std::runtime_error("invalid geometry for " + a.code);
            }
            f.SetGeometryDirectly(g);
        }
        if (out->CreateFeature(&f) != OGRERR_NONE) {
            throw std::runtime_error(fmt::format("cannot write area {}: {}", a.code, CPLGetLastErrorMsg()));
        }
    }
    if (out->CommitTransaction() != OGRERR_NONE) throw std::runtime_error("cannot commit the area layer");
}

// ---- datasets -------------------------------------------------------------------------------------

std::string sql_type(ColumnType t) {
    switch (t) {
        case ColumnType::kInt:
            return "INTEGER";
        case ColumnType::kReal:
            return "REAL";
        case ColumnType::kText:
            return "TEXT";
    }
    return "TEXT";
}

void drop_dataset(sqlite3* db, const std::string& name) {
    exec(db, "DROP TABLE IF EXISTS " + quote_ident("ds_" + name));
    for (const char* table : {"wz_datasets", "wz_dataset_columns", "wz_missing", "wz_blocks"}) {
        Stmt s = prepare(db, fmt::format("DELETE FROM {} WHERE {}=?", table,
                                         std::string(table) == "wz_datasets" ? "name" : "dataset"));
        bind_text(s.get(), 1, name);
        step_done(db, s.get());
    }
    Stmt s = prepare(db, "DELETE FROM gpkg_contents WHERE table_name=?");
    bind_text(s.get(), 1, "ds_" + name);
    step_done(db, s.get());
}

static_assert(std::endian::native == std::endian::little, "wz_blocks holds little-endian values");

bool any_missing(const Column& col, std::size_t r0, std::size_t n) {
    const std::uint8_t* st = col.status().data() + r0;
    return std::any_of(st, st + n, [](std::uint8_t v) { return v != 0; });
}

// Writes rows [r0, r0 + n) of every column as block `block`: int64 or double values (0 or NaN where
// missing) or length-prefixed text (uint32 length, bytes), and the status bytes (NULL when none is missing).
void write_column_blocks(sqlite3_stmt* ins, sqlite3* db, const std::string& dataset, const Table& t,
                         std::size_t r0, std::size_t n, std::int64_t block, std::vector<unsigned char>& buf) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (const Column& col : t.columns()) {
        const bool missing = any_missing(col, r0, n);
        const void* data = nullptr;
        std::size_t bytes = 0;
        switch (col.type()) {
            case ColumnType::kReal:
                data = col.reals().data() + r0;
                bytes = n * sizeof(double);
                if (missing) {  // missing values are written as NaN
                    buf.resize(bytes);
                    std::memcpy(buf.data(), data, bytes);
                    const std::uint8_t* st = col.status().data() + r0;
                    for (std::size_t i = 0; i < n; ++i) {
                        if (st[i] != 0) std::memcpy(buf.data() + i * sizeof(double), &kNaN, sizeof(double));
                    }
                    data = buf.data();
                }
                break;
            case ColumnType::kInt:
                data = col.ints().data() + r0;
                bytes = n * sizeof(std::int64_t);
                if (missing) {  // missing values are written as 0
                    buf.resize(bytes);
                    std::memcpy(buf.data(), data, bytes);
                    const std::uint8_t* st = col.status().data() + r0;
                    for (std::size_t i = 0; i < n; ++i) {
                        if (st[i] != 0)
                            std::memset(buf.data() + i * sizeof(std::int64_t), 0, sizeof(std::int64_t));
                    }
                    data = buf.data();
                }
                break;
            case ColumnType::kText: {
                buf.clear();
                for (std::size_t i = 0; i < n; ++i) {
                    const std::string& v = col.text_at(r0 + i);
                    const auto len =
                        col.is_missing(r0 + i) ? std::uint32_t{0} : static_cast<std::uint32_t>(v.size());
                    unsigned char head[4];
                    std::memcpy(head, &len, 4);
                    buf.insert(buf.end(), head, head + 4);
                    if (len > 0) buf.insert(buf.end(), v.begin(), v.end());
                }
                data = buf.data();
                bytes = buf.size();
                break;
            }
        }
        bind_text(ins, 1, dataset);
        bind_text(ins, 2, col.name());
        sqlite3_bind_int64(ins, 3, block);
        sqlite3_bind_blob64(ins, 4, data, bytes, SQLITE_STATIC);
        if (missing) {
            sqlite3_bind_blob64(ins, 5, col.status().data() + r0, n, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(ins, 5);
        }
        step_done(db, ins);
    }
}

const char* const kInsertBlock =
    "INSERT INTO wz_blocks(dataset, column_name, block, \"values\", status) VALUES (?,?,?,?,?)";

// Writes every column in blocks of `block_rows` rows (see write_column_blocks).
void write_blocks(sqlite3* db, const Dataset& ds, std::size_t block_rows, ProgressStep& progress) {
    const Table& t = ds.table;
    const std::size_t rows = t.row_count();
    Stmt ins = prepare(db, kInsertBlock);
    std::vector<unsigned char> buf;
    std::int64_t block = 0;
    for (std::size_t r0 = 0; r0 < rows; r0 += block_rows, ++block) {
        const std::size_t n = std::min(block_rows, rows - r0);
        progress.advance(n * t.column_count());
        write_column_blocks(ins.get(), db, ds.name, t, r0, n, block, buf);
    }
}

// The rows of a streaming source, produced on a thread of their own one block ahead of the writer, so
// that reading and checking the input overlap with writing the store (two buffers, reused).
class PrefetchedBlocks {
  public:
    PrefetchedBlocks(RowBlocks& source, const Table& schema, std::size_t max_rows)
        : source_(source), max_rows_(max_rows), slots_{schema, schema} {
        for (Table& t : slots_) {
            t.clear_rows();
            free_.push_back(&t);
        }
        thread_ = std::thread([this, context = current_job()] { produce(context); });
    }
    ~PrefetchedBlocks() {
        {
            const std::lock_guard<std::mutex> lock(m_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    PrefetchedBlocks(const PrefetchedBlocks&) = delete;
    PrefetchedBlocks& operator=(const PrefetchedBlocks&) = delete;

    // The next block (valid until the next call), nullptr after the last; rethrows the source's error.
    const Table* next() {
        std::unique_lock<std::mutex> lock(m_);
        if (held_ != nullptr) {
            free_.push_back(held_);
            held_ = nullptr;
            cv_.notify_all();
        }
        cv_.wait(lock, [&] { return !full_.empty() || done_ || error_; });
        if (error_) std::rethrow_exception(error_);
        if (full_.empty()) return nullptr;
        held_ = full_.front();
        full_.pop_front();
        return held_;
    }

  private:
    void produce(const JobContext& context) {
        const JobScope scope(context);  // the job's cancel token and progress sink on this thread too
        try {
            for (;;) {
                Table* t = nullptr;
                {
                    std::unique_lock<std::mutex> lock(m_);
                    cv_.wait(lock, [&] { return !free_.empty() || stop_; });
                    if (stop_) return;
                    t = free_.back();
                    free_.pop_back();
                }
                t->clear_rows();
                const bool more = source_.next(*t, max_rows_);
                {
                    const std::lock_guard<std::mutex> lock(m_);
                    if (more) {
                        full_.push_back(t);
                    } else {
                        free_.push_back(t);
                        done_ = true;
                    }
                }
                cv_.notify_all();
                if (!more) return;
            }
        } catch (...) {
            {
                const std::lock_guard<std::mutex> lock(m_);
                error_ = std::current_exception();
            }
            cv_.notify_all();
        }
    }

    RowBlocks& source_;
    std::size_t max_rows_;
    std::array<Table, 2> slots_;
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<Table*> free_;
    std::deque<Table*> full_;
    Table* held_ = nullptr;
    bool done_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

// What the catalogue needs of a streamed dataset, gathered block by block.
struct StreamStats {
    std::size_t rows = 0;
    std::vector<std::array<std::size_t, kMissingKinds>> missing;  // per column, per reason
    std::set<std::int64_t> years;
    void add(const Table& t, std::size_t r0, std::size_t n) {
        missing.resize(t.column_count());
        for (std::size_t c = 0; c < t.column_count(); ++c) {
            const std::uint8_t* st = t.columns()[c].status().data() + r0;
            for (std::size_t i = 0; i < n; ++i)
                if (st[i] != 0) ++missing[c][st[i] < kMissingKinds ? st[i] : 0];
        }
        for (const char* name : {"year", "from_year", "to_year"}) {
            const Column* col = t.find(name);
            if (col == nullptr || col->type() != ColumnType::kInt) continue;
            for (std::size_t i = r0; i < r0 + n; ++i)
                if (!col->is_missing(i)) years.insert(col->int_at(i));
        }
        rows += n;
    }
};

// Writes rows into a dataset's attribute table ds_<name> (created here, with the columns of `schema`)
// and the reasons of missing values other than 'empty' into wz_missing, in parts if need be: the fids
// run 1, 2, ... across the parts. The rows go in batches: one INSERT of up to 256 rows (and at most
// 32,000 values) costs SQLite one statement's overhead and one sqlite_sequence update, not one per row.
class RowsWriter {
  public:
    RowsWriter(sqlite3* db, const std::string& name, const std::string& kind, const Table& schema)
        : db_(db), name_(name), cols_(schema.column_count()) {
        const std::string table = "ds_" + name;
        std::string create = "CREATE TABLE " + quote_ident(table) + " (fid INTEGER PRIMARY KEY AUTOINCREMENT";
        insert_ = "INSERT INTO " + quote_ident(table) + " (";
        params_ = "(";
        for (std::size_t c = 0; c < cols_; ++c) {
            const Column& col = schema.columns()[c];
            create += ", " + quote_ident(col.name()) + " " + sql_type(col.type());
            insert_ += (c ? ", " : "") + quote_ident(col.name());
            params_ += c ? ", ?" : "?";
        }
        params_ += ")";
        exec(db, create + ")");
        register_attributes(db, table, fmt::format("wijkzicht dataset {} ({})", name, kind));
        batch_ = std::clamp<std::size_t>(32000 / std::max<std::size_t>(cols_, 1), 1, 256);
    }

    // Appends rows [r0, r0 + n) of `t` (which has the schema's columns).
    void add(const Table& t, std::size_t r0, std::size_t n, ProgressStep& progress) {
        if (cols_ == 0) return;
        constexpr std::size_t kRowsPerReport = 8192;
        for (std::size_t b0 = r0; b0 < r0 + n; b0 += batch_) {
            const std::size_t m = std::min(batch_, r0 + n - b0);
            sqlite3_stmt* ins = statement(m);
            for (std::size_t r = b0; r < b0 + m; ++r) bind_row(ins, t, r, (r - b0) * cols_);
            if (sqlite3_step(ins) != SQLITE_DONE) fail(db_, "");
            sqlite3_reset(ins);
            written_ += m;
            if (written_ - reported_ >= kRowsPerReport) {
                progress.advance((written_ - reported_) * cols_);
                reported_ = written_;
            }
        }
    }

  private:
    // The INSERT of `m` rows at once (the full batch is kept; a shorter one is prepared for the last).
    sqlite3_stmt* statement(std::size_t m) {
        Stmt& s = m == batch_ ? full_ : last_;
        if (!s || (m != batch_ && last_rows_ != m)) {
            std::string sql = insert_ + ") VALUES ";
            for (std::size_t k = 0; k < m; ++k) sql += (k ? ", " : "") + params_;
            s = prepare(db_, sql);
            if (m != batch_) last_rows_ = m;
        }
        return s.get();
    }
    // Binds row r of t from parameter first + 1 on; a missing value's reason (not 'empty') into wz_missing.
    void bind_row(sqlite3_stmt* ins, const Table& t, std::size_t r, std::size_t first) {
        for (std::size_t c = 0; c < cols_; ++c) {
            const Column& col = t.columns()[c];
            const int i = static_cast<int>(first + c) + 1;
            if (col.is_missing(r)) {
                sqlite3_bind_null(ins, i);
                if (col.missing_reason(r) != Missing::kEmpty) {
                    if (!miss_)
                        miss_ = prepare(
                            db_,
                            "INSERT INTO wz_missing(dataset, row_fid, column_name, reason) VALUES (?,?,?,?)");
                    bind_text(miss_.get(), 1, name_);
                    // The row's fid: the rows written before this batch, then its place in the batch.
                    sqlite3_bind_int64(miss_.get(), 2,
                                       static_cast<sqlite3_int64>(written_ + first / cols_) + 1);
                    bind_text(miss_.get(), 3, col.name());
                    bind_text(miss_.get(), 4, std::string(missing_name(col.missing_reason(r))));
                    step_done(db_, miss_.get());
                }
                continue;
            }
            switch (col.type()) {
                case ColumnType::kInt:
                    sqlite3_bind_int64(ins, i, col.int_at(r));
                    break;
                case ColumnType::kReal:
                    sqlite3_bind_double(ins, i, col.real_at(r));
                    break;
                case ColumnType::kText:
                    sqlite3_bind_text(ins, i, col.text_at(r).data(), static_cast<int>(col.text_at(r).size()),
                                      SQLITE_STATIC);
                    break;
            }
        }
    }

    sqlite3* db_;
    std::string name_, insert_, params_;
    std::size_t cols_, batch_ = 1, last_rows_ = 0, written_ = 0, reported_ = 0;
    Stmt full_, last_, miss_;
};

// Writes the rows of the dataset into its attribute table ds_<name> (see RowsWriter).
void write_rows(sqlite3* db, const Dataset& ds, ProgressStep& progress) {
    RowsWriter rows(db, ds.name, ds.kind, ds.table);
    rows.add(ds.table, 0, ds.table.row_count(), progress);
}

// The catalogue rows of a dataset just written: its columns (with their missing counts) and its entry.
void write_catalogue(sqlite3* db, const Dataset& ds, std::int64_t run_id, std::size_t rows,
                     const std::vector<std::size_t>& missing_per_column,
                     const std::vector<std::int64_t>& years, bool blocks,
                     const std::array<std::size_t, kMissingKinds>& reason_counts) {
    const Table& t = ds.table;
    Stmt cols =
        prepare(db,
                "INSERT INTO wz_dataset_columns(dataset, position, name, type, unit, description, missing) "
                "VALUES (?,?,?,?,?,?,?)");
    for (std::size_t c = 0; c < t.column_count(); ++c) {
        const Column& col = t.columns()[c];
        bind_text(cols.get(), 1, ds.name);
        sqlite3_bind_int64(cols.get(), 2, static_cast<sqlite3_int64>(c));
        bind_text(cols.get(), 3, col.name());
        bind_text(cols.get(), 4, std::string(column_type_name(col.type())));
        bind_text(cols.get(), 5, col.unit);
        bind_text(cols.get(), 6, col.description);
        sqlite3_bind_int64(cols.get(), 7, static_cast<sqlite3_int64>(missing_per_column[c]));
        step_done(db, cols.get());
    }
    nlohmann::json reasons = nlohmann::json::object();
    for (int k = 2; k < kMissingKinds; ++k) {  // 'empty' (1) is not counted, as in wz_missing
        if (reason_counts[static_cast<std::size_t>(k)] > 0)
            reasons[std::string(missing_name(static_cast<Missing>(k)))] =
                reason_counts[static_cast<std::size_t>(k)];
    }
    Stmt cat = prepare(db,
                       "INSERT INTO wz_datasets(name, kind, level, row_count, years, meta, run_id, storage, "
                       "missing_reasons) VALUES (?,?,?,?,?,?,?,?,?)");
    bind_text(cat.get(), 1, ds.name);
    bind_text(cat.get(), 2, ds.kind);
    if (ds.level) bind_text(cat.get(), 3, std::string(level_name(*ds.level)));
    sqlite3_bind_int64(cat.get(), 4, static_cast<sqlite3_int64>(rows));
    bind_text(cat.get(), 5, nlohmann::json(years).dump());
    bind_text(cat.get(), 6, ds.meta.dump());
    sqlite3_bind_int64(cat.get(), 7, run_id);
    bind_text(cat.get(), 8, blocks ? "blocks" : "rows");
    if (blocks) bind_text(cat.get(), 9, reasons.dump());
    step_done(db, cat.get());
}

// Reads whole block `block` of every column of dataset `name` from wz_blocks of this connection (its
// transaction's rows too) into `into` (emptied first; the dataset's columns).
void read_block_rows(sqlite3* db, const std::string& name, std::int64_t block, Table& into);

// A streamed dataset: its rows come block by block from its source (on a thread of its own) and go
// straight into wz_blocks, re-cut to blocks of `block_rows`, from the first whole block on; only the rows
// short of a whole block are held. A dataset that ends up no larger than the threshold is an attribute
// table like any other: its blocks (at most threshold / block_rows) are read back one at a time into it
// and removed.
void write_streamed_dataset(sqlite3* db, const Dataset& ds, std::int64_t run_id, const StoreOptions& options,
                            ProgressStep& progress) {
    drop_dataset(db, ds.name);
    const std::size_t block_rows = std::max<std::size_t>(options.block_rows, 1);
    Table staging = ds.table;  // rows not yet in a whole block
    staging.clear_rows();
    StreamStats stats;
    std::int64_t block = 0;
    Stmt ins;
    std::vector<unsigned char> buf;
    const auto write = [&](const Table& t, std::size_t r0, std::size_t n) {
        if (!ins) ins = prepare(db, kInsertBlock);
        write_column_blocks(ins.get(), db, ds.name, t, r0, n, block++, buf);
    };
    // Writes the staged rows in whole blocks (all of them when `last`), keeping the rest staged.
    const auto flush = [&](bool last) {
        const std::size_t n = staging.row_count();
        std::size_t r0 = 0;
        for (; r0 + block_rows <= n || (last && r0 < n); r0 += block_rows)
            write(staging, r0, std::min(block_rows, n - r0));
        if (r0 == 0) return;
        if (r0 >= n) {
            staging.clear_rows();
            return;
        }
        Table rest = ds.table;
        rest.clear_rows();
        append_rows(rest, staging, r0, n - r0);
        staging = std::move(rest);
    };
    {
        PrefetchedBlocks source(*ds.rows, ds.table, block_rows);
        while (const Table* b = source.next()) {
            b->check_shape();
            const std::size_t n = b->row_count();
            stats.add(*b, 0, n);
            if (staging.row_count() == 0 && n == block_rows) {
                write(*b, 0, n);  // the common case: a whole block, written without a copy
            } else {
                append_rows(staging, *b, 0, n);
                flush(false);
            }
            progress.check();
        }
    }
    Dataset info{ds.name, ds.kind, ds.level, Table(), ds.meta, nullptr};
    ds.rows->finish(info);
    const bool blocks = stats.rows > options.block_threshold_rows;
    if (blocks) {
        flush(true);
    } else {
        RowsWriter rows(db, ds.name, ds.kind, ds.table);
        if (block > 0) {
            Table back = ds.table;
            for (std::int64_t k = 0; k < block; ++k) {
                read_block_rows(db, ds.name, k, back);
                rows.add(back, 0, back.row_count(), progress);
            }
            Stmt del = prepare(db, "DELETE FROM wz_blocks WHERE dataset=?");
            bind_text(del.get(), 1, ds.name);
            step_done(db, del.get());
        }
        rows.add(staging, 0, staging.row_count(), progress);
    }
    info.table = ds.table;  // the columns, with their units and descriptions, for the catalogue
    info.table.clear_rows();
    stats.missing.resize(info.table.column_count());
    std::vector<std::size_t> missing(info.table.column_count(), 0);
    std::array<std::size_t, kMissingKinds> reasons{};
    for (std::size_t c = 0; c < stats.missing.size(); ++c) {
        for (std::size_t k = 1; k < kMissingKinds; ++k) {
            missing[c] += stats.missing[c][k];
            reasons[k] += stats.missing[c][k];
        }
    }
    write_catalogue(db, info, run_id, stats.rows, missing, {stats.years.begin(), stats.years.end()}, blocks,
                    reasons);
}

void write_dataset(sqlite3* db, const Dataset& ds, std::int64_t run_id, const StoreOptions& options,
                   ProgressStep& progress) {
    if (ds.rows) {
        write_streamed_dataset(db, ds, run_id, options, progress);
        return;
    }
    drop_dataset(db, ds.name);
    const Table& t = ds.table;
    t.check_shape();
    const std::size_t rows = t.row_count();
    const bool blocks = rows > options.block_threshold_rows;
    std::array<std::size_t, kMissingKinds> counts{};
    if (blocks) {
        write_blocks(db, ds, std::max<std::size_t>(options.block_rows, 1), progress);
        for (const Column& col : t.columns()) {
            for (std::uint8_t v : col.status()) ++counts[v < kMissingKinds ? v : 0];
        }
    } else {
        write_rows(db, ds, progress);
    }
    std::vector<std::size_t> missing;
    for (const Column& col : t.columns()) missing.push_back(col.missing_count());
    write_catalogue(db, ds, run_id, rows, missing, dataset_years(t), blocks, counts);
}

void record_area_layer(sqlite3* db, const AreaLayer& layer, std::int64_t run_id) {
    const std::string name = area_layer_name(layer.level, layer.vintage);
    Stmt del = prepare(db, "DELETE FROM wz_area_layers WHERE layer_name=?");
    bind_text(del.get(), 1, name);
    step_done(db, del.get());
    nlohmann::json links = nlohmann::json::object();
    for (const char* parent : {"wijk", "gemeente", "corop", "corop_plus", "provincie"}) {
        const std::size_t n = layer.parent_links(parent);
        if (n > 0) links[parent] = n;
    }
    Stmt s = prepare(
        db,
        "INSERT INTO wz_area_layers(layer_name, level, vintage, area_count, empty_geometries, parent_links, "
        "source_crs, run_id) VALUES (?,?,?,?,?,?,?,?)");
    bind_text(s.get(), 1, name);
    bind_text(s.get(), 2, std::string(level_name(layer.level)));
    sqlite3_bind_int64(s.get(), 3, layer.vintage);
    sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(layer.areas.size()));
    sqlite3_bind_int64(s.get(), 5, static_cast<sqlite3_int64>(layer.empty_geometries()));
    bind_text(s.get(), 6, links.dump());
    bind_text(s.get(), 7, layer.source_crs);
    sqlite3_bind_int64(s.get(), 8, run_id);
    step_done(db, s.get());
}

std::int64_t record_run(sqlite3* db, const RunRecord& run) {
    Stmt s = prepare(db,
                     "INSERT INTO wz_runs(command, parameters, program_version, started, finished, seed) "
                     "VALUES (?,?,?,?,?,?)");
    bind_text(s.get(), 1, run.command);
    bind_text(s.get(), 2, run.parameters.dump());
    bind_text(s.get(), 3, kVersion);
    bind_text(s.get(), 4, run.started.empty() ? utc_now() : run.started);
    bind_text(s.get(), 5, utc_now());
    if (run.seed) sqlite3_bind_int64(s.get(), 6, static_cast<sqlite3_int64>(*run.seed));
    step_done(db, s.get());
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    Stmt in = prepare(db, "INSERT INTO wz_run_inputs(run_id, path, sha256, bytes) VALUES (?,?,?,?)");
    for (const auto& f : run.inputs) {
        sqlite3_bind_int64(in.get(), 1, id);
        bind_text(in.get(), 2, f.path);
        bind_text(in.get(), 3, f.sha256);
        sqlite3_bind_int64(in.get(), 4, static_cast<sqlite3_int64>(f.bytes));
        step_done(db, in.get());
    }
    return id;
}

// ---- map layers ---------------------------------------------------------------------------------

// QGIS's own layout of the styles table of a GeoPackage (what QGIS creates when it saves a style there).
const char* kMapSchema = R"sql(
CREATE TABLE IF NOT EXISTS wz_map_layers (fid INTEGER PRIMARY KEY AUTOINCREMENT, layer_name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, level TEXT, vintage INTEGER NOT NULL, feature_count INTEGER NOT NULL, description TEXT,
  run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
  f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30),
  styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
)sql";

constexpr std::int32_t kRdNew = 28992;

void delete_where(sqlite3* db, const std::string& table, const std::string& column,
                  const std::string& value) {
    if (!table_exists(db, table)) return;
    Stmt s = prepare(db, fmt::format("DELETE FROM {} WHERE {}=?", quote_ident(table), column));
    bind_text(s.get(), 1, value);
    step_done(db, s.get());
}

void drop_map_layer(sqlite3* db, const std::string& name) {
    exec(db, "DROP TABLE IF EXISTS " + quote_ident(name));
    delete_where(db, "gpkg_contents", "table_name", name);
    delete_where(db, "gpkg_geometry_columns", "table_name", name);
    delete_where(db, "gpkg_ogr_contents", "table_name", name);
    delete_where(db, "gpkg_extensions", "table_name", name);
    delete_where(db, "layer_styles", "f_table_name", name);
    delete_where(db, "wz_map_layers", "layer_name", name);
}

// EPSG:28992 in gpkg_spatial_ref_sys (GDAL puts it there with the first area layer; a store without one
// gets it here).
void ensure_rd_new(sqlite3* db) {
    Stmt q = prepare(db, "SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id=?");
    sqlite3_bind_int(q.get(), 1, kRdNew);
    if (next_row(q.get())) return;
    OGRSpatialReference rd;
    rd.importFromEPSG(kRdNew);
    char* wkt = nullptr;
    rd.exportToWkt(&wkt);
    const std::string definition = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    Stmt s =
        prepare(db,
                "INSERT INTO gpkg_spatial_ref_sys(srs_name, srs_id, organization, organization_coordsys_id, "
                "definition) VALUES ('Amersfoort / RD New', ?, 'EPSG', ?, ?)");
    sqlite3_bind_int(s.get(), 1, kRdNew);
    sqlite3_bind_int(s.get(), 2, kRdNew);
    bind_text(s.get(), 3, definition);
    step_done(db, s.get());
}

// Writes one map layer as a GeoPackage feature table (no spatial index: QGIS draws a few ten thousand
// polygons without one) with its styles. The styles' update_time stays NULL: a run's output does not
// depend on the clock (the same inputs give the same store content).
void write_map_layer(sqlite3* db, const MapLayer& layer, std::int64_t run_id) {
    const Table& t = layer.table;
    t.check_shape();
    if (layer.geometries.size() != t.row_count()) {
        throw std::logic_error(fmt::format("map layer {}: {} geometries for {} rows", layer.name,
                                           layer.geometries.size(), t.row_count()));
    }
    std::string create = "CREATE TABLE " + quote_ident(layer.name) +
                         " (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON";
    std::string insert = "INSERT INTO " + quote_ident(layer.name) + " (geom";
    std::string params = "?";
    for (const Column& col : t.columns()) {
        create += ", " + quote_ident(col.name()) + " " + sql_type(col.type());
        insert += ", " + quote_ident(col.name());
        params += ", ?";
    }
    exec(db, create + ")");
    Stmt ins = prepare(db, insert + ") VALUES (" + params + ")");
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::array<double, 4> extent = {kInf, kInf, -kInf, -kInf};
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (r % 4096 == 4095) check_cancelled();
        const std::vector<std::uint8_t> wkb = promote_to_multipolygon(layer.geometries[r]);
        if (const auto env = wkb_envelope(wkb)) {
            extent = {std::min(extent[0], (*env)[0]), std::min(extent[1], (*env)[1]),
                      std::max(extent[2], (*env)[2]), std::max(extent[3], (*env)[3])};
        }
        if (wkb.empty()) {
            sqlite3_bind_null(ins.get(), 1);
        } else {
            const std::vector<std::uint8_t> blob = gpkg_geometry_blob(wkb, kRdNew);
            sqlite3_bind_blob64(ins.get(), 1, blob.data(), blob.size(), SQLITE_TRANSIENT);
        }
        for (std::size_t c = 0; c < t.column_count(); ++c) {
            const Column& col = t.columns()[c];
            const int i = static_cast<int>(c) + 2;
            if (col.is_missing(r)) {
                sqlite3_bind_null(ins.get(), i);
            } else if (col.type() == ColumnType::kInt) {
                sqlite3_bind_int64(ins.get(), i, col.int_at(r));
            } else if (col.type() == ColumnType::kReal) {
                sqlite3_bind_double(ins.get(), i, col.real_at(r));
            } else {
                bind_text(ins.get(), i, col.text_at(r));
            }
        }
        step_done(db, ins.get());
    }
    ensure_rd_new(db);
    Stmt contents = prepare(db,
                            "INSERT INTO gpkg_contents(table_name, data_type, identifier, description, "
                            "last_change, min_x, min_y, "
                            "max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, "
                            "strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?, ?, ?, ?, ?)");
    bind_text(contents.get(), 1, layer.name);
    bind_text(contents.get(), 2, layer.name);
    bind_text(contents.get(), 3, layer.description);
    for (int k = 0; k < 4; ++k) {
        if (std::isfinite(extent[static_cast<std::size_t>(k)])) {
            sqlite3_bind_double(contents.get(), 4 + k, extent[static_cast<std::size_t>(k)]);
        } else {
            sqlite3_bind_null(contents.get(), 4 + k);
        }
    }
    sqlite3_bind_int(contents.get(), 8, kRdNew);
    step_done(db, contents.get());
    Stmt geom = prepare(
        db,
        "INSERT INTO gpkg_geometry_columns(table_name, column_name, geometry_type_name, srs_id, z, m) "
        "VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)");
    bind_text(geom.get(), 1, layer.name);
    sqlite3_bind_int(geom.get(), 2, kRdNew);
    step_done(db, geom.get());
    if (table_exists(db, "gpkg_ogr_contents")) {  // GDAL's feature counts
        Stmt s = prepare(db, "INSERT INTO gpkg_ogr_contents(table_name, feature_count) VALUES (?, ?)");
        bind_text(s.get(), 1, layer.name);
        sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(t.row_count()));
        step_done(db, s.get());
    }
    Stmt style =
        prepare(db,
                "INSERT INTO layer_styles(f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES ('', '', ?, 'geom', ?, ?, '', ?, ?, 'wijkzicht', '', NULL)");
    bool default_given = false;
    for (const auto& st : layer.styles) {
        const bool is_default = st.use_as_default && !default_given;
        default_given = default_given || is_default;
        bind_text(style.get(), 1, layer.name);
        bind_text(style.get(), 2, st.name);
        bind_text(style.get(), 3, st.qml);
        sqlite3_bind_int(style.get(), 4, is_default ? 1 : 0);
        bind_text(style.get(), 5, st.description);
        step_done(db, style.get());
    }
    Stmt cat = prepare(
        db,
        "INSERT INTO wz_map_layers(layer_name, kind, level, vintage, feature_count, description, run_id) "
        "VALUES (?,?,?,?,?,?,?)");
    bind_text(cat.get(), 1, layer.name);
    bind_text(cat.get(), 2, layer.kind);
    if (layer.level) bind_text(cat.get(), 3, std::string(level_name(*layer.level)));
    sqlite3_bind_int64(cat.get(), 4, layer.vintage);
    sqlite3_bind_int64(cat.get(), 5, static_cast<sqlite3_int64>(t.row_count()));
    bind_text(cat.get(), 6, layer.description);
    sqlite3_bind_int64(cat.get(), 7, run_id);
    step_done(db, cat.get());
}

// Replaces every stored map layer of the update's kinds (and of its names) by the update's layers.
void write_map_layers(sqlite3* db, const std::vector<MapLayer>& layers, std::int64_t run_id) {
    if (layers.empty()) return;
    exec(db, kMapSchema);
    register_attributes(db, "wz_map_layers", "wijkzicht catalogue of map layers");
    register_attributes(db, "layer_styles", "QGIS layer styles");
    std::vector<std::string> drop;
    Stmt q = prepare(db, "SELECT layer_name FROM wz_map_layers WHERE kind=?");
    for (const MapLayer& layer : layers) {
        drop.push_back(layer.name);
        bind_text(q.get(), 1, layer.kind);
        while (next_row(q.get())) drop.push_back(column_text(q.get(), 0));
        sqlite3_reset(q.get());
    }
    q.reset();
    std::sort(drop.begin(), drop.end());
    drop.erase(std::unique(drop.begin(), drop.end()), drop.end());
    for (const std::string& name : drop) {
        if (name.rfind("map_", 0) != 0) throw std::logic_error("map layer names start with map_: " + name);
        drop_map_layer(db, name);
    }
    for (const MapLayer& layer : layers) write_map_layer(db, layer, run_id);
}

// Checks that `path` is a GeoPackage wijkzicht can use, after recovering what a killed run left beside it
// (see store_guard.hpp). `lock`: the store lock the caller holds (nullptr for readers).
void check_is_geopackage(const std::string& path, const store_guard::StoreLock* lock = nullptr) {
    {
        std::ifstream in(path, std::ios::binary);
        char head[16] = {};
        in.read(head, 16);
        if (!in || std::string(head, 15) != "SQLite format 3") {
            throw UsageError(fmt::format(
                "'{}' is not a GeoPackage (not an SQLite file); refusing to use or overwrite it: name a "
                "store wijkzicht made, or a new file with --store",
                path));
        }
    }
    store_guard::recover_store(path, lock);
    store_guard::check_store_length(path);
    Db db = open_db(path, false);
    if (!table_exists(db.get(), "gpkg_contents")) {
        throw UsageError(fmt::format(
            "'{}' is an SQLite file but not a GeoPackage (no gpkg_contents); refusing to use it", path));
    }
}

void fsync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

[[noreturn]] void corrupt_block(const std::string& dataset, const std::string& column, std::int64_t block) {
    throw std::runtime_error(
        fmt::format("store: block {} of column '{}' of dataset '{}' is damaged", block, column, dataset));
}

// Appends one stored block of a column (its values blob `v` and, when some are missing, its status blob
// `st`) to `col`; a block that does not decode is a damaged store (corrupt_block).
void append_column_block(Column& col, const unsigned char* v, std::size_t vbytes, const std::uint8_t* st,
                         std::size_t sbytes, const std::string& name, std::int64_t block,
                         std::vector<double>& reals, std::vector<std::uint8_t>& zeros) {
    const auto status_ok = [&](std::size_t n) {
        if (st != nullptr && sbytes != n) corrupt_block(name, col.name(), block);
        if (st != nullptr) {
            for (std::size_t i = 0; i < n; ++i) {
                if (st[i] >= kMissingKinds) corrupt_block(name, col.name(), block);
            }
        }
    };
    switch (col.type()) {
        case ColumnType::kReal: {
            if (vbytes % sizeof(double) != 0) corrupt_block(name, col.name(), block);
            const std::size_t n = vbytes / sizeof(double);
            status_ok(n);
            if (zeros.size() < n) zeros.assign(n, 0);
            const double* values = nullptr;
            if (reinterpret_cast<std::uintptr_t>(v) % alignof(double) == 0) {
                values = reinterpret_cast<const double*>(v);  // SQLite's buffer (malloc'ed)
            } else {
                reals.resize(n);
                if (n > 0) std::memcpy(reals.data(), v, vbytes);
                values = reals.data();
            }
            col.append_block(values, st != nullptr ? st : zeros.data(), n);
            break;
        }
        case ColumnType::kInt: {
            if (vbytes % sizeof(std::int64_t) != 0) corrupt_block(name, col.name(), block);
            const std::size_t n = vbytes / sizeof(std::int64_t);
            status_ok(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (st != nullptr && st[i] != 0) {
                    col.push_missing(static_cast<Missing>(st[i]));
                    continue;
                }
                std::int64_t x = 0;
                std::memcpy(&x, v + i * sizeof(x), sizeof(x));
                col.push_int(x);
            }
            break;
        }
        case ColumnType::kText: {
            std::size_t at = 0, n = 0;
            while (at < vbytes) {
                std::uint32_t len = 0;
                if (vbytes - at < 4) corrupt_block(name, col.name(), block);
                std::memcpy(&len, v + at, 4);
                at += 4;
                if (vbytes - at < len) corrupt_block(name, col.name(), block);
                const std::uint8_t why = st != nullptr && n < sbytes ? st[n] : 0;
                if (why != 0) {
                    if (why >= kMissingKinds) corrupt_block(name, col.name(), block);
                    col.push_missing(static_cast<Missing>(why));
                } else {
                    col.push_text(std::string_view(reinterpret_cast<const char*>(v + at), len));
                }
                at += len;
                ++n;
            }
            status_ok(n);
            break;
        }
    }
}

void read_block_rows(sqlite3* db, const std::string& name, std::int64_t block, Table& into) {
    Stmt s =
        prepare(db, "SELECT \"values\", status FROM wz_blocks WHERE dataset=? AND column_name=? AND block=?");
    std::vector<std::uint8_t> zeros;
    std::vector<double> reals;
    into.clear_rows();
    for (Column& col : into.columns()) {
        bind_text(s.get(), 1, name);
        bind_text(s.get(), 2, col.name());
        sqlite3_bind_int64(s.get(), 3, block);
        if (!next_row(s.get())) corrupt_block(name, col.name(), block);
        append_column_block(col, static_cast<const unsigned char*>(sqlite3_column_blob(s.get(), 0)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 0)),
                            static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 1)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1)), name, block, reals,
                            zeros);
        sqlite3_reset(s.get());
    }
    into.check_shape();
}

// Reads a block dataset's columns (created with their names and types) from wz_blocks.
void read_blocks(sqlite3* db, const std::string& name, std::size_t rows, Table& table) {
    Stmt s = prepare(db,
                     "SELECT block, \"values\", status FROM wz_blocks WHERE dataset=? AND column_name=? "
                     "ORDER BY block");
    std::vector<std::uint8_t> zeros;
    std::vector<double> reals;
    for (Column& col : table.columns()) {
        col.reserve(rows);
        bind_text(s.get(), 1, name);
        bind_text(s.get(), 2, col.name());
        std::int64_t expected = 0;
        while (next_row(s.get())) {
            check_cancelled();
            const std::int64_t block = sqlite3_column_int64(s.get(), 0);
            if (block != expected++) corrupt_block(name, col.name(), block);
            append_column_block(col, static_cast<const unsigned char*>(sqlite3_column_blob(s.get(), 1)),
                                static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1)),
                                static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 2)),
                                static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 2)), name, block,
                                reals, zeros);
        }
        sqlite3_reset(s.get());
        if (col.size() != rows) {
            throw std::runtime_error(fmt::format("store: column '{}' of dataset '{}' has {} of {} rows",
                                                 col.name(), name, col.size(), rows));
        }
    }
}

}  // namespace

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

InputFile describe_input(const std::string& path) {
    std::uint64_t bytes = 0;
    std::string hex = sha256_of_file(path, &bytes);
    return InputFile{path, std::move(hex), bytes};
}

namespace {

// Writes the catalogue, the run record and every dataset inside the open transaction.
std::int64_t write_update(sqlite3* db, const StoreUpdate& update, const StoreOptions& options,
                          store_guard::StoreLock& lock) {
    create_or_upgrade_schema(db);
    for (const char* t : {"wz_runs", "wz_run_inputs", "wz_datasets", "wz_area_layers"}) {
        register_attributes(db, t, "wijkzicht catalogue and provenance");
    }
    const std::int64_t run_id = record_run(db, update.run);
    lock.record_run(run_id);  // a crash from here on is rolled back and reported as this run
    for (const auto& layer : update.area_layers) record_area_layer(db, layer, run_id);
    // Progress in values (rows x columns) written.
    std::uint64_t values = 0;
    for (const auto& ds : update.datasets) values += ds.table.row_count() * ds.table.column_count();
    ProgressStep progress(
        fmt::format("storing {} dataset{}", update.datasets.size(), update.datasets.size() == 1 ? "" : "s"),
        values, "values");
    for (const auto& ds : update.datasets) write_dataset(db, ds, run_id, options, progress);
    progress.check();
    // Inputs read by streaming sources were hashed on the way; any other input left without a hash
    // (recorded with an empty one) is hashed now.
    {
        Stmt set =
            prepare(db, "UPDATE wz_run_inputs SET sha256=?, bytes=? WHERE run_id=? AND path=? AND sha256=''");
        const auto record = [&](const std::string& path, const std::string& sha, std::uint64_t bytes) {
            bind_text(set.get(), 1, sha);
            sqlite3_bind_int64(set.get(), 2, static_cast<sqlite3_int64>(bytes));
            sqlite3_bind_int64(set.get(), 3, run_id);
            bind_text(set.get(), 4, path);
            step_done(db, set.get());
        };
        for (const auto& ds : update.datasets)
            if (ds.rows)
                for (const StreamedInput& in : ds.rows->inputs()) record(in.path, in.sha256, in.bytes);
        for (const InputFile& f : update.run.inputs) {
            if (!f.sha256.empty()) continue;
            const InputFile d = describe_input(f.path);
            record(d.path, d.sha256, d.bytes);
        }
    }
    write_map_layers(db, update.map_layers, run_id);
    return run_id;
}

// An update without area layers on an existing store: one transaction on the store itself. SQLite's
// rollback journal keeps the original pages, so an error (rolled back here) or a crash (rolled back
// when the store is next opened) leaves the store as it was.
std::int64_t apply_in_place(const std::string& store, const StoreUpdate& update, const StoreOptions& options,
                            store_guard::StoreLock& lock) {
    Db db = open_db(store, true);
    // journal_mode=DELETE (SQLite's default, set explicitly): the journal exists only while a run writes,
    // and the store stays one self-contained file (docs/store.md says why not WAL).
    stop_statements_on_cancel(db.get());
    exec(db.get(), "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768;");
    exec(db.get(), "BEGIN IMMEDIATE");
    std::int64_t run_id = 0;
    try {
        run_id = write_update(db.get(), update, options, lock);
        // Past this point the update is committed whole, even when a cancel arrives during the commit.
        sqlite3_progress_handler(db.get(), 0, nullptr, nullptr);
        exec(db.get(), "COMMIT");
    } catch (...) {
        sqlite3_progress_handler(db.get(), 0, nullptr, nullptr);
        sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return run_id;
}

// A new store, or an update with area layers (GDAL writes them in its own transactions): the update is
// made on a copy that replaces the store only when all of it succeeded.
std::int64_t apply_on_copy(const fs::path& store, bool existed, const StoreUpdate& update,
                           const StoreOptions& options, store_guard::StoreLock& lock) {
    const std::string tmp = store.string() + fmt::format(".tmp-{}", ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    std::int64_t run_id = 0;
    try {
        if (existed) {
            fs::copy_file(store, tmp, fs::copy_options::overwrite_existing);
        } else {
            create_empty_geopackage(tmp);
        }
        for (const auto& layer : update.area_layers) write_area_layer(tmp, layer);
        Db db = open_db(tmp, true);
        stop_statements_on_cancel(db.get());
        exec(db.get(), "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
        exec(db.get(), "BEGIN");
        run_id = write_update(db.get(), update, options, lock);
        sqlite3_progress_handler(db.get(), 0, nullptr, nullptr);
        exec(db.get(), "COMMIT");
        db.reset();
        fsync_file(tmp);
        fs::rename(tmp, store);
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    return run_id;
}

}  // namespace

std::int64_t apply_to_store(const std::string& store_path, const StoreUpdate& update) {
    return apply_to_store(store_path, update, StoreOptions{});
}

std::int64_t apply_to_store(const std::string& store_path, const StoreUpdate& update,
                            const StoreOptions& options) {
    const fs::path store = fs::absolute(store_path);
    if (store.has_parent_path() && !fs::exists(store.parent_path())) {
        throw UsageError(
            fmt::format("--store: the folder '{}' does not exist", store.parent_path().string()));
    }
    store_guard::StoreLock lock(store.string(), update.run.command);
    const bool existed = fs::exists(store);
    if (existed) {
        check_is_geopackage(store.string(), &lock);  // recovers what a killed run left first
        std::string why;
        if (!store_guard::store_writable(store.string(), &why)) {
            throw UsageError(
                fmt::format("cannot write to the store '{}': {}; make it writable (e.g. chmod u+w "
                            "'{}') or name another store with --store",
                            store.string(), why, store.string()));
        }
    } else {
        store_guard::recover_store(store.string(), &lock);  // unfinished copies of a killed first run
        // A journal without its store (the store was deleted or moved) must not be applied to a new one.
        std::error_code ec;
        if (fs::remove(store.string() + "-journal", ec)) {
            store_guard::notice(
                fmt::format("removed '{}-journal', a journal left without its store", store.string()));
        }
    }
    if (existed && update.area_layers.empty()) return apply_in_place(store.string(), update, options, lock);
    return apply_on_copy(store, existed, update, options, lock);
}

nlohmann::json store_inventory(const std::string& store_path) {
    if (!fs::exists(store_path))
        throw NotFoundError(fmt::format("no store at '{}' (an import creates one)", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    nlohmann::json out;
    out["store"] = store_path;
    out["format"] = "GeoPackage";
    out["areas"] = nlohmann::json::array();
    out["datasets"] = nlohmann::json::array();
    out["runs"] = nlohmann::json::array();
    if (!table_exists(db.get(), "wz_runs")) return out;
    {
        Stmt s = prepare(
            db.get(),
            "SELECT layer_name, level, vintage, area_count, empty_geometries, parent_links, source_crs "
            "FROM wz_area_layers ORDER BY level, vintage");
        while (next_row(s.get())) {
            out["areas"].push_back({{"layer", column_text(s.get(), 0)},
                                    {"level", column_text(s.get(), 1)},
                                    {"vintage", sqlite3_column_int64(s.get(), 2)},
                                    {"count", sqlite3_column_int64(s.get(), 3)},
                                    {"empty_geometries", sqlite3_column_int64(s.get(), 4)},
                                    {"parent_links", nlohmann::json::parse(column_text(s.get(), 5))},
                                    {"source_crs", column_text(s.get(), 6)}});
        }
    }
    {
        const bool has_storage = has_column(db.get(), "wz_datasets", "storage") &&
                                 has_column(db.get(), "wz_datasets", "missing_reasons");
        Stmt s = prepare(db.get(), std::string("SELECT name, kind, level, row_count, years, meta, run_id, ") +
                                       (has_storage ? "storage, missing_reasons" : "'rows', NULL") +
                                       " FROM wz_datasets ORDER BY name");
        Stmt c = prepare(
            db.get(),
            "SELECT name, type, unit, missing FROM wz_dataset_columns WHERE dataset=? ORDER BY position");
        Stmt m = prepare(
            db.get(),
            "SELECT reason, count(*) FROM wz_missing WHERE dataset=? GROUP BY reason ORDER BY reason");
        while (next_row(s.get())) {
            const std::string name = column_text(s.get(), 0);
            nlohmann::json ds = {{"name", name},
                                 {"table", "ds_" + name},
                                 {"kind", column_text(s.get(), 1)},
                                 {"level", sqlite3_column_type(s.get(), 2) == SQLITE_NULL
                                               ? nlohmann::json()
                                               : nlohmann::json(column_text(s.get(), 2))},
                                 {"rows", sqlite3_column_int64(s.get(), 3)},
                                 {"years", nlohmann::json::parse(column_text(s.get(), 4))},
                                 {"meta", nlohmann::json::parse(column_text(s.get(), 5))},
                                 {"run", sqlite3_column_int64(s.get(), 6)}};
            nlohmann::json cols = nlohmann::json::array();
            bind_text(c.get(), 1, name);
            while (next_row(c.get())) {
                nlohmann::json col = {{"name", column_text(c.get(), 0)},
                                      {"type", column_text(c.get(), 1)},
                                      {"missing", sqlite3_column_int64(c.get(), 3)}};
                if (!column_text(c.get(), 2).empty()) col["unit"] = column_text(c.get(), 2);
                cols.push_back(col);
            }
            sqlite3_reset(c.get());
            ds["columns"] = cols;
            const std::string storage = column_text(s.get(), 7);
            ds["storage"] = storage;
            nlohmann::json reasons = nlohmann::json::object();
            if (storage == "blocks") {
                reasons = nlohmann::json::parse(column_text(s.get(), 8));
            } else {
                bind_text(m.get(), 1, name);
                while (next_row(m.get())) reasons[column_text(m.get(), 0)] = sqlite3_column_int64(m.get(), 1);
                sqlite3_reset(m.get());
            }
            ds["missing_by_reason"] = reasons;
            out["datasets"].push_back(ds);
        }
    }
    if (table_exists(db.get(), "wz_map_layers")) {
        out["map_layers"] = nlohmann::json::array();
        Stmt s =
            prepare(db.get(),
                    "SELECT layer_name, kind, level, vintage, feature_count, run_id FROM wz_map_layers ORDER "
                    "BY layer_name");
        while (next_row(s.get())) {
            out["map_layers"].push_back({{"layer", column_text(s.get(), 0)},
                                         {"kind", column_text(s.get(), 1)},
                                         {"level", column_text(s.get(), 2)},
                                         {"vintage", sqlite3_column_int64(s.get(), 3)},
                                         {"features", sqlite3_column_int64(s.get(), 4)},
                                         {"run", sqlite3_column_int64(s.get(), 5)}});
        }
    }
    {
        Stmt s = prepare(db.get(),
                         "SELECT fid, command, parameters, program_version, started, finished, seed FROM "
                         "wz_runs ORDER BY fid");
        Stmt in =
            prepare(db.get(), "SELECT path, sha256, bytes FROM wz_run_inputs WHERE run_id=? ORDER BY fid");
        while (next_row(s.get())) {
            nlohmann::json run = {{"id", sqlite3_column_int64(s.get(), 0)},
                                  {"command", column_text(s.get(), 1)},
                                  {"parameters", nlohmann::json::parse(column_text(s.get(), 2))},
                                  {"program_version", column_text(s.get(), 3)},
                                  {"started", column_text(s.get(), 4)},
                                  {"finished", column_text(s.get(), 5)}};
            if (sqlite3_column_type(s.get(), 6) != SQLITE_NULL)
                run["seed"] = sqlite3_column_int64(s.get(), 6);
            nlohmann::json inputs = nlohmann::json::array();
            sqlite3_bind_int64(in.get(), 1, sqlite3_column_int64(s.get(), 0));
            while (next_row(in.get())) {
                inputs.push_back({{"path", column_text(in.get(), 0)},
                                  {"sha256", column_text(in.get(), 1)},
                                  {"bytes", sqlite3_column_int64(in.get(), 2)}});
            }
            sqlite3_reset(in.get());
            run["inputs"] = inputs;
            out["runs"].push_back(run);
        }
    }
    return out;
}

bool has_dataset(const std::string& store_path, const std::string& name) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    sqlite3_busy_timeout(db.get(), 10000);
    if (!table_exists(db.get(), "wz_datasets")) return false;
    Stmt s = prepare(db.get(), "SELECT 1 FROM wz_datasets WHERE name=?");
    bind_text(s.get(), 1, name);
    return sqlite3_step(s.get()) == SQLITE_ROW;
}

std::optional<Dataset> find_dataset(const std::string& store_path, const std::string& name,
                                    const std::vector<std::string>& columns) {
    if (!has_dataset(store_path, name)) return std::nullopt;
    return read_dataset(store_path, name, columns);
}

Dataset read_dataset(const std::string& store_path, const std::string& name) {
    return read_dataset(store_path, name, {});
}

Dataset read_dataset(const std::string& store_path, const std::string& name,
                     const std::vector<std::string>& columns) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    sqlite3_busy_timeout(db.get(), 10000);
    exec(db.get(), "PRAGMA mmap_size=1099511627776;");
    Dataset ds;
    ds.name = name;
    if (!table_exists(db.get(), "wz_datasets")) {
        throw NotFoundError(
            fmt::format("the store has no dataset '{}' (see: wijkzicht info --store {})", name, store_path));
    }
    bool blocks = false;
    std::size_t row_count = 0;
    {
        const bool has_storage = has_column(db.get(), "wz_datasets", "storage");
        Stmt s =
            prepare(db.get(), std::string("SELECT kind, level, meta, row_count, ") +
                                  (has_storage ? "storage" : "'rows'") + " FROM wz_datasets WHERE name=?");
        bind_text(s.get(), 1, name);
        if (!next_row(s.get())) {
            throw NotFoundError(fmt::format("the store has no dataset '{}' (see: wijkzicht info --store {})",
                                            name, store_path));
        }
        ds.kind = column_text(s.get(), 0);
        if (sqlite3_column_type(s.get(), 1) != SQLITE_NULL) ds.level = parse_level(column_text(s.get(), 1));
        ds.meta = nlohmann::json::parse(column_text(s.get(), 2));
        row_count = static_cast<std::size_t>(sqlite3_column_int64(s.get(), 3));
        blocks = column_text(s.get(), 4) == "blocks";
    }
    std::vector<std::pair<std::string, ColumnType>> cols;
    std::vector<Column> all;
    {
        Stmt s = prepare(
            db.get(),
            "SELECT name, type, unit, description FROM wz_dataset_columns WHERE dataset=? ORDER BY position");
        bind_text(s.get(), 1, name);
        while (next_row(s.get())) {
            const std::string type = column_text(s.get(), 1);
            const ColumnType t = type == "int"    ? ColumnType::kInt
                                 : type == "real" ? ColumnType::kReal
                                                  : ColumnType::kText;
            Column col(column_text(s.get(), 0), t);
            col.unit = column_text(s.get(), 2);
            col.description = column_text(s.get(), 3);
            cols.emplace_back(col.name(), t);
            all.push_back(std::move(col));
        }
    }
    if (columns.empty()) {
        for (Column& c : all) ds.table.add_column(std::move(c));
    } else {
        cols.clear();
        for (const std::string& want : columns) {
            const auto it =
                std::find_if(all.begin(), all.end(), [&](const Column& c) { return c.name() == want; });
            if (it == all.end()) {
                std::vector<std::string> names;
                names.reserve(all.size());
                for (const Column& c : all) names.push_back(c.name());
                throw UsageError(fmt::format("dataset '{}' has no column '{}' (it has: {})", name, want,
                                             fmt::join(names, ", ")));
            }
            cols.emplace_back(it->name(), it->type());
            ds.table.add_column(*it);
        }
    }
    if (blocks) {
        read_blocks(db.get(), name, row_count, ds.table);
        return ds;
    }
    // Missing reasons other than 'empty', by (row, column).
    std::map<std::pair<std::int64_t, std::string>, Missing> reasons;
    {
        Stmt s = prepare(db.get(), "SELECT row_fid, column_name, reason FROM wz_missing WHERE dataset=?");
        bind_text(s.get(), 1, name);
        while (next_row(s.get())) {
            reasons[{sqlite3_column_int64(s.get(), 0), column_text(s.get(), 1)}] =
                parse_missing_name(column_text(s.get(), 2)).value_or(Missing::kEmpty);
        }
    }
    std::string select = "SELECT fid";
    for (const auto& [n, t] : cols) select += ", " + quote_ident(n);
    Stmt s = prepare(db.get(), select + " FROM " + quote_ident("ds_" + name) + " ORDER BY fid");
    auto& out = ds.table.columns();
    std::size_t rows_read = 0;
    while (next_row(s.get())) {
        if (++rows_read % 16384 == 0) check_cancelled();
        const std::int64_t fid = sqlite3_column_int64(s.get(), 0);
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const int i = static_cast<int>(c) + 1;
            if (sqlite3_column_type(s.get(), i) == SQLITE_NULL) {
                auto it = reasons.find({fid, cols[c].first});
                out[c].push_missing(it == reasons.end() ? Missing::kEmpty : it->second);
                continue;
            }
            switch (cols[c].second) {
                case ColumnType::kInt:
                    out[c].push_int(sqlite3_column_int64(s.get(), i));
                    break;
                case ColumnType::kReal:
                    out[c].push_real(sqlite3_column_double(s.get(), i));
                    break;
                case ColumnType::kText:
                    out[c].push_text(column_text(s.get(), i));
                    break;
            }
        }
    }
    return ds;
}

std::vector<StoredMapLayer> stored_map_layers(const std::string& store_path) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    std::vector<StoredMapLayer> out;
    if (!table_exists(db.get(), "wz_map_layers")) return out;
    Stmt s = prepare(
        db.get(),
        "SELECT layer_name, kind, coalesce(level, ''), coalesce(description, ''), vintage, feature_count "
        "FROM wz_map_layers ORDER BY layer_name");
    while (next_row(s.get())) {
        out.push_back(StoredMapLayer{column_text(s.get(), 0), column_text(s.get(), 1),
                                     column_text(s.get(), 2), column_text(s.get(), 3),
                                     sqlite3_column_int(s.get(), 4),
                                     static_cast<std::size_t>(sqlite3_column_int64(s.get(), 5))});
    }
    return out;
}

std::vector<qgis::LayerStyle> stored_layer_styles(const std::string& store_path, const std::string& table) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    std::vector<qgis::LayerStyle> out;
    if (!table_exists(db.get(), "layer_styles")) return out;
    Stmt s = prepare(db.get(),
                     "SELECT styleName, coalesce(description, ''), styleQML, coalesce(useAsDefault, 0) FROM "
                     "layer_styles WHERE f_table_name=? ORDER BY useAsDefault DESC, id");
    bind_text(s.get(), 1, table);
    while (next_row(s.get())) {
        out.push_back(qgis::LayerStyle{column_text(s.get(), 0), column_text(s.get(), 1),
                                       column_text(s.get(), 2), sqlite3_column_int(s.get(), 3) != 0});
    }
    return out;
}

std::vector<int> area_vintages(const std::string& store_path, Level level) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Db db = open_db(store_path, false);
    std::vector<int> out;
    if (!table_exists(db.get(), "wz_area_layers")) return out;
    Stmt s = prepare(db.get(), "SELECT vintage FROM wz_area_layers WHERE level=? ORDER BY vintage");
    bind_text(s.get(), 1, std::string(level_name(level)));
    while (next_row(s.get())) out.push_back(sqlite3_column_int(s.get(), 0));
    return out;
}

AreaLayer read_area_layer(const std::string& store_path, Level level, int vintage) {
    const std::vector<int> vintages = area_vintages(store_path, level);
    if (vintages.empty()) {
        throw NotFoundError(
            fmt::format("the store '{}' has no {} boundaries (import them with: wijkzicht import "
                        "boundaries FILE --level {} ...)",
                        store_path, level_name(level), level_name(level)));
    }
    if (vintage == 0) vintage = vintages.back();
    if (std::find(vintages.begin(), vintages.end(), vintage) == vintages.end()) {
        throw NotFoundError(fmt::format("the store has no {} boundaries of vintage {} (it has: {})",
                                        level_name(level), vintage, fmt::join(vintages, ", ")));
    }
    gdal_init();
    GdalPtr ds(static_cast<GDALDataset*>(
        GDALOpenEx(store_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throw IoError(fmt::format("cannot open store '{}': {}", store_path, CPLGetLastErrorMsg()));
    const std::string name = area_layer_name(level, vintage);
    OGRLayer* in = ds->GetLayerByName(name.c_str());
    if (in == nullptr) throw NotFoundError(fmt::format("the store has no layer '{}'", name));
    AreaLayer layer;
    layer.level = level;
    layer.vintage = vintage;
    layer.source_crs = "EPSG:28992";
    in->ResetReading();
    const auto text = [](const OGRFeature& f, const char* field) {
        const int i = f.GetFieldIndex(field);
        return i >= 0 && f.IsFieldSetAndNotNull(i) ? std::string(f.GetFieldAsString(i)) : std::string();
    };
    while (OGRFeature* raw = in->GetNextFeature()) {
        std::unique_ptr<OGRFeature> f(raw);
        check_cancelled();
        Area a;
        a.code = text(*f, "code");
        a.name = text(*f, "name");
        a.wijk = text(*f, "wijk");
        a.gemeente = text(*f, "gemeente");
        a.corop = text(*f, "corop");
        a.corop_plus = text(*f, "corop_plus");
        a.provincie = text(*f, "provincie");
        if (const OGRGeometry* g = f->GetGeometryRef(); g != nullptr && !g->IsEmpty()) {
            a.wkb.resize(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, a.wkb.data(), wkbVariantIso);
        }
        layer.areas.push_back(std::move(a));
    }
    return layer;
}

// ---- DatasetBlockReader ------------------------------------------------------------------------------

struct DatasetBlockReader::Impl {
    struct ColumnBlocks {
        ColumnType type = ColumnType::kReal;
        std::vector<std::int64_t> fid;         // per block: the row of wz_blocks
        std::vector<std::size_t> bytes;        // per block: bytes of the values
        std::vector<std::uint8_t> has_status;  // per block: 1 = a status blob (some value missing)
    };
    std::string dataset;
    Db db;
    bool blocks = false;
    std::size_t rows = 0, block_rows = 0, block_count = 0;
    std::vector<std::string> order;
    std::map<std::string, ColumnBlocks> columns;
    sqlite3_blob* values_blob = nullptr;
    sqlite3_blob* status_blob = nullptr;
    // read_block's buffers (reused from block to block).
    std::vector<unsigned char> block_bytes;
    std::vector<std::uint8_t> block_status, zeros;
    std::vector<double> reals;

    ~Impl() {
        if (values_blob != nullptr) sqlite3_blob_close(values_blob);
        if (status_blob != nullptr) sqlite3_blob_close(status_blob);
    }
    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    // Points `handle` at column `field` of wz_blocks row `fid` and reads `bytes` bytes from it.
    void read_blob(sqlite3_blob*& handle, const char* field, std::int64_t fid, void* out, std::size_t bytes,
                   const std::string& column, std::size_t block) {
        const int rc = handle == nullptr
                           ? sqlite3_blob_open(db.get(), "main", "wz_blocks", field, fid, 0, &handle)
                           : sqlite3_blob_reopen(handle, fid);
        if (rc != SQLITE_OK || sqlite3_blob_bytes(handle) != static_cast<int>(bytes)) {
            corrupt_block(dataset, column, static_cast<std::int64_t>(block));
        }
        if (sqlite3_blob_read(handle, out, static_cast<int>(bytes), 0) != SQLITE_OK)
            corrupt_block(dataset, column, static_cast<std::int64_t>(block));
    }
};

DatasetBlockReader::DatasetBlockReader(const std::string& store_path, const std::string& dataset)
    : impl_(std::make_unique<Impl>()) {
    if (!fs::exists(store_path)) throw NotFoundError(fmt::format("no store at '{}'", store_path));
    check_is_geopackage(store_path);
    Impl& m = *impl_;
    m.dataset = dataset;
    m.db = open_db(store_path, false);
    sqlite3_busy_timeout(m.db.get(), 10000);
    const auto no_dataset = [&] {
        return NotFoundError(fmt::format("the store has no dataset '{}' (see: wijkzicht info --store {})",
                                         dataset, store_path));
    };
    if (!table_exists(m.db.get(), "wz_datasets")) throw no_dataset();
    {
        const bool has_storage = has_column(m.db.get(), "wz_datasets", "storage");
        Stmt s =
            prepare(m.db.get(), std::string("SELECT row_count, ") + (has_storage ? "storage" : "'rows'") +
                                    " FROM wz_datasets WHERE name=?");
        bind_text(s.get(), 1, dataset);
        if (!next_row(s.get())) throw no_dataset();
        m.rows = static_cast<std::size_t>(sqlite3_column_int64(s.get(), 0));
        m.blocks = column_text(s.get(), 1) == "blocks";
    }
    {
        Stmt s = prepare(m.db.get(),
                         "SELECT name, type FROM wz_dataset_columns WHERE dataset=? ORDER BY position");
        bind_text(s.get(), 1, dataset);
        while (next_row(s.get())) {
            const std::string type = column_text(s.get(), 1);
            Impl::ColumnBlocks c;
            c.type = type == "int"    ? ColumnType::kInt
                     : type == "real" ? ColumnType::kReal
                                      : ColumnType::kText;
            m.order.push_back(column_text(s.get(), 0));
            m.columns[m.order.back()] = std::move(c);
        }
    }
    if (!m.blocks) return;
    Stmt s = prepare(m.db.get(),
                     "SELECT column_name, block, fid, length(\"values\"), status IS NOT NULL FROM wz_blocks "
                     "WHERE dataset=? ORDER BY column_name, block");
    bind_text(s.get(), 1, dataset);
    while (next_row(s.get())) {
        const std::string column = column_text(s.get(), 0);
        const auto it = m.columns.find(column);
        const std::int64_t block = sqlite3_column_int64(s.get(), 1);
        if (it == m.columns.end() || block != static_cast<std::int64_t>(it->second.fid.size()))
            corrupt_block(dataset, column, block);
        it->second.fid.push_back(sqlite3_column_int64(s.get(), 2));
        it->second.bytes.push_back(static_cast<std::size_t>(sqlite3_column_int64(s.get(), 3)));
        it->second.has_status.push_back(static_cast<std::uint8_t>(sqlite3_column_int(s.get(), 4)));
    }
    // Block sizes from the first fixed-width column: every block but the last holds block_rows rows.
    for (const std::string& name : m.order) {
        const Impl::ColumnBlocks& c = m.columns[name];
        if (c.type == ColumnType::kText) continue;
        m.block_count = c.fid.size();
        m.block_rows = c.bytes.empty() ? 0 : c.bytes.front() / 8;
        std::size_t total = 0;
        for (std::size_t b = 0; b < c.bytes.size(); ++b) {
            const std::size_t n = c.bytes[b] / 8;
            if (c.bytes[b] % 8 != 0 || (b + 1 < c.bytes.size() && n != m.block_rows))
                corrupt_block(dataset, name, static_cast<std::int64_t>(b));
            total += n;
        }
        if (total != m.rows) corrupt_block(dataset, name, static_cast<std::int64_t>(c.bytes.size()));
        break;
    }
}

DatasetBlockReader::~DatasetBlockReader() = default;

bool DatasetBlockReader::stored_in_blocks() const {
    return impl_->blocks;
}
std::size_t DatasetBlockReader::rows() const {
    return impl_->rows;
}
std::size_t DatasetBlockReader::block_rows() const {
    return impl_->block_rows;
}
std::size_t DatasetBlockReader::block_count() const {
    return impl_->block_count;
}
std::size_t DatasetBlockReader::rows_in_block(std::size_t block) const {
    const Impl& m = *impl_;
    if (block >= m.block_count) return 0;
    return block + 1 < m.block_count ? m.block_rows : m.rows - block * m.block_rows;
}

std::optional<ColumnType> DatasetBlockReader::column_type(const std::string& column) const {
    const auto it = impl_->columns.find(column);
    if (it == impl_->columns.end()) return std::nullopt;
    return it->second.type;
}

std::vector<std::string> DatasetBlockReader::column_names() const {
    return impl_->order;
}

void DatasetBlockReader::read_block(const std::string& column, std::size_t block, Column& out) {
    Impl& m = *impl_;
    const auto it = m.columns.find(column);
    if (it == m.columns.end())
        throw UsageError(fmt::format("dataset '{}' has no column '{}'", m.dataset, column));
    const Impl::ColumnBlocks& c = it->second;
    if (out.type() != c.type)
        throw std::logic_error(fmt::format("dataset '{}': column '{}' is {}, read into a {} column",
                                           m.dataset, column, column_type_name(c.type),
                                           column_type_name(out.type())));
    if (!m.blocks || block >= c.fid.size() || c.fid.size() != m.block_count)
        throw std::logic_error(
            fmt::format("dataset '{}': no block {} of column '{}'", m.dataset, block, column));
    const std::size_t n = rows_in_block(block);
    m.block_bytes.resize(c.bytes[block]);
    m.read_blob(m.values_blob, "values", c.fid[block], m.block_bytes.data(), c.bytes[block], column, block);
    const std::uint8_t* st = nullptr;
    if (c.has_status[block] != 0) {
        m.block_status.resize(n);
        m.read_blob(m.status_blob, "status", c.fid[block], m.block_status.data(), n, column, block);
        st = m.block_status.data();
    }
    out.clear();
    append_column_block(out, m.block_bytes.data(), m.block_bytes.size(), st, st != nullptr ? n : 0, m.dataset,
                        static_cast<std::int64_t>(block), m.reals, m.zeros);
    if (out.size() != n) corrupt_block(m.dataset, column, static_cast<std::int64_t>(block));
}

bool DatasetBlockReader::read_real_block(const std::string& column, std::size_t block, double* values,
                                         std::uint8_t* status) {
    Impl& m = *impl_;
    const auto it = m.columns.find(column);
    if (it == m.columns.end() || it->second.type != ColumnType::kReal) {
        throw UsageError(fmt::format("dataset '{}' has no decimal column '{}'", m.dataset, column));
    }
    const Impl::ColumnBlocks& c = it->second;
    if (!m.blocks || block >= c.fid.size() || c.fid.size() != m.block_count)
        throw std::logic_error(
            fmt::format("dataset '{}': no block {} of column '{}'", m.dataset, block, column));
    const std::size_t n = rows_in_block(block);
    if (c.bytes[block] != n * sizeof(double))
        corrupt_block(m.dataset, column, static_cast<std::int64_t>(block));
    m.read_blob(m.values_blob, "values", c.fid[block], values, n * sizeof(double), column, block);
    if (c.has_status[block] == 0) return false;
    m.read_blob(m.status_blob, "status", c.fid[block], status, n, column, block);
    for (std::size_t i = 0; i < n; ++i) {
        if (status[i] >= kMissingKinds) corrupt_block(m.dataset, column, static_cast<std::int64_t>(block));
    }
    return true;
}

}  // namespace wz
