// The protected zone: keyed pseudonyms, the streaming ingest of an extract folder, reading and
// writing tables of the zone, the audit.
#include "io/protected_zone.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/id_index.hpp"
#include "core/progress.hpp"
#include "io/csv.hpp"
#include "io/import_run.hpp"
#include "io/synth_sources.hpp"

namespace wz::zone {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "wijkzicht protected zone 1";
constexpr const char* kWithheld = "a value that does not fit (not shown: the extract is protected)";

// ---- SQLite helpers

sqlite3* db_of(void* p) { return static_cast<sqlite3*>(p); }

[[noreturn]] void fail_db(sqlite3* db, const std::string& what) {
    throw IoError(fmt::format("protected zone: {} ({})", what, db != nullptr ? sqlite3_errmsg(db) : "no database"));
}

void exec(sqlite3* db, const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        const std::string m = msg != nullptr ? msg : "";
        sqlite3_free(msg);
        throw IoError(fmt::format("protected zone: {} (in: {})", m, sql.substr(0, 80)));
    }
}

class Stmt {
  public:
    Stmt(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) fail_db(db, "cannot prepare " + sql.substr(0, 60));
    }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
    void bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
    void bind(int i, std::string_view v) {
        sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    // A text that stays where it is until the statement has run.
    void bind_static(int i, std::string_view v) {
        sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    }
    void bind_null(int i) { sqlite3_bind_null(s_, i); }
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail_db(db_, "cannot write");
        return false;
    }
    void run() {
        step();
        sqlite3_reset(s_);
    }
    sqlite3_stmt* get() { return s_; }

  private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
};

sqlite3* open_db(const std::string& path, bool create) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string m = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
        sqlite3_close(db);
        throw UsageError(fmt::format("protected zone '{}' cannot be opened: {}", path, m));
    }
    sqlite3_busy_timeout(db, 60000);
    return db;
}

std::string meta_value(sqlite3* db, const std::string& key) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT value FROM zone_meta WHERE key = ?", -1, &s, nullptr) != SQLITE_OK) {
        sqlite3_finalize(s);
        return "";
    }
    sqlite3_bind_text(s, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    std::string v;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
        v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    return v;
}

// Checks the file is a zone made with `key` (UsageError otherwise).
void check_zone(sqlite3* db, const std::string& path, const Key& key) {
    const std::string format = meta_value(db, "format");
    if (format != kFormat) {
        throw UsageError(fmt::format("'{}' is not a protected zone of wijkzicht (make one with: wijkzicht risk ingest "
                                     "--extracts DIR --key-file KEY --protected {})",
                                     path, path));
    }
    const std::string made = meta_value(db, "key_fingerprint");
    if (made != key.fingerprint()) {
        throw UsageError(fmt::format("the key is not the key the protected zone '{}' was made with (key fingerprint {}, "
                                     "the zone's {}): use that key, or ingest the extracts again into a new zone",
                                     path, key.fingerprint(), made));
    }
}

std::vector<std::string> zone_tables(sqlite3* db) {
    std::vector<std::string> names;
    Stmt s(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (s.step()) names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    return names;
}

void create_meta_tables(sqlite3* db) {
    exec(db, "CREATE TABLE IF NOT EXISTS zone_meta (key TEXT PRIMARY KEY, value TEXT)");
    exec(db,
         "CREATE TABLE IF NOT EXISTS audit (run INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT, finished TEXT, "
         "os_user TEXT, command TEXT, parameters TEXT, inputs TEXT, outputs TEXT)");
}

std::int64_t insert_audit(sqlite3* db, const AuditRecord& a) {
    Stmt s(db,
           "INSERT INTO audit (started, finished, os_user, command, parameters, inputs, outputs) VALUES "
           "(?, ?, ?, ?, ?, ?, ?)");
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& f : a.inputs) inputs.push_back({{"file", fs::path(f.path).filename().string()}, {"sha256", f.sha256}, {"bytes", f.bytes}});
    s.bind(1, std::string_view(a.started));
    const std::string now = utc_now();
    s.bind(2, std::string_view(now));
    const std::string user = os_user();
    s.bind(3, std::string_view(user));
    s.bind(4, std::string_view(a.command));
    const std::string p = a.parameters.dump(), i = inputs.dump(), o = a.outputs.dump();
    s.bind(5, std::string_view(p));
    s.bind(6, std::string_view(i));
    s.bind(7, std::string_view(o));
    s.run();
    return sqlite3_last_insert_rowid(db);
}

// ---- the ingest's writer: the SQLite inserts run on a thread of their own, so that reading, checking
// and hashing the extracts (one core) overlaps with writing them (the other). The reader fills blocks
// of rows whose text values point into the mapped extract (or into strings that do not move while the
// block waits); a block goes back to the reader once written. At most kBlocks blocks exist, so memory
// is bounded by them, not by the extract.

struct Cell {
    enum Kind : std::uint8_t { kNull, kInt, kText, kCopied };
    std::int64_t value = 0;      // kInt: the value; kCopied: the offset of the text in the block's arena
    const char* text = nullptr;  // kText: a text that stays where it is until the block is written
    std::uint32_t size = 0;
    Kind kind = kNull;
};

struct Block {
    sqlite3_stmt* stmt = nullptr;
    std::size_t width = 0;
    std::size_t rows = 0;
    std::vector<Cell> cells;  // rows × width
    std::string arena;        // copies of texts that would not stay (fields of the current record)
};

