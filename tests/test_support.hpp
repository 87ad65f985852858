#pragma once
// Shared helpers for the tests: real-data paths (skipping when ../shared/data is absent), temporary
// folders, running the wijkzicht binary, hashing files.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wz::test {

inline std::string real_data(const std::string& relative) {
    return std::string(WZ_SHARED_DATA) + "/real/" + relative;
}

inline bool have_real_data() {
    return std::filesystem::exists(std::string(WZ_SHARED_DATA) + "/real");
}

#define WZ_REQUIRE_REAL_DATA()                                               \
    do {                                                                     \
        if (!::wz::test::have_real_data())                                   \
            GTEST_SKIP() << "real Dutch data not found at " WZ_SHARED_DATA   \
                            "/real (present in CI; a fresh "                 \
                            "clone without ../shared/data skips this test)"; \
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
