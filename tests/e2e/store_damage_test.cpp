// A store that a crash, a cut-short copy or a user left in a bad state, as a user meets it through the
// wijkzicht program (issue 17): a hot journal is rolled back by the next command (read-only ones too) with
// one line naming the run; a truncated or damaged store, a file that is not a store and a read-only store
// are bad input (exit 2, one line naming the file and what to do) and are left byte for byte as they were;
// a lock left by a killed process never blocks the next run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "e2e/kill_support.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;
using test::run_wijkzicht;
using test::TempDir;

const std::string kExample =
    std::string(WZ_SOURCE_DIR) + "/share/wijkzicht/examples/kerncijfers_groningen_2017.csv";

// Leaves a hot journal beside `store` the way a killed writer does: a child process opens the store,
// writes inside a transaction with a one-page cache (so changed pages reach the store file itself) and
// ends without committing or closing. Returns false when it did not leave a journal.
bool leave_hot_journal(const std::string& store) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) ::_exit(3);
        const char* sql =
            "PRAGMA cache_size=1; BEGIN IMMEDIATE;"
            "INSERT INTO wz_runs(command, parameters, program_version, started, finished) "
            "VALUES ('import junk', '{}', 'x', 't', 't');"
            "CREATE TABLE ds_junk(x BLOB);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
            "INSERT INTO ds_junk SELECT randomblob(3000) FROM n;"
            "UPDATE gpkg_contents SET description = 'half written';";
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(4);
        ::_exit(0);  // as if killed: no COMMIT, no close
    }
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    return WIFEXITED(raw) && WEXITSTATUS(raw) == 0 && fs::exists(store + "-journal");
}

std::string one_line(std::string err) {
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return err;
}

class StoreDamage : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = dir_.file("store.gpkg");
        const auto r = run_wijkzicht("import statline " + kExample + " --store " + store_);
        ASSERT_EQ(r.status, 0) << r.err;
        content_ = test::logical_content(store_);
    }
    // A command that must be refused: exit 2, one line on stderr matching every `needles`, store unchanged.
    void expect_refused(const std::string& args, const std::vector<std::string>& needles) {
        const std::string before = test::file_fingerprint(store_);
        const auto r = run_wijkzicht(args);
        EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
        // The error is the last line; an import may have logged what it read before (info: ...).
        std::string err = one_line(r.err);
        const auto cut = err.rfind('\n');
        if (cut != std::string::npos) {
            for (const auto& line : test::split_lines(err.substr(0, cut)))
                EXPECT_EQ(line.rfind("info: ", 0), 0u) << line;
            err = err.substr(cut + 1);
        }
        EXPECT_EQ(err.find("internal error"), std::string::npos) << err;
        for (const auto& n : needles)
            EXPECT_NE(err.find(n), std::string::npos) << "'" << n << "' not in: " << err;
        EXPECT_EQ(test::file_fingerprint(store_), before) << "the store changed: " << args;
        EXPECT_TRUE(test::temp_copies(store_).empty());
    }
    TempDir dir_;
    std::string store_;
    std::map<std::string, std::string> content_;
};