class Writer {
  public:
    static constexpr std::size_t kBlocks = 4;
    static constexpr std::size_t kRows = 4096;

    explicit Writer(sqlite3* db) : db_(db) {
        for (std::size_t k = 0; k < kBlocks; ++k) free_.push_back(std::make_unique<Block>());
        thread_ = std::thread([this] { loop(); });
    }
    ~Writer() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_writer_.notify_all();
        thread_.join();
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // A free block for `stmt` (waits for one; a failure of the writer is thrown here).
    std::unique_ptr<Block> take(sqlite3_stmt* stmt, std::size_t width) {
        std::unique_lock lock(mutex_);
        wake_reader_.wait(lock, [&] { return !free_.empty() || error_; });
        if (error_) std::rethrow_exception(error_);
        auto b = std::move(free_.back());
        free_.pop_back();
        b->stmt = stmt;
        b->width = width;
        b->rows = 0;
        b->cells.resize(kRows * width);
        b->arena.clear();
        return b;
    }
    void submit(std::unique_ptr<Block> b) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(b));
        }
        wake_writer_.notify_one();
    }
    // Waits until every submitted block is written; a failure of the writer is thrown here.
    void drain() {
        std::unique_lock lock(mutex_);
        wake_reader_.wait(lock, [&] { return (queue_.empty() && !busy_) || error_; });
        if (error_) std::rethrow_exception(error_);
    }
    // Drops the blocks not yet written and waits until the writer is idle (on the way out of a failure).
    void abandon() noexcept {
        std::unique_lock lock(mutex_);
        for (auto& b : queue_) free_.push_back(std::move(b));
        queue_.clear();
        wake_reader_.wait(lock, [&] { return !busy_; });
    }

  private:
    void loop() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_writer_.wait(lock, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopped
            auto b = std::move(queue_.front());
            queue_.erase(queue_.begin());
            busy_ = true;
            const bool failed = static_cast<bool>(error_);
            lock.unlock();
            std::exception_ptr e;
            if (!failed) {
                try {
                    write(*b);
                } catch (...) {
                    e = std::current_exception();
                }
            }
            lock.lock();
            if (e) error_ = e;
            busy_ = false;
            free_.push_back(std::move(b));
            wake_reader_.notify_all();
        }
    }
    void write(const Block& b) const {
        for (std::size_t r = 0; r < b.rows; ++r) {
            const Cell* row = &b.cells[r * b.width];
            for (std::size_t c = 0; c < b.width; ++c) {
                const int k = static_cast<int>(c) + 1;
                switch (row[c].kind) {
                    case Cell::kNull:
                        sqlite3_bind_null(b.stmt, k);
                        break;
                    case Cell::kInt:
                        sqlite3_bind_int64(b.stmt, k, row[c].value);
                        break;
                    case Cell::kText:
                        sqlite3_bind_text(b.stmt, k, row[c].text, static_cast<int>(row[c].size), SQLITE_STATIC);
                        break;
                    case Cell::kCopied:
                        sqlite3_bind_text(b.stmt, k, b.arena.data() + row[c].value, static_cast<int>(row[c].size),
                                          SQLITE_STATIC);
                        break;
                }
            }
            const int rc = sqlite3_step(b.stmt);
            sqlite3_reset(b.stmt);
            if (rc != SQLITE_DONE) fail_db(db_, "cannot write");
        }
    }

    sqlite3* db_;
    std::mutex mutex_;
    std::condition_variable wake_writer_, wake_reader_;
    std::vector<std::unique_ptr<Block>> free_, queue_;
    bool busy_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

// The rows of one table, bound like a statement (bind ..., run) and written by the Writer. finish()
// waits until all are written; without it (a failure) the rows not yet written are dropped.
class Rows {
  public:
    Rows(Writer& writer, sqlite3* db, const std::string& sql) : writer_(writer), stmt_(db, sql) {
        width_ = static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt_.get()));
        block_ = writer_.take(stmt_.get(), width_);
        row_ = block_->cells.data();
    }
    ~Rows() {
        if (!finished_) writer_.abandon();
    }
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;

    void bind(int i, std::int64_t v) { row_[i - 1] = Cell{v, nullptr, 0, Cell::kInt}; }
    // A field of the current record (copied: the reader reuses its buffer for quoted fields).
    void bind(int i, std::string_view v) {
        row_[i - 1] = Cell{static_cast<std::int64_t>(block_->arena.size()), nullptr, static_cast<std::uint32_t>(v.size()),
                           Cell::kCopied};
        block_->arena.append(v);
    }
    // A text that stays where it is until finish() (a literal, a buurt code of the index).
    void bind_stable(int i, std::string_view v) {
        row_[i - 1] = Cell{0, v.data(), static_cast<std::uint32_t>(v.size()), Cell::kText};
    }
    void bind_null(int i) { row_[i - 1] = Cell{}; }
    void run() {
        if (++block_->rows == Writer::kRows) {
            writer_.submit(std::move(block_));
            block_ = writer_.take(stmt_.get(), width_);
        }
        row_ = block_->cells.data() + block_->rows * width_;
    }
    void finish() {
        writer_.submit(std::move(block_));
        writer_.drain();
        finished_ = true;
    }

  private:
    Writer& writer_;
    Stmt stmt_;
    std::size_t width_ = 0;
    std::unique_ptr<Block> block_;
    Cell* row_ = nullptr;
    bool finished_ = false;
};

// ---- one extract file, mapped and read record by record

