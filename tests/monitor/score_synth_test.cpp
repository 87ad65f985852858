// `wijkzicht score` on the synthetic country with the true model weights: cell scores equal a direct
// recomputation from the indicator files and truth.json, area scores are the resident-weighted means of
// their cells, and the national picture equals a direct recount from the cells.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "io/store.hpp"
#include "synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {
namespace fs = std::filesystem;

using Country = test::SynthCountry;
using test::split_on;

const Country& country() {
    static const Country c = test::make_synth_country("0.01", 7, {});
    return c;
}

const Column& col(const Dataset& d, const char* name) {
    return d.table.column(name);
}

TEST(ScoreSynth, CellScoresEqualTheTrueModelRecomputedFromTheFiles) {
    const Country& c = country();
    const std::string before = test::file_fingerprint(c.store);
    const auto r = test::run_wijkzicht("score --store " + c.store + " --weights " + c.weights +
                                       " --out-dir " + c.dir + "/scores --json");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(test::file_fingerprint(c.store), before);
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["base_year"], 2016);
    EXPECT_EQ(summary["rows_missing"], 0);

    // Direct recomputation: absolute = 4.1847 + sum_j w_j (T_j(x_j) - c_j) (docs/synth.md).
    std::map<std::string, std::pair<std::string, std::pair<double, double>>> model;  // id -> transform, w, c
    for (const auto& i : c.truth["model"]["indicators"]) {
        model[i["id"]] = {i["transform"], {i["weight"].get<double>(), i["center"].get<double>()}};
    }
    std::map<std::pair<std::string, int>, double> expected;
    for (int year = 2012; year <= 2022; year += 2) {
        std::ifstream in(c.dir + "/liveability/indicators_" + std::to_string(year) + ".csv");
        std::string line;
        std::getline(in, line);
        const auto header = split_on(line, ',');
        while (std::getline(in, line)) {
            const auto f = split_on(line, ',');
            double s = 4.1847;
            for (std::size_t j = 1; j < f.size(); ++j) {
                const auto& [tr, wc] = model.at(header[j]);
                const double x = std::stod(f[j]);
                const double t = tr == "log" ? std::log(x) : tr == "logit" ? std::log(x / (1 - x)) : x;
                s += wc.first * (t - wc.second);
            }
            expected[{f[0], year}] = s;
        }
    }
    const Dataset cells = read_dataset(c.store, "score_grid");
    ASSERT_EQ(cells.table.row_count(), expected.size());
    double worst = 0;
    for (std::size_t i = 0; i < cells.table.row_count(); ++i) {
        const auto key =
            std::make_pair(col(cells, "code").text_at(i), static_cast<int>(col(cells, "year").int_at(i)));
        worst = std::max(worst, std::abs(col(cells, "score").real_at(i) - expected.at(key)));
        // Dimension contributions add up to rel.
        double sum = 0;
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"}) sum += col(cells, d).real_at(i);
        ASSERT_NEAR(sum, col(cells, "rel").real_at(i), 1e-9);
    }
    EXPECT_LT(worst, 1e-9);
    // The planted type-2 buurt has onvoldoende cells in every year (docs/synth.md): the plant must exist
    // and its buurt must have a row for each of the six measurements.
    std::size_t plants = 0, plant_rows = 0;
    const Dataset bu = read_dataset(c.store, "score_buurt");
    for (const auto& p : c.truth["typology"]["plants"]) {
        if (p["id"] != "type2_meet") continue;
        ++plants;
        const std::string code = p["code"];
        for (std::size_t i = 0; i < bu.table.row_count(); ++i) {
            if (col(bu, "code").text_at(i) != code) continue;
            ++plant_rows;
            const double onv =
                col(bu, "res_k1").real_at(i) + col(bu, "res_k2").real_at(i) + col(bu, "res_k3").real_at(i);
            EXPECT_GT(onv, 0) << code << " " << col(bu, "year").int_at(i);
            ASSERT_FALSE(col(bu, "class").is_missing(i)) << code << " " << col(bu, "year").int_at(i);
            EXPECT_LE(col(bu, "class").int_at(i), 4) << code << " " << col(bu, "year").int_at(i);
        }
    }
    EXPECT_EQ(plants, 1u) << "truth.json lists no type2_meet plant";
    EXPECT_EQ(plant_rows, 6u) << "score_buurt lacks measurements of the type2_meet buurt";

    // Indicators stored in column blocks (as large datasets are) are streamed while scoring: the same
    // cell scores to the last bit, and the same areas.
    const std::string blocked = c.dir + "/blocked.gpkg";
    fs::copy_file(c.store, blocked, fs::copy_options::overwrite_existing);
    StoreUpdate u;
    u.run.command = "test: indicators as blocks";
    u.datasets.push_back(read_dataset(c.store, "indicators"));
    StoreOptions o;
    o.block_threshold_rows = 1000;
    o.block_rows = 4093;  // not a multiple of the scoring chunk
    apply_to_store(blocked, u, o);
    ASSERT_TRUE(DatasetBlockReader(blocked, "indicators").stored_in_blocks());
    const auto rb = test::run_wijkzicht("score --store " + blocked + " --weights " + c.weights);
    ASSERT_EQ(rb.status, 0) << rb.err;
    const Dataset again = read_dataset(blocked, "score_grid");
    ASSERT_EQ(again.table.row_count(), cells.table.row_count());
    for (const char* name : {"score", "rel", "won", "fys"}) {
        const Column& a = col(cells, name);
        const Column& b = col(again, name);
        for (std::size_t i = 0; i < cells.table.row_count(); ++i) {
            ASSERT_EQ(a.is_missing(i), b.is_missing(i)) << name << " row " << i;
            if (!a.is_missing(i)) {
                ASSERT_EQ(a.real_at(i), b.real_at(i)) << name << " row " << i;
            }
        }
    }
    const Dataset g1 = read_dataset(c.store, "score_gemeente"), g2 = read_dataset(blocked, "score_gemeente");
    ASSERT_EQ(g1.table.row_count(), g2.table.row_count());
    for (std::size_t i = 0; i < g1.table.row_count(); ++i) {
        if (col(g1, "score").is_missing(i)) continue;
        EXPECT_EQ(col(g1, "score").real_at(i), col(g2, "score").real_at(i)) << i;
    }
}

