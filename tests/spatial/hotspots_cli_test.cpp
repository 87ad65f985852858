// The `wijkzicht hotspots` command end to end: outputs, JSON, statuses, bad input, thread invariance.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "geo/vector.hpp"
#include "test_support.hpp"

namespace wz::test {
namespace {

// 3 x 3 squares of 100 m in RD coordinates (the file names EPSG:28992), ids c0..c8
// row-major from the lower-left, plus an optional far-away square "far" (an island).
std::string grid_geojson(bool with_island) {
    std::ostringstream s;
    s << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[)";
    auto square = [&](const std::string& id, double x, double y, bool comma) {
        s << R"({"type":"Feature","properties":{"code":")" << id
          << R"("},"geometry":{"type":"Polygon","coordinates":[[)";
        s << '[' << x << ',' << y << "],[" << x + 100 << ',' << y << "],[" << x + 100 << ',' << y + 100
          << "],[" << x << ',' << y + 100 << "],[" << x << ',' << y << "]]]}}" << (comma ? "," : "");
    };
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            square("c" + std::to_string(r * 3 + c), 150000 + 100 * c, 450000 + 100 * r,
                   with_island || r * 3 + c < 8);
        }
    }
    if (with_island) square("far", 160000, 460000, false);
    s << "]}";
    return s.str();
}

// Rows of a CSV output as maps column -> text (no quoted fields in these outputs).
std::vector<std::map<std::string, std::string>> read_rows(const std::string& path) {
    std::istringstream in(read_all(path));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    std::stringstream hs(line);
    for (std::string f; std::getline(hs, f, ',');) header.push_back(f);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        std::map<std::string, std::string> row;
        std::size_t c = 0;
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = line.find(',', start);
            row[header.at(c++)] =
                line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        rows.push_back(row);
    }
    return rows;
}