class Extract {
  public:
    Extract(const std::string& dir, const ExtractFile& spec) : name_(std::string(spec.name) + ".csv") {
        path_ = (fs::path(dir) / name_).string();
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw UsageError(fmt::format("risk ingest: missing file {} (the extract folder needs {}.csv)", path_, spec.name));
        struct stat st {};
        ::fstat(fd_, &st);
        size_ = static_cast<std::size_t>(st.st_size);
        if (size_ > 0) {
            void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
            if (m == MAP_FAILED) throw IoError("risk ingest: cannot read " + path_);
            map_ = m;
            ::madvise(m, size_, MADV_SEQUENTIAL);
        }
        std::string_view data(static_cast<const char*>(map_), size_);
        if (data.substr(0, 3) == "\xEF\xBB\xBF") {
            data.remove_prefix(3);
            bom_ = 3;
        }
        reader_.emplace(data, csv::sniff_delimiter(data.substr(0, 65536)));
        std::vector<csv::Field> header;
        if (!reader_->next(header) || (header.size() == 1 && header[0].text.empty())) {
            throw InputError(path_, 1, 1, "a header row", "an empty file");
        }
        for (const char* c : spec.columns) {
            std::size_t k = 0;
            while (k < header.size() && trim(header[k].text) != c) ++k;
            if (k == header.size()) {
                std::vector<std::string> names;
                for (const auto& h : header) names.emplace_back(trim(h.text));
                throw InputError(path_, 1, 0, fmt::format("a column '{}' ({})", c, fmt::join(spec.columns, ",")),
                                 fmt::format("columns {}", fmt::join(names, ",")));
            }
            index_.push_back(k);
        }
        columns_ = spec.columns;
        need_ = index_.empty() ? 0 : *std::max_element(index_.begin(), index_.end()) + 1;
        progress_.emplace(fmt::format("reading {}", name_), size_, "bytes");
    }
    ~Extract() {
        if (map_ != nullptr) ::munmap(map_, size_);
        if (fd_ >= 0) ::close(fd_);
    }
    Extract(const Extract&) = delete;
    Extract& operator=(const Extract&) = delete;

    const std::string& name() const { return name_; }
    const std::string& path() const { return path_; }
    std::uint64_t bytes() const { return size_; }
    // An estimate of the records from the line breaks in the first 1 MiB (plus a tenth), to size indexes.
    std::size_t estimated_records() const {
        const std::string_view data(static_cast<const char*>(map_), size_);
        const std::string_view head = data.substr(0, std::size_t{1} << 20);
        const auto lines = static_cast<std::size_t>(std::count(head.begin(), head.end(), '\n'));
        if (lines == 0 || head.size() == data.size()) return lines + 1;
        return static_cast<std::size_t>(static_cast<double>(size_) / static_cast<double>(head.size()) * static_cast<double>(lines) * 1.1);
    }

    // The next record; false at the end. Blank lines are skipped.
    bool next() {
        for (;;) {
            if (!reader_->next(fields_)) {
                progress_->advance(size_ - reported_);
                progress_->finish();
                return false;
            }
            if (fields_.size() == 1 && fields_[0].text.empty()) continue;
            if (fields_.size() < need_) {
                throw InputError(path_, reader_->line(), 1, fmt::format("{} fields or more", need_),
                                 fmt::format("{} fields", fields_.size()));
            }
            if ((++records_ & 16383U) == 0) {
                const std::size_t at = reader_->offset() + bom_;
                progress_->advance(at - reported_);
                reported_ = at;
            }
            return true;
        }
    }
    // Field `c` (index into the spec's columns) of the current record.
    std::string_view text(std::size_t c) const { return trim_view(fields_[index_[c]].text); }
    [[noreturn]] void fail(std::size_t c, const std::string& expected) const {
        throw InputError(path_, reader_->line(), fields_[index_[c]].column, fmt::format("{} in '{}'", expected, columns_[c]),
                         kWithheld);
    }
    std::int64_t integer(std::size_t c, std::int64_t lo, std::int64_t hi) const {
        const auto v = csv::parse_integer(text(c));
        if (!v || *v < lo || *v > hi) fail(c, fmt::format("a whole number from {} to {}", lo, hi));
        return *v;
    }
    // The year of an ISO date field.
    std::int64_t date_year(std::size_t c) const;

  private:
    static std::string_view trim_view(std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
        return s;
    }
    std::string name_, path_;
    int fd_ = -1;
    void* map_ = nullptr;
    std::size_t size_ = 0, bom_ = 0, need_ = 0, reported_ = 0, records_ = 0;
    std::optional<csv::Reader> reader_;
    std::vector<csv::Field> fields_;
    std::vector<std::size_t> index_;
    std::vector<const char*> columns_;
    std::optional<ProgressStep> progress_;
};

bool digits(std::string_view s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t Extract::date_year(std::size_t c) const {
    const std::string_view s = text(c);
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s.substr(0, 4), 4) || !digits(s.substr(5, 2), 2) ||
        !digits(s.substr(8, 2), 2)) {
        fail(c, "a date like 2015-03-12");
    }
    const int y = std::stoi(std::string(s.substr(0, 4))), m = std::stoi(std::string(s.substr(5, 2))),
              d = std::stoi(std::string(s.substr(8, 2)));
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) {
        fail(c, "a date like 2015-03-12");
    }
    return y;
}

// Counts of skipped records by file and reason.
class Failures {
  public:
    void add(const std::string& file, const std::string& reason) { ++counts_[{file, reason}]; }
    std::vector<LinkFailure> list() const {
        std::vector<LinkFailure> out;
        for (const auto& [k, n] : counts_) out.push_back({k.first, k.second, n});
        return out;
    }