TEST(ScoreSynth, AreasAndTheNationalPictureEqualARecountFromTheCells) {
    const Country& c = country();
    if (!fs::exists(c.dir + "/scores")) {
        const auto r = test::run_wijkzicht("score --store " + c.store + " --weights " + c.weights);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    const Dataset cells = read_dataset(c.store, "score_grid");
    // Recount per year: residents per class, weighted score sums per buurt, onvoldoende residents per buurt.
    std::map<int, std::array<double, 10>> by_class;
    std::map<std::pair<std::string, int>, std::array<double, 3>>
        buurt;  // residents, sum res*score, onv residents
    // Cells are binned by the class recomputed from their absolute score with the LBM 2.0 edges of
    // ../shared/docs/METHODS.md ("class = 1 + the number of edges at or below the score"), not by the
    // program's own class column, which must agree with it: a moved edge changes both and fails here.
    constexpr std::array<double, 8> kEdges = {3.47, 3.557, 3.6955, 3.897, 3.9975, 4.192, 4.3045, 4.3925};
    auto class_of = [&](double score) {
        std::int64_t k = 1;
        for (double e : kEdges) k += score >= e ? 1 : 0;
        return k;
    };
    ASSERT_GT(cells.table.row_count(), 0u);
    std::size_t wrong_class = 0, scored = 0;
    std::array<std::size_t, 10> cells_by_class{};
    for (std::size_t i = 0; i < cells.table.row_count(); ++i) {
        const int year = static_cast<int>(col(cells, "year").int_at(i));
        const double res = col(cells, "residents").real_at(i);
        if (col(cells, "score").is_missing(i)) {
            EXPECT_TRUE(col(cells, "class").is_missing(i)) << "a class without a score, row " << i;
            continue;
        }
        ++scored;
        const auto k = class_of(col(cells, "score").real_at(i));
        ++cells_by_class[static_cast<std::size_t>(k)];
        if (col(cells, "class").is_missing(i) || col(cells, "class").int_at(i) != k) {
            if (++wrong_class <= 5) {
                ADD_FAILURE() << "cell " << col(cells, "code").text_at(i) << " " << year << ": score "
                              << col(cells, "score").real_at(i) << " is class " << k << ", stored class "
                              << (col(cells, "class").is_missing(i)
                                      ? std::string("missing")
                                      : std::to_string(col(cells, "class").int_at(i)));
            }
        }
        by_class[year][static_cast<std::size_t>(k)] += res;
        auto& b = buurt[{col(cells, "buurt").text_at(i), year}];
        b[0] += res;
        b[1] += res * col(cells, "score").real_at(i);
        if (k <= 3) b[2] += res;
    }
    EXPECT_EQ(wrong_class, 0u) << "of " << scored << " scored cells";
    EXPECT_GT(scored, 1000u);
    // The synthetic country spans the scale: the recount is not carried by one or two classes.
    for (std::size_t k = 2; k <= 8; ++k) EXPECT_GT(cells_by_class[k], 0u) << "class " << k;
    const Dataset classes = read_dataset(c.store, "picture_classes");
    ASSERT_EQ(classes.table.row_count(), 6u * 9u);
    for (std::size_t i = 0; i < classes.table.row_count(); ++i) {
        const int year = static_cast<int>(col(classes, "year").int_at(i));
        const auto k = static_cast<std::size_t>(col(classes, "class").int_at(i));
        EXPECT_NEAR(col(classes, "residents").real_at(i), by_class[year][k], 1e-6) << year << " class " << k;
    }
    const Dataset years = read_dataset(c.store, "picture_years");
    ASSERT_EQ(years.table.row_count(), 6u);
    for (std::size_t i = 0; i < years.table.row_count(); ++i) {
        const int year = static_cast<int>(col(years, "year").int_at(i));
        double total = 0, onv = 0, zwak = 0, good = 0;
        for (std::size_t k = 1; k <= 9; ++k) {
            total += by_class[year][k];
            onv += k <= 3 ? by_class[year][k] : 0;
            zwak += k == 4 ? by_class[year][k] : 0;
            good += k >= 6 ? by_class[year][k] : 0;
        }
        EXPECT_NEAR(col(years, "residents").real_at(i), total, 1e-6);
        EXPECT_NEAR(col(years, "onvoldoende_share").real_at(i), onv / total, 1e-12);
        EXPECT_NEAR(col(years, "zwak_share").real_at(i), zwak / total, 1e-12);
        EXPECT_NEAR(col(years, "ruim_voldoende_plus_share").real_at(i), good / total, 1e-12);
        std::int64_t onv_buurten = 0;
        for (const auto& [key, b] : buurt) onv_buurten += key.second == year && b[2] >= 100;
        EXPECT_EQ(col(years, "onvoldoende_areas").int_at(i), onv_buurten) << year;
        if (i > 0) {
            double parts = 0;
            for (const char* d : {"won", "bev", "vrz", "vei", "fys"})
                parts += col(years, ("change_" + std::string(d)).c_str()).real_at(i);
            EXPECT_NEAR(parts, col(years, "change_mean_score").real_at(i), 1e-12);
            // The driver moved with the total: the largest change in the total's direction, and its share.
            const double total_change = col(years, "change_mean_score").real_at(i);
            std::string driver;
            double largest = 0;
            for (const char* d : {"won", "bev", "vrz", "vei", "fys"}) {
                const double along =
                    (total_change > 0 ? 1 : -1) * col(years, ("change_" + std::string(d)).c_str()).real_at(i);
                if (along > largest) largest = along, driver = d;
            }
            EXPECT_EQ(col(years, "driver").text_at(i), driver) << year;
            EXPECT_NEAR(col(years, "driver_share").real_at(i),
                        col(years, ("change_" + driver).c_str()).real_at(i) / total_change, 1e-12);
            EXPECT_GT(col(years, "driver_share").real_at(i), 0) << year;
        }
    }
    // Buurt scores are resident-weighted means of their cells (shown when >= 100 residents).
    const Dataset bu = read_dataset(c.store, "score_buurt");
    std::size_t shown = 0;
    for (std::size_t i = 0; i < bu.table.row_count(); ++i) {
        const auto& b = buurt[{col(bu, "code").text_at(i), static_cast<int>(col(bu, "year").int_at(i))}];
        if (b[0] < 100) {
            EXPECT_TRUE(col(bu, "score").is_missing(i));
            continue;
        }
        ++shown;
        EXPECT_NEAR(col(bu, "score").real_at(i), b[1] / b[0], 1e-9);
    }
    EXPECT_GT(shown, 100u);
    // Nederland = the whole country.
    const Dataset nl = read_dataset(c.store, "score_nederland");
    ASSERT_EQ(nl.table.row_count(), 6u);
}

// `wijkzicht picture ARGS --json` on the country, scored first when no test has scored it yet.
nlohmann::json scored_picture(const std::string& args = "") {
    const Country& c = country();
    if (!fs::exists(c.dir + "/scores") &&
        test::run_wijkzicht("score --store " + c.store + " --weights " + c.weights).status != 0) {
        ADD_FAILURE() << "score failed";
        return {};
    }
    const auto r = test::run_wijkzicht("picture --store " + c.store + " " + args + " --json");
    if (r.status != 0) {
        ADD_FAILURE() << r.err;
        return {};
    }
    return nlohmann::json::parse(r.out);
}

TEST(ScoreSynth, PictureCommandCountsOnvoldoendeAreasAtTheRequestedLevel) {
    const Country& c = country();
    const auto j = scored_picture("--level wijk");
    ASSERT_FALSE(j.empty());
    EXPECT_EQ(j["level"], "wijk");
    // Recount from score_wijk: wijken with at least 100 residents in cells of classes 1-3.
    const Dataset wk = read_dataset(c.store, "score_wijk");
    std::map<std::int64_t, std::int64_t> onv;
    for (std::size_t i = 0; i < wk.table.row_count(); ++i) {
        const double v =
            col(wk, "res_k1").real_at(i) + col(wk, "res_k2").real_at(i) + col(wk, "res_k3").real_at(i);
        onv[col(wk, "year").int_at(i)] += v >= 100;
    }
    ASSERT_EQ(j["years"].size(), 6u);
    for (const auto& y : j["years"])
        EXPECT_EQ(y["onvoldoende_areas"], onv[y["year"].get<std::int64_t>()]) << y["year"];
    EXPECT_EQ(j["classes"].size(), 54u);
    EXPECT_FALSE(j["development_by_group"].empty());
    EXPECT_FALSE(j["regions"].empty());
    // Bad input: an unknown level or region is exit 2 and leaves the store as it was.
    const std::string before = test::file_fingerprint(c.store);
    EXPECT_EQ(test::run_wijkzicht("picture --store " + c.store + " --level grid").status, 2);
    EXPECT_EQ(test::run_wijkzicht("picture --store " + c.store + " --exclude CP9999").status, 2);
    EXPECT_EQ(test::run_wijkzicht("picture --store " + c.store + " --groups nocolon").status, 2);
    EXPECT_EQ(test::run_wijkzicht("picture --store " + c.store + " --urbanity nocolon").status, 2);
    EXPECT_EQ(test::run_wijkzicht("picture --store " + c.store + " --survey nocolon").status, 2);
    EXPECT_EQ(test::file_fingerprint(c.store), before);
}

// Development per city, G4 and G40 by name: the planted G40 city whose onvoldoende buurten decline while
// its ruim voldoende / goed ones improve falls behind (truth.json picture.city_weak_fall_behind).
TEST(ScoreSynth, PictureNamesTheCityWhoseOnvoldoendeBuurtenFallBehind) {
    const Country& c = country();
    const auto& planted = c.truth["picture"]["city_weak_fall_behind"];
    ASSERT_TRUE(planted.is_object()) << "truth.json plants no falling-behind city";
    const auto j = scored_picture();
    ASSERT_FALSE(j.empty());
    const auto& cities = j["development_by_city"];
    std::size_t g4 = 0, g40 = 0;
    bool found = false;
    for (const auto& city : cities) {
        EXPECT_FALSE(city["name"].get<std::string>().empty()) << city["city"];
        g4 += city["group"] == "G4";
        g40 += city["group"] == "G40";
        if (city["city"] != planted["gemeente"]) continue;
        found = true;
        EXPECT_EQ(city["name"], planted["city"]);
        EXPECT_GE(city["onvoldoende_areas"].get<int>(), 2);
        EXPECT_LT(city["gap"].get<double>(), 0) << city.dump();
        EXPECT_EQ(city["weak_catch_up"], 0) << city.dump();
    }
    EXPECT_TRUE(found) << planted["gemeente"] << " is not among the cities";
    EXPECT_EQ(g4, 4u);
    EXPECT_GT(g40, 10u);
}

// The krimpregio's lack amenities (truth.json regions.liveability): their gap against the country splits
// into dimensions that add up to it, and Voorzieningen is where they lag behind most, in every year.
TEST(ScoreSynth, PictureExplainsTheKrimpRegionsByVoorzieningen) {
    const Country& c = country();
    const auto j = scored_picture();
    ASSERT_FALSE(j.empty());
    std::size_t krimp_rows = 0;
    for (const auto& row : j["regions"]) {
        if (row["against_country"].is_null()) continue;
        double parts = 0;
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"})
            parts += row[std::string("against_country_") + d].get<double>();
        EXPECT_NEAR(parts, row["against_country"].get<double>(), 1e-9) << row.dump();
        if (row["region_type"] != "krimpregio") continue;
        ++krimp_rows;
        // Where the krimpregio's lag behind the country most: Voorzieningen (their total may still be above
        // the country's: the synthetic regions are drawn anywhere outside the G4).
        std::string lowest;
        double low = 0;
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"}) {
            const double gap = row[std::string("against_country_") + d].get<double>();
            if (gap < low) low = gap, lowest = d;
        }
        EXPECT_EQ(lowest, "vrz") << row.dump();
        EXPECT_LT(row["against_country_vrz"].get<double>(), 0) << row.dump();
        if (row["against_country"].get<double>() < 0) {
            EXPECT_EQ(row["main_dimension"], "vrz") << row.dump();
        }
    }
    EXPECT_EQ(krimp_rows, 6u);  // one per measurement
    // The same regions as sets of gemeenten (regio_kenmerken gives the type per gemeente too): the same
    // residents per type and year, since the synthetic krimpregio's are whole COROP-plus regions.
    std::map<std::pair<std::string, std::int64_t>, double> cp_residents;
    for (const auto& row : j["regions"]) cp_residents[{row["region_type"], row["year"]}] = row["residents"];
    std::size_t gm_rows = 0;
    std::string a_krimp_gemeente;
    for (const auto& row : j["regions_by_gemeente"]) {
        ++gm_rows;
        EXPECT_NEAR(row["residents"].get<double>(), cp_residents.at({row["region_type"], row["year"]}), 1e-6)
            << row.dump();
    }
    EXPECT_EQ(gm_rows, j["regions"].size());
    // The survey's rating beside the scores: every respondent of a year counts for the country once, and the
    // krimpregio's have their own mean.
    const Dataset survey = read_dataset(c.store, "survey");
    std::map<std::int64_t, std::pair<std::int64_t, double>> all;
    for (std::size_t i = 0; i < survey.table.row_count(); ++i) {
        auto& a = all[col(survey, "year").int_at(i)];
        ++a.first;
        a.second += col(survey, "rating").number_at(i);
    }
    std::size_t survey_krimp = 0;
    for (const auto& row : j["survey_by_region_type"]) {
        const std::int64_t year = row["year"];
        if (row["region_type"] == "nederland") {
            EXPECT_EQ(row["respondents"].get<std::int64_t>(), all.at(year).first) << year;
            EXPECT_NEAR(row["mean_rating"].get<double>(),
                        all.at(year).second / static_cast<double>(all.at(year).first), 1e-9);
        }
        if (row["region_type"] == "krimpregio") {
            ++survey_krimp;
            EXPECT_GT(row["respondents"].get<std::int64_t>(), 0);
        }
    }
    EXPECT_EQ(survey_krimp, 6u);
    // Leaving one gemeente out (as the report left Eemsdelta out) takes it out of its type only.
    const Dataset kenmerken = read_dataset(c.store, "regio_kenmerken");
    for (std::size_t i = 0; i < kenmerken.table.row_count() && a_krimp_gemeente.empty(); ++i) {
        const std::string code = col(kenmerken, "code").text_at(i);
        if (code.rfind("GM", 0) == 0 && col(kenmerken, "Bevolkingsdaling").text_at(i) == "krimpregio")
            a_krimp_gemeente = code;
    }
    ASSERT_FALSE(a_krimp_gemeente.empty());
    const auto ex =
        test::run_wijkzicht("picture --store " + c.store + " --json --exclude " + a_krimp_gemeente);
    ASSERT_EQ(ex.status, 0) << ex.err;
    const auto je = nlohmann::json::parse(ex.out);
    for (std::size_t i = 0; i < je["regions_by_gemeente"].size(); ++i) {
        const auto& with = j["regions_by_gemeente"][i];
        const auto& without = je["regions_by_gemeente"][i];
        ASSERT_EQ(with["region_type"], without["region_type"]);
        const int fewer = with["region_type"] == "krimpregio" ? 1 : 0;
        EXPECT_EQ(without["regions"].get<int>(), with["regions"].get<int>() - fewer) << without.dump();
    }
}

