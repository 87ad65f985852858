#pragma once
// Helpers for the crash tests (store_kill_test.cpp, store_damage_test.cpp): run the wijkzicht binary
// without a shell and kill it with SIGKILL after a delay, watch files appear while it runs, and take a
// store's logical content (every table's rows) and its integrity check.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace wz::test {

using Clock = std::chrono::steady_clock;

// Starts WZ_BINARY with `args` (no shell, so a kill reaches wijkzicht itself); stdout and stderr go to
// `log` (appended). ASan's leak check is off: a killed process never reaches it anyway.
inline pid_t spawn_wijkzicht(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> argv_s = {WZ_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

struct KillOutcome {
    bool killed = false;  // false: the command had finished before the kill
    int status = -1;      // exit status when it finished
};

// Whether `pattern` exists: a path, or "PREFIX*" for any file whose path starts with PREFIX.
inline bool seen(const std::string& pattern) {
    if (pattern.empty() || pattern.back() != '*') return std::filesystem::exists(pattern);
    const std::filesystem::path p(pattern.substr(0, pattern.size() - 1));
    const std::string prefix = p.filename().string();
    std::error_code ec;
    for (std::filesystem::directory_iterator it(p.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename().string().rfind(prefix, 0) == 0) return true;
    }
    return false;
}

// Runs wijkzicht and sends SIGKILL `delay` after the start (unless it ends first). With `anchors`, the
// delay counts from the moment one of them (see seen()) first exists — the start of the writing — so the
// kill lands in the writing however long the reading before it took on a busy machine.
inline KillOutcome run_and_kill(const std::vector<std::string>& args, std::chrono::microseconds delay,
                                const std::string& log, const std::vector<std::string>& anchors = {}) {
    auto t0 = Clock::now();
    const pid_t pid = spawn_wijkzicht(args, log);
    KillOutcome out;
    int raw = 0;
    bool anchored = anchors.empty();
    for (;;) {
        const pid_t r = ::waitpid(pid, &raw, WNOHANG);
        if (r == pid) {
            out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
            return out;
        }
        if (!anchored) {
            for (const auto& a : anchors) anchored = anchored || seen(a);
            if (anchored) t0 = Clock::now();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            continue;
        }
        if (Clock::now() - t0 >= delay) break;
        const auto left = delay - (Clock::now() - t0);
        std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::microseconds(500)));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &raw, 0);
    out.killed = WIFSIGNALED(raw) && WTERMSIG(raw) == SIGKILL;
    if (!out.killed) out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
}

// CPU time (user + system, all threads) that process `pid` has used so far, from /proc/PID/stat (in clock
// ticks of 10 ms); -1 when it cannot be read.
inline double process_cpu_seconds(pid_t pid) {
    const std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
    const auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) return -1;
    // Fields after the command name: 3 state ... 14 utime 15 stime (man 5 proc).
    std::size_t at = close_paren + 2;
    for (int field = 3; field < 14; ++field) {
        at = stat.find(' ', at);
        if (at == std::string::npos) return -1;
        ++at;
    }
    char* end = nullptr;
    const double utime = std::strtod(stat.c_str() + at, &end);
    const double stime = std::strtod(end, nullptr);
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Runs wijkzicht and sends SIGKILL once it has used `cpu_seconds` of CPU (unless it ends first). CPU time
// is what a run costs whatever else the machine does, so kill points taken as fractions of a clean run's
// CPU time land at the same place of the run on a busy machine, where wall-clock points drift.
inline KillOutcome run_and_kill_at_cpu(const std::vector<std::string>& args, double cpu_seconds,
                                       const std::string& log) {
    const pid_t pid = spawn_wijkzicht(args, log);
    KillOutcome out;
    int raw = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &raw, WNOHANG);
        if (r == pid) {
            out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
            return out;
        }
        if (process_cpu_seconds(pid) >= cpu_seconds) break;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &raw, 0);
    out.killed = WIFSIGNALED(raw) && WTERMSIG(raw) == SIGKILL;
    if (!out.killed) out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
}

// One complete run, timed, with the times (from the start) at which any of `watch` (paths or "PREFIX*",
// see seen()) was first and last seen (polled every ~0.3 ms): the window in which the command writes its
// journal or its copy.
struct Timing {
    double seconds = 0;
    double cpu_seconds = 0;  // the run's CPU time (user + system)
    int status = -1;
    double first_seen = -1;
    double last_seen = -1;
};

