#pragma once
// The store's guards against crashes and damage (internal to src/io; see docs/store.md):
//   StoreLock          the advisory lock STORE.lock (flock: the kernel drops it when its holder dies, so a
//                      killed run never blocks the next one) and the note of the run that holds it;
//   recover_store      rolls back the hot journal (STORE-journal) a killed in-place write left and
//                      removes the unfinished copies (STORE.tmp-PID) a killed copy-and-rename write left;
//   check_store_file   a truncated or damaged store is a UsageError (exit 2) naming the file, what
//                      SQLite's quick_check found and what the user can do.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace wz {

// Where the store's one-line notices go (a rolled-back unfinished write, a removed unfinished copy, waiting
// for another run's lock). Default (or an empty function): "warning: MESSAGE" on standard error.
void set_store_notice_handler(std::function<void(const std::string&)> handler);

}  // namespace wz

namespace wz::store_guard {

// Prints one line to the user (set_store_notice_handler in store.hpp; by default standard error).
void notice(const std::string& message);

// The exclusive advisory lock on "<store>.lock". The lock file holds one line of JSON naming the run that
// holds it (pid, command, started and, once known, the run id): read at recovery to name the run that a
// crash interrupted, and while waiting to name the run being waited for.
class StoreLock {
  public:
    // Blocks until the lock is free (telling the user once which run it waits for).
    StoreLock(const std::string& store, const std::string& command);
    // Tries once; held() says whether it got the lock.
    struct TryTag {};
    StoreLock(const std::string& store, TryTag);
    ~StoreLock();
    StoreLock(const StoreLock&) = delete;
    StoreLock& operator=(const StoreLock&) = delete;

    bool held() const { return held_; }
    // The try found the lock held by a live run.
    bool busy() const { return busy_; }
    // The note in the lock file before this lock overwrote it: the last run that held the lock.
    const std::string& previous_note() const { return previous_note_; }
    // Records the id of the run being written (after its wz_runs row exists inside the transaction).
    void record_run(std::int64_t run_id);

  private:
    void write_note();
    std::string path_;
    int fd_ = -1;
    bool held_ = false;
    bool busy_ = false;
    std::string previous_note_;
    std::string command_;
    std::string started_;
    std::optional<std::int64_t> run_;
};

// Recovers what a killed or crashed run left beside `store`: rolls back a hot journal (with a read-write
// connection: SQLite cannot roll back on a read-only one) and says so in one line naming the run, and
// removes unfinished copies. `lock`: the StoreLock the caller holds; nullptr: recovery tries the lock once
// and leaves everything to a live run that holds it (its journal is not hot, its copy not stale). Throws
// UsageError when the journal cannot be rolled back because the store or its folder is not writable.
void recover_store(const std::string& store, const StoreLock* lock);

// Whether wijkzicht may write the store: the file has a write permission bit and the process may write it
// and its folder (a store its owner made read-only stays read-only, even for root).
bool store_writable(const std::string& store, std::string* why = nullptr);

// Checks that the file is as long as its SQLite header says (a copy cut short is damaged); throws the
// damaged-store UsageError otherwise. The caller has checked the "SQLite format 3" magic.
void check_store_length(const std::string& store);

// Throws the damaged-store UsageError: names the file, what SQLite found (`sqlite_found`, then PRAGMA
// quick_check's first findings) and what the user can do.
[[noreturn]] void throw_damaged_store(const std::string& store, const std::string& sqlite_found);

}  // namespace wz::store_guard