std::size_t line_count(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

class SpatialCli : public ::testing::Test {
  protected:
    TempDir dir;
    std::string areas = dir.file("grid.geojson");
    std::string values = dir.file("values.csv");
    std::string out = dir.file("out.csv");

    std::string base_args(const std::string& weights = "rook") const {
        return "hotspots --areas " + areas + " --id-field code --values " + values + " --weights " + weights +
               " --permutations 99 --seed 3 --out " + out;
    }
};

TEST_F(SpatialCli, CheckerboardGivesMinusOneAndAllColumns) {
    write_file(areas, grid_geojson(false));
    // Checkerboard: 1 where row + column is even. Rook: I = -1 (binary and row-standardised alike).
    write_file(values, "id,value\nc0,1\nc1,0\nc2,1\nc3,0\nc4,1\nc5,0\nc6,1\nc7,0\nc8,1\n");
    const CommandResult r = run_wijkzicht(base_args() + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_NEAR(j["global_moran"]["I"].get<double>(), -1.0, 1e-12);
    EXPECT_NEAR(j["global_moran"]["expected"].get<double>(), -0.125, 1e-15);
    EXPECT_LT(j["global_moran"]["z"].get<double>(), -2.0);
    EXPECT_EQ(j["n"].get<int>(), 9);
    EXPECT_EQ(j["islands"].get<int>(), 0);
    EXPECT_EQ(j["global_moran"]["permutations"].get<int>(), 99);

    const auto rows = read_rows(out);
    ASSERT_EQ(rows.size(), 9U);
    for (const char* c : {"id", "value", "neighbours", "I", "I_z", "I_p", "quadrant", "Gstar_z", "Gstar_p",
                          "I_sig_fdr", "Gstar_sig_fdr", "status"}) {
        EXPECT_TRUE(rows[0].count(c)) << c;
    }
    const std::vector<std::string> neighbours{"2", "3", "2", "3", "4", "3", "2", "3", "2"};
    for (std::size_t i = 0; i < 9; ++i) {
        EXPECT_EQ(rows[i].at("id"), "c" + std::to_string(i));
        EXPECT_EQ(rows[i].at("neighbours"), neighbours[i]);
        EXPECT_EQ(rows[i].at("status"), "ok");
        // Every area differs from all its neighbours: HL for the ones, LH for the zeros; I_i < 0.
        EXPECT_EQ(rows[i].at("quadrant"), i % 2 == 0 ? "HL" : "LH");
        EXPECT_LT(std::stod(rows[i].at("I")), 0.0);
    }
    // Centre: z = 4/9, lag = -5/9, I = (n-1) z lag / sum z^2 = 8 (4/9)(-5/9) / (180/81) = -8/9.
    EXPECT_NEAR(std::stod(rows[4].at("I")), -8.0 / 9.0, 1e-12);
    EXPECT_TRUE(std::filesystem::exists(out + ".provenance.json"));
    const auto prov = nlohmann::json::parse(read_all(out + ".provenance.json"));
    EXPECT_EQ(prov["seed"].get<int>(), 3);
    EXPECT_EQ(prov["inputs"].size(), 2U);
    EXPECT_EQ(prov["inputs"][0]["sha256"].get<std::string>().size(), 64U);
}

TEST_F(SpatialCli, MissingValuesIslandsAndGeoPackage) {
    write_file(areas, grid_geojson(true));
    // c4 has no value, c8 is absent from the file (also missing), "far" is an island.
    write_file(values, "id,value\nc0,5\nc1,4\nc2,NA\nc3,3\nc4,\nc5,2\nc6,1\nc7,2\nfar,9\n");
    const std::string gpkg = dir.file("out.gpkg");
    const CommandResult r = run_wijkzicht(base_args("queen") + " --out-gpkg " + gpkg);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto rows = read_rows(out);
    ASSERT_EQ(rows.size(), 10U);
    EXPECT_EQ(rows[2].at("status"), "missing");
    EXPECT_EQ(rows[4].at("status"), "missing");
    EXPECT_EQ(rows[8].at("status"), "missing");
    EXPECT_EQ(rows[9].at("status"), "island");
    EXPECT_EQ(rows[9].at("I"), "");
    EXPECT_EQ(rows[9].at("Gstar_p"), "");
    EXPECT_EQ(rows[9].at("neighbours"), "0");
    EXPECT_EQ(rows[4].at("neighbours"), "");
    // c0's queen neighbours with values: c1, c3 (c4 is missing).
    EXPECT_EQ(rows[0].at("neighbours"), "2");
    EXPECT_EQ(rows[0].at("status"), "ok");
    const geo::VectorLayer layer = geo::read_polygon_layer(gpkg, geo::VectorReadOptions{});
    EXPECT_EQ(layer.layer_name, "hotspots");
    EXPECT_EQ(layer.features.size(), 10U);
    EXPECT_TRUE(layer.field_index("Gstar_z").has_value());
    EXPECT_EQ(layer.empty_geometries, 0U);
}

TEST_F(SpatialCli, BadInputExitsTwoWithOneLine) {
    write_file(areas, grid_geojson(false));
    struct Case {
        std::string values;
        std::string weights;
        std::string expect;
    };
    const std::vector<Case> cases{
        {"id,value\nc0,1\nc9,2\n", "rook", "values.csv:3:1: expected the id of an area"},
        {"id,value\nc0,1\nc1,2\nc0,3\n", "rook", "values.csv:4:1: expected each id once"},
        {"id,value\nc0,1\nc1,abc\n", "rook", "values.csv:3:4: expected a number"},
        {"code,v\nc0,1\n", "rook", "expected a header with columns 'id' and 'value'"},
        {"id,value\nc0,1\nc1,2\nc2,3\nc3,4\nc4,5\n", "hexagon", "--weights: expected queen, rook"},
        {"id,value\nc0,1\nc1,2\nc2,3\nc3,4\nc4,5\n", "knn:0", "--weights: expected"},
        {"id,value\nc0,1\nc1,2\nc2,3\nc3,4\nc4,5\n", "band:-5", "--weights: expected"},
    };
    for (const Case& c : cases) {
        write_file(values, c.values);
        std::filesystem::remove(out);
        const CommandResult r = run_wijkzicht(base_args(c.weights));
        EXPECT_EQ(r.status, 2) << c.expect << '\n' << r.err;
        EXPECT_EQ(line_count(r.err), 1U) << r.err;
        EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out)) << c.expect;
    }
    // Duplicate ids in the layer.
    std::string dup = grid_geojson(false);
    dup.replace(dup.find("\"c1\""), 4, "\"c0\"");
    write_file(areas, dup);
    write_file(values, "id,value\nc0,1\n");
    const CommandResult r = run_wijkzicht(base_args());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("expected distinct ids in field 'code'"), std::string::npos) << r.err;
}

