// The wijkzicht program as a user meets it: import, info --json, and bad input that must exit 2 with
// one line FILE:LINE:COL: expected ..., found ... and leave the store byte for byte as it was.
// GCC 12 reports false "maybe-uninitialized" warnings inside <regex> at -O1.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "test_support.hpp"

namespace wz {
namespace {

using test::run_wijkzicht;
using test::TempDir;
using test::write_file;

const std::string kExample =
    std::string(WZ_SOURCE_DIR) + "/share/wijkzicht/examples/kerncijfers_groningen_2017.csv";

class CliImport : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = dir_.file("store.gpkg");
        auto r = run_wijkzicht("import statline " + kExample + " --store " + store_);
        ASSERT_EQ(r.status, 0) << r.err;
        before_ = test::file_fingerprint(store_);
    }
    // Runs an import that must fail: exit 2, one line of the expected form, store untouched.
    void expect_rejected(const std::string& args, const std::string& line_pattern) {
        auto r = run_wijkzicht(args + " --store " + store_);
        EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
        std::string err = r.err;
        // Only the error line: no log lines from a run that failed before storing.
        ASSERT_FALSE(err.empty());
        if (err.back() == '\n') err.pop_back();
        EXPECT_EQ(err.find('\n'), std::string::npos) << err;
        EXPECT_TRUE(std::regex_search(err, std::regex(line_pattern)))
            << "stderr: " << err << "\npattern: " << line_pattern;
        EXPECT_EQ(test::file_fingerprint(store_), before_) << "store changed by a failed import: " << args;
    }
    TempDir dir_;
    std::string store_;
    std::string before_;
};

TEST_F(CliImport, InfoJsonInventory) {
    auto r = run_wijkzicht("info --store " + store_ + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto inv = nlohmann::json::parse(r.out);
    ASSERT_EQ(inv["datasets"].size(), 1u);
    const auto& d = inv["datasets"][0];
    EXPECT_EQ(d["name"], "kerncijfers_groningen_2017");
    EXPECT_EQ(d["rows"], 108);
    EXPECT_EQ(d["years"], nlohmann::json::array({2017}));
    EXPECT_EQ(d["level"], "buurt");
    EXPECT_EQ(d["columns"].size(), 8u);  // code, year, name, 5 figures
    ASSERT_EQ(inv["runs"].size(), 1u);
    EXPECT_EQ(inv["runs"][0]["inputs"][0]["sha256"].get<std::string>().size(), 64u);
    auto text = run_wijkzicht("info --store " + store_);
    EXPECT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("kerncijfers_groningen_2017"), std::string::npos);
}

TEST_F(CliImport, MalformedCsvFilesAreRejectedWithoutTouchingTheStore) {
    const std::string h = "\"Regio\";\"Code\";\"Perioden\";\"Inwoners\"\n";
    const std::string ok = "\"A\";\"GM0014\";\"2017\";\"5\"\n";
    const auto f = dir_.file("bad.csv");
    write_file(f, h + ok + "\"B\";\"GM0015\";\"2017\";\"6\";\"7\"\n");
    expect_rejected("import statline " + f,
                    "^" + f + ":3:\\d+: expected 4 fields \\(as in the header\\), found 5 fields$");
    write_file(f, h + ok + "\"B\";\"GX0015\";\"2017\";\"6\"\n");
    expect_rejected("import statline " + f, "^" + f + ":3:5: expected an area code .*, found 'GX0015'$");
    write_file(f, h + ok + ok);
    expect_rejected(
        "import statline " + f,
        "^" + f + ":3:5: expected each area code once per period, found 'GM0014' again for 2017$");
    write_file(f, h + "\"Caf\xC3\xA9\";\"GM0014\";\"2017\";\"5\"\n\"B\xE9\";\"GM0015\";\"2017\";\"6\"\n");
    expect_rejected("import statline " + f,
                    "^" + f + ":3:\\d+: expected text in one encoding .*, found byte 0xE9$");
    write_file(f, h + "\"B\xE9\";\"GM0015\";\"2017\";\"6\"\n");
    expect_rejected("import statline " + f + " --encoding utf-8",
                    "^" + f + ":2:3: expected UTF-8 text .*, found byte 0xE9$");
    write_file(f, "C28992R100,INW2014\nE2269N5800,5\nE2269N580,7\n");
    expect_rejected("import grid-stats " + f,
                    "^" + f + ":3:1: expected a 100 m cell code like E2269N5800, found 'E2269N580'$");
    write_file(f, "C28992R100,INW2014\nE2269N5800,5\nE2269N5800,7\n");
    expect_rejected("import grid-stats " + f,
                    "^" + f + ":3:1: expected each cell once, found 'E2269N5800' again$");
    write_file(f, "CODE,KL02\n1011,7\n0999,5\n");
    const auto dims = dir_.file("dims.csv");
    write_file(dims, "GBD,RLBRMTR12\n1011,0.2\n");
    expect_rejected("import lbm2 " + f + " " + dims + " --level pc4",
                    "^" + f + ":3:1: expected a pc4 code like 9712, found '0999'$");
    write_file(f,
               "Begin-pleegdatum/tijd;X;Y\n20-9-2017 17:30;234234;583983\n31-2-2017 10:00;234234;583983\n");
    expect_rejected("import incidents " + f,
                    "^" + f + ":3:1: expected a date like 20-9-2017 17:30, found '31-2-2017 10:00'$");
    write_file(f,
               "{\"id\": 1199303660, \"lbm\": 4.0, \"afw\": -0.1, \"fys\": 0, \"onv\": 0, \"soc\": 0, "
               "\"vrz\": 0, \"won\": -0.1}\n{\"id\": 12,\n");
    expect_rejected("import lbm3 " + f + " --level grid",
                    "^" + f + ":2:\\d+: expected one JSON object per line, found .*$");
}