// The change of the national mean split into indicators: per dimension they add up to the dimension's
// change, and the planted indicator (truth.json picture.driver_indicator, vei_overlast) drives every change.
TEST(ScoreSynth, PictureNamesTheIndicatorThatDrivesTheNationalChange) {
    const std::string planted = country().truth["picture"]["driver_indicator"]["id"];
    const auto j = scored_picture();
    ASSERT_FALSE(j.empty());
    std::map<std::int64_t, std::map<std::string, double>> dim_change;  // year -> dimension -> sum
    std::map<std::int64_t, std::string> first;
    std::map<std::int64_t, double> total;
    std::size_t rows = 0;
    for (const auto& row : j["indicators"]) {
        ++rows;
        if (row["change"].is_null()) continue;
        const std::int64_t year = row["year"];
        if (row["indicator"] == "(total)") {
            total[year] = row["change"];
            continue;
        }
        dim_change[year][row["dimension"].get<std::string>()] += row["change"].get<double>();
        if (row["rank"] == 1) first[year] = row["indicator"];
    }
    EXPECT_EQ(rows, 6u * 101u);  // (total) and 100 indicators per year
    ASSERT_EQ(first.size(), 5u);
    std::size_t rising = 0;
    for (const auto& y : j["years"]) {
        if (y["change_mean_score"].is_null()) continue;
        const std::int64_t year = y["year"];
        EXPECT_NEAR(total.at(year), y["change_mean_score"].get<double>(), 1e-12);
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"})
            EXPECT_NEAR(dim_change[year][d], y[std::string("change_") + d].get<double>(), 1e-9)
                << year << " " << d;
        // Where the national mean rose, the planted indicator drove it, and its dimension did.
        if (total.at(year) <= 0) continue;
        ++rising;
        EXPECT_EQ(first.at(year), planted) << year;
        EXPECT_EQ(y["driver"], "vei") << year;
    }
    EXPECT_GE(rising, 3u);
    // Over the whole span the national mean rose, most of all through the planted indicator.
    std::map<std::string, double> span;
    double span_total = 0;
    for (const auto& row : j["indicators"]) {
        if (row["change"].is_null()) continue;
        if (row["indicator"] == "(total)") {
            span_total += row["change"].get<double>();
        } else {
            span[row["indicator"].get<std::string>()] += row["change"].get<double>();
        }
    }
    EXPECT_GT(span_total, 0);
    const auto top = std::max_element(span.begin(), span.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    EXPECT_EQ(top->first, planted);
}

// Safety by urbanity class (CBS stedelijkheid 1-5 of the buurten, in the key figures) and by city group:
// every class holds areas, and the country's rows are the same in both tables.
TEST(ScoreSynth, PictureGivesSafetyByUrbanityAndCityGroup) {
    const auto j = scored_picture();
    ASSERT_FALSE(j.empty());
    std::map<std::string, std::map<std::pair<std::int64_t, std::string>, double>> by;  // table/group -> mean
    std::set<std::string> classes;
    for (const char* table : {"dimensions_by_urbanity", "dimensions_by_group"}) {
        for (const auto& row : j[table]) {
            const std::string g = row["group"];
            if (std::string(table) == "dimensions_by_urbanity" && g != "nederland") classes.insert(g);
            if (g == "nederland" && !row["mean"].is_null())
                by[table][{row["year"].get<std::int64_t>(), row["dimension"].get<std::string>()}] =
                    row["mean"];
        }
    }
    EXPECT_GE(classes.size(), 3u);
    for (const auto& cls : classes) EXPECT_EQ(cls.rfind("stedelijkheid ", 0), 0u) << cls;
    ASSERT_EQ(by["dimensions_by_urbanity"].size(), 36u);  // 6 years x (5 dimensions + nuisance)
    for (const auto& [key, mean] : by["dimensions_by_urbanity"])
        EXPECT_NEAR(mean, by["dimensions_by_group"].at(key), 1e-12) << key.first << " " << key.second;
}

// Nuisance by urbanity (the 2018 report: nuisance fell in every group of gemeenten): the nuisance indicators
// (named "overlast" in the indicator metadata; the planted driver vei_overlast improves by 2.5 of its
// standard deviations per measurement, truth.json picture.driver_indicator) form the part "overlast" of
// every score table; it improves in every urbanity class, and the country's row follows the national level
// in picture_years.
TEST(ScoreSynth, PictureGivesNuisanceByUrbanity) {
    const Country& c = country();
    const auto j = scored_picture();
    ASSERT_FALSE(j.empty());
    ASSERT_NE(read_dataset(c.store, "score_buurt").table.find("part_overlast"), nullptr);
    std::map<std::int64_t, double> national;
    for (const auto& y : j["years"])
        national[y["year"].get<std::int64_t>()] = y["part_overlast"].get<double>();
    ASSERT_EQ(national.size(), 6u);
    const std::int64_t last = national.rbegin()->first;
    const double national_change = national.at(last) - national.begin()->second;
    EXPECT_GT(national_change, 0.02);  // five measurements of about +0.008 from the planted driver
    std::set<std::string> improved;
    std::size_t classes = 0;
    for (const auto& row : j["dimensions_by_urbanity"]) {
        if (row["dimension"] != "overlast" || row["year"] != last) continue;
        const std::string g = row["group"];
        const double abs = row["absolute_change_since_first"].get<double>();
        if (g == "nederland") {
            EXPECT_NEAR(abs, national_change, 2e-3);
            EXPECT_NEAR(row["change_since_first"].get<double>(), 0.0, 2e-3);
            continue;
        }
        ++classes;
        if (abs > 0) improved.insert(g);
    }
    EXPECT_GE(classes, 3u);
    EXPECT_EQ(improved.size(), classes);
}

TEST(ScoreSynth, BadWeightsLeaveTheStoreUnchanged) {
    const Country& c = country();
    const std::string before = test::file_fingerprint(c.store);
    test::TempDir tmp;
    test::write_file(tmp.file("w.csv"),
                     "indicator,transform,dimension,weight\nind001,log,won,0.1\nind999,log,won,0.1\n");
    auto r = test::run_wijkzicht("score --store " + c.store + " --weights " + tmp.file("w.csv"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("ind999"), std::string::npos) << r.err;
    test::write_file(tmp.file("w.csv"), "indicator,transform,dimension,weight\nind001,sqrt,won,0.1\n");
    r = test::run_wijkzicht("score --store " + c.store + " --weights " + tmp.file("w.csv"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("sqrt"), std::string::npos) << r.err;
    test::write_file(tmp.file("w.csv"), "indicator,transform,dimension,weight\nind001,log,safety,0.1\n");
    r = test::run_wijkzicht("score --store " + c.store + " --weights " + tmp.file("w.csv"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("safety"), std::string::npos) << r.err;
    r = test::run_wijkzicht("score --store " + c.store + " --weights no_such_dataset");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(test::file_fingerprint(c.store), before);
}

}  // namespace
}  // namespace wz