TEST_F(StoreDamage, HotJournalIsRolledBackByTheNextReadOnlyCommand) {
    ASSERT_TRUE(leave_hot_journal(store_));
    // Without recovery a read-only connection cannot read this store at all.
    EXPECT_THROW(test::logical_content(store_), std::runtime_error);
    const auto r = run_wijkzicht("info --store " + store_ + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(one_line(r.err),
              "warning: '" + store_ +
                  "': rolled back an unfinished write of run 2, left by a run that was killed "
                  "or crashed; the store is as it was before that run");
    EXPECT_FALSE(fs::exists(store_ + "-journal"));
    EXPECT_EQ(test::integrity_check(store_), "ok");
    EXPECT_EQ(test::logical_content(store_), content_);
    // The inventory is the one from before the unfinished write; the next command says nothing more.
    const auto inv = nlohmann::json::parse(r.out);
    ASSERT_EQ(inv["runs"].size(), 1u);
    EXPECT_EQ(inv["runs"][0]["command"], "import statline");
    const auto again = run_wijkzicht("export --store " + store_ +
                                     " --dataset kerncijfers_groningen_2017 --out " + dir_.file("k.csv"));
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(again.err.find("rolled back"), std::string::npos) << again.err;
    // And a write goes on as run 2.
    const auto imp = run_wijkzicht("import statline " + kExample + " --name second --store " + store_);
    EXPECT_EQ(imp.status, 0) << imp.err;
    EXPECT_NE(imp.err.find("as run 2"), std::string::npos) << imp.err;
}

TEST_F(StoreDamage, HotJournalIsRolledBackByTheNextWrite) {
    ASSERT_TRUE(leave_hot_journal(store_));
    const auto r = run_wijkzicht("import statline " + kExample + " --name second --store " + store_);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("rolled back an unfinished write of run 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stored in " + store_ + " as run 2"), std::string::npos) << r.err;
    EXPECT_EQ(test::integrity_check(store_), "ok");
    const auto inv = nlohmann::json::parse(run_wijkzicht("info --json --store " + store_).out);
    EXPECT_EQ(inv["datasets"].size(), 2u);
    EXPECT_EQ(inv["runs"].size(), 2u);
}

TEST_F(StoreDamage, TruncatedStoreIsBadInputNamingTheFile) {
    const auto size = fs::file_size(store_);
    ASSERT_GT(size, 3u * 65536u);  // several 64 KiB pages
    fs::resize_file(store_, size / 2 + 100);
    for (const std::string& args :
         {"info --store " + store_, "info --json --store " + store_,
          "export --store " + store_ + " --dataset kerncijfers_groningen_2017 --out " + dir_.file("k.csv"),
          "import statline " + kExample + " --name again --store " + store_}) {
        expect_refused(args, {"wijkzicht: error: the store '", store_,
                              "' is damaged: the file is " + std::to_string(size / 2 + 100) +
                                  " bytes, but its header says",
                              "it was cut short", "PRAGMA quick_check: ", "restore it from a backup",
                              "running its imports and analyses again"});
    }
    EXPECT_FALSE(fs::exists(dir_.file("k.csv")));
}