  private:
    std::map<std::pair<std::string, std::string>, std::int64_t> counts_;
};

// The micro-data tables and their columns (all rebuilt by an ingest).
const std::vector<std::pair<const char*, const char*>>& data_tables() {
    static const std::vector<std::pair<const char*, const char*>> t = {
        {"addresses", "address INTEGER, buurt TEXT, cell TEXT"},
        {"persons", "person INTEGER, household INTEGER, address INTEGER, buurt TEXT, birth_year INTEGER, income INTEGER, "
                    "assets INTEGER"},
        {"entities", "entity INTEGER, legal_form TEXT, founded_year INTEGER, address INTEGER, buurt TEXT"},
        {"dwellings", "address INTEGER, buurt TEXT, dwelling_type TEXT, floor_area INTEGER, value INTEGER, tenure TEXT"},
        {"ownership", "address INTEGER, buurt TEXT, owner_type TEXT, owner INTEGER, since_year INTEGER"},
        {"purchases", "purchase INTEGER, address INTEGER, buurt TEXT, buyer_type TEXT, buyer INTEGER, year INTEGER, "
                      "price INTEGER, household_income INTEGER, household_assets INTEGER"},
        {"directors", "entity INTEGER, person INTEGER, since_year INTEGER"},
        {"suspicions", "person INTEGER, offence TEXT, year INTEGER, convicted INTEGER"},
        {"transactions", "year INTEGER, from_type TEXT, from_id INTEGER, to_type TEXT, to_id INTEGER, amount INTEGER, "
                         "unusual INTEGER"},
        {"link_failures", "file TEXT, reason TEXT, records INTEGER"},
    };
    return t;
}

std::string placeholders(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ", ?";
    return s;
}

std::string insert_sql(const char* table) {
    const auto& t = data_tables();
    const auto it = std::find_if(t.begin(), t.end(), [&](const auto& p) { return std::strcmp(p.first, table) == 0; });
    const std::size_t n = static_cast<std::size_t>(std::count(it->second, it->second + std::strlen(it->second), ',')) + 1;
    return fmt::format("INSERT INTO {} VALUES ({})", table, placeholders(n));
}

