// The importers on the real Dutch files in ../shared/data/real (skipped when absent).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

using test::real_data;

// Every folder data/README.md lists. Under CI (the CI environment variable set) each missing folder is
// a failure naming it; on a developer's machine without ../shared/data the test skips.
TEST(RealData, EveryFolderIsPresentUnderCi) {
    WZ_REQUIRE_REAL_DATA();
    for (const char* folder : {"lbm2-pc4", "lbm3-grid-beesel-sample16", "cbs-boundaries-2014-2015",
                               "groningen-kwb2017-grid2014-biketheft", "gemeenten-2022-kwb2021",
                               "gpkg-sample-ermelo-2021", "lbm2-limburg-buurt-maasim"}) {
        EXPECT_TRUE(std::filesystem::is_directory(real_data(folder)))
            << "real data folder missing: " << real_data(folder);
    }
}

TEST(RealBoundaries, CbsBuurtenWijkenGemeenten) {
    WZ_REQUIRE_REAL_DATA();
    AreaLayer buurt = import_boundaries(real_data("cbs-boundaries-2014-2015/buurt_2014.gpkg"),
                                        {Level::kBuurt, 2014, "statcode", "", "", ""});
    EXPECT_EQ(buurt.areas.size(), 11691u);
    EXPECT_EQ(buurt.empty_geometries(), 545u);
    EXPECT_EQ(buurt.parent_links("wijk"), 11691u);
    EXPECT_EQ(buurt.parent_links("gemeente"), 11691u);
    EXPECT_EQ(buurt.areas[0].code, "BU19870309");
    EXPECT_EQ(buurt.areas[0].name, "Verspreide huizen Muntendam");
    EXPECT_EQ(buurt.areas[0].wijk, "WK198703");
    EXPECT_EQ(buurt.areas[0].gemeente, "GM1987");

    AreaLayer wijk = import_boundaries(real_data("cbs-boundaries-2014-2015/wijk_2014.gpkg"),
                                       {Level::kWijk, 2014, "statcode", "", "", ""});
    EXPECT_EQ(wijk.areas.size(), 2738u);
    EXPECT_EQ(wijk.parent_links("gemeente"), 2738u);

    AreaLayer gm = import_boundaries(real_data("cbs-boundaries-2014-2015/gemeente_2015.gpkg"),
                                     {Level::kGemeente, 2015, "statcode", "", "", ""});
    EXPECT_EQ(gm.areas.size(), 393u);
    EXPECT_EQ(gm.parent_links("corop"), 393u);
    EXPECT_EQ(gm.parent_links("corop_plus"), 393u);
    EXPECT_EQ(gm.parent_links("provincie"), 393u);
    std::set<std::string> corops;
    for (const auto& a : gm.areas) corops.insert(a.corop);
    EXPECT_EQ(corops.size(), 40u);
    EXPECT_EQ(gm.areas[0].code, "GM1987");
    EXPECT_EQ(gm.areas[0].corop, "CR01");
    EXPECT_EQ(gm.areas[0].provincie, "PV20");

    AreaLayer corop = import_boundaries(real_data("cbs-boundaries-2014-2015/coropgebied_2015.gpkg"),
                                        {Level::kCorop, 2015, "statcode", "", "", ""});
    EXPECT_EQ(corop.areas.size(), 40u);
    EXPECT_EQ(corop.parent_links("provincie"), 40u);
}

