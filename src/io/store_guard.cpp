#include "io/store_guard.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.hpp"
#include "io/store.hpp"  // utc_now

namespace wz {
namespace fs = std::filesystem;

namespace {
std::mutex& notice_mutex() {
    static std::mutex m;
    return m;
}
std::function<void(const std::string&)>& notice_handler() {
    static std::function<void(const std::string&)> handler;
    return handler;
}
}  // namespace

void set_store_notice_handler(std::function<void(const std::string&)> handler) {
    const std::lock_guard<std::mutex> guard(notice_mutex());
    notice_handler() = std::move(handler);
}

namespace store_guard {

void notice(const std::string& message) {
    const std::lock_guard<std::mutex> guard(notice_mutex());
    if (notice_handler()) {
        notice_handler()(message);
    } else {
        std::fputs(fmt::format("warning: {}\n", message).c_str(), stderr);
    }
}

namespace {

struct RawDb {
    sqlite3* db = nullptr;
    RawDb() = default;
    ~RawDb() { sqlite3_close(db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;
};

bool is_damage(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

std::string errno_text() {
    return std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): only for a message
}

std::string read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return s.substr(0, 4096);
}

// The note of the lock file: {"pid":..,"command":..,"started":..,"run":..}; null when absent or unreadable.
nlohmann::json parse_note(const std::string& text) {
    const auto note = nlohmann::json::parse(text, nullptr, false);
    return note.is_object() ? note : nlohmann::json();
}

std::string describe_note(const nlohmann::json& note) {
    if (!note.is_object()) return "";
    std::vector<std::string> parts;
    if (note.contains("command") && note["command"].is_string())
        parts.push_back(note["command"].get<std::string>());
    if (note.contains("pid") && note["pid"].is_number_integer())
        parts.push_back(fmt::format("pid {}", note["pid"].get<long long>()));
    if (note.contains("started") && note["started"].is_string())
        parts.push_back("started " + note["started"].get<std::string>());
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

// The journal is hot only when it starts with the journal magic (a zero-length journal, or one whose
// header was never written, holds nothing to roll back).
bool journal_has_header(const std::string& journal) {
    static constexpr std::array<unsigned char, 8> kMagic = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
    std::ifstream in(journal, std::ios::binary);
    std::array<char, 8> head{};
    in.read(head.data(), head.size());
    if (!in) return false;
    return std::memcmp(head.data(), kMagic.data(), kMagic.size()) == 0;
}

// Files "<store>.tmp-<pid>" (and their "-journal") that apply_on_copy left when its run was killed.
std::map<std::string, std::vector<fs::path>> stale_copies(const fs::path& store) {
    std::map<std::string, std::vector<fs::path>> out;
    const std::string prefix = store.filename().string() + ".tmp-";
    std::error_code ec;
    const fs::path dir = store.has_parent_path() ? store.parent_path() : fs::path(".");
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        std::string rest = name.substr(prefix.size());
        const auto dash = rest.find('-');
        const std::string pid = rest.substr(0, dash);
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
        if (dash != std::string::npos && rest.substr(dash) != "-journal") continue;
        out[pid].push_back(it->path());
    }
    return out;
}

std::int64_t last_run_id(sqlite3* db) {
    sqlite3_stmt* s = nullptr;
    std::int64_t seq = 0;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name='wz_runs'", -1, &s, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return seq;
}

}  // namespace

// ---- StoreLock ------------------------------------------------------------------------------------

StoreLock::StoreLock(const std::string& store, const std::string& command)
    : path_(store + ".lock"), command_(command), started_(utc_now()) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw UsageError(
            fmt::format("cannot create the lock file '{}' beside the store: {} (the store's "
                        "folder must be writable)",
                        path_, errno_text()));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const std::string who = describe_note(parse_note(read_small_file(path_)));
        notice(fmt::format("waiting for another run to finish writing '{}' (it holds '{}'{})", store, path_,
                           who.empty() ? "" : "; last noted: " + who));
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                throw UsageError(fmt::format("cannot lock '{}': {}", path_, errno_text()));
            }
        }
    }
    held_ = true;
    previous_note_ = read_small_file(path_);
    write_note();
}