// The ingest itself, inside an open transaction.
IngestReport ingest_into(sqlite3* db, const Key& key, const std::string& dir) {
    IngestReport report;
    Failures failures;
    for (const auto& [name, cols] : data_tables()) {
        exec(db, fmt::format("DROP TABLE IF EXISTS {}", name));
        exec(db, fmt::format("CREATE TABLE {} ({})", name, cols));
    }
    for (const auto& t : zone_tables(db)) {
        if (t.rfind("r_", 0) == 0) exec(db, fmt::format("DROP TABLE {}", t));  // results of the old micro-data
    }
    Writer writer(db);
    std::deque<std::string> buurten;  // its strings do not move (rows waiting for the writer point into them)
    std::unordered_map<std::string, std::int32_t> buurt_index;
    IdIndex address, person, entity, dwelling;
    auto count = [&](const char* table, std::int64_t n) { report.rows.emplace_back(table, n); };
    auto party = [&](Extract& x, std::size_t type_col, std::size_t id_col, std::int64_t& id) -> const char* {
        const std::string_view type = x.text(type_col);
        const std::string_view raw = x.text(id_col);
        if (type == "person") {
            if (!bsn_valid(raw)) x.fail(id_col, "a 9-digit BSN passing the 11-test");
            id = key.pseudonym('P', raw);
            return person.contains(id) ? "person" : nullptr;
        }
        if (type == "entity") {
            if (!digits(raw, 8)) x.fail(id_col, "an 8-digit KvK number");
            id = key.pseudonym('E', raw);
            return entity.contains(id) ? "entity" : nullptr;
        }
        x.fail(type_col, "person or entity");
    };
    const auto& files = extract_files();
    auto open = [&](std::size_t k) {
        auto x = std::make_unique<Extract>(dir, files[k]);
        report.inputs.push_back(describe_input(x->path()));
        report.bytes += x->bytes();
        return x;
    };
    {  // addresses: address, buurt, cell
        auto x = open(0);
        Rows ins(writer, db, insert_sql("addresses"));
        address.reserve(x->estimated_records());
        std::int64_t n = 0;
        while (x->next()) {
            if (!digits(x->text(0), 16)) x->fail(0, "a 16-digit BAG id");
            const std::string_view b = x->text(1);
            if (!is_code_of_level(Level::kBuurt, b)) x->fail(1, "a buurt code like BU00140000");
            const std::string_view cell = x->text(2);
            if (!cell.empty() && !parse_grid_cell(cell)) x->fail(2, "a cell code like E1993N3660 or nothing");
            auto [it, added] = buurt_index.emplace(std::string(b), static_cast<std::int32_t>(buurten.size()));
            if (added) buurten.emplace_back(b);
            const std::int64_t id = key.pseudonym('A', x->text(0));
            if (!address.insert(id, it->second)) x->fail(0, "each address once");
            ins.bind(1, id);
            ins.bind_stable(2, std::string_view(buurten[static_cast<std::size_t>(it->second)]));
            if (cell.empty()) {
                ins.bind_null(3);
            } else {
                ins.bind(3, cell);
            }
            ins.run();
            ++n;
        }
        ins.finish();
        count("addresses", n);
    }
    {  // persons: bsn, birth_year, household, address, income, assets
        auto x = open(1);
        Rows ins(writer, db, insert_sql("persons"));
        person.reserve(x->estimated_records());
        std::int64_t n = 0;
        while (x->next()) {
            if (!bsn_valid(x->text(0))) x->fail(0, "a 9-digit BSN passing the 11-test");
            const std::int64_t birth = x->integer(1, 1890, 2100);
            if (x->text(2).empty()) x->fail(2, "a household id");
            if (!digits(x->text(3), 16)) x->fail(3, "a 16-digit BAG id");
            const std::int64_t income = x->integer(4, 0, 1000000000), assets = x->integer(5, 0, 100000000000);
            const std::int64_t id = key.pseudonym('P', x->text(0)), a = key.pseudonym('A', x->text(3));
            const std::int32_t b = address.find(a);
            if (b < 0) {
                failures.add(x->name(), "address not in addresses.csv");
                continue;
            }
            if (!person.insert(id, b)) x->fail(0, "each person once");
            ins.bind(1, id);
            ins.bind(2, key.pseudonym('H', x->text(2)));
            ins.bind(3, a);
            ins.bind_stable(4, std::string_view(buurten[static_cast<std::size_t>(b)]));
            ins.bind(5, birth);
            ins.bind(6, income);
            ins.bind(7, assets);
            ins.run();
            ++n;
        }
        ins.finish();
        count("persons", n);
    }
    {  // entities: kvk, legal_form, founded, address
        static const std::vector<std::string_view> kForms{"stichting", "bv", "nv", "eenmanszaak", "vof", "vereniging", "cv"};
        auto x = open(2);
        Rows ins(writer, db, insert_sql("entities"));
        entity.reserve(x->estimated_records());
        std::int64_t n = 0;
        while (x->next()) {
            if (!digits(x->text(0), 8)) x->fail(0, "an 8-digit KvK number");
            const std::string_view form = x->text(1);
            if (std::find(kForms.begin(), kForms.end(), form) == kForms.end()) {
                x->fail(1, fmt::format("one of {}", fmt::join(kForms, ", ")));
            }
            const std::int64_t founded = x->date_year(2);
            if (!digits(x->text(3), 16)) x->fail(3, "a 16-digit BAG id");
            const std::int64_t id = key.pseudonym('E', x->text(0)), a = key.pseudonym('A', x->text(3));
            const std::int32_t b = address.find(a);
            if (b < 0) {
                failures.add(x->name(), "address not in addresses.csv");
                continue;
            }
            if (!entity.insert(id, b)) x->fail(0, "each entity once");
            ins.bind(1, id);
            ins.bind(2, form);
            ins.bind(3, founded);
            ins.bind(4, a);
            ins.bind_stable(5, std::string_view(buurten[static_cast<std::size_t>(b)]));
            ins.run();
            ++n;
        }
        ins.finish();
        count("entities", n);
    }
    {  // dwellings: address, dwelling_type, floor_area, value, tenure
        auto x = open(3);
        Rows ins(writer, db, insert_sql("dwellings"));
        dwelling.reserve(x->estimated_records());
        std::int64_t n = 0;
        while (x->next()) {
            if (!digits(x->text(0), 16)) x->fail(0, "a 16-digit BAG id");
            const std::int64_t area = x->integer(2, 1, 100000), value = x->integer(3, 0, 1000000000);
            const std::string_view tenure = x->text(4);
            if (tenure != "owner" && tenure != "corporation" && tenure != "private") x->fail(4, "owner, corporation or private");
            const std::int64_t a = key.pseudonym('A', x->text(0));
            const std::int32_t b = address.find(a);
            if (b < 0) {
                failures.add(x->name(), "address not in addresses.csv");
                continue;
            }
            if (!dwelling.insert(a, b)) x->fail(0, "each dwelling once");
            ins.bind(1, a);
            ins.bind_stable(2, std::string_view(buurten[static_cast<std::size_t>(b)]));
            ins.bind(3, x->text(1));
            ins.bind(4, area);
            ins.bind(5, value);
            ins.bind(6, tenure);
            ins.run();
            ++n;
        }
        ins.finish();
        count("dwellings", n);
    }
    {  // ownership: address, owner_type, owner, since
        auto x = open(4);
        Rows ins(writer, db, insert_sql("ownership"));
        std::int64_t n = 0;
        while (x->next()) {
            if (!digits(x->text(0), 16)) x->fail(0, "a 16-digit BAG id");
            const std::int64_t since = x->date_year(3);
            std::int64_t owner = 0;
            const char* type = party(*x, 1, 2, owner);
            const std::int64_t a = key.pseudonym('A', x->text(0));
            const std::int32_t b = dwelling.find(a);
            if (b < 0) {
                failures.add(x->name(), "address not a dwelling of dwellings.csv");
                continue;
            }
            if (type == nullptr) {
                failures.add(x->name(), "owner not in persons.csv or entities.csv");
                continue;
            }
            ins.bind(1, a);
            ins.bind_stable(2, std::string_view(buurten[static_cast<std::size_t>(b)]));
            ins.bind_stable(3, std::string_view(type));
            ins.bind(4, owner);
            ins.bind(5, since);
            ins.run();
            ++n;
        }
        ins.finish();
        count("ownership", n);
    }
    {  // purchases: purchase, address, buyer_type, buyer, date, price, household_income, household_assets
        auto x = open(5);
        Rows ins(writer, db, insert_sql("purchases"));
        IdIndex seen;
        std::int64_t n = 0;
        while (x->next()) {
            if (x->text(0).empty()) x->fail(0, "a purchase id");
            if (!digits(x->text(1), 16)) x->fail(1, "a 16-digit BAG id");
            const std::int64_t year = x->date_year(4);
            const std::int64_t price = x->integer(5, 1, 10000000000);
            const std::int64_t income = x->integer(6, 0, 1000000000), assets = x->integer(7, 0, 100000000000);
            std::int64_t buyer = 0;
            const char* type = party(*x, 2, 3, buyer);
            const std::int64_t id = key.pseudonym('K', x->text(0)), a = key.pseudonym('A', x->text(1));
            if (!seen.insert(id, 0)) x->fail(0, "each purchase once");
            const std::int32_t b = dwelling.find(a);
            if (b < 0) {
                failures.add(x->name(), "address not a dwelling of dwellings.csv");
                continue;
            }
            if (type == nullptr) {
                failures.add(x->name(), "buyer not in persons.csv or entities.csv");
                continue;
            }
            ins.bind(1, id);
            ins.bind(2, a);
            ins.bind_stable(3, std::string_view(buurten[static_cast<std::size_t>(b)]));
            ins.bind_stable(4, std::string_view(type));
            ins.bind(5, buyer);
            ins.bind(6, year);
            ins.bind(7, price);
            ins.bind(8, income);
            ins.bind(9, assets);
            ins.run();
            ++n;
        }
        ins.finish();
        count("purchases", n);
    }
    {  // directors: kvk, bsn, since
        auto x = open(6);
        Rows ins(writer, db, insert_sql("directors"));
        std::int64_t n = 0;
        while (x->next()) {
            if (!digits(x->text(0), 8)) x->fail(0, "an 8-digit KvK number");
            if (!bsn_valid(x->text(1))) x->fail(1, "a 9-digit BSN passing the 11-test");
            const std::int64_t since = x->date_year(2);
            const std::int64_t e = key.pseudonym('E', x->text(0)), p = key.pseudonym('P', x->text(1));
            if (!entity.contains(e)) {
                failures.add(x->name(), "entity not in entities.csv");
                continue;
            }
            if (!person.contains(p)) {
                failures.add(x->name(), "director not in persons.csv");
                continue;
            }
            ins.bind(1, e);
            ins.bind(2, p);
            ins.bind(3, since);
            ins.run();
            ++n;
        }
        ins.finish();
        count("directors", n);
    }
    {  // suspicions: suspicion, bsn, offence, date, convicted
        static const std::vector<std::string_view> kOffences{"drugs_possession", "drugs_trafficking", "money_laundering",
                                                             "violence", "property"};
        auto x = open(7);
        Rows ins(writer, db, insert_sql("suspicions"));
        IdIndex seen;
        std::int64_t n = 0;
        while (x->next()) {
            if (x->text(0).empty()) x->fail(0, "a suspicion id");
            if (!bsn_valid(x->text(1))) x->fail(1, "a 9-digit BSN passing the 11-test");
            const std::string_view offence = x->text(2);
            if (std::find(kOffences.begin(), kOffences.end(), offence) == kOffences.end()) {
                x->fail(2, fmt::format("one of {}", fmt::join(kOffences, ", ")));
            }
            const std::int64_t year = x->date_year(3);
            const std::int64_t convicted = x->integer(4, 0, 1);
            if (!seen.insert(key.pseudonym('S', x->text(0)), 0)) x->fail(0, "each suspicion once");
            const std::int64_t p = key.pseudonym('P', x->text(1));
            if (!person.contains(p)) {
                failures.add(x->name(), "suspect not in persons.csv");
                continue;
            }
            ins.bind(1, p);
            ins.bind(2, offence);
            ins.bind(3, year);
            ins.bind(4, convicted);
            ins.run();
            ++n;
        }
        ins.finish();
        count("suspicions", n);
    }
    {  // transactions: transaction, date, from_type, from, to_type, to, amount, unusual
        auto x = open(8);
        Rows ins(writer, db, insert_sql("transactions"));
        IdIndex seen;
        std::int64_t n = 0;
        while (x->next()) {
            if (x->text(0).empty()) x->fail(0, "a transaction id");
            const std::int64_t year = x->date_year(1);
            std::int64_t from = 0, to = 0;
            const char* from_type = party(*x, 2, 3, from);
            const char* to_type = party(*x, 4, 5, to);
            const std::int64_t amount = x->integer(6, 1, 100000000000), unusual = x->integer(7, 0, 1);
            if (!seen.insert(key.pseudonym('T', x->text(0)), 0)) x->fail(0, "each transaction once");
            if (from_type == nullptr || to_type == nullptr) {
                failures.add(x->name(), "party not in persons.csv or entities.csv");
                continue;
            }
            ins.bind(1, year);
            ins.bind_stable(2, std::string_view(from_type));
            ins.bind(3, from);
            ins.bind_stable(4, std::string_view(to_type));
            ins.bind(5, to);
            ins.bind(6, amount);
            ins.bind(7, unusual);
            ins.run();
            ++n;
        }
        ins.finish();
        count("transactions", n);
    }
    report.failures = failures.list();
    Stmt ins(db, insert_sql("link_failures"));
    for (const auto& f : report.failures) {
        ins.bind(1, std::string_view(f.file));
        ins.bind(2, std::string_view(f.reason));
        ins.bind(3, f.records);
        ins.run();
    }
    return report;
}

}  // namespace