TEST_F(SpatialCli, GridWeightsFromCellCodes) {
    // A 3 x 3 block of cells without any polygon file; values 0..8 row by row.
    std::string v = "id,value\n";
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c)
            v += "E" + std::to_string(1993 + c) + "N" + std::to_string(3660 + r) + "," +
                 std::to_string(r * 3 + c) + "\n";
    }
    write_file(values, v);
    const CommandResult r =
        run_wijkzicht("hotspots --values " + values +
                      " --weights grid:queen --permutations 99 --seed 1 --out " + out + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["weights"]["links"].get<int>(), 40);  // 4 corners x 3 + 4 edges x 5 + centre 8
    // Moran's I in closed form. Cell (r, c) holds y = 3r + c, mean 4, so with a = r - 1, b = c - 1 the
    // deviation is z = 3a + b, a, b in {-1, 0, 1}: sum z^2 = 9 * 6 + 6 * 0 + 6 = 60. Queen weights,
    // row-standardised (the default --transform R): S0 = n = 9, so I = sum_i z_i (Wz)_i / sum z^2, where
    // (Wz)_i is the mean z of i's neighbours = 3 mean(a') + mean(b') by linearity.
    //   corners (a, b = +-1, 3 neighbours): mean a' = a/3, mean b' = b/3, Wz = z/3; z = -4, -2, 2, 4:
    //     sum z Wz = (16 + 4 + 4 + 16) / 3 = 40/3
    //   edges (5 neighbours): (a, b) = (-1, 0): z = -3, mean a' = -2/5, mean b' = 0, Wz = -6/5, z Wz = 18/5;
    //     (1, 0): 18/5; (0, -1): z = -1, Wz = -2/5, z Wz = 2/5; (0, 1): 2/5; sum 40/5 = 8
    //   centre: z = 0
    //   I = (40/3 + 8) / 60 = (64/3) / 60 = 16/45 = 0.3555...
    EXPECT_NEAR(j["global_moran"]["I"].get<double>(), 16.0 / 45.0, 1e-12);
    EXPECT_NEAR(j["global_moran"]["expected"].get<double>(), -1.0 / 8.0, 1e-12);  // E[I] = -1/(n-1)
    const auto rows = read_rows(out);
    ASSERT_EQ(rows.size(), 9U);
    // Per cell, recomputed from the 3 x 3 neighbourhood: lag = (Wz)_i, the mean deviation from the mean 4
    // of the neighbours' values (row-standardised), local I = (n - 1) z_i (Wz)_i / sum z^2 (METHODS.md 5).
    for (int gr = 0; gr < 3; ++gr) {
        for (int gc = 0; gc < 3; ++gc) {
            double sum = 0;
            int k = 0;
            for (int dr = -1; dr <= 1; ++dr) {
                for (int dc = -1; dc <= 1; ++dc) {
                    if ((dr == 0 && dc == 0) || gr + dr < 0 || gr + dr > 2 || gc + dc < 0 || gc + dc > 2)
                        continue;
                    sum += 3 * (gr + dr) + (gc + dc);
                    ++k;
                }
            }
            const auto& row = rows[static_cast<std::size_t>(3 * gr + gc)];
            const double wz = sum / k - 4.0;
            const double z = 3 * gr + gc - 4.0;
            EXPECT_EQ(row.at("neighbours"), std::to_string(k)) << row.at("id");
            EXPECT_NEAR(std::stod(row.at("lag")), wz, 1e-9) << row.at("id");
            EXPECT_NEAR(std::stod(row.at("I")), 8 * z * wz / 60, 1e-9) << row.at("id");
        }
    }
    EXPECT_EQ(rows[4].at("id"), "E1994N3661");
    EXPECT_EQ(rows[4].at("neighbours"), "8");
    EXPECT_EQ(rows[0].at("quadrant"), "LL");
    EXPECT_EQ(rows[8].at("quadrant"), "HH");
    // A value id that is no cell code.
    write_file(values, "id,value\nE1993N3660,1\nBU00140000,2\n");
    const CommandResult bad = run_wijkzicht("hotspots --values " + values +
                                            " --weights grid:rook --permutations 9 --seed 1 --out " + out);
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("expected 100 m cell codes"), std::string::npos) << bad.err;
}

