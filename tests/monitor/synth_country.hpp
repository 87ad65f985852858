#pragma once
// A synthetic country generated and imported once per test binary and scale, with the true model
// weights written as a CSV for `wijkzicht score`.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace wz::test {

struct SynthCountry {
    std::string dir, store, weights;
    nlohmann::json truth;
};

inline std::vector<std::string> split_on(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, sep)) out.push_back(f);
    return out;
}

namespace detail {

// Generates the country into `dir`, runs the README's import lines whose kind is in `kinds` (all when
// empty), writes true_weights.csv and runs the commands of `prepare` (with {store} and {weights} filled in).
inline void generate_synth_country(const std::string& dir, const std::string& scale, int seed,
                                   const std::vector<std::string>& kinds, const std::string& prepare) {
    namespace fs = std::filesystem;
    fs::remove_all(dir);
    const auto r =
        run_wijkzicht("synth --scale " + scale + " --seed " + std::to_string(seed) + " --out " + dir);
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string store = dir + "/store.gpkg";
    std::ifstream readme(dir + "/README.md");
    std::string line;
    while (std::getline(readme, line)) {
        if (line.rfind("wijkzicht import ", 0) != 0) continue;
        // The README's paths are relative to the country's folder.
        const auto tokens = split_on(line.substr(10), ' ');
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), tokens.at(1)) == kinds.end()) continue;
        std::string args;
        for (std::size_t t = 0; t < tokens.size(); ++t) {
            const fs::path p = fs::path(dir) / tokens[t];
            args += " " + (t >= 2 && fs::exists(p) ? p.string() : tokens[t]);  // not "import KIND"
        }
        const auto imp = run_wijkzicht(args + " --store " + store);
        EXPECT_EQ(imp.status, 0) << line << "\n" << imp.err;
    }
    std::ifstream t(dir + "/truth.json");
    const auto truth = nlohmann::json::parse(t);
    std::ofstream w(dir + "/true_weights.csv");
    w.precision(17);
    w << "indicator,transform,dimension,weight,center\n";
    for (const auto& i : truth["model"]["indicators"]) {
        w << i["id"].get<std::string>() << ',' << i["transform"].get<std::string>() << ','
          << i["dimension_lbm2"].get<std::string>() << ',' << i["weight"].get<double>() << ','
          << i["center"].get<double>() << '\n';
    }
    w.close();
    // `prepare` may hold several commands separated by " ; ", run in order.
    std::string rest = prepare;
    while (!rest.empty()) {
        const auto sep = rest.find(" ; ");
        std::string cmd = rest.substr(0, sep);
        rest = sep == std::string::npos ? "" : rest.substr(sep + 3);
        for (const auto& [key, value] : {std::pair<std::string, std::string>{"{store}", store},
                                         {"{weights}", dir + "/true_weights.csv"}}) {
            for (auto at = cmd.find(key); at != std::string::npos; at = cmd.find(key))
                cmd.replace(at, key.size(), value);
        }
        const auto p = run_wijkzicht(cmd);
        EXPECT_EQ(p.status, 0) << cmd << "\n" << p.err;
    }
}

// Removes the test process's own copy of the country when the process ends.
struct RemoveAtExit {
    std::string dir;
    ~RemoveAtExit() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

}  // namespace detail

// The synthetic country for a test. CTest runs every test in its own process, so the first process
// generates and imports the country into a cache folder shared by all test processes (under a file
// lock, keyed by the arguments and the wijkzicht binary's time stamp); every process then works on its
// own folder with its own copy of the store and links to the cached files (read them, do not write
// into the linked sub-folders).
inline SynthCountry make_synth_country(const std::string& scale, int seed,
                                       const std::vector<std::string>& kinds,
                                       const std::string& prepare = "") {
    namespace fs = std::filesystem;
    std::string key = scale + "|" + std::to_string(seed) + "|" + prepare + "|" +
                      std::to_string(fs::last_write_time(WZ_BINARY).time_since_epoch().count());
    for (const auto& k : kinds) key += "|" + k;
    const std::string cache =
        (fs::temp_directory_path() / ("wz_synth_cache_" + std::to_string(std::hash<std::string>{}(key))))
            .string();
    {
        const int fd = ::open((cache + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
        EXPECT_GE(fd, 0) << "cannot open the lock file of " << cache;
        if (fd >= 0) ::flock(fd, LOCK_EX);
        if (!fs::exists(cache + "/complete")) {
            detail::generate_synth_country(cache, scale, seed, kinds, prepare);
            if (!::testing::Test::HasFailure()) std::ofstream(cache + "/complete") << key << '\n';
        }
        if (fd >= 0) ::close(fd);  // releases the lock
    }
    SynthCountry k;
    // One folder per country (cache key) and process: a process may use several countries.
    k.dir = (fs::temp_directory_path() /
             ("wz_synth_country_" + scale + "_" + std::to_string(std::hash<std::string>{}(key) % 100000) +
              "_" + std::to_string(::getpid())))
                .string();
    static std::vector<std::unique_ptr<detail::RemoveAtExit>> cleanup;
    cleanup.push_back(std::make_unique<detail::RemoveAtExit>(detail::RemoveAtExit{k.dir}));
    fs::remove_all(k.dir);
    fs::create_directories(k.dir);
    for (const auto& entry : fs::directory_iterator(cache)) {
        const fs::path to = fs::path(k.dir) / entry.path().filename();
        if (entry.path().filename() == "store.gpkg") {
            fs::copy_file(entry.path(), to);
        } else {
            fs::create_symlink(entry.path(), to);
        }
    }
    k.store = k.dir + "/store.gpkg";
    k.weights = k.dir + "/true_weights.csv";
    std::ifstream t(k.dir + "/truth.json");
    k.truth = nlohmann::json::parse(t);
    return k;
}

}  // namespace wz::test
