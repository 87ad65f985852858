// The national picture's parts on hand-built tables: the driver of the national change (the dimension that
// moved furthest with the total, never one that moved against it), the development per city with the
// report's class groups, and the regions against the country per dimension. Every expected value is worked
// out in the comments beside it.
#include "monitor/picture.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace wz::monitor {
namespace {

// Area scores for `codes` x `years`, every value zero / hidden until set.
AreaScores blank(Level level, std::vector<std::string> codes, std::vector<int> years, std::size_t dims) {
    AreaScores a;
    a.level = level;
    a.codes = std::move(codes);
    a.years = std::move(years);
    const std::size_t n = a.codes.size() * a.years.size();
    a.residents.assign(n, 0.0);
    a.weight.assign(n, 0.0);
    a.cells.assign(n, 0.0);
    a.score.assign(n, std::nan(""));
    a.rel.assign(n, std::nan(""));
    a.dims.assign(dims, std::vector<double>(n, std::nan("")));
    a.cls.assign(n, 0);
    a.res_by_class.assign(n, {});
    a.cells_by_class.assign(n, {});
    a.pop_cells.assign(n, 0.0);
    a.pop_cells_by_class.assign(n, {});
    return a;
}

// Three measurements; national dimension means (relative to the base year) 0 in 2016; in 2018 won +0.02,
// bev -0.05, vrz +0.01, vei +0.03, fys 0: the total rises by +0.01. bev moved furthest, but against the
// total; vei moved furthest with it: driver vei, share 0.03 / 0.01 = 3 (the others cancel each other).
// In 2020 won 0, bev -0.08, vrz +0.01, vei +0.03: changes won -0.02, bev -0.03, others 0, total -0.05:
// driver bev, share -0.03 / -0.05 = 0.6.
TEST(PictureYears, DriverMovesWithTheTotalAndCarriesItsShare) {
    const std::vector<std::string> dims = {"won", "bev", "vrz", "vei", "fys"};
    liveability::CellYearPanel panel;
    panel.rows = 3;
    panel.cells = 1;
    panel.years = {2016, 2018, 2020};
    panel.cell = {0, 0, 0};
    panel.year = {0, 1, 2};
    panel.residents = {10, 10, 10};
    liveability::CellScores s;
    s.score = {4.0, 4.01, 3.96};
    s.cls = {5, 5, 5};
    s.national_dim_mean = {{0, 0, 0, 0, 0}, {0.02, -0.05, 0.01, 0.03, 0}, {0.0, -0.08, 0.01, 0.03, 0}};
    s.national_mean = {4.0, 4.01, 3.96};
    const AreaScores areas = blank(Level::kBuurt, {}, panel.years, dims.size());
    const Table t = picture_years(panel, s, dims, areas, PictureOptions{});
    ASSERT_EQ(t.row_count(), 3u);
    EXPECT_TRUE(t.column("driver_share").is_missing(0));
    EXPECT_NEAR(t.column("change_mean_score").real_at(1), 0.01, 1e-12);
    EXPECT_EQ(t.column("driver").text_at(1), "vei");
    EXPECT_NEAR(t.column("driver_share").real_at(1), 3.0, 1e-9);
    EXPECT_NEAR(t.column("change_bev").real_at(1), -0.05, 1e-12);
    EXPECT_EQ(t.column("driver").text_at(2), "bev");
    EXPECT_NEAR(t.column("driver_share").real_at(2), 0.6, 1e-9);
}

// Development 2014 -> 2018 per city; G4 city GM0001, G40 cities GM0002 and GM0004 (no buurten), GM0003
// overig (not listed). Start class and score change per buurt:
//   GM0001: A1 class 3 +0.10, A2 class 2 +0.06 (weak: mean +0.08); A3 class 6 +0.02, A4 class 7 +0.04
//           (strong: mean +0.03); A5 class 5 and A6 class 8 in neither group. Gap +0.05: weak catch up.
//   GM0002: B1 class 3 -0.02 (weak); B2 class 6 +0.05 (strong): gap -0.07, weak lag behind; B3 class 3
//           but hidden in 2018: left out.
//   GM0003: C1 class 3 +1.0: overig, no row.
TEST(PictureCities, WeakAgainstStrongBuurtenPerCity) {
    AreaScores a =
        blank(Level::kBuurt, {"A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "C1"}, {2014, 2018}, 0);
    const auto set = [&](std::size_t i, int cls, double s0, double change, bool shown_at_end = true) {
        a.cls[a.at(i, 0)] = static_cast<std::uint8_t>(cls);
        a.score[a.at(i, 0)] = s0;
        a.cls[a.at(i, 1)] = shown_at_end ? static_cast<std::uint8_t>(cls) : 0;
        a.score[a.at(i, 1)] = s0 + change;
    };
    set(0, 3, 3.6, 0.10);
    set(1, 2, 3.5, 0.06);
    set(2, 6, 4.1, 0.02);
    set(3, 7, 4.25, 0.04);
    set(4, 5, 4.0, -1.0);
    set(5, 8, 4.35, -1.0);
    set(6, 3, 3.6, -0.02);
    set(7, 6, 4.1, 0.05);
    set(8, 3, 3.6, 5.0, false);
    set(9, 3, 3.6, 1.0);
    const std::vector<std::string> city = {"GM0001", "GM0001", "GM0001", "GM0001", "GM0001",
                                           "GM0001", "GM0002", "GM0002", "GM0002", "GM0003"};
    const std::map<std::string, std::string> group = {
        {"GM0001", "G4"}, {"GM0002", "G40"}, {"GM0003", "overig"}, {"GM0004", "G40"}};
    const std::map<std::string, std::string> name = {{"GM0001", "Grootstad"}};
    const std::vector<std::string> listed = {"G4", "G40"};
    const Table t = development_by_city(a, city, group, name, listed, 2014, 2018);
    ASSERT_EQ(t.row_count(), 3u);
    EXPECT_EQ(t.column("city").text_at(0), "GM0001");
    EXPECT_EQ(t.column("name").text_at(0), "Grootstad");
    EXPECT_EQ(t.column("group").text_at(0), "G4");
    EXPECT_EQ(t.column("weak_areas").int_at(0), 2);
    EXPECT_NEAR(t.column("weak_mean_change").real_at(0), 0.08, 1e-12);
    EXPECT_EQ(t.column("strong_areas").int_at(0), 2);
    EXPECT_NEAR(t.column("strong_mean_change").real_at(0), 0.03, 1e-12);
    EXPECT_NEAR(t.column("gap").real_at(0), 0.05, 1e-12);
    EXPECT_EQ(t.column("verdict").text_at(0), "weak catch up");
    EXPECT_EQ(t.column("city").text_at(1), "GM0002");
    EXPECT_EQ(t.column("weak_areas").int_at(1), 1);
    EXPECT_NEAR(t.column("gap").real_at(1), -0.07, 1e-12);
    EXPECT_EQ(t.column("verdict").text_at(1), "weak lag behind");
    EXPECT_EQ(t.column("city").text_at(2), "GM0004");
    EXPECT_EQ(t.column("weak_areas").int_at(2), 0);
    EXPECT_TRUE(t.column("gap").is_missing(2));
    EXPECT_EQ(t.column("verdict").text_at(2), "no comparison");
    // Other class groups: weak = classes 1-2 only (A2 +0.06), strong = 6 only (A3 +0.02): gap +0.04.
    const Table u = development_by_city(a, city, group, name, listed, 2014, 2018, {2, 6, 6});
    EXPECT_EQ(u.column("weak_areas").int_at(0), 1);
    EXPECT_NEAR(u.column("gap").real_at(0), 0.04, 1e-12);
    EXPECT_EQ(u.column("verdict").text_at(1), "no comparison");  // B1 is class 3: no weak buurt left
}

// Regions per dimension against the country (weights 100, 300, 600; dims vrz, vei):
//   R1 krimpregio  2016: vrz -0.10, vei 0.00   2018: vrz -0.12, vei 0.04
//   R2 krimpregio  2016/2018: vrz -0.02, vei 0.02
//   R3 (geen)      2016/2018: vrz +0.05, vei -0.01
// krimp vrz 2016 = (-10 - 6) / 400 = -0.04, 2018 = (-12 - 6) / 400 = -0.045 (change -0.005); country vrz
// 2016 = (-16 + 30) / 1000 = 0.014, 2018 = (-18 + 30) / 1000 = 0.012: krimp against country -0.054, -0.057.
// krimp vei 2016 = 6 / 400 = 0.015, 2018 = 10 / 400 = 0.025.
TEST(PictureRegions, PerDimensionAgainstTheCountry) {
    AreaScores r = blank(Level::kGemeente, {"R1", "R2", "R3"}, {2016, 2018}, 2);
    const auto set = [&](std::size_t i, std::size_t y, double w, double vrz, double vei) {
        const std::size_t k = r.at(i, y);
        r.weight[k] = r.residents[k] = w;
        r.score[k] = 4.0 + vrz + vei;
        r.cls[k] = 5;
        r.dims[0][k] = vrz;
        r.dims[1][k] = vei;
    };
    set(0, 0, 100, -0.10, 0.00);
    set(0, 1, 100, -0.12, 0.04);
    for (std::size_t y = 0; y < 2; ++y) {
        set(1, y, 300, -0.02, 0.02);
        set(2, y, 600, 0.05, -0.01);
    }
    const std::vector<std::string> type = {"krimpregio", "krimpregio", ""};
    const Table t = regions_against_country(r, type, {}, PictureOptions{}, {"vrz", "vei"});
    ASSERT_EQ(t.row_count(), 6u);  // krimpregio, nederland, overig x 2 years
    ASSERT_EQ(t.column("region_type").text_at(0), "krimpregio");
    EXPECT_NEAR(t.column("vrz").real_at(0), -0.04, 1e-12);
    EXPECT_NEAR(t.column("vrz").real_at(1), -0.045, 1e-12);
    EXPECT_NEAR(t.column("vrz_change").real_at(1), -0.005, 1e-12);
    EXPECT_NEAR(t.column("vrz_against_country").real_at(0), -0.054, 1e-12);
    EXPECT_NEAR(t.column("vrz_against_country").real_at(1), -0.057, 1e-12);
    EXPECT_NEAR(t.column("vei").real_at(0), 0.015, 1e-12);
    EXPECT_NEAR(t.column("vei").real_at(1), 0.025, 1e-12);
    ASSERT_EQ(t.column("region_type").text_at(2), "nederland");
    EXPECT_NEAR(t.column("vrz").real_at(2), 0.014, 1e-12);
    EXPECT_NEAR(t.column("vrz_against_country").real_at(2), 0.0, 1e-12);
    // Leaving R1 out of its type: krimp = R2 alone (vrz -0.02); the country keeps it.
    const std::vector<std::string> out = {"R1"};
    const Table u = regions_against_country(r, type, out, PictureOptions{}, {"vrz", "vei"});
    EXPECT_NEAR(u.column("vrz").real_at(0), -0.02, 1e-12);
    EXPECT_NEAR(u.column("vrz").real_at(2), 0.014, 1e-12);
}

}  // namespace
}  // namespace wz::monitor
