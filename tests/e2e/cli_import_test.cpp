// The wijkzicht program as a user meets it: import, info --json, and bad input that must exit 2 with
// one line FILE:LINE:COL: expected ..., found ... and leave the store byte for byte as it was.
// GCC 12 reports false "maybe-uninitialized" warnings inside <regex> at -O1.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <cpl_vsi.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

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

// Leefbaarometer 3.0 score files as published for buurt, wijk and gemeente (bu_code / wk_code / gm_code,
// jaar, lbm, afw and the five dimensions), also with the unnamed index column that spreadsheet tools and
// pandas add in front ("" or "Unnamed: 0").
TEST_F(CliImport, Lbm3ScoreFilesAsPublished) {
    const std::string dims = "lbm,afw,fys,onv,soc,vrz,won";
    struct Case {
        std::string level, header, row, code;
    };
    const Case cases[] = {
        {"buurt", ",bu_code,jaar," + dims, "0,BU00140000,2022,4.1,0.055,0.01,-0.02,0.03,0.015,0.02",
         "BU00140000"},
        {"wijk", "Unnamed: 0,wk_code,jaar," + dims, "7,WK001400,2022,4.0,-0.045,-0.01,-0.02,0.0,-0.005,-0.01",
         "WK001400"},
        {"gemeente", "gm_code,jaar," + dims, "GM0014,2020,4.2,0.155,0.05,0.02,0.03,0.025,0.03", "GM0014"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.level);
        const auto f = dir_.file("lbm3_" + c.level + ".csv");
        write_file(f, c.header + "\n" + c.row + "\n");
        auto r = run_wijkzicht("import lbm3 " + f + " --level " + c.level + " --store " + store_);
        ASSERT_EQ(r.status, 0) << r.err;
        const auto out = dir_.file("out_" + c.level + ".csv");
        r = run_wijkzicht("export --store " + store_ + " --dataset lbm3_" + c.level + " --out " + out);
        ASSERT_EQ(r.status, 0) << r.err;
        const std::string text = test::read_all(out);
        EXPECT_EQ(text.substr(0, text.find('\n')), "code,year," + dims) << text;
        EXPECT_EQ(text.substr(text.find('\n') + 1, c.code.size()), c.code) << text;
    }
}

// A file written through GDAL's virtual file system: "/vsizip/a.zip/x.json" makes a zip archive,
// "/vsigzip/x.json.gz" a gzip file (no zip tool needed on the machine).
void write_vsi(const std::string& name, const std::string& content) {
    VSILFILE* f = VSIFOpenL(name.c_str(), "wb");
    ASSERT_NE(f, nullptr) << name;
    ASSERT_EQ(VSIFWriteL(content.data(), 1, content.size(), f), content.size()) << name;
    ASSERT_EQ(VSIFCloseL(f), 0) << name;
}

// GDAL source names as GDAL writes them reach GDAL: a TopoJSON file named .json, the explicit
// "TopoJSON:" prefix, a file inside a zip archive and a gzip file; the log names the driver that read
// it. Remote sources and missing archives are refused clearly, the store untouched.
TEST_F(CliImport, GdalSourceNamesReachGdal) {
    const std::string text =
        test::read_all(std::string(WZ_SOURCE_DIR) + "/tests/fixtures/two_buurten.topojson");
    const auto json = dir_.file("buurt.json");
    write_file(json, text);
    const auto zip = dir_.file("boundaries.zip");
    write_vsi("/vsizip/" + zip + "/2017/buurt.topojson", text);
    const auto gz = dir_.file("buurt.topojson.gz");
    write_vsi("/vsigzip/" + gz, text);
    int i = 0;
    for (const std::string& source :
         {json, "TopoJSON:" + json, "/vsizip/" + zip + "/2017/buurt.topojson", "/vsigzip/" + gz}) {
        SCOPED_TRACE(source);
        const std::string store = dir_.file("s" + std::to_string(++i) + ".gpkg");
        auto r = run_wijkzicht("import boundaries " + source +
                               " --level buurt --vintage 2017 --id-field statcode --store " + store);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.err.find("2 buurt areas (vintage 2017)"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("read by GDAL's TopoJSON driver"), std::string::npos) << r.err;
        r = run_wijkzicht("info --store " + store + " --json");
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(nlohmann::json::parse(r.out)["areas"][0]["count"], 2) << r.out;
    }
    const auto absent = dir_.file("absent.zip");
    expect_rejected(
        "import boundaries /vsizip/" + absent + "/b.shp --level buurt --vintage 2017 --id-field statcode",
        "^wijkzicht: error: no such file: the archive in '/vsizip/" + absent + "/b.shp' does not exist$");
    expect_rejected("import boundaries TopoJSON:" + dir_.file("absent.json") +
                        " --level buurt --vintage 2017 --id-field statcode",
                    "^wijkzicht: error: no such file: '" + dir_.file("absent.json") + "'$");
    expect_rejected(
        "import boundaries /vsicurl/https://example.org/b.gpkg --level buurt --vintage 2017 --id-field "
        "statcode",
        "^wijkzicht: error: '/vsicurl/https://example.org/b.gpkg': only local files are read .*download the "
        "source first$");
}

