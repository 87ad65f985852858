#pragma once
// Shared helpers for the tests: real-data paths (skipping when ../shared/data is absent), temporary
// folders, running the wijkzicht binary, hashing files.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wz::test {

// The folder holding real/ (the shared data beside the repository). The environment variable
// WZ_SHARED_DATA_DIR overrides the path compiled in, so the CI rule below can be exercised without
// renaming the real folder: `WZ_SHARED_DATA_DIR=/nonexistent CI=true wijkzicht_tests`.
inline std::string shared_data_dir() {
    const char* env = std::getenv("WZ_SHARED_DATA_DIR");  // NOLINT(concurrency-mt-unsafe)
    return env != nullptr && *env != '\0' ? std::string(env) : std::string(WZ_SHARED_DATA);
}

inline std::string real_data(const std::string& relative) {
    return shared_data_dir() + "/real/" + relative;
}

inline bool have_real_data() {
    return std::filesystem::exists(shared_data_dir() + "/real");
}

// True under a CI runner: the CI environment variable is set to anything but "", "0" or "false" (GitHub
// Actions, GitLab CI and most runners set CI=true). Under CI a missing prerequisite that the CI machine
// is known to have (the real data, an instruction set the processor reports) is a failure, never a skip.
inline bool running_in_ci() {
    const char* ci = std::getenv("CI");  // NOLINT(concurrency-mt-unsafe)
    if (ci == nullptr) return false;
    const std::string v(ci);
    return !v.empty() && v != "0" && v != "false" && v != "FALSE" && v != "False";
}

// Skips the test when the real data is absent on a developer's machine; fails it under CI, naming the
// folder it looked for, so a changed checkout layout cannot make the real-data oracles vanish silently.
#define WZ_REQUIRE_REAL_DATA()                                                                      \
    do {                                                                                            \
        if (!::wz::test::have_real_data()) {                                                        \
            if (::wz::test::running_in_ci()) {                                                      \
                GTEST_FAIL() << "real Dutch data missing: " << ::wz::test::shared_data_dir()        \
                             << "/real does not exist, and CI is set, so this test must run (the "  \
                                "CI checkout must hold ../shared/data/real; WZ_SHARED_DATA_DIR "    \
                                "overrides the path)";                                              \
            }                                                                                       \
            GTEST_SKIP() << "real Dutch data not found at " << ::wz::test::shared_data_dir()        \
                         << "/real (present in CI, where its absence fails; a fresh clone without " \
                            "../shared/data skips this test)";                                      \
        }                                                                                           \
    } while (0)

// A fresh temporary folder, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info ? std::string(info->test_suite_name()) + "_" + info->name() : "wz";
        for (char& c : name) {
            if (c == '/') c = '_';
        }
        path_ =
            std::filesystem::temp_directory_path() / ("wz_test_" + name + "_" + std::to_string(::getpid()));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

inline std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct CommandResult {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs the wijkzicht binary with `args` (a shell-quoted string); captures stdout and stderr.
inline CommandResult run_wijkzicht(const std::string& args) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(std::rand());
    const std::string out = (dir / ("wz_out_" + tag)).string();
    const std::string err = (dir / ("wz_err_" + tag)).string();
    const std::string cmd =
        std::string("ASAN_OPTIONS=detect_leaks=0 ") + WZ_BINARY + " " + args + " >" + out + " 2>" + err;
    const int raw = std::system(cmd.c_str());
    CommandResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_all(out);
    r.err = read_all(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
}

// A cheap content fingerprint (FNV-1a 64) of a file, "" when absent.
inline std::string file_fingerprint(const std::string& path) {
    if (!std::filesystem::exists(path)) return "";
    const std::string data = read_all(path);
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : data) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return std::to_string(h) + ":" + std::to_string(data.size());
}

}  // namespace wz::test
