// wijkzicht hotspots --store: the areas and values come from the store and the result goes back into it;
// the stored statistics equal those of the file form run on the same areas and values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "io/gpkg_tables.hpp"
#include "io/store.hpp"
#include "monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

const test::SynthCountry& scored_country() {
    static const test::SynthCountry c =
        test::make_synth_country("0.01", 3, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    return c;
}

TEST(HotspotsStore, StoredResultEqualsTheFileFormOnTheSameAreasAndValues) {
    const auto& c = scored_country();
    auto r = test::run_wijkzicht("hotspots --store " + c.store +
                                 " --level buurt --year 2022 --permutations 199 --seed 7 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["dataset"], "hotspots_score_buurt_2022");
    const Dataset h = read_dataset(c.store, "hotspots_score_buurt_2022");
    EXPECT_EQ(h.kind, "hotspots");
    ASSERT_TRUE(h.level.has_value());
    EXPECT_EQ(*h.level, Level::kBuurt);
    const AreaLayer buurten = read_area_layer(c.store, Level::kBuurt);
    ASSERT_EQ(h.table.row_count(), buurten.areas.size());
    EXPECT_EQ(h.meta["year"], 2022);
    EXPECT_EQ(h.meta["variable"], "score");

    // The values are the stored 2022 scores of the buurten.
    const Dataset scores = read_dataset(c.store, "score_buurt", {"code", "year", "score"});
    std::map<std::string, double> score2022;
    for (std::size_t i = 0; i < scores.table.row_count(); ++i) {
        if (scores.table.columns()[1].number_at(i) == 2022)
            score2022[scores.table.columns()[0].to_text(i)] = scores.table.columns()[2].number_at(i);
    }
    const Column& code = h.table.column("code");
    const Column& value = h.table.column("value");
    std::size_t compared = 0;
    for (std::size_t i = 0; i < h.table.row_count(); ++i) {
        const auto it = score2022.find(code.text_at(i));
        if (it == score2022.end() || std::isnan(it->second)) {
            EXPECT_TRUE(value.is_missing(i) || std::isnan(value.number_at(i))) << code.text_at(i);
            continue;
        }
        EXPECT_DOUBLE_EQ(value.number_at(i), it->second) << code.text_at(i);
        ++compared;
    }
    EXPECT_GT(compared, 100u);

    // The map layer for QGIS: every buurt with a polygon, its cluster as stored, the LISA clusters as
    // the default style and the Gi* spots beside it.
    const auto layers = stored_map_layers(c.store);
    const auto m = std::find_if(layers.begin(), layers.end(), [](const StoredMapLayer& l) {
        return l.name == "map_hotspots_score_buurt_2022";
    });
    ASSERT_NE(m, layers.end());
    EXPECT_EQ(m->kind, "hotspots:hotspots_score_buurt_2022");
    std::size_t with_polygon = 0;
    for (const Area& a : buurten.areas) with_polygon += a.wkb.empty() ? 0 : 1;
    EXPECT_EQ(m->features, with_polygon);
    const auto styles = stored_layer_styles(c.store, m->name);
    ASSERT_EQ(styles.size(), 2u);
    EXPECT_EQ(styles[0].name, "clusters (lokale Moran)");
    EXPECT_TRUE(styles[0].use_as_default);
    EXPECT_NE(styles[0].qml.find("&quot;cluster&quot;"), std::string::npos);
    const Table features = read_gpkg_table(c.store, m->name);
    std::map<std::string, std::string> cluster_of;
    for (std::size_t i = 0; i < h.table.row_count(); ++i)
        cluster_of[code.text_at(i)] = h.table.column("cluster").to_text(i);
    std::size_t in_clusters = 0;
    for (std::size_t i = 0; i < features.row_count(); ++i) {
        const std::string k = features.column("code").to_text(i);
        EXPECT_EQ(features.column("cluster").to_text(i), cluster_of.at(k)) << k;
        in_clusters += cluster_of.at(k) != "ns" ? 1 : 0;
    }
    EXPECT_GT(in_clusters, 0u);

    // The file form on the store's own layer and a CSV of the same values gives the same statistics.
    const std::string values = c.dir + "/values.csv";
    {
        std::ofstream v(values);
        v.precision(17);
        v << "id,value\n";
        for (const auto& [k, x] : score2022) {
            if (!std::isnan(x)) v << k << ',' << x << '\n';
        }
    }
    const std::string out = c.dir + "/h.csv";
    r = test::run_wijkzicht("hotspots --areas " + c.store +
                            " --layer areas_buurt_2022 --id-field code --values " + values +
                            " --weights queen --permutations 199 --seed 7 --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string csv = test::read_all(out);
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    const auto header = test::split_on(line, ',');
    const auto col = [&](const std::string& n) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), n) - header.begin());
    };
    std::map<std::string, std::vector<std::string>> file_rows;
    while (std::getline(lines, line)) {
        auto f = test::split_on(line, ',');
        file_rows[f.at(0)] = f;
    }
    ASSERT_EQ(file_rows.size(), h.table.row_count());
    const Column& I = h.table.column("I");
    const Column& Ip = h.table.column("I_p");
    const Column& gz = h.table.column("Gstar_z");
    const Column& cluster = h.table.column("cluster");
    const Column& significant = h.table.column("significant");
    const Column& fdr = h.table.column("I_sig_fdr");
    std::size_t sig = 0;
    for (std::size_t i = 0; i < h.table.row_count(); ++i) {
        const auto& f = file_rows.at(code.text_at(i));
        if (!I.is_missing(i)) {
            EXPECT_NEAR(I.number_at(i), std::stod(f.at(col("I"))), 1e-9) << code.text_at(i);
            EXPECT_NEAR(Ip.number_at(i), std::stod(f.at(col("I_p"))), 1e-12) << code.text_at(i);
            EXPECT_NEAR(gz.number_at(i), std::stod(f.at(col("Gstar_z"))), 1e-9) << code.text_at(i);
        }
        EXPECT_EQ(cluster.to_text(i), f.at(col("cluster"))) << code.text_at(i);
        EXPECT_EQ(significant.is_missing(i), fdr.is_missing(i)) << code.text_at(i);  // no value: no test
        if (!fdr.is_missing(i)) {
            EXPECT_EQ(significant.number_at(i), fdr.number_at(i));
        }
        if (significant.number_at(i) == 1) ++sig;
    }
    EXPECT_EQ(h.meta["local"]["I_significant_fdr"].get<std::size_t>(), sig);
    EXPECT_NEAR(h.meta["global_moran"]["I"].get<double>(), summary["global_moran"]["I"].get<double>(), 1e-15);
    // The synthetic scores are spatially smooth: positively autocorrelated.
    EXPECT_GT(summary["global_moran"]["I"].get<double>(), 0.1);
}