// ---- Key

Key::Key(std::string bytes) : bytes_(std::move(bytes)) {
    if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
    if (bytes_.size() < crypto_generichash_KEYBYTES_MIN) {
        throw UsageError(fmt::format("the pseudonymisation key must have at least {} bytes", crypto_generichash_KEYBYTES_MIN));
    }
    if (bytes_.size() > crypto_generichash_KEYBYTES_MAX) bytes_.resize(crypto_generichash_KEYBYTES_MAX);
    static const char kText[] = "wijkzicht pseudonym key 1";
    crypto_generichash(pseudonym_key_.data(), pseudonym_key_.size(), reinterpret_cast<const unsigned char*>(kText),
                       sizeof kText - 1, reinterpret_cast<const unsigned char*>(bytes_.data()), bytes_.size());
}

Key Key::from_file(const std::string& path) {
    if (path.empty()) throw UsageError("a key file is needed (--key-file KEY): the pseudonymisation key of the zone");
    if (!fs::exists(path)) throw UsageError(fmt::format("key file '{}' does not exist", path));
    return Key(read_key_file(path));
}

Key Key::from_bytes(std::string bytes) { return Key(std::move(bytes)); }

std::string Key::fingerprint() const {
    static const char kText[] = "wijkzicht key fingerprint 1";
    unsigned char out[8];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kText), sizeof kText - 1,
                       reinterpret_cast<const unsigned char*>(bytes_.data()), bytes_.size());
    std::string s;
    for (unsigned char c : out) s += fmt::format("{:02x}", c);
    return s;
}