// Shapefile inside a zip (WGS84 .prj), CSV with WKT (no CRS: assumed from the coordinates), GeoJSON.
TEST(RealBoundaries, OtherFormatsReprojectToRdNew) {
    WZ_REQUIRE_REAL_DATA();
    const std::string g = "groningen-kwb2017-grid2014-biketheft/";
    AreaLayer zip = import_boundaries(real_data(g + "buurt2017.zip"),
                                      {Level::kBuurt, 2017, "BU_CODE", "BU_NAAM", "", ""});
    AreaLayer csv = import_boundaries(real_data(g + "buurt2017.csv"),
                                      {Level::kBuurt, 2017, "BU_CODE", "BU_NAAM", "", ""});
    ASSERT_EQ(zip.areas.size(), 108u);
    ASSERT_EQ(csv.areas.size(), 108u);
    EXPECT_EQ(zip.areas[0].name, "Binnenstad-Noord");
    EXPECT_NE(csv.source_crs.find("assumed"), std::string::npos);
    // First vertex of the first ring lies in Groningen in RD New (x ~ 234 km, y ~ 582 km) in both.
    auto first_xy = [](const Area& a) {
        // ISO WKB MultiPolygon: 1+4+4 header, polygon 1+4+4, ring 4, then doubles.
        double x = 0;
        double y = 0;
        std::memcpy(&x, a.wkb.data() + 9 + 9 + 4, 8);
        std::memcpy(&y, a.wkb.data() + 9 + 9 + 4 + 8, 8);
        return std::make_pair(x, y);
    };
    // The first vertex of BU00140000 (Binnenstad-Noord) in both sources is lon 6.55710329001678,
    // lat 53.219328020802 (ogrinfo -ro /vsizip/buurt2017.zip buurt2017 -fid 0; the first WKT pair of
    // buurt2017.csv). Pinned in RD New with another tool, PROJ through GDAL's command line:
    //   echo "6.55710329001678 53.219328020802" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:28992 -output_xy
    //   -> 233142.230137036 582047.170768696
    // Tolerance 0.01 m: the source coordinates carry 14 significant digits (well under a millimetre),
    // and the pinned value comes from the same PROJ database, so only floating-point noise and the
    // choice of transformation can differ; a wrong CRS, axis swap or datum shift moves it metres to km.
    ASSERT_GE(zip.areas[0].wkb.size(), 9u + 9u + 4u + 16u);
    ASSERT_GE(csv.areas[0].wkb.size(), 9u + 9u + 4u + 16u);
    EXPECT_EQ(zip.areas[0].code, "BU00140000");
    EXPECT_EQ(csv.areas[0].code, "BU00140000");
    const auto [zx, zy] = first_xy(zip.areas[0]);
    const auto [cx, cy] = first_xy(csv.areas[0]);
    constexpr double kX = 233142.230137036, kY = 582047.170768696, kTol = 0.01;
    EXPECT_NEAR(zx, kX, kTol) << "shapefile in zip, x";
    EXPECT_NEAR(zy, kY, kTol) << "shapefile in zip, y";
    EXPECT_NEAR(cx, kX, kTol) << "CSV with WKT, x";
    EXPECT_NEAR(cy, kY, kTol) << "CSV with WKT, y";
    AreaLayer gj = import_boundaries(real_data("gemeenten-2022-kwb2021/gemeenten_2022.geojson"),
                                     {Level::kGemeente, 2022, "statcode", "", "", ""});
    EXPECT_EQ(gj.areas.size(), 345u);
    AreaLayer ermelo = import_boundaries(real_data("gpkg-sample-ermelo-2021/CBS_buurten_ermelo_2021.gpkg"),
                                         {Level::kBuurt, 2021, "buurtcode", "", "", ""});
    EXPECT_EQ(ermelo.areas.size(), 17u);
    EXPECT_EQ(ermelo.parent_links("gemeente"), 17u);
    EXPECT_EQ(ermelo.areas[0].gemeente, "GM0233");
}

TEST(RealBoundaries, WrongLevelOrFieldNamesFeature) {
    WZ_REQUIRE_REAL_DATA();
    try {
        import_boundaries(real_data("cbs-boundaries-2014-2015/wijk_2014.gpkg"),
                          {Level::kBuurt, 2014, "statcode", "", "", ""});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(
            std::string(e.what()).find(":layer wijk_2014:feature 1: expected a buurt code like BU00140000"),
            std::string::npos)
            << e.what();
    }
    EXPECT_THROW(import_boundaries(real_data("cbs-boundaries-2014-2015/wijk_2014.gpkg"),
                                   {Level::kWijk, 2014, "nope", "", "", ""}),
                 InputError);
}

