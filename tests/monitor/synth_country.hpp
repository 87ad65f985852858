#pragma once
// A synthetic country generated and imported once per test binary and scale, with the true model
// weights written as a CSV for `wijkzicht score`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
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

// Generates the country, runs the README's import lines whose kind is in `kinds` (all when empty), writes
// true_weights.csv (indicator, transform, dimension, weight, center from truth.json).
inline SynthCountry make_synth_country(const std::string& scale, int seed,
                                       const std::vector<std::string>& kinds) {
    namespace fs = std::filesystem;
    SynthCountry k;
    k.dir = (fs::temp_directory_path() / ("wz_synth_country_" + scale + "_" + std::to_string(::getpid())))
                .string();
    fs::remove_all(k.dir);
    const auto r =
        run_wijkzicht("synth --scale " + scale + " --seed " + std::to_string(seed) + " --out " + k.dir);
    EXPECT_EQ(r.status, 0) << r.err;
    k.store = k.dir + "/store.gpkg";
    std::ifstream readme(k.dir + "/README.md");
    std::string line;
    while (std::getline(readme, line)) {
        if (line.rfind("wijkzicht import ", 0) != 0) continue;
        // The README's paths are relative to the country's folder.
        const auto tokens = split_on(line.substr(10), ' ');
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), tokens.at(1)) == kinds.end()) continue;
        std::string args;
        for (std::size_t t = 0; t < tokens.size(); ++t) {
            const fs::path p = fs::path(k.dir) / tokens[t];
            args += " " + (t >= 2 && fs::exists(p) ? p.string() : tokens[t]);  // not "import KIND"
        }
        const auto imp = run_wijkzicht(args + " --store " + k.store);
        EXPECT_EQ(imp.status, 0) << line << "\n" << imp.err;
    }
    std::ifstream t(k.dir + "/truth.json");
    k.truth = nlohmann::json::parse(t);
    k.weights = k.dir + "/true_weights.csv";
    std::ofstream w(k.weights);
    w.precision(17);
    w << "indicator,transform,dimension,weight,center\n";
    for (const auto& i : k.truth["model"]["indicators"]) {
        w << i["id"].get<std::string>() << ',' << i["transform"].get<std::string>() << ','
          << i["dimension_lbm2"].get<std::string>() << ',' << i["weight"].get<double>() << ','
          << i["center"].get<double>() << '\n';
    }
    return k;
}

}  // namespace wz::test
