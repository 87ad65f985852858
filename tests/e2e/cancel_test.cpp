// Ctrl-C and SIGTERM: `import indicators` and `score` interrupted mid-run stop within one second with
// exit status 130, leave the store byte for byte as it was and leave no temporary file; and the
// non-terminal progress form (one line per step with its duration).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The same country as AnalyseSynth (one cache for both): scale 0.1, scored with the true weights.
const test::SynthCountry& country() {
    static const test::SynthCountry c =
        test::make_synth_country("0.1", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    return c;
}

// The indicator files of the country, from its README's import line.
std::vector<std::string> indicator_files() {
    std::ifstream readme(country().dir + "/README.md");
    std::string line;
    while (std::getline(readme, line)) {
        if (line.rfind("wijkzicht import indicators ", 0) != 0) continue;
        std::vector<std::string> files;
        for (const auto& t : test::split_on(line, ' ')) {
            if (t.size() > 4 && t.substr(t.size() - 4) == ".csv") files.push_back(country().dir + "/" + t);
        }
        return files;
    }
    return {};
}

struct Child {
    pid_t pid = -1;
    std::string err;
};

// Starts wijkzicht with `args`, standard error to `err`, standard output discarded.
Child start(const std::vector<std::string>& args, const std::string& err) {
    Child c;
    c.err = err;
    c.pid = ::fork();
    if (c.pid == 0) {
        ::setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int o = ::open("/dev/null", O_WRONLY);
        ::dup2(e, 2);
        ::dup2(o, 1);
        std::vector<char*> argv;
        std::string binary = WZ_BINARY;
        argv.push_back(binary.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    return c;
}

// Waits for the child; returns its exit status (-signal when a signal ended it).
int wait_for(const Child& c) {
    int raw = 0;
    ::waitpid(c.pid, &raw, 0);
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -WTERMSIG(raw);
}

// The files of a folder, but the store's lock file: the advisory lock every writing run creates and
// leaves (docs/store.md), not a temporary file.
std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() != ".lock") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Waits until the child's standard error holds `marker` (a step's closing line under -v), so the
// signal lands mid-run at a known place whatever the machine's speed; false when the child ended first.
bool wait_for_line(const Child& c, const std::string& marker) {
    const auto limit = Clock::now() + std::chrono::minutes(5);
    while (Clock::now() < limit) {
        if (test::read_all(c.err).find(marker) != std::string::npos) return true;
        int raw = 0;
        if (::waitpid(c.pid, &raw, WNOHANG) == c.pid) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// Runs the command on a copy of the store and interrupts it with `signal` 0.2 s after `marker` appears
// (mid-run): exit 130 within a second, the store's bytes and the folder's files as before.
void expect_clean_stop(const std::vector<std::string>& args_without_store, int signal,
                       const std::string& marker) {
    test::TempDir dir;
    const std::string store = dir.file("store.gpkg");
    std::vector<std::string> args = {"-v"};  // every step's closing line, and on a failure where the work was
    args.insert(args.end(), args_without_store.begin(), args_without_store.end());
    args.push_back("--store");
    args.push_back(store);
    fs::copy_file(country().store, store);
    const std::string before = test::file_fingerprint(store);
    const std::vector<std::string> files_before = files_in(dir.path().string());
    const Child child = start(args, dir.file("stop.err"));
    ASSERT_TRUE(wait_for_line(child, marker)) << "no line '" << marker << "'\n"
                                              << test::read_all(dir.file("stop.err"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto signalled = Clock::now();
    ASSERT_EQ(::kill(child.pid, signal), 0);
    const int status = wait_for(child);
    const double stop_seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
    const std::string err = test::read_all(dir.file("stop.err"));
    fs::remove(dir.file("stop.err"));
    EXPECT_EQ(status, 130) << err;
    EXPECT_LT(stop_seconds, 1.0) << "stopped " << stop_seconds << " s after the signal\n" << err;
    EXPECT_NE(err.find("wijkzicht: stopped: nothing was changed"), std::string::npos) << err;
    EXPECT_EQ(test::file_fingerprint(store), before) << "the store changed";
    EXPECT_EQ(files_in(dir.path().string()), files_before) << "a temporary file was left";
}

TEST(Cancel, ImportIndicatorsStopsOnCtrlCWithinASecondAndChangesNothing) {
    const std::vector<std::string> files = indicator_files();
    ASSERT_EQ(files.size(), 6U);
    std::vector<std::string> args = {"import", "indicators"};
    args.insert(args.end(), files.begin(), files.end());
    // While the fourth of six files is parsed.
    expect_clean_stop(args, SIGINT, "indicators_2016.csv: ");
}

TEST(Cancel, ScoreStopsOnSigtermWithinASecondAndChangesNothing) {
    // While the cells are scored.
    expect_clean_stop({"score", "--weights", country().weights}, SIGTERM, "score: building the cell panel: ");
}

TEST(Cancel, ScoreStopsOnCtrlCWithinASecondAndChangesNothing) {
    // While the cell panel is built.
    expect_clean_stop({"score", "--weights", country().weights}, SIGINT,
                      "score: reading indicators, population and buurten: ");
}

TEST(Progress, WithoutATerminalEachStepIsOneLineWithItsDuration) {
    test::TempDir dir;
    const std::string store = dir.file("store.gpkg");
    fs::copy_file(country().store, store);
    const std::vector<std::string> files = indicator_files();
    ASSERT_EQ(files.size(), 6U);
    std::vector<std::string> args = {"-v", "import", "indicators", files[0], files[1], "--store", store};
    const Child c = start(args, dir.file("err"));
    ASSERT_EQ(wait_for(c), 0);
    std::istringstream err(test::read_all(dir.file("err")));
    // "info: parsing DIR/indicators_2012.csv: 12.3 MB in 1.2 s" for each file, then the store's step
    // "info: storing 1 dataset: 2.95 M values in 0.8 s".
    std::size_t parsed = 0, stored = 0;
    std::string line;
    while (std::getline(err, line)) {
        EXPECT_EQ(line.find('\r'), std::string::npos) << "a terminal control in a log: " << line;
        const auto has = [&](const char* part) { return line.find(part) != std::string::npos; };
        const bool seconds = line.size() > 2 && line.substr(line.size() - 2) == " s";
        if (line.rfind("info: parsing ", 0) == 0 && has(".csv: ") && seconds &&
            (has(" kB in ") || has(" MB in ") || has(" GB in "))) {
            ++parsed;
        }
        if (line.rfind("info: storing 1 dataset: ", 0) == 0 &&
            line.find(" values in ") != std::string::npos && seconds) {
            ++stored;
        }
    }
    EXPECT_EQ(parsed, 2U) << err.str();
    EXPECT_EQ(stored, 1U) << err.str();
    // --quiet shows no progress at all.
    const Child q = start({"-q", "import", "indicators", files[0], "--store", store}, dir.file("quiet"));
    ASSERT_EQ(wait_for(q), 0);
    EXPECT_EQ(test::read_all(dir.file("quiet")), "");
}

}  // namespace
}  // namespace wz