inline Timing time_run(const std::vector<std::string>& args, const std::vector<std::string>& watch,
                       const std::string& log) {
    const auto t0 = Clock::now();
    const pid_t pid = spawn_wijkzicht(args, log);
    Timing t;
    int raw = 0;
    for (;;) {
        rusage usage{};
        const pid_t r = ::wait4(pid, &raw, WNOHANG, &usage);
        const double now = std::chrono::duration<double>(Clock::now() - t0).count();
        if (r == pid) {
            t.seconds = now;
            t.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                            1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
            t.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
            return t;
        }
        for (const auto& w : watch) {
            if (seen(w)) {
                if (t.first_seen < 0) t.first_seen = now;
                t.last_seen = now;
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
}

// Files "<store>.tmp-<pid>" (unfinished copies) beside `store`.
inline std::vector<std::string> temp_copies(const std::string& store) {
    std::vector<std::string> out;
    const std::filesystem::path p(store);
    const std::string prefix = p.filename().string() + ".tmp-";
    for (const auto& e : std::filesystem::directory_iterator(p.parent_path())) {
        if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().string());
    }
    return out;
}

// The logical content of an SQLite file: per table (and the schema) a hash of its rows, sorted, with the
// columns that hold wall-clock times (wz_runs.started/finished, gpkg_contents.last_change) blanked. Virtual
// tables (R-trees) are skipped; their shadow tables are ordinary tables and are included. Opens the file
// read-only: it fails (throws) on a store with a hot journal that was not rolled back.
inline std::map<std::string, std::string> logical_content(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    const auto fail = [&](const std::string& what) {
        const std::string msg = what + ": " + sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error(msg);
    };
    const auto fnv = [](const std::string& s) {
        std::uint64_t h = 1469598103934665603ULL;
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        return std::to_string(h) + "/" + std::to_string(s.size());
    };
    std::vector<std::string> tables;
    std::vector<std::string> schema;
    {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_master", -1, &s, nullptr) !=
            SQLITE_OK)
            fail("schema");
        int rc = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            std::string row;
            for (int i = 0; i < 4; ++i) {
                const auto* t = sqlite3_column_text(s, i);
                row += std::string(t ? reinterpret_cast<const char*>(t) : "<null>") + "\x1f";
            }
            schema.push_back(row);
            const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
            const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
            const auto* sql = sqlite3_column_text(s, 3);
            const bool is_virtual =
                sql != nullptr &&
                std::string(reinterpret_cast<const char*>(sql)).rfind("CREATE VIRTUAL", 0) == 0;
            if (type == "table" && !is_virtual) tables.push_back(name);
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) fail("schema");
    }
    std::map<std::string, std::string> out;
    std::sort(schema.begin(), schema.end());
    std::string all;
    for (const auto& r : schema) all += r + "\n";
    out["<schema>"] = fnv(all);
    for (const auto& table : tables) {
        sqlite3_stmt* s = nullptr;
        std::string q = "\"";
        for (char c : table) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        if (sqlite3_prepare_v2(db, ("SELECT * FROM " + q + "\"").c_str(), -1, &s, nullptr) != SQLITE_OK)
            fail(table);
        const int n = sqlite3_column_count(s);
        std::vector<bool> volatile_col(static_cast<std::size_t>(n), false);
        for (int i = 0; i < n; ++i) {
            const std::string c = sqlite3_column_name(s, i);
            volatile_col[static_cast<std::size_t>(i)] =
                (table == "wz_runs" && (c == "started" || c == "finished")) ||
                (table == "gpkg_contents" && c == "last_change");
        }
        // One 64-bit hash per row (FNV-1a over each value's type and bytes), sorted: no copy of the data.
        std::vector<std::uint64_t> rows;
        int rc = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            std::uint64_t h = 1469598103934665603ULL;
            const auto mix = [&h](const unsigned char* p, std::size_t count) {
                for (std::size_t k = 0; k < count; ++k) {
                    h ^= p[k];
                    h *= 1099511628211ULL;
                }
            };
            for (int i = 0; i < n; ++i) {
                const unsigned char type = volatile_col[static_cast<std::size_t>(i)]
                                               ? 0
                                               : static_cast<unsigned char>(sqlite3_column_type(s, i));
                mix(&type, 1);
                if (type == 0) continue;
                const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
                const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(s, i));
                const auto len = static_cast<std::uint64_t>(bytes);
                mix(reinterpret_cast<const unsigned char*>(&len), sizeof(len));
                if (b != nullptr) mix(b, bytes);
            }
            rows.push_back(h);
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) fail(table);
        std::sort(rows.begin(), rows.end());
        std::string text(reinterpret_cast<const char*>(rows.data()), rows.size() * sizeof(std::uint64_t));
        out[table] = fnv(text) + "/" + std::to_string(rows.size()) + " rows";
    }
    sqlite3_close(db);
    return out;
}

// PRAGMA integrity_check's first line ("ok" for a sound file).
inline std::string integrity_check(const std::string& path) {
    sqlite3* db = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_ROW) {
                const auto* t = sqlite3_column_text(s, 0);
                result = t ? reinterpret_cast<const char*>(t) : "";
            } else {
                result = sqlite3_errmsg(db);
            }
        } else {
            result = sqlite3_errmsg(db);
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return result;
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto end = text.find('\n', at);
        out.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return out;
}

// The tables whose content differs between two logical contents (for messages).
inline std::string content_diff(const std::map<std::string, std::string>& a,
                                const std::map<std::string, std::string>& b) {
    std::string out;
    for (const auto& [k, v] : a) {
        auto it = b.find(k);
        if (it == b.end() || it->second != v) out += k + " ";
    }
    for (const auto& [k, v] : b) {
        if (!a.count(k)) out += k + "(new) ";
    }
    return out;
}

}  // namespace wz::test