TEST(RealGridStats, GroningenCellsPopulationAndSecrecy) {
    WZ_REQUIRE_REAL_DATA();
    Dataset ds =
        import_grid_stats(real_data("groningen-kwb2017-grid2014-biketheft/vierkant100m2014.csv"), {});
    EXPECT_EQ(ds.meta["cells"].get<int>(), 3441);
    const auto years = dataset_years(ds.table);
    ASSERT_EQ(years.size(), 15u);
    EXPECT_EQ(years.front(), 2000);
    EXPECT_EQ(years.back(), 2014);
    EXPECT_EQ(ds.table.row_count(), 3441u * 15u);
    const Column& inw = ds.table.column("INW");
    const Column& code = ds.table.column("code");
    const Column& year = ds.table.column("year");
    // First cell E2269N5800: INW2000..INW2002 = 5, 5, 0 ; second cell E2288N5799: INW2001 = -99998.
    EXPECT_EQ(code.text_at(0), "E2269N5800");
    EXPECT_EQ(year.int_at(0), 2000);
    EXPECT_DOUBLE_EQ(inw.real_at(0), 5.0);
    EXPECT_DOUBLE_EQ(inw.real_at(2), 0.0);
    EXPECT_EQ(code.text_at(15), "E2288N5799");
    EXPECT_EQ(inw.missing_reason(16), Missing::kSecret99998);
    // Secrecy counted as missing, per reason, over all variables (checked against a plain count of the
    // file: 1389 x -99997, 17288 x -99998, 9147 x 'geheim').
    std::size_t s7 = 0, s8 = 0, gh = 0;
    for (const auto& c : ds.table.columns()) {
        s7 += c.missing_count(Missing::kSecret99997);
        s8 += c.missing_count(Missing::kSecret99998);
        gh += c.missing_count(Missing::kGeheim);
    }
    EXPECT_EQ(s7, 1389u);
    EXPECT_EQ(s8, 17288u);
    EXPECT_EQ(gh, 9147u);
    // Total population 2014 over the published cells.
    double total = 0;
    for (std::size_t r = 0; r < ds.table.row_count(); ++r) {
        if (year.int_at(r) == 2014 && !inw.is_missing(r)) total += inw.real_at(r);
    }
    EXPECT_GT(total, 180000);
    EXPECT_LT(total, 205000);
    // Category columns stay text ("40% tot 60%").
    EXPECT_EQ(ds.table.column("P_AUTO").type(), ColumnType::kText);
}

TEST(RealLbm2, Pc4ClassesForSixYearsDimensionsForFour) {
    WZ_REQUIRE_REAL_DATA();
    auto sets =
        import_lbm2(real_data("lbm2-pc4/PC4LBR.csv"), real_data("lbm2-pc4/PC4DIMENSIE.csv"), Level::kPc4);
    ASSERT_EQ(sets.size(), 2u);
    const Dataset& s = sets[0];
    // The files hold 4,068 postcode areas (../shared/data/README.md says 4,067: one less than the rows
    // below the header); 214 of them carry no class in any year (ragged rows of the code alone).
    EXPECT_EQ(s.meta["areas"].get<int>(), 4068);
    EXPECT_EQ(s.table.row_count(), 4068u * 6u);
    EXPECT_EQ(dataset_years(s.table), (std::vector<std::int64_t>{2002, 2008, 2012, 2014, 2016, 2018}));
    const Column& code = s.table.column("code");
    const Column& year = s.table.column("year");
    const Column& kl = s.table.column("kl");
    const Column& rmtr = s.table.column("rlbrmtr");
    std::map<std::int64_t, std::size_t> classes_per_year, dims_per_year;
    for (std::size_t r = 0; r < s.table.row_count(); ++r) {
        if (!kl.is_missing(r)) ++classes_per_year[year.int_at(r)];
        if (!rmtr.is_missing(r)) ++dims_per_year[year.int_at(r)];
    }
    EXPECT_EQ(classes_per_year.size(), 6u);
    std::set<std::string> with_class;
    for (std::size_t r = 0; r < s.table.row_count(); ++r) {
        if (!kl.is_missing(r)) with_class.insert(code.text_at(r));
    }
    EXPECT_EQ(with_class.size(), 4068u - 214u);
    EXPECT_EQ(dims_per_year.size(), 4u);
    EXPECT_FALSE(dims_per_year.count(2002));
    // PC4 1011 (Amsterdam centre): KL02 7, KL18 9; RLBRMTR12 0.278, RLBVEI18 -0.312.
    EXPECT_EQ(code.text_at(0), "1011");
    EXPECT_EQ(kl.int_at(0), 7);
    EXPECT_EQ(kl.int_at(5), 9);
    EXPECT_DOUBLE_EQ(rmtr.real_at(2), 0.278);
    EXPECT_DOUBLE_EQ(s.table.column("rlbvei").real_at(5), -0.312);
    // PC4 1014 has a ragged row: no classes for 2002 and 2008.
    EXPECT_EQ(code.text_at(18), "1014");
    EXPECT_TRUE(kl.is_missing(18));
    EXPECT_EQ(kl.int_at(20), 4);
    // The total equals the sum of the five dimensions within rounding (0.002).
    double worst = 0;
    for (std::size_t r = 0; r < s.table.row_count(); ++r) {
        if (rmtr.is_missing(r)) continue;
        double sum = 0;
        for (const char* d : {"rlbwon", "rlbbev", "rlbvrz", "rlbvei", "rlbfys"})
            sum += s.table.column(d).real_at(r);
        worst = std::max(worst, std::abs(sum - rmtr.real_at(r)));
    }
    EXPECT_LE(worst, 0.002 + 1e-9);
    const Dataset& dev = sets[1];
    EXPECT_EQ(dev.table.row_count(), 4068u * 15u);
    EXPECT_EQ(dev.table.column("vkl").int_at(0), 5);  // VKL0208 of 1011
}