std::int64_t Key::pseudonym(char domain, std::string_view id) const {
    // SipHash-2-4 (libsodium's crypto_shorthash: a keyed PRF built for short inputs) of "domain:id"
    // under a 128-bit key derived from the key file; 64 bits.
    unsigned char buf[256];
    std::string long_id;
    const unsigned char* msg = buf;
    const std::size_t n = id.size() + 2;
    if (n <= sizeof buf) {
        buf[0] = static_cast<unsigned char>(domain);
        buf[1] = ':';
        std::memcpy(buf + 2, id.data(), id.size());
    } else {
        long_id = std::string(1, domain) + ":" + std::string(id);
        msg = reinterpret_cast<const unsigned char*>(long_id.data());
    }
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, msg, n, pseudonym_key_.data());
    std::int64_t v = 0;
    std::memcpy(&v, out, sizeof v);
    return v == 0 ? 1 : v;
}

const std::vector<ExtractFile>& extract_files() {
    static const std::vector<ExtractFile> f = {
        {"addresses", {"address", "buurt", "cell"}},
        {"persons", {"bsn", "birth_year", "household", "address", "income", "assets"}},
        {"entities", {"kvk", "legal_form", "founded", "address"}},
        {"dwellings", {"address", "dwelling_type", "floor_area", "value", "tenure"}},
        {"ownership", {"address", "owner_type", "owner", "since"}},
        {"purchases", {"purchase", "address", "buyer_type", "buyer", "date", "price", "household_income", "household_assets"}},
        {"directors", {"kvk", "bsn", "since"}},
        {"suspicions", {"suspicion", "bsn", "offence", "date", "convicted"}},
        {"transactions", {"transaction", "date", "from_type", "from", "to_type", "to", "amount", "unusual"}},
    };
    return f;
}