TEST_F(CliImport, BadArgumentsAndFilesAreRejectedWithoutTouchingTheStore) {
    auto r = run_wijkzicht("import statline " + dir_.file("absent.csv") + " --store " + store_);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cannot open"), std::string::npos);
    const auto g = dir_.file("not_vector.gpkg");
    write_file(g, "this is not a GeoPackage");
    expect_rejected("import boundaries " + g + " --level buurt --vintage 2014 --id-field statcode",
                    "^" + g + ": expected a vector source GDAL can read .*, found .*$");
    const auto topo = std::string(WZ_SOURCE_DIR) + "/tests/fixtures/two_buurten.topojson";
    expect_rejected("import boundaries " + topo + " --level wijk --vintage 2017 --id-field statcode",
                    "^" + topo +
                        ":layer buurten:feature \\d+: expected a wijk code like WK001400 in field "
                        "'statcode', found 'BU00140000'$");
    expect_rejected(
        "import boundaries " + topo + " --level buurt --vintage 2017 --id-field code",
        "^" + topo + ":layer buurten: expected an id field 'code', found fields id, statcode, statnaam$");
    r = run_wijkzicht("import boundaries " + topo +
                      " --level street --vintage 2017 --id-field statcode --store " + store_);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--level: expected grid, buurt"), std::string::npos) << r.err;
    r = run_wijkzicht("import statline --store " + store_);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(test::file_fingerprint(store_), before_);
}

TEST(CliHelp, EverySubcommandTeaches) {
    for (const char* cmd : {"--help", "import --help", "import boundaries --help", "import statline --help",
                            "import grid-stats --help", "import lbm2 --help", "import lbm3 --help",
                            "import incidents --help", "info --help"}) {
        auto r = run_wijkzicht(cmd);
        EXPECT_EQ(r.status, 0) << cmd;
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
    }
    auto r = run_wijkzicht("import boundaries --help");
    EXPECT_NE(r.out.find("Example:"), std::string::npos);
}

TEST(CliRealData, BuurtenWijkenGemeentenIntoOneStore) {
    WZ_REQUIRE_REAL_DATA();
    TempDir dir;
    const std::string store = dir.file("nl.gpkg");
    const std::string b = test::real_data("cbs-boundaries-2014-2015/");
    for (const std::string args :
         {"buurt_2014.gpkg --level buurt --vintage 2014", "wijk_2014.gpkg --level wijk --vintage 2014",
          "gemeente_2015.gpkg --level gemeente --vintage 2015"}) {
        auto r = run_wijkzicht("import boundaries " + b + args + " --id-field statcode --store " + store);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    auto r = run_wijkzicht("import lbm2 " + test::real_data("lbm2-pc4/PC4LBR.csv") + " " +
                           test::real_data("lbm2-pc4/PC4DIMENSIE.csv") + " --level pc4 --store " + store);
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_wijkzicht("import grid-stats " +
                      test::real_data("groningen-kwb2017-grid2014-biketheft/vierkant100m2014.csv") +
                      " --store " + store);
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_wijkzicht("info --store " + store + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto inv = nlohmann::json::parse(r.out);
    std::map<std::string, int> counts;
    for (const auto& a : inv["areas"]) counts[a["level"].get<std::string>()] = a["count"].get<int>();
    EXPECT_EQ(counts["buurt"], 11691);
    EXPECT_EQ(counts["wijk"], 2738);
    EXPECT_EQ(counts["gemeente"], 393);
    for (const auto& a : inv["areas"]) {
        if (a["level"] == "gemeente") {
            EXPECT_EQ(a["parent_links"]["corop"], 393);
        }
        if (a["level"] == "buurt") {
            EXPECT_EQ(a["empty_geometries"], 545);
        }
    }
    std::map<std::string, nlohmann::json> ds;
    for (const auto& d : inv["datasets"]) ds[d["name"].get<std::string>()] = d;
    EXPECT_EQ(ds["lbm2_pc4"]["rows"], 4068 * 6);
    EXPECT_EQ(ds["grid_stats"]["rows"], 3441 * 15);
    EXPECT_EQ(ds["grid_stats"]["missing_by_reason"]["geheim"], 9147);
    EXPECT_EQ(inv["runs"].size(), 5u);
}

}  // namespace
}  // namespace wz