TEST(HotspotsStore, GridLevelAndBadRequestsLeaveTheStore) {
    const auto& c = scored_country();
    auto r = test::run_wijkzicht("hotspots --store " + c.store +
                                 " --level grid --year 2022 --permutations 99 --seed 1 --name grid_hot");
    ASSERT_EQ(r.status, 0) << r.err;
    const Dataset g = read_dataset(c.store, "grid_hot");
    EXPECT_EQ(g.kind, "hotspots");
    EXPECT_GT(g.table.row_count(), 1000u);
    EXPECT_EQ(g.meta["weights"]["spec"], "grid:queen");

    const std::string before = test::file_fingerprint(c.store);
    struct Bad {
        std::string args, says;
    };
    for (const Bad& b : std::vector<Bad>{
             {"--level buurt --year 1999",
              "no rows of that year (years: 2012, 2014, 2016, 2018, 2020, 2022)"},
             {"--level buurt --year 2022 --variable nope", "has no numeric column 'nope'; it has"},
             {"--level buurt --year 2022 --dataset nope", "no dataset 'nope'"},
             {"--level buurt --year 2022 --vintage 2011", "no buurt areas of vintage 2011"},
             {"--level nederland --year 2022", "hot spots need areas with neighbours"},
             {"--level buurt --year 2022 --name 'bad name'", "--name: letters, digits and '_' only"},
             {"--level buurt --year 2022 --values x.csv", "leave out --areas and --values"},
         }) {
        r = test::run_wijkzicht("hotspots --store " + c.store + " " + b.args + " --permutations 9 --seed 1");
        EXPECT_EQ(r.status, 2) << b.args;
        EXPECT_NE(r.err.find(b.says), std::string::npos) << b.args << "\n" << r.err;
    }
    r = test::run_wijkzicht("hotspots --permutations 9 --seed 1");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--values (or --store) is required"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(c.store), before);
}

// Events per cell (--variable count on a dataset without such a column): the incidents of the year per
// cell, and the populated cells of that year (grid_population) with none at 0.
TEST(HotspotsStore, IncidentsAreCountedPerCellWithPopulatedCellsAtZero) {
    test::TempDir tmp;
    // A 6 x 6 block of populated cells (E2000N4000 ... E2005N4005) in 2022.
    std::string grid = "crs28992res100m,INW2022\n";
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 6; ++x)
            grid += "E" + std::to_string(2000 + x) + "N" + std::to_string(4000 + y) + ",50\n";
    test::write_file(tmp.file("grid.csv"), grid);
    // Incidents: 3 in E2001N4001 and 1 in E2004N4004 in 2022, 5 in E2001N4001 in 2021, 1 outside the block.
    std::string inc = "Begin-pleegdatum/tijd;X;Y\n";
    const auto add = [&](int n, const char* date, int x, int y) {
        for (int i = 0; i < n; ++i)
            inc += std::string(date) + ";" + std::to_string(x) + ";" + std::to_string(y) + "\n";
    };
    add(3, "1-3-2022 10:00", 200150, 400150);
    add(1, "2-3-2022 11:00", 200450, 400420);
    add(5, "1-3-2021 10:00", 200150, 400150);
    add(1, "5-5-2022 12:00", 200650, 400550);  // E2006N4005: not populated, counted all the same
    test::write_file(tmp.file("inc.csv"), inc);
    const std::string store = tmp.file("s.gpkg");
    ASSERT_EQ(test::run_wijkzicht("import grid-stats " + tmp.file("grid.csv") +
                                  " --name grid_population --store " + store)
                  .status,
              0);
    ASSERT_EQ(test::run_wijkzicht("import incidents " + tmp.file("inc.csv") + " --store " + store).status, 0);
    const auto r = test::run_wijkzicht("hotspots --store " + store +
                                       " --level grid --year 2022 --dataset incidents --variable count "
                                       "--permutations 99 --seed 1 --name inc_hot");
    ASSERT_EQ(r.status, 0) << r.err;
    const Table h = read_dataset(store, "inc_hot").table;
    std::map<std::string, double> value;
    for (std::size_t i = 0; i < h.row_count(); ++i)
        value[h.column("code").text_at(i)] = h.column("value").number_at(i);
    EXPECT_EQ(value.size(), 37U);                 // 36 populated cells and the one outside the block
    EXPECT_DOUBLE_EQ(value.at("E2001N4001"), 3);  // 2022 only
    EXPECT_DOUBLE_EQ(value.at("E2004N4004"), 1);
    EXPECT_DOUBLE_EQ(value.at("E2006N4005"), 1);
    EXPECT_DOUBLE_EQ(value.at("E2003N4002"), 0);
}

}  // namespace
}  // namespace wz