IngestReport ingest_extracts(const std::string& path, const Key& key, const std::string& dir) {
    if (!fs::is_directory(dir)) throw UsageError(fmt::format("risk ingest: '{}' is not a folder of extract files", dir));
    const bool existed = fs::exists(path);
    sqlite3* db = open_db(path, true);
    IngestReport report;
    try {
        if (existed) {
            check_zone(db, path, key);
        }
        exec(db, "PRAGMA journal_mode = DELETE");
        exec(db, "PRAGMA cache_size = -262144");
        exec(db, "BEGIN IMMEDIATE");
        create_meta_tables(db);
        if (!existed) {
            Stmt m(db, "INSERT INTO zone_meta VALUES (?, ?)");
            const std::string fp = key.fingerprint(), now = utc_now();
            for (const auto& [k, v] : std::vector<std::pair<std::string_view, std::string_view>>{
                     {"format", kFormat}, {"key_fingerprint", fp}, {"created", now}}) {
                m.bind(1, k);
                m.bind(2, v);
                m.run();
            }
        }
        AuditRecord audit;
        audit.command = "risk ingest";
        audit.started = utc_now();
        audit.parameters = {{"extracts", fs::path(dir).filename().string()}};
        report = ingest_into(db, key, dir);
        audit.inputs = report.inputs;
        nlohmann::json rows = nlohmann::json::object(), failures = nlohmann::json::array();
        for (const auto& [t, n] : report.rows) rows[t] = n;
        for (const auto& f : report.failures) failures.push_back({{"file", f.file}, {"reason", f.reason}, {"records", f.records}});
        audit.outputs = {{"tables", rows}, {"link_failures", failures}};
        report.run = insert_audit(db, audit);
        exec(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        if (!existed) {
            std::error_code ec;
            fs::remove(path, ec);
            fs::remove(path + "-journal", ec);
        }
        throw;
    }
    sqlite3_close(db);
    return report;
}

// ---- Zone

Zone::Zone(const std::string& path, const Key& key) : path_(path) {
    if (!fs::exists(path)) {
        throw UsageError(fmt::format("protected zone '{}' does not exist (make it with: wijkzicht risk ingest --extracts DIR "
                                     "--key-file KEY --protected {})",
                                     path, path));
    }
    sqlite3* db = open_db(path, false);
    db_ = db;
    try {
        check_zone(db, path, key);
    } catch (...) {
        sqlite3_close(db);
        db_ = nullptr;
        throw;
    }
}

Zone::~Zone() { sqlite3_close(db_of(db_)); }

bool Zone::has_table(const std::string& name) const {
    const auto t = zone_tables(db_of(db_));
    return std::find(t.begin(), t.end(), name) != t.end();
}

Table Zone::read(const std::string& table, const std::vector<std::string>& columns) const {
    sqlite3* db = db_of(db_);
    if (!has_table(table)) {
        const char* step = table.rfind("r_network", 0) == 0 ? "risk network" : table.rfind("r_", 0) == 0 ? "risk indicators" : "risk ingest";
        throw NotFoundError(fmt::format("the protected zone '{}' has no table '{}' yet (run: wijkzicht {} first)", path_, table, step));
    }
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    std::size_t rows_expected = 0;  // the tables are only appended to: the last rowid is their row count
    {
        Stmt count(db, fmt::format("SELECT max(rowid) FROM {}", table));
        if (count.step()) rows_expected = static_cast<std::size_t>(std::max<sqlite3_int64>(0, sqlite3_column_int64(count.get(), 0)));
    }
    Stmt s(db, fmt::format("SELECT {} FROM {}", list, table));
    std::vector<Column> cols;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const char* type = sqlite3_column_decltype(s.get(), static_cast<int>(c));
        const std::string t = type != nullptr ? type : "";
        cols.emplace_back(columns[c], t == "TEXT" ? ColumnType::kText : t == "REAL" ? ColumnType::kReal : ColumnType::kInt);
        cols.back().reserve(rows_expected);
    }
    ProgressStep progress(fmt::format("reading {}", table));
    std::size_t rows = 0;
    while (s.step()) {
        if ((++rows & 65535U) == 0) progress.check();
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const int k = static_cast<int>(c);
            if (sqlite3_column_type(s.get(), k) == SQLITE_NULL) {
                cols[c].push_missing(Missing::kEmpty);
            } else if (cols[c].type() == ColumnType::kText) {
                cols[c].push_text(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), k)));
            } else if (cols[c].type() == ColumnType::kReal) {
                cols[c].push_real(sqlite3_column_double(s.get(), k));
            } else {
                cols[c].push_int(sqlite3_column_int64(s.get(), k));
            }
        }
    }
    Table out;
    for (auto& c : cols) out.add_column(std::move(c));
    return out;
}

std::int64_t Zone::write(const std::vector<std::pair<std::string, const Table*>>& tables, const AuditRecord& audit) {
    sqlite3* db = db_of(db_);
    exec(db, "PRAGMA journal_mode = DELETE");
    exec(db, "BEGIN IMMEDIATE");
    try {
        ProgressStep progress(fmt::format("storing {} table{} in the protected zone", tables.size(), tables.size() == 1 ? "" : "s"));
        for (const auto& [name, table] : tables) {
            exec(db, fmt::format("DROP TABLE IF EXISTS {}", name));
            std::string cols;
            for (const auto& c : table->columns()) {
                cols += fmt::format("{}{} {}", cols.empty() ? "" : ", ", c.name(),
                                    c.type() == ColumnType::kText ? "TEXT" : c.type() == ColumnType::kReal ? "REAL" : "INTEGER");
            }
            exec(db, fmt::format("CREATE TABLE {} ({})", name, cols));
            Stmt ins(db, fmt::format("INSERT INTO {} VALUES ({})", name, placeholders(table->column_count())));
            for (std::size_t r = 0; r < table->row_count(); ++r) {
                if ((r & 16383U) == 16383U) progress.check();
                for (std::size_t c = 0; c < table->column_count(); ++c) {
                    const Column& col = table->columns()[c];
                    const int k = static_cast<int>(c) + 1;
                    if (col.is_missing(r)) {
                        ins.bind_null(k);
                    } else if (col.type() == ColumnType::kText) {
                        ins.bind_static(k, std::string_view(col.text_at(r)));
                    } else if (col.type() == ColumnType::kReal) {
                        ins.bind(k, col.real_at(r));
                    } else {
                        ins.bind(k, col.int_at(r));
                    }
                }
                ins.run();
            }
        }
        const std::int64_t run = insert_audit(db, audit);
        exec(db, "COMMIT");
        return run;
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

Table Zone::audit() const {
    return read("audit", {"run", "started", "finished", "os_user", "command", "parameters", "inputs", "outputs"});
}

bool is_zone(const std::string& path) {
    if (!fs::is_regular_file(path)) return false;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    const bool zone = meta_value(db, "format") == kFormat;
    sqlite3_close(db);
    return zone;
}

std::string os_user() {
    const passwd* pw = ::getpwuid(::geteuid());
    if (pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
    return fmt::format("uid {}", ::geteuid());
}

void append_audit_log(const std::string& zone_path, const AuditRecord& record, const std::string& status, std::int64_t run) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& f : record.inputs) inputs.push_back({{"file", fs::path(f.path).filename().string()}, {"sha256", f.sha256}});
    const nlohmann::json line = {{"started", record.started}, {"finished", utc_now()}, {"os_user", os_user()},
                                 {"command", record.command}, {"parameters", record.parameters}, {"inputs", inputs},
                                 {"outputs", record.outputs}, {"status", status}, {"run", run}};
    std::ofstream out(zone_path + ".audit.log", std::ios::app);
    out << line.dump() << '\n';
}

}  // namespace wz::zone
