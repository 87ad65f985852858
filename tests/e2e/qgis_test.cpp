// The map layers as a QGIS user sees them: tests/e2e/qgis_test.py opens a scored synthetic store with QGIS
// itself (headless: QT_QPA_PLATFORM=offscreen, Debian's python3-qgis), loads every map layer with its
// default style from the GeoPackage's layer_styles, renders it to PNG (kept in build/ci/artefacts/qgis/)
// and checks that the largest area of every class of the latest year is drawn in that class's colour of
// the model preset, the designated areas of a typology layer in red and the largest area of each LISA
// cluster of a hot-spot layer in its colour. Skips with a message when QGIS is not installed
// (scripts/install-deps installs it).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "jobs/presets.hpp"
#include "monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;

const test::SynthCountry& scored_country() {
    // The same country as tests/e2e/publish_pg_test.cpp (one cache for both).
    static const test::SynthCountry c =
        test::make_synth_country("0.001", 7, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    return c;
}

std::pair<int, std::string> shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return {-1, ""};
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), p) != nullptr) out += buf;
    const int raw = ::pclose(p);
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

TEST(Qgis, MapLayersOpenWithTheirDefaultStylesAndDrawClassColours) {
    if (!fs::exists("/usr/bin/python3") || shell("/usr/bin/python3 -c 'import qgis.core'").first != 0) {
        GTEST_SKIP()
            << "QGIS is not installed (/usr/bin/python3 cannot import qgis.core; scripts/install-deps "
               "installs qgis and python3-qgis)";
    }
    const test::SynthCountry& c = scored_country();
    ASSERT_FALSE(::testing::Test::HasFailure());
    // A typology layer too: the 2018 report's type 2 on the buurten of the latest year.
    const auto t = test::run_wijkzicht("typology --store " + c.store +
                                       " --rules lbm2018-type2 --level buurt --year 2022");
    ASSERT_EQ(t.status, 0) << t.err;
    // And a hot-spot layer: the local Moran clusters of the 2022 buurt scores.
    const auto h = test::run_wijkzicht("hotspots --store " + c.store +
                                       " --level buurt --year 2022 --permutations 99 --seed 1");
    ASSERT_EQ(h.status, 0) << h.err;
    const auto preset = jobs::load_model_preset("lbm2");
    std::string colours;
    for (const auto& col : preset.classes.colors) colours += (colours.empty() ? "" : ",") + col;
    const std::string out_dir = std::string(WZ_SOURCE_DIR) + "/build/ci/artefacts/qgis";
    const auto r = shell("QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 /usr/bin/python3 " +
                         std::string(WZ_SOURCE_DIR) + "/tests/e2e/qgis_test.py " + c.store + " " + out_dir +
                         " '" + colours + "'");  // quoted: '#' starts a shell comment
    if (r.first == 77) GTEST_SKIP() << r.second;
    EXPECT_EQ(r.first, 0) << r.second;
    // Every score layer and the typology layer were drawn and probed; class 3 (onvoldoende) is among them
    // when the country has such an area in the latest year.
    EXPECT_NE(r.second.find("\"layer\": \"map_buurt_"), std::string::npos) << r.second;
    EXPECT_NE(r.second.find("\"layer\": \"map_gemeente_"), std::string::npos) << r.second;
    EXPECT_NE(r.second.find("\"layer\": \"map_typology_"), std::string::npos) << r.second;
    EXPECT_NE(r.second.find("\"layer\": \"map_hotspots_score_buurt_2022\", \"code\""), std::string::npos)
        << r.second;
    EXPECT_NE(r.second.find("\"failures\": []"), std::string::npos) << r.second;
    EXPECT_TRUE(fs::exists(out_dir)) << out_dir;
    std::printf("%s", r.second.c_str());
}

}  // namespace
}  // namespace wz