// A StatLine download with region names: matched through the store's area layers (here the two buurten
// of the TopoJSON fixture), periods across; an unknown name fails at its field with the closest names
// and leaves the store as it was.
TEST_F(CliImport, StatlineDownloadWithNamesThroughTheStore) {
    auto r =
        run_wijkzicht("import boundaries " + std::string(WZ_SOURCE_DIR) +
                      "/tests/fixtures/two_buurten.topojson --level buurt --vintage 2017 --id-field statcode "
                      "--store " +
                      store_);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string head =
        "\"Diefstallen; buurt\"\n\"Soort diefstal: Fiets\"\n\"Onderwerp\";\"Diefstallen\";"
        "\"Diefstallen\"\n\"Perioden\";\"2017\";\"2018\"\n\"Regio's\";\"aantal\";\"aantal\"\n";
    const auto f = dir_.file("fietsdiefstal.csv");
    write_file(f, head + "\"West\";\"12\";\"14\"\n\"oost\";\"3\";\"x\"\n");
    r = run_wijkzicht("import statline " + f + " --store " + store_);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("layout: periods across"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2 region names matched to codes through the areas in the store (buurt 2017)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("filter Soort diefstal: Fiets"), std::string::npos) << r.err;
    const auto out = dir_.file("out.csv");
    r = run_wijkzicht("export --store " + store_ + " --dataset fietsdiefstal --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(test::read_all(out),
              "code,year,Diefstallen\nBU00140000,2017,12\nBU00140000,2018,14\n"
              "BU00140001,2017,3\nBU00140001,2018,\n");
    const std::string stored = test::file_fingerprint(store_);
    const auto g = dir_.file("noord.csv");
    write_file(g, head + "\"West\";\"12\";\"14\"\n\"Noord\";\"3\";\"4\"\n");
    r = run_wijkzicht("import statline " + g + " --store " + store_);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err,
              g + ":7:1: expected a region name of the areas in the store (buurt 2017) or an area code, "
                  "found 'Noord'; closest: Oost (BU00140001), West (BU00140000), Nederland (NL00)\n");
    EXPECT_EQ(test::file_fingerprint(store_), stored);
}

// Every gemeente name of the real 2022 boundaries (PDOK: "Bergen (NH.)", "'s-Gravenhage",
// "Súdwest-Fryslân") round-trips to its code through a StatLine download with names, also with CBS's
// "(gemeente)" suffix and without accents.
TEST(CliRealData, EveryGemeenteNameRoundTripsToItsCode) {
    WZ_REQUIRE_REAL_DATA();
    TempDir dir;
    const std::string store = dir.file("nl.gpkg");
    const std::string gj = test::real_data("gemeenten-2022-kwb2021/gemeenten_2022.geojson");
    auto r = run_wijkzicht("import boundaries " + gj +
                           " --level gemeente --vintage 2022 --id-field statcode --store " + store);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(test::read_all(gj));
    std::vector<std::pair<std::string, std::string>> gemeenten;  // code, name
    for (const auto& f : doc["features"])
        gemeenten.emplace_back(f["properties"]["statcode"], f["properties"]["statnaam"]);
    ASSERT_EQ(gemeenten.size(), 345u);
    std::string csv = "\"Onderwerp\";\"Nummer\"\n\"Perioden\";\"2023\"\n\"Regio's\";\"aantal\"\n";
    for (std::size_t i = 0; i < gemeenten.size(); ++i) {
        std::string name = gemeenten[i].second;
        if (i % 3 == 1 && name.find('(') == std::string::npos) name += " (gemeente)";
        if (name ==
            "S\xC3\xBA"
            "dwest-Frysl\xC3\xA2n")
            name = "Sudwest-Fryslan";
        csv += "\"" + name + "\";\"" + std::to_string(i) + "\"\n";
    }
    const std::string f = dir.file("gemeenten.csv");
    write_file(f, csv);
    r = run_wijkzicht("import statline " + f + " --store " + store);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("345 region names matched to codes through the areas in the store (gemeente 2022)"),
              std::string::npos)
        << r.err;
    const std::string out = dir.file("out.csv");
    r = run_wijkzicht("export --store " + store + " --dataset gemeenten --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(test::read_all(out));
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "code,year,Nummer");
    std::size_t n = 0;
    while (std::getline(lines, line)) {
        const auto c1 = line.find(','), c2 = line.rfind(',');
        const auto i = static_cast<std::size_t>(std::stoul(line.substr(c2 + 1)));
        ASSERT_LT(i, gemeenten.size()) << line;
        EXPECT_EQ(line.substr(0, c1), gemeenten[i].first) << gemeenten[i].second;
        ++n;
    }
    EXPECT_EQ(n, 345u);
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