StoreLock::StoreLock(const std::string& store, TryTag) : path_(store + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fd_ = ::open(path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) return;  // no lock file and none can be made: no writer can run either
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
        held_ = true;
        previous_note_ = read_small_file(path_);
    } else {
        busy_ = true;
    }
}

StoreLock::~StoreLock() {
    if (fd_ >= 0) {
        if (held_) ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

void StoreLock::record_run(std::int64_t run_id) {
    run_ = run_id;
    write_note();
}

void StoreLock::write_note() {
    nlohmann::json note = {
        {"pid", static_cast<long long>(::getpid())}, {"command", command_}, {"started", started_}};
    if (run_) note["run"] = *run_;
    const std::string text = note.dump() + "\n";
    // Written over the old note, then cut to length: a crash in between leaves a note that does not parse
    // (recovery then names the run by its number only). No fsync: the note only has to survive the process.
    if (::pwrite(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()))
        (void)::ftruncate(fd_, static_cast<off_t>(text.size()));
}

// ---- recovery -------------------------------------------------------------------------------------

bool store_writable(const std::string& store, std::string* why) {
    struct stat st {};
    if (::stat(store.c_str(), &st) == 0) {
        if ((st.st_mode & 0222) == 0) {
            if (why) *why = fmt::format("the file is read-only (mode {:04o})", st.st_mode & 07777);
            return false;
        }
        if (::access(store.c_str(), W_OK) != 0) {
            if (why) *why = fmt::format("no permission to write the file ({})", errno_text());
            return false;
        }
    }
    fs::path dir = fs::absolute(store).parent_path();
    if (::access(dir.c_str(), W_OK) != 0) {
        if (why)
            *why = fmt::format("its folder '{}' is not writable (the journal and the lock file live there)",
                               dir.string());
        return false;
    }
    return true;
}

void recover_store(const std::string& store, const StoreLock* lock) {
    const std::string journal = store + "-journal";
    std::error_code ec;
    const bool has_journal = fs::exists(journal, ec);
    auto copies = stale_copies(fs::path(store));
    if (!has_journal && copies.empty()) return;  // the usual case: nothing left behind
    static std::mutex one_at_a_time;  // readers on several threads (DatasetBlockReader) recover once
    const std::lock_guard<std::mutex> guard(one_at_a_time);

    // Only act when no live run holds the lock: a running writer's journal is not hot, its copy not stale.
    std::optional<StoreLock> tried;
    if (lock == nullptr) {
        tried.emplace(store, StoreLock::TryTag{});
        if (tried->busy()) return;
        lock = &*tried;
    }
    if (lock->held()) {
        for (const auto& [pid, files] : copies) {
            for (const auto& f : files) fs::remove(f, ec);
            notice(fmt::format(
                "removed '{}.tmp-{}', an unfinished copy left by a run that was killed or crashed "
                "(pid {}); the store itself was not changed by that run",
                store, pid, pid));
        }
    }
    if (!has_journal) return;
    if (fs::file_size(journal, ec) == 0 || ec) {
        if (lock->held()) fs::remove(journal, ec);  // empty: nothing to roll back
        return;
    }
    if (!journal_has_header(journal)) return;  // SQLite does not treat it as hot either

    std::string why;
    if (!store_writable(store, &why)) {
        throw UsageError(fmt::format(
            "the store '{}' has an unfinished write ('{}', left by a run that was killed or crashed) that "
            "must be rolled back before the store can be read, but {}; make the store and its folder "
            "writable (e.g. chmod u+w '{}') and run the command again",
            store, journal, why, store));
    }
    // A read-write connection rolls the hot journal back on its first read (a read-only one cannot).
    RawDb db;
    int rc = sqlite3_open_v2(store.c_str(), &db.db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db.db, 10000);
        rc = sqlite3_exec(db.db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
        const std::string msg = db.db != nullptr ? sqlite3_errmsg(db.db) : "out of memory";
        if (is_damage(rc)) throw_damaged_store(store, msg);
        throw std::runtime_error(
            fmt::format("store: cannot roll back the unfinished write in '{}': {}", journal, msg));
    }
    if (fs::exists(journal, ec) && journal_has_header(journal)) return;  // someone else's live transaction
    const std::int64_t run = last_run_id(db.db) + 1;
    const nlohmann::json note = parse_note(lock->previous_note());
    // The note names the run when it was written by the same run (its run id, when recorded, matches).
    const bool same_run =
        note.is_object() && (!note.contains("run") ||
                             (note["run"].is_number_integer() && note["run"].get<std::int64_t>() == run));
    const std::string who = same_run ? describe_note(note) : "";
    notice(
        fmt::format("'{}': rolled back an unfinished write of run {}{}, left by a run that was killed or "
                    "crashed; the store is as it was before that run",
                    store, run, who.empty() ? "" : " (" + who + ")"));
}

// ---- damage ---------------------------------------------------------------------------------------

void check_store_length(const std::string& store) {
    std::ifstream in(store, std::ios::binary | std::ios::ate);
    const auto size = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    std::array<unsigned char, 100> h{};
    in.read(reinterpret_cast<char*>(h.data()), h.size());
    if (!in) {
        throw_damaged_store(store,
                            fmt::format("the file is {} bytes, shorter than SQLite's 100-byte header", size));
    }
    const auto be32 = [&](std::size_t at) {
        return (std::uint32_t{h[at]} << 24) | (std::uint32_t{h[at + 1]} << 16) |
               (std::uint32_t{h[at + 2]} << 8) | std::uint32_t{h[at + 3]};
    };
    std::uint64_t page = (std::uint32_t{h[16]} << 8) | h[17];
    if (page == 1) page = 65536;
    const std::uint32_t pages = be32(28);
    const bool count_valid = be32(24) == be32(92) && pages > 0;
    if (page < 512 || (page & (page - 1)) != 0) {
        throw_damaged_store(store, fmt::format("its header names a page size of {} bytes", page));
    }
    if (count_valid && size < page * pages) {
        throw_damaged_store(store,
                            fmt::format("the file is {} bytes, but its header says {} pages of {} bytes "
                                        "({} bytes): it was cut short",
                                        size, pages, page, page * pages));
    }
}

void throw_damaged_store(const std::string& store, const std::string& sqlite_found) {
    std::string check;
    RawDb db;
    if (sqlite3_open_v2(store.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* s = nullptr;
        std::vector<std::string> lines;
        int rc = sqlite3_prepare_v2(db.db, "PRAGMA quick_check(3)", -1, &s, nullptr);
        while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            const auto* t = sqlite3_column_text(s, 0);
            lines.emplace_back(t != nullptr ? reinterpret_cast<const char*>(t) : "");
            rc = SQLITE_OK;
        }
        if (rc != SQLITE_DONE && rc != SQLITE_OK) {
            check = fmt::format("could not run ({})", sqlite3_errmsg(db.db));
        } else {
            for (const auto& l : lines) check += (check.empty() ? "" : "; ") + l;
            for (char& c : check) {
                if (c == '\n' || c == '\r') c = ' ';
            }
        }
        sqlite3_finalize(s);
    } else {
        check = "could not run (the file does not open)";
    }
    throw UsageError(fmt::format(
        "the store '{}' is damaged: {}; PRAGMA quick_check: {}. wijkzicht cannot use it: restore it from a "
        "backup (copy it again in full if a copy was cut short), or build a new store by running its "
        "imports and analyses again",
        store, sqlite_found, check.empty() ? "no result" : check));
}

}  // namespace store_guard
}  // namespace wz
