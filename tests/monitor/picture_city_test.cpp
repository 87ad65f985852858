// Development per city (METHODS.md §3: "in most G4 and G40 cities liveability improved more in onvoldoende
// buurten than in ruim voldoende or goed ones"), worked by hand on a few buurten.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>

#include "monitor/picture.hpp"

namespace wz::monitor {
namespace {

struct Buurt {
    const char* code;
    std::int32_t city;
    double score0, score1;
    std::uint8_t class0, class1;
};

TEST(PictureCity, OnvoldoendeAgainstRuimVoldoendeOrGoedPerCity) {
    // Aastad (G4): onvoldoende +0.10, +0.08 (mean +0.09); ruim voldoende / goed +0.02, 0 (mean +0.01); a
    //   class-9 buurt (-0.1) is in neither group -> gap +0.08, the weak catch up.
    // Beedorp (G40): onvoldoende -0.05, ruim voldoende +0.06 -> gap -0.11, the weak fall behind; a buurt
    //   not shown in 2018 is left out.
    // Ceestad (G40): no ruim voldoende or goed buurt -> gap unknown.
    const std::vector<Buurt> buurten = {
        {"BU00010001", 0, 3.60, 3.70, 3, 4}, {"BU00010002", 0, 3.50, 3.58, 2, 3},
        {"BU00010003", 0, 4.10, 4.12, 6, 6}, {"BU00010004", 0, 4.25, 4.25, 7, 7},
        {"BU00010005", 0, 4.50, 4.40, 9, 9}, {"BU00020001", 1, 3.65, 3.60, 3, 3},
        {"BU00020002", 1, 4.10, 4.16, 6, 6}, {"BU00020003", 1, 3.60, NAN, 3, 0},
        {"BU00030001", 2, 3.60, 3.65, 3, 3}, {"BU00990001", -1, 3.00, 4.00, 1, 6}};
    AreaScores a;
    a.years = {2014, 2018};
    std::vector<std::int32_t> city_of;
    for (const auto& b : buurten) {
        a.codes.emplace_back(b.code);
        a.score.push_back(b.score0);
        a.score.push_back(b.score1);
        a.cls.push_back(b.class0);
        a.cls.push_back(b.class1);
        city_of.push_back(b.city);
    }
    const std::vector<City> cities = {
        {"GM0001", "Aastad", "G4"}, {"GM0002", "Beedorp", "G40"}, {"GM0003", "Ceestad", "G40"}};
    const Table t = development_by_city(a, city_of, cities, 2014, 2018, PictureOptions{});
    ASSERT_EQ(t.row_count(), 3u);
    EXPECT_EQ(t.column("name").text_at(0), "Aastad");
    EXPECT_EQ(t.column("group").text_at(1), "G40");
    EXPECT_EQ(t.column("areas").int_at(0), 5);
    EXPECT_EQ(t.column("onvoldoende_areas").int_at(0), 2);
    EXPECT_EQ(t.column("good_areas").int_at(0), 2);
    EXPECT_NEAR(t.column("onvoldoende_change").real_at(0), 0.09, 1e-12);
    EXPECT_NEAR(t.column("good_change").real_at(0), 0.01, 1e-12);
    EXPECT_NEAR(t.column("gap").real_at(0), 0.08, 1e-12);
    EXPECT_EQ(t.column("weak_catch_up").int_at(0), 1);
    EXPECT_EQ(t.column("areas").int_at(1), 2);  // BU00020003 has no 2018 score
    EXPECT_NEAR(t.column("gap").real_at(1), -0.11, 1e-12);
    EXPECT_EQ(t.column("weak_catch_up").int_at(1), 0);
    EXPECT_EQ(t.column("good_areas").int_at(2), 0);
    EXPECT_TRUE(t.column("gap").is_missing(2));
    EXPECT_TRUE(t.column("weak_catch_up").is_missing(2));
    // Ruim voldoende or better (6-9) as the comparison group: Aastad's class-9 buurt joins it.
    PictureOptions wide;
    wide.city_good_max_class = 9;
    const Table w = development_by_city(a, city_of, cities, 2014, 2018, wide);
    EXPECT_EQ(w.column("good_areas").int_at(0), 3);
    EXPECT_NEAR(w.column("good_change").real_at(0), (0.02 + 0.0 - 0.1) / 3, 1e-12);
    // A year without scores: every city is there, with nothing counted.
    const Table none = development_by_city(a, city_of, cities, 2012, 2018, PictureOptions{});
    ASSERT_EQ(none.row_count(), 3u);
    EXPECT_EQ(none.column("areas").int_at(0), 0);
}

// Dimensions by group of gemeenten: weighted means per group and year, and the change since the first.
TEST(PictureCity, SafetyByGroupIsTheWeightedMeanOfItsAreas) {
    AreaScores a;
    a.years = {2014, 2018};
    a.codes = {"BU01", "BU02", "BU03"};
    // [area * 2 + year]; weights 1, 3, 2; vei: BU01 -0.1 -> 0.0, BU02 0.1 -> 0.1, BU03 0.2 -> 0.3 (hidden in
    // 2018).
    a.score = {4.0, 4.1, 4.2, 4.2, 4.3, NAN};
    a.weight = {1, 1, 3, 3, 2, 2};
    a.dims = {{-0.1, 0.0, 0.1, 0.1, 0.2, 0.3}};
    const std::vector<std::string> group = {"G4", "G4", ""};
    const Table t = dimensions_by_group(a, group, std::vector<std::string>{"vei"});
    std::map<std::pair<std::string, std::int64_t>, std::pair<double, double>> got;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        got[{t.column("group").text_at(r), t.column("year").int_at(r)}] = {
            t.column("mean").real_at(r), t.column("change_since_first").is_missing(r)
                                             ? std::nan("")
                                             : t.column("change_since_first").real_at(r)};
    ASSERT_EQ(t.row_count(), 4u);  // G4 and nederland, 2 years
    EXPECT_NEAR(got.at({"G4", 2014}).first, (1 * -0.1 + 3 * 0.1) / 4, 1e-12);
    EXPECT_NEAR(got.at({"G4", 2018}).first, (1 * 0.0 + 3 * 0.1) / 4, 1e-12);
    EXPECT_NEAR(got.at({"G4", 2018}).second, 0.1 / 4, 1e-12);
    EXPECT_NEAR(got.at({"nederland", 2014}).first, (1 * -0.1 + 3 * 0.1 + 2 * 0.2) / 6, 1e-12);
    EXPECT_NEAR(got.at({"nederland", 2018}).first, 0.3 / 4, 1e-12);  // BU03 hidden in 2018
    // Without the country's levels there is no absolute change.
    EXPECT_TRUE(t.column("absolute_change_since_first").is_missing(1));
}

// An indicator part (nuisance) by group, after the dimensions; the absolute change adds the country's own.
TEST(PictureCity, NuisancePartByGroupWithTheCountrysOwnChange) {
    AreaScores a;
    a.years = {2014, 2018};
    a.codes = {"BU01", "BU02"};
    a.score = {4.0, 4.1, 4.2, 4.2};
    a.weight = {1, 1, 3, 3};
    a.dims = {{-0.1, 0.0, 0.1, 0.1}};
    a.part_names = {"overlast"};
    a.parts = {{-0.02, -0.04, 0.01, 0.02}};
    const std::vector<std::string> group = {"G4", "overig"};
    // The country: vei rose by 0.05, nuisance by 0.03 (levels [series][year]).
    const std::vector<std::vector<double>> national = {{0.0, 0.05}, {0.01, 0.04}};
    const Table t = dimensions_by_group(a, group, std::vector<std::string>{"vei"}, national);
    std::map<std::tuple<std::string, std::string, std::int64_t>, std::pair<double, double>> got;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        got[{t.column("group").text_at(r), t.column("dimension").text_at(r), t.column("year").int_at(r)}] = {
            t.column("change_since_first").real_at(r), t.column("absolute_change_since_first").real_at(r)};
    ASSERT_EQ(t.row_count(), 12u);  // 3 groups x 2 series x 2 years
    // G4 (BU01): nuisance fell by 0.02 against the country, which improved by 0.03: +0.01 absolute.
    EXPECT_NEAR(got.at({"G4", "overlast", 2018}).first, -0.02, 1e-12);
    EXPECT_NEAR(got.at({"G4", "overlast", 2018}).second, 0.01, 1e-12);
    EXPECT_NEAR(got.at({"overig", "overlast", 2018}).second, 0.01 + 0.03, 1e-12);
    EXPECT_NEAR(got.at({"G4", "vei", 2018}).second, 0.1 + 0.05, 1e-12);
    EXPECT_NEAR(got.at({"nederland", "overlast", 2014}).second, 0.0, 1e-12);
    // The levels from a picture_years table: dimensions summed from their changes, parts as given.
    Table years;
    years.add_column(Column::of_ints("year", {2014, 2016, 2018}));
    years.add_column(Column::of_reals("change_vei", {0.0, 0.02, 0.03}, {1, 0, 0}));
    years.add_column(Column::of_reals("part_overlast", {0.0, 0.01, 0.04}));
    const auto levels =
        national_levels(years, std::vector<std::string>{"vei", "won"}, std::vector<std::string>{"overlast"});
    ASSERT_EQ(levels.size(), 3u);
    EXPECT_NEAR(levels[0][2], 0.05, 1e-12);
    EXPECT_NEAR(levels[0][0], 0.0, 1e-12);
    EXPECT_TRUE(std::isnan(levels[1][1]));  // no change_won column
    EXPECT_NEAR(levels[2][2], 0.04, 1e-12);
}

// The survey's rating by region type: per type and year the respondents and mean rating, against the
// country's; respondents outside a typed region are "overig".
TEST(PictureCity, SurveyRatingByRegionType) {
    const std::vector<int> year = {2018, 2018, 2018, 2018, 2020};
    const std::vector<double> rating = {6, 8, 7, std::nan(""), 9};
    const std::vector<std::string> type = {"krimpregio", "", "krimpregio", "krimpregio", ""};
    const Table t = survey_by_region_type(year, rating, type);
    std::map<std::pair<std::string, std::int64_t>, std::tuple<std::int64_t, double, double>> got;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        got[{t.column("region_type").text_at(r), t.column("year").int_at(r)}] = {
            t.column("respondents").int_at(r), t.column("mean_rating").real_at(r),
            t.column("against_country").real_at(r)};
    ASSERT_EQ(t.row_count(), 5u);  // krimpregio, overig, nederland in 2018; overig, nederland in 2020
    EXPECT_EQ(std::get<0>(got.at({"krimpregio", 2018})), 2);  // the missing rating does not count
    EXPECT_NEAR(std::get<1>(got.at({"krimpregio", 2018})), 6.5, 1e-12);
    EXPECT_NEAR(std::get<2>(got.at({"krimpregio", 2018})), 6.5 - 7.0, 1e-12);
    EXPECT_NEAR(std::get<1>(got.at({"overig", 2018})), 8.0, 1e-12);
    EXPECT_EQ(std::get<0>(got.at({"nederland", 2018})), 3);
    EXPECT_NEAR(std::get<2>(got.at({"nederland", 2020})), 0.0, 1e-12);
}

}  // namespace
}  // namespace wz::monitor
