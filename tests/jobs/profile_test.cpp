// The area profile (jobs/profile.hpp) on a small synthetic country scored with the true weights, with a
// typology run and a hotspot dataset stored beside the scores: every number of a buurt's profile equals
// the store's own rows (read back with read_dataset, not through the profile's readers), unknown codes
// give nullopt, and the comparable areas equal a brute-force search over the store's rows.
#include "jobs/profile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include "io/store.hpp"
#include "jobs/presets.hpp"
#include "monitor/synth_country.hpp"

namespace wz {
namespace {

struct Fixture {
    test::SynthCountry country;
    std::shared_ptr<const jobs::ProfileData> data;
    std::vector<std::string> hot_codes;  // the buurten of the stored hotspot dataset
};

// Adds a stored hotspot result (spatial::hotspot_table's columns, kind "hotspots") for three buurten.
std::vector<std::string> store_hotspots(const std::string& store) {
    const Dataset buurten = read_dataset(store, "score_buurt", {"code"});
    std::set<std::string> codes;
    for (std::size_t r = 0; r < buurten.table.row_count(); ++r)
        codes.insert(buurten.table.column("code").to_text(r));
    std::vector<std::string> hot(codes.begin(), std::next(codes.begin(), 3));
    Dataset ds;
    ds.name = "hotspots_score_buurt_2022";
    ds.kind = "hotspots";
    ds.level = Level::kBuurt;
    Column id("id", ColumnType::kText), quadrant("quadrant", ColumnType::kText), p("I_p", ColumnType::kReal),
        cluster("cluster", ColumnType::kText);
    id.push_text(hot[0]);
    quadrant.push_text("HH");
    p.push_real(0.001);
    cluster.push_text("HH");
    id.push_text(hot[1]);
    quadrant.push_text("LH");
    p.push_real(0.4);
    cluster.push_text("ns");
    id.push_text(hot[2]);
    quadrant.push_missing(Missing::kEmpty);  // an island: no neighbours
    p.push_missing(Missing::kEmpty);
    cluster.push_missing(Missing::kEmpty);
    for (Column* c : {&id, &quadrant, &p, &cluster}) ds.table.add_column(std::move(*c));
    StoreUpdate u;
    u.datasets.push_back(std::move(ds));
    u.run.command = "test hotspots";
    u.run.started = utc_now();
    apply_to_store(store, u);
    return hot;
}

const Fixture& fixture() {
    static const Fixture f = [] {
        Fixture x;
        x.country =
            test::make_synth_country("0.01", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                     "score --store {store} --weights {weights}");
        const auto t = test::run_wijkzicht("-q typology --store " + x.country.store +
                                           " --rules lbm2018-type2 --level buurt --year 2022");
        EXPECT_EQ(t.status, 0) << t.err;
        x.hot_codes = store_hotspots(x.country.store);
        x.data = jobs::load_profile_data(x.country.store);
        return x;
    }();
    return f;
}

// Rows of a dataset by code, as the store holds them: row index per (code, year) or code.
std::map<std::pair<std::string, int>, std::size_t> rows_by_code_year(const Table& t) {
    std::map<std::pair<std::string, int>, std::size_t> out;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        out[{t.column("code").to_text(r), static_cast<int>(t.column("year").number_at(r))}] = r;
    return out;
}

void expect_number(const nlohmann::json& j, const Column& c, std::size_t r, const std::string& what) {
    if (c.is_missing(r)) {
        EXPECT_TRUE(j.is_null()) << what;
    } else {
        ASSERT_TRUE(j.is_number()) << what << ": " << j;
        EXPECT_DOUBLE_EQ(j.get<double>(), c.number_at(r)) << what;
    }
}

TEST(Profile, BuurtProfileEqualsTheStoresRows) {
    const Fixture& f = fixture();
    const std::string& store = f.country.store;
    const Dataset scores = read_dataset(store, "score_buurt");
    const auto rows = rows_by_code_year(scores.table);
    // A buurt with scores in every year and a development in every pair.
    const std::string code = rows.begin()->first.first;
    const auto p = jobs::area_profile(*f.data, code);
    ASSERT_TRUE(p.has_value());
    const nlohmann::json& j = *p;
    std::cout << "[ profile ] " << j.dump().substr(0, 600) << "…\n";

    EXPECT_EQ(j["code"], code);
    EXPECT_EQ(j["level"], "buurt");
    const AreaLayer layer = read_area_layer(store, Level::kBuurt, 0);
    const auto area =
        std::find_if(layer.areas.begin(), layer.areas.end(), [&](const Area& a) { return a.code == code; });
    ASSERT_NE(area, layer.areas.end());
    EXPECT_EQ(j["name"], area->name);
    EXPECT_EQ(j["vintage"], layer.vintage);
    EXPECT_EQ(j["parents"]["wijk"], area->wijk);
    EXPECT_EQ(j["parents"]["gemeente"], area->gemeente);
    // The synthetic buurt layer links wijk and gemeente; the regions come from the buurt's gemeente.
    const AreaLayer gemeenten = read_area_layer(store, Level::kGemeente, 0);
    const auto gm = std::find_if(gemeenten.areas.begin(), gemeenten.areas.end(),
                                 [&](const Area& g) { return g.code == area->gemeente; });
    ASSERT_NE(gm, gemeenten.areas.end());
    EXPECT_EQ(j["parent_names"]["gemeente"], gm->name);
    EXPECT_EQ(j["parents"]["corop"], area->corop.empty() ? gm->corop : area->corop);
    EXPECT_EQ(j["parents"]["corop_plus"], area->corop_plus.empty() ? gm->corop_plus : area->corop_plus);
    EXPECT_EQ(j["parents"]["provincie"], area->provincie.empty() ? gm->provincie : area->provincie);
    EXPECT_FALSE(gm->provincie.empty());
    const AreaLayer provincies = read_area_layer(store, Level::kProvincie, 0);
    for (const Area& pv : provincies.areas) {
        if (pv.code == gm->provincie) {
            EXPECT_EQ(j["parent_names"]["provincie"], pv.name);
        }
    }
    EXPECT_FALSE(j["parent_names"]["gemeente"].is_null());

    const std::vector<std::string> dims = {"won", "bev", "vrz", "vei", "fys"};
    EXPECT_EQ(j["dimensions"], nlohmann::json(dims));
    const auto preset = jobs::load_model_preset("lbm2");
    std::vector<int> years;
    for (const auto& [key, r] : rows) {
        if (key.first == code) years.push_back(key.second);
    }
    EXPECT_EQ(j["years"], nlohmann::json(years));
    ASSERT_EQ(j["scores"].size(), years.size());
    ASSERT_EQ(years.size(), 6u);
    const Table& t = scores.table;
    for (std::size_t y = 0; y < years.size(); ++y) {
        const nlohmann::json& s = j["scores"][y];
        const std::size_t r = rows.at({code, years[y]});
        EXPECT_EQ(s["year"], years[y]);
        expect_number(s["score"], t.column("score"), r, "score");
        expect_number(s["rel"], t.column("rel"), r, "rel");
        expect_number(s["residents"], t.column("residents"), r, "residents");
        expect_number(s["class"], t.column("class"), r, "class");
        for (const auto& d : dims) expect_number(s["dimensions"][d], t.column(d), r, d);
        if (!t.column("class").is_missing(r)) {
            const auto k = static_cast<std::size_t>(t.column("class").number_at(r));
            EXPECT_EQ(s["class_name"], preset.classes.names.at(k - 1));
        }
    }
    // The country: score_nederland's rows.
    const Dataset nl = read_dataset(store, "score_nederland");
    ASSERT_EQ(j["country"].size(), nl.table.row_count());
    for (std::size_t r = 0; r < nl.table.row_count(); ++r) {
        EXPECT_EQ(j["country"][r]["year"], nl.table.column("year").number_at(r));
        expect_number(j["country"][r]["score"], nl.table.column("score"), r, "country score");
        for (const auto& d : dims) expect_number(j["country"][r]["dimensions"][d], nl.table.column(d), r, d);
    }
    // Development: every stored pair of this buurt.
    const Dataset dev = read_dataset(store, "development_buurt");
    std::size_t n = 0;
    for (std::size_t r = 0; r < dev.table.row_count(); ++r) {
        if (dev.table.column("code").to_text(r) != code) continue;
        const auto it =
            std::find_if(j["development"].begin(), j["development"].end(), [&](const nlohmann::json& d) {
                return d["from"] == dev.table.column("from_year").number_at(r) &&
                       d["to"] == dev.table.column("to_year").number_at(r);
            });
        ASSERT_NE(it, j["development"].end());
        expect_number((*it)["change"], dev.table.column("change"), r, "change");
        expect_number((*it)["class"], dev.table.column("development_class"), r, "development class");
        const auto k = static_cast<std::size_t>(dev.table.column("development_class").number_at(r));
        EXPECT_EQ((*it)["class_name"], preset.development.names.at(k - 1));
        ++n;
    }
    EXPECT_EQ(n, 15u);  // six years: every pair
    EXPECT_EQ(j["development"].size(), n);
    EXPECT_EQ(j["comparable"].size(), jobs::kComparableAreas);
}

TEST(Profile, UnknownCodesGiveNullopt) {
    const Fixture& f = fixture();
    EXPECT_FALSE(jobs::area_profile(*f.data, "BU99999999").has_value());
    EXPECT_FALSE(jobs::area_profile(*f.data, "").has_value());
    EXPECT_FALSE(jobs::area_profile(*f.data, "buurt").has_value());
    EXPECT_NE(jobs::profile_codes_hint(*f.data).find("buurt"), std::string::npos);
}

TEST(Profile, EveryLevelHasProfilesAndTheCountryToo) {
    const Fixture& f = fixture();
    for (const char* level : {"buurt", "wijk", "gemeente", "corop_plus", "corop", "provincie"}) {
        const AreaLayer layer = read_area_layer(f.country.store, *parse_level(level), 0);
        for (const Area& a : layer.areas) {
            const auto p = jobs::area_profile(*f.data, a.code);
            ASSERT_TRUE(p.has_value()) << a.code;
            EXPECT_EQ((*p)["level"], level);
            EXPECT_EQ((*p)["name"], a.name);
        }
    }
    const auto nl = jobs::area_profile(*f.data, "NL01");
    ASSERT_TRUE(nl.has_value());
    EXPECT_EQ((*nl)["level"], "nederland");
    EXPECT_EQ((*nl)["scores"].size(), 6u);
    EXPECT_EQ((*nl)["scores"][0]["score"], (*nl)["country"][0]["score"]);
}

// Brute force over the store's rows: the five nearest areas of the same level in the latest year.
void check_comparable(const jobs::ProfileData& data, const std::string& store, const std::string& level) {
    const Dataset scores = read_dataset(store, "score_" + level);
    const Table& t = scores.table;
    const std::vector<std::string> dims = {"won", "bev", "vrz", "vei", "fys"};
    int latest = 0;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        latest = std::max(latest, static_cast<int>(t.column("year").number_at(r)));
    std::map<std::string, std::vector<double>> x;
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (static_cast<int>(t.column("year").number_at(r)) != latest) continue;
        std::vector<double> v;
        bool complete = true;
        for (const auto& d : dims) {
            complete = complete && !t.column(d).is_missing(r);
            v.push_back(t.column(d).number_at(r));
        }
        if (complete) x[t.column("code").to_text(r)] = v;
    }
    ASSERT_GT(x.size(), 6u);
    std::size_t checked = 0;
    for (const auto& [code, v] : x) {
        std::vector<std::pair<double, std::string>> all;
        for (const auto& [other, w] : x) {
            if (other == code) continue;
            double q = 0;
            for (std::size_t k = 0; k < dims.size(); ++k) q += (v[k] - w[k]) * (v[k] - w[k]);
            all.emplace_back(std::sqrt(q), other);
        }
        std::sort(all.begin(), all.end());
        const auto p = jobs::area_profile(data, code);
        ASSERT_TRUE(p.has_value());
        const nlohmann::json& c = (*p)["comparable"];
        ASSERT_EQ(c.size(), 5u) << code;
        for (std::size_t i = 0; i < 5; ++i) {
            EXPECT_EQ(c[i]["code"], all[i].second) << code << " #" << i;
            EXPECT_NEAR(c[i]["distance"].get<double>(), all[i].first, 1e-15) << code << " #" << i;
        }
        ++checked;
    }
    std::cout << "[ comparable ] " << level << ": " << checked << " areas checked against brute force\n";
}

TEST(Profile, ComparableAreasEqualBruteForce) {
    const Fixture& f = fixture();
    check_comparable(*f.data, f.country.store, "buurt");
    check_comparable(*f.data, f.country.store, "wijk");
    check_comparable(*f.data, f.country.store, "gemeente");
}

TEST(Profile, DesignationsAndHotspotsAreTheStoredOnes) {
    const Fixture& f = fixture();
    const Dataset t = read_dataset(f.country.store, "typology_lbm2018_type2_buurt_2022");
    std::size_t designated = 0;
    for (std::size_t r = 0; r < t.table.row_count(); ++r) {
        const std::string code = t.table.column("code").to_text(r);
        const auto p = jobs::area_profile(*f.data, code);
        ASSERT_TRUE(p.has_value());
        const nlohmann::json& d = (*p)["designations"];
        if (t.table.column("designated").number_at(r) != 0) {
            ++designated;
            ASSERT_EQ(d.size(), 1u) << code;
            EXPECT_EQ(d[0]["dataset"], "typology_lbm2018_type2_buurt_2022");
            EXPECT_EQ(d[0]["rules"], "lbm2018-type2");
            EXPECT_EQ(d[0]["year"], 2022);
            EXPECT_EQ(d[0]["designation"], t.table.column("designation").to_text(r));
            EXPECT_EQ(d[0]["reasons"], t.table.column("reasons").to_text(r));
        } else {
            EXPECT_TRUE(d.empty()) << code;
        }
    }
    EXPECT_GT(designated, 0u) << "the synthetic country plants type-2 buurten";

    const auto h0 = jobs::area_profile(*f.data, f.hot_codes[0]);
    ASSERT_EQ((*h0)["hotspots"].size(), 1u);
    EXPECT_EQ((*h0)["hotspots"][0]["dataset"], "hotspots_score_buurt_2022");
    EXPECT_EQ((*h0)["hotspots"][0]["quadrant"], "HH");
    EXPECT_DOUBLE_EQ((*h0)["hotspots"][0]["p"].get<double>(), 0.001);
    EXPECT_EQ((*h0)["hotspots"][0]["significant"], true);
    const auto h1 = jobs::area_profile(*f.data, f.hot_codes[1]);
    EXPECT_EQ((*h1)["hotspots"][0]["quadrant"], "LH");
    EXPECT_EQ((*h1)["hotspots"][0]["significant"], false);
    const auto h2 = jobs::area_profile(*f.data, f.hot_codes[2]);
    EXPECT_TRUE((*h2)["hotspots"][0]["quadrant"].is_null());
    EXPECT_TRUE((*h2)["hotspots"][0]["p"].is_null());
    EXPECT_TRUE((*h2)["hotspots"][0]["significant"].is_null());
    // A gemeente has no hotspot rows.
    const auto g = jobs::area_profile(*f.data, (*h0)["parents"]["gemeente"].get<std::string>());
    EXPECT_TRUE((*g)["hotspots"].empty());
}

TEST(Profile, AnswersFromMemoryQuickly) {
    const Fixture& f = fixture();
    std::vector<std::string> codes;
    for (const auto& r : f.data->index) codes.push_back(r.code);
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t bytes = 0;
    for (int round = 0; round < 10; ++round) {
        for (const auto& c : codes) bytes += jobs::area_profile(*f.data, c)->dump().size();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double per = s / (10.0 * static_cast<double>(codes.size()));
    std::cout << "[ profile ] " << 10 * codes.size() << " profiles in " << s << " s (" << per * 1e6
              << " µs each with dump, sanitizer build), " << bytes / (10 * codes.size()) << " bytes each\n";
    // Even the sanitizer build answers in well under a millisecond (the release build in ~20 µs).
    EXPECT_LT(per, 2e-3);
}

}  // namespace
}  // namespace wz