TEST(RealLbm3, BeeselCellsEditionConstantAndAdditivity) {
    WZ_REQUIRE_REAL_DATA();
    Dataset ds = import_lbm3(real_data("lbm3-grid-beesel-sample16/Livability_test_Beesel_16samples.jsonl"),
                             {Level::kGrid, 2022, ""});
    ASSERT_EQ(ds.table.row_count(), 16u);
    EXPECT_EQ(ds.table.column("code").text_at(0), "E1993N3660");
    EXPECT_EQ(ds.table.column("year").int_at(0), 2022);
    EXPECT_NEAR(ds.meta["edition_constant"].get<double>(), 4.102265, 5e-7);
    EXPECT_LT(ds.meta["edition_constant_spread"].get<double>(), 1e-9);
    EXPECT_LT(ds.meta["max_additivity_gap"].get<double>(), 1e-9);
}

TEST(RealIncidents, GroningenBicycleTheftsWithoutProtectedFields) {
    WZ_REQUIRE_REAL_DATA();
    Dataset ds = import_incidents(
        real_data("groningen-kwb2017-grid2014-biketheft/fietsdiefstallen/fietsdata.csv"), {});
    EXPECT_EQ(ds.table.row_count(), 15947u);
    EXPECT_EQ(ds.meta["encoding"], "cp1252");
    EXPECT_EQ(dataset_years(ds.table), (std::vector<std::int64_t>{2013, 2014, 2015, 2016, 2017}));
    // First record: 20-9-2017 17:30 at X 234234, Y 583983 -> cell E2342N5839.
    EXPECT_EQ(ds.table.column("begin").text_at(0), "2017-09-20T17:30");
    EXPECT_EQ(ds.table.column("code").text_at(0), "E2342N5839");
    EXPECT_EQ(ds.table.column("month").int_at(0), 9);
    EXPECT_EQ(ds.table.column("type_code").text_at(0), "A72");
    EXPECT_EQ(ds.table.column("buurt_name").text_at(0), "West-Indischebuurt");
    // No column that identifies an address or a police record survives.
    for (const char* protected_column : {"Pleegstraatnaam", "Pleeghuisnummer met toev.", "Pleegpostcode", "X",
                                         "Y", "Incident Identificatie", "Bronregistratie"}) {
        EXPECT_EQ(ds.table.find(protected_column), nullptr) << protected_column;
    }
    for (const auto& c : ds.table.columns()) {
        if (c.type() != ColumnType::kText) continue;
        for (std::size_t r = 0; r < std::min<std::size_t>(c.size(), 2000); ++r) {
            EXPECT_NE(c.text_at(r), "Surinamestraat") << c.name();
            EXPECT_NE(c.text_at(r), "9715PZ") << c.name();
        }
    }
}

}  // namespace
}  // namespace wz