TEST_F(SpatialCli, GalRoundTripGivesTheSameOutput) {
    write_file(areas, grid_geojson(false));
    write_file(values, "id,value\nc0,3\nc1,8\nc2,1\nc3,9\nc4,4\nc5,7\nc6,2\nc7,6\nc8,5\n");
    const std::string gal = dir.file("w.gal");
    CommandResult r = run_wijkzicht(base_args("queen") + " --write-weights " + gal);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string first = read_all(out);
    EXPECT_EQ(read_all(gal).rfind("0 9 wijkzicht code\nc0 3\nc1 c3 c4\n", 0), 0U);
    r = run_wijkzicht(base_args("gal:" + gal));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_all(out), first);
}

TEST_F(SpatialCli, HelpTeachesTheConventions) {
    const CommandResult r = run_wijkzicht("hotspots --help");
    EXPECT_EQ(r.status, 0);
    for (const char* phrase : {"Global Moran's I", "Getis-Ord G_i*", "(n-1)", "folded", "Benjamini-Hochberg",
                               "island", "knn:K", "band:METRES", "grid:rook", "--threads"}) {
        EXPECT_NE(r.out.find(phrase), std::string::npos) << phrase;
    }
}

TEST_F(SpatialCli, ThreadCountDoesNotChangeTheOutputOnRealBuurten) {
    WZ_REQUIRE_REAL_DATA();
    const std::string gpkg = real_data("cbs-boundaries-2014-2015/buurt_2014.gpkg");
    // Values from the codes: gemeente number mod 97 plus a small within-gemeente part.
    const geo::VectorLayer layer = geo::read_polygon_layer(gpkg, geo::VectorReadOptions{});
    const std::size_t field = *layer.field_index("statcode");
    std::string v = "id,value\n";
    for (const auto& f : layer.features) {
        const std::string& code = f.values[field];
        const long long num = std::stoll(code.substr(2));
        v += code + "," +
             std::to_string(static_cast<double>((num / 10000) % 97) + static_cast<double>(num % 89) / 89.0) +
             "\n";
    }
    write_file(values, v);
    std::string reference;
    for (int threads : {1, 2, 16}) {
        const CommandResult r =
            run_wijkzicht("hotspots --areas " + gpkg + " --id-field statcode --values " + values +
                          " --weights queen --permutations 999 --seed 11 --threads " +
                          std::to_string(threads) + " --out " + out);
        ASSERT_EQ(r.status, 0) << r.err;
        const std::string got = read_all(out);
        if (reference.empty()) {
            reference = got;
            EXPECT_EQ(line_count(got), 11692U);
        } else {
            EXPECT_TRUE(got == reference) << "output with " << threads << " threads differs from 1 thread";
        }
    }
    EXPECT_NE(reference.find(",no-geometry,"), std::string::npos);
}

}  // namespace
}  // namespace wz::test
