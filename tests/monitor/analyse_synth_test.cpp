// `wijkzicht analyse` on the synthetic country (scale 0.1, 1,300 buurten) scored with the true weights:
// the planted tenure turning point (45% corporation housing), the planted low-safety areas at the top of
// the worst-safety list, and the planted city centres in the poor-safety / good-total quadrant.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "io/store.hpp"
#include "synth_country.hpp"

namespace wz {
namespace {

const test::SynthCountry& country() {
    static const test::SynthCountry c =
        test::make_synth_country("0.1", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    return c;
}

nlohmann::json analyse(const std::string& args) {
    const auto r = test::run_wijkzicht("analyse " + args + " --store " + country().store + " --json");
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? nlohmann::json::parse(r.out) : nlohmann::json{};
}

TEST(AnalyseSynth, TenureBreakpointIsRecoveredWithinThreePointsAndTheIntervalCoversIt) {
    const double truth = 100 * country().truth["tenure"]["breakpoint_corporation_share"].get<double>();
    // The planted effect acts on housing, residents and safety: the sum of those dimension scores.
    const auto j = analyse("tenure --from 2012 --to 2022 --dimensions won,bev,vei");
    ASSERT_FALSE(j.empty());
    std::cout << "[ tenure ] breakpoint " << j["breakpoint"] << " interval " << j["interval_profile"]
              << " truth " << truth << " (" << j["areas"] << " buurten)\n";
    EXPECT_GT(j["areas"].get<int>(), 1200);
    EXPECT_NEAR(j["breakpoint"].get<double>(), truth, 3.0);
    EXPECT_LE(j["interval_profile"]["low"].get<double>(), truth);
    EXPECT_GE(j["interval_profile"]["high"].get<double>(), truth);
    // Above the turning point the development is steeper (more negative).
    EXPECT_LT(j["slope_after"].get<double>(), j["slope_before"].get<double>());
    // On the total score the interval still covers the truth.
    const auto total = analyse("tenure --from 2012 --to 2022");
    EXPECT_LE(total["interval_profile"]["low"].get<double>(), truth);
    EXPECT_GE(total["interval_profile"]["high"].get<double>(), truth);

    // The last run's curve is in the store for the national picture: bins of 5 share points whose fitted
    // values lie on the reported line and whose areas add up to the fit's.
    const Dataset curve = read_dataset(country().store, "picture_tenure");
    EXPECT_EQ(curve.kind, "picture");
    EXPECT_DOUBLE_EQ(curve.meta["breakpoint"].get<double>(), total["breakpoint"].get<double>());
    EXPECT_DOUBLE_EQ(curve.meta["lower"].get<double>(), total["interval_profile"]["low"].get<double>());
    EXPECT_DOUBLE_EQ(curve.meta["upper"].get<double>(), total["interval_profile"]["high"].get<double>());
    const double a = total["intercept"].get<double>(), b1 = total["slope_before"].get<double>(),
                 b2 = total["slope_after"].get<double>() - b1, c = total["breakpoint"].get<double>();
    const Column& x = curve.table.column("share");
    const Column& fitted = curve.table.column("fitted");
    const Column& n = curve.table.column("areas");
    ASSERT_GE(curve.table.row_count(), 5u);
    std::int64_t areas = 0;
    for (std::size_t i = 0; i < curve.table.row_count(); ++i) {
        const double xi = x.number_at(i);
        EXPECT_NEAR(fitted.number_at(i), a + b1 * xi + b2 * std::max(0.0, xi - c), 1e-9);
        if (i > 0) {
            EXPECT_GT(xi, x.number_at(i - 1));
        }
        areas += n.int_at(i);
    }
    EXPECT_EQ(areas, total["areas"].get<std::int64_t>());
}

std::set<std::string> planted_low_safety() {
    std::set<std::string> out;
    const auto& t = country().truth;
    for (const char* kind : {"unsafe_clusters", "city_centres"}) {
        for (const auto& c : t["safety"][kind]) {
            for (const auto& b : c["buurten"]) out.insert(b.get<std::string>());
        }
    }
    for (const auto& p : t["typology"]["plants"]) {
        if (p["buurten"].is_array()) {
            for (const auto& b : p["buurten"]) out.insert(b.get<std::string>());
        }
    }
    return out;
}

TEST(AnalyseSynth, WorstSafetyListIsLedByPlantedLowSafetyBuurten) {
    const auto j = analyse("safety --year 2022 --top 10");
    ASSERT_EQ(j["areas"].size(), 10u);
    const auto planted = planted_low_safety();
    double previous = -1e9;
    for (const auto& a : j["areas"]) {
        EXPECT_TRUE(planted.count(a["code"].get<std::string>()))
            << a["code"] << " is not a planted low-safety buurt";
        EXPECT_GE(a["vei"].get<double>(), previous);  // ranked, worst first
        previous = a["vei"].get<double>();
    }
}

// The quadrant of poor safety (lowest 10%) and a total above average holds every planted city centre
// (truth.json lists their buurten), and mostly them.
void expect_quadrant_holds_the_city_centres(const test::SynthCountry& c, const std::string& scale) {
    const auto r =
        test::run_wijkzicht("analyse quadrant --year 2022 --quantile 0.1 --store " + c.store + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    std::map<std::string, std::string> centre_of;
    std::size_t planted = 0;
    for (const auto& centre : c.truth["safety"]["city_centres"]) {
        ++planted;
        for (const auto& b : centre["buurten"])
            centre_of[b.get<std::string>()] = centre["id"].get<std::string>();
    }
    EXPECT_EQ(planted, 4u) << "the four G4 centres";
    std::set<std::string> centres;
    std::size_t in_centres = 0;
    for (const auto& a : j["areas"]) {
        EXPECT_GT(a["rel"].get<double>(), 0);
        EXPECT_LE(a["vei"].get<double>(), a["threshold"].get<double>());
        const auto it = centre_of.find(a["code"].get<std::string>());
        if (it == centre_of.end()) continue;
        ++in_centres;
        centres.insert(it->second);
    }
    std::cout << "[ quadrant ] scale " << scale << ": " << j["areas"].size() << " buurten, " << in_centres
              << " in planted centres, centres found " << centres.size() << " of " << planted << "\n";
    EXPECT_GE(in_centres * 2, j["areas"].size()) << "most quadrant buurten are planted city centres";
    EXPECT_EQ(centres.size(), planted) << "scale " << scale << ": every planted centre is found";
}

TEST(AnalyseSynth, QuadrantHoldsTheCityCentres) {
    expect_quadrant_holds_the_city_centres(country(), "0.1");
}

// At the demo's scale buurten are large; the centres are planted at buurt level and still found.
TEST(AnalyseSynth, QuadrantHoldsTheCityCentresAtTheDemoScale) {
    const test::SynthCountry small =
        test::make_synth_country("0.01", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    expect_quadrant_holds_the_city_centres(small, "0.01");
}

TEST(AnalyseSynth, BadArgumentsAreClearErrors) {
    const std::string before = test::file_fingerprint(country().store);
    auto r = test::run_wijkzicht("analyse tenure --store " + country().store + " --dimensions won,safety");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("safety"), std::string::npos) << r.err;
    r = test::run_wijkzicht("analyse safety --store " + country().store + " --year 2013");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("2013"), std::string::npos) << r.err;
    r = test::run_wijkzicht("analyse tenure --store " + country().store + " --share-column nope");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(country().store), before);
}

}  // namespace
}  // namespace wz