TEST_F(StoreDamage, DamagedPagesAreBadInputWithQuickCheck) {
    // Overwrite every page but the first (the schema) with garbage, keeping the length.
    const auto size = fs::file_size(store_);
    {
        std::fstream f(store_, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(65536);
        const std::string junk(size - 65536, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    for (const std::string& args :
         {"info --store " + store_, "import statline " + kExample + " --name again --store " + store_}) {
        expect_refused(args, {"the store '" + store_ + "' is damaged: SQLite reports: ",
                              "PRAGMA quick_check: ", "restore it from a backup"});
    }
}

TEST_F(StoreDamage, FileThatIsNotAStoreIsBadInput) {
    test::write_file(store_, "code;name\nGM0014;Groningen\n");
    for (const std::string& args :
         {"info --store " + store_, "import statline " + kExample + " --store " + store_}) {
        expect_refused(args, {"wijkzicht: error: '" + store_ + "' is not a GeoPackage (not an SQLite file)"});
    }
    // An SQLite file that is not a GeoPackage.
    fs::remove(store_);
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    for (const std::string& args :
         {"info --store " + store_, "import statline " + kExample + " --store " + store_}) {
        expect_refused(args, {"'" + store_ + "' is an SQLite file but not a GeoPackage"});
    }
}

TEST_F(StoreDamage, ReadOnlyStoreIsReadButNotWritten) {
    fs::permissions(store_, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    expect_refused(
        "import statline " + kExample + " --name again --store " + store_,
        {"wijkzicht: error: cannot write to the store '" + store_ + "': the file is read-only (mode 0444)",
         "chmod u+w"});
    const auto r = run_wijkzicht("info --store " + store_);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("kerncijfers_groningen_2017"), std::string::npos);
}

TEST_F(StoreDamage, HotJournalOnReadOnlyStoreNamesTheFix) {
    ASSERT_TRUE(leave_hot_journal(store_));
    fs::permissions(store_, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    const std::string journal = test::file_fingerprint(store_ + "-journal");
    expect_refused("info --store " + store_,
                   {"the store '" + store_ + "' has an unfinished write ('" + store_ + "-journal'",
                    "the file is read-only (mode 0444)", "chmod u+w"});
    EXPECT_EQ(test::file_fingerprint(store_ + "-journal"), journal);
    fs::permissions(store_, fs::perms::owner_write, fs::perm_options::add);
    const auto r = run_wijkzicht("info --store " + store_);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("rolled back an unfinished write of run 2"), std::string::npos) << r.err;
    EXPECT_EQ(test::logical_content(store_), content_);
}

// A child process that takes the store lock the way a wijkzicht run does and waits to be killed.
pid_t hold_lock(const std::string& store) {
    int ready[2];
    if (::pipe(ready) != 0) return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open((store + ".lock").c_str(), O_CREAT | O_RDWR, 0644);
        if (fd < 0 || ::flock(fd, LOCK_EX) != 0 || ::ftruncate(fd, 0) != 0) ::_exit(3);
        const std::string note = "{\"pid\":" + std::to_string(::getpid()) + ",\"command\":\"import held\"}\n";
        if (::write(fd, note.data(), note.size()) < 0) ::_exit(4);
        if (::write(ready[1], "x", 1) < 0) ::_exit(5);
        for (;;) ::pause();
    }
    char c = 0;
    if (::read(ready[0], &c, 1) != 1) return -1;
    ::close(ready[0]);
    ::close(ready[1]);
    return pid;
}

TEST_F(StoreDamage, LockOfAKilledRunNeverBlocks) {
    const pid_t holder = hold_lock(store_);
    ASSERT_GT(holder, 0);
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);
    ASSERT_TRUE(fs::exists(store_ + ".lock"));  // the file stays; its lock died with the process
    // A run that waited for the dead holder would wait for ever: give it 5 minutes (an ASan build on a
    // busy machine), then kill it.
    const std::string log = dir_.file("log.txt");
    const auto r = test::run_and_kill({"import", "statline", kExample, "--name", "again", "--store", store_},
                                      std::chrono::seconds(300), log);
    EXPECT_FALSE(r.killed) << "the run was still waiting for the lock of a killed process";
    EXPECT_EQ(r.status, 0) << test::read_all(log);
    EXPECT_EQ(test::read_all(log).find("waiting"), std::string::npos) << test::read_all(log);
    EXPECT_NE(test::read_all(log).find("as run 2"), std::string::npos) << test::read_all(log);
}

TEST_F(StoreDamage, LiveLockIsWaitedForWithANotice) {
    const pid_t holder = hold_lock(store_);
    ASSERT_GT(holder, 0);
    const std::string log = dir_.file("log.txt");
    const pid_t run =
        test::spawn_wijkzicht({"import", "statline", kExample, "--name", "again", "--store", store_}, log);
    // The run waits while the holder lives.
    bool waiting = false;
    for (int i = 0; i < 2400 && !waiting; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        waiting = test::read_all(log).find("waiting for another run") != std::string::npos;
    }
    EXPECT_TRUE(waiting) << test::read_all(log);
    EXPECT_EQ(::waitpid(run, nullptr, WNOHANG), 0) << "the run did not wait for the lock";
    EXPECT_NE(test::read_all(log).find("import held, pid " + std::to_string(holder)), std::string::npos)
        << test::read_all(log);
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);
    int raw = 0;
    ::waitpid(run, &raw, 0);
    ASSERT_TRUE(WIFEXITED(raw));
    EXPECT_EQ(WEXITSTATUS(raw), 0) << test::read_all(log);
    EXPECT_NE(test::read_all(log).find("as run 2"), std::string::npos) << test::read_all(log);
}

}  // namespace
}  // namespace wz
