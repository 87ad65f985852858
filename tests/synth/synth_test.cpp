// wijkzicht synth: determinism, importability of every file, structure and planted truths.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unistd.h>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/store.hpp"
#include "io/synth_sources.hpp"
#include "synth/synth.hpp"

namespace wz {
namespace {
namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("wz_synth_test_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

std::map<std::string, std::string> hashes(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = describe_input(e.path().string()).sha256;
    }
    return out;
}

synth::Summary run(const std::string& dir, double scale, std::uint64_t seed, int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    synth::Options o;
    o.scale = scale;
    o.seed = seed;
    o.out_dir = dir;
    return synth::generate(o);
}

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

TEST(SynthDeterminism, SameSeedSameBytesWhateverTheThreads) {
    const std::string a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c"), d = temp_dir("d");
    run(a, 0.003, 11, 1);
    run(b, 0.003, 11, 2);
    run(c, 0.003, 11, 2);
    run(d, 0.003, 12, 2);
    const auto ha = hashes(a), hb = hashes(b), hc = hashes(c), hd = hashes(d);
    EXPECT_GE(ha.size(), 20u);
    EXPECT_EQ(ha, hb);  // 1 vs 2 threads
    EXPECT_EQ(hb, hc);  // two runs
    ASSERT_EQ(ha.size(), hd.size());
    EXPECT_NE(ha.at("grid/vierkant100m.csv"), hd.at("grid/vierkant100m.csv"));  // another seed, another country
    EXPECT_NE(ha.at("truth.json"), hd.at("truth.json"));
    for (const auto& p : {a, b, c, d}) fs::remove_all(p);
}

TEST(SynthOptions, BadScaleIsAUsageError) {
    synth::Options o;
    o.out_dir = temp_dir("bad");
    o.scale = 0;
    EXPECT_THROW(synth::generate(o), UsageError);
    o.scale = 3;
    EXPECT_THROW(synth::generate(o), UsageError);
}

// One country at scale 0.01 shared by the structural tests.
class SynthCountry : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new std::string(temp_dir("country"));
        summary_ = new synth::Summary(run(*dir_, 0.01, 3, 2));
        truth_ = new nlohmann::json(read_json(*dir_ + "/truth.json"));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete summary_;
        delete truth_;
    }
    static std::string path(const std::string& rel) { return *dir_ + "/" + rel; }
    static std::string* dir_;
    static synth::Summary* summary_;
    static nlohmann::json* truth_;
};
std::string* SynthCountry::dir_ = nullptr;
synth::Summary* SynthCountry::summary_ = nullptr;
nlohmann::json* SynthCountry::truth_ = nullptr;

// ---- WKB helpers (ISO MultiPolygon, little endian, as the importer stores) ----
struct Poly {
    std::vector<std::vector<std::pair<double, double>>> rings;  // outer first
};
std::vector<Poly> parse_wkb(const std::vector<std::uint8_t>& w) {
    std::size_t p = 0;
    auto u32 = [&]() {
        std::uint32_t v = 0;
        std::memcpy(&v, w.data() + p, 4);
        p += 4;
        return v;
    };
    auto f64 = [&]() {
        double v = 0;
        std::memcpy(&v, w.data() + p, 8);
        p += 8;
        return v;
    };
    std::vector<Poly> out;
    p += 1;
    EXPECT_EQ(u32(), 6u);
    const std::uint32_t np = u32();
    for (std::uint32_t i = 0; i < np; ++i) {
        p += 1;
        EXPECT_EQ(u32(), 3u);
        Poly poly;
        const std::uint32_t nr = u32();
        for (std::uint32_t r = 0; r < nr; ++r) {
            const std::uint32_t n = u32();
            std::vector<std::pair<double, double>> ring;
            for (std::uint32_t k = 0; k < n; ++k) {
                const double x = f64();
                const double y = f64();
                ring.emplace_back(x, y);
            }
            poly.rings.push_back(std::move(ring));
        }
        out.push_back(std::move(poly));
    }
    return out;
}
double ring_area(const std::vector<std::pair<double, double>>& r) {
    double a = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) a += r[i].first * r[i + 1].second - r[i + 1].first * r[i].second;
    return a / 2;
}
double area_of(const std::vector<Poly>& mp) {
    double a = 0;
    for (const auto& p : mp) {
        for (const auto& r : p.rings) a += ring_area(r);  // holes are clockwise (negative)
    }
    return a;
}
bool contains(const std::vector<Poly>& mp, double x, double y) {
    bool in = false;
    for (const auto& p : mp) {
        for (const auto& r : p.rings) {
            for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
                if ((r[i].second > y) != (r[j].second > y) &&
                    x < (r[j].first - r[i].first) * (y - r[i].second) / (r[j].second - r[i].second) + r[i].first) {
                    in = !in;
                }
            }
        }
    }
    return in;
}

TEST_F(SynthCountry, CountsAndCodes) {
    const auto& counts = (*truth_)["counts"];
    EXPECT_EQ(counts["provincies"], 12);
    EXPECT_EQ(counts["corop"], 40);
    EXPECT_GE(counts["corop_plus"].get<int>(), 40);
    EXPECT_GE(counts["buurten"].get<int>(), 100);
    // About 17.9 million x 0.01 residents.
    const double residents = counts["residents_2022"].get<double>();
    EXPECT_GT(residents, 0.85 * 179000);
    EXPECT_LT(residents, 1.15 * 179000);
    EXPECT_EQ(summary_->persons, counts["residents_2022"].get<std::uint64_t>());
}

TEST_F(SynthCountry, PopulationTotalsAgreeAcrossFiles) {
    Dataset grid = import_grid_stats(path("grid/vierkant100m.csv"), {});
    std::map<std::int64_t, double> published;
    std::map<std::int64_t, int> secret;
    const Column& year = grid.table.column("year");
    const Column& inw = grid.table.column("INW");
    for (std::size_t r = 0; r < grid.table.row_count(); ++r) {
        if (inw.is_missing(r)) {
            EXPECT_EQ(inw.missing_reason(r), Missing::kSecret99997);
            ++secret[year.int_at(r)];
        } else {
            published[year.int_at(r)] += inw.real_at(r);
        }
    }
    for (const auto& [y, v] : published) {
        const auto& t = (*truth_)["population"][std::to_string(y)];
        EXPECT_DOUBLE_EQ(v, t["residents_published"].get<double>()) << y;
        // The secret cells hold 1 to 4 residents each.
        EXPECT_GE(t["residents_in_secret_cells"].get<double>(), t["secret_cells"].get<double>());
        EXPECT_LE(t["residents_in_secret_cells"].get<double>(), 4 * t["secret_cells"].get<double>());
    }
    // Buurt populations in the StatLine table add up to the country.
    Dataset kf = import_statline(path("statline/kerncijfers_buurten.csv"), {});
    EXPECT_EQ(kf.level, Level::kBuurt);
    std::map<std::int64_t, double> total;
    const Column& ky = kf.table.column("year");
    const Column& kp = kf.table.column("Bevolking/Aantal inwoners");
    for (std::size_t r = 0; r < kf.table.row_count(); ++r) total[ky.int_at(r)] += kp.number_at(r);
    ASSERT_EQ(total.size(), 6u);
    for (const auto& [y, v] : total) EXPECT_DOUBLE_EQ(v, (*truth_)["population"][std::to_string(y)]["residents"].get<double>()) << y;
}

TEST_F(SynthCountry, BuurtenTileTheLandAndNest) {
    AreaLayer bu = import_boundaries(path("boundaries/buurt_2022.gpkg"), {Level::kBuurt, 2022, "statcode", "", "", ""});
    AreaLayer wk = import_boundaries(path("boundaries/wijk_2022.gpkg"), {Level::kWijk, 2022, "statcode", "", "", ""});
    AreaLayer gm = import_boundaries(path("boundaries/gemeente_2022.gpkg"), {Level::kGemeente, 2022, "statcode", "", "", ""});
    AreaLayer cr = import_boundaries(path("boundaries/coropgebied_2022.gpkg"), {Level::kCorop, 2022, "statcode", "", "", ""});
    AreaLayer pv = import_boundaries(path("boundaries/provincie_2022.gpkg"), {Level::kProvincie, 2022, "statcode", "", "", ""});
    const double land = (*truth_)["counts"]["land_cells"].get<double>() * 1e4;
    std::map<std::string, double> wk_area, gm_area;
    double bu_total = 0;
    std::vector<std::vector<Poly>> bpolys;
    for (const Area& a : bu.areas) {
        bpolys.push_back(parse_wkb(a.wkb));
        const double ar = area_of(bpolys.back());
        EXPECT_GT(ar, 0) << a.code;
        bu_total += ar;
        wk_area[a.wijk] += ar;
        EXPECT_EQ(a.wijk.substr(2, 4), a.gemeente.substr(2, 4));
    }
    EXPECT_DOUBLE_EQ(bu_total, land);
    for (const Area& a : wk.areas) {
        EXPECT_DOUBLE_EQ(area_of(parse_wkb(a.wkb)), wk_area[a.code]) << a.code;  // a wijk is exactly its buurten
        gm_area[a.gemeente] += wk_area[a.code];
    }
    EXPECT_EQ(wk_area.size(), wk.areas.size());
    std::set<std::string> corops, provs;
    for (const Area& a : cr.areas) corops.insert(a.code);
    for (const Area& a : pv.areas) provs.insert(a.code);
    std::map<std::string, std::string> corop_pv;
    for (const Area& a : cr.areas) corop_pv[a.code] = a.provincie;
    for (const Area& a : gm.areas) {
        EXPECT_DOUBLE_EQ(area_of(parse_wkb(a.wkb)), gm_area[a.code]) << a.code;
        EXPECT_TRUE(corops.count(a.corop)) << a.code;
        EXPECT_EQ(corop_pv[a.corop], a.provincie) << a.code;
        EXPECT_EQ(a.corop_plus.substr(2, 2), a.corop.substr(2, 2)) << a.code;
    }
    for (const Area& a : cr.areas) EXPECT_TRUE(provs.count(a.provincie));
    // Every populated cell centre lies in exactly one buurt.
    Dataset grid = import_grid_stats(path("grid/vierkant100m.csv"), {});
    const Column& code = grid.table.column("code");
    std::size_t checked = 0;
    for (std::size_t r = 0; r < grid.table.row_count(); r += 6 * 7) {
        auto cell = parse_grid_cell(code.text_at(r));
        ASSERT_TRUE(cell);
        int in = 0;
        for (const auto& p : bpolys) in += contains(p, cell->centre_x(), cell->centre_y()) ? 1 : 0;
        EXPECT_EQ(in, 1) << code.text_at(r);
        ++checked;
    }
    EXPECT_GT(checked, 50u);
}

TEST_F(SynthCountry, PlantedAreasMeetOrMissAsStated) {
    const auto& ty = (*truth_)["typology"];
    EXPECT_EQ(ty["plants_not_as_expected"], 0);
    std::set<std::string> ids;
    for (const auto& p : ty["plants"]) {
        ids.insert(p["id"].get<std::string>());
        EXPECT_TRUE(p["as_expected"].get<bool>()) << p["id"];
    }
    for (const char* id : {"type1_meet", "type1_miss_development", "type2_meet", "type2_miss_residents", "type2_miss_persistence",
                           "type2_miss_weak_long_ago", "type2_miss_onvoldoende", "type2_miss_safety", "type3_meet", "type3_miss_persistence", "dk2018_meet",
                           "dk2018_miss_residents", "dk2018_miss_criteria", "dk2018_ghetto_miss_nonwestern", "dk2021_meet",
                           "dk2021_miss_nonwestern", "berlin_meet", "berlin_miss_dynamics"}) {
        EXPECT_TRUE(ids.count(id)) << id;
    }
}

// The Danish criteria recomputed from the StatLine file alone (independent of the generator's evaluation).
TEST_F(SynthCountry, DanishPlantsFromTheStatLineFile) {
    Dataset kf = import_statline(path("statline/kerncijfers_buurten.csv"), {});
    const Table& t = kf.table;
    const Column& code = t.column("code");
    const Column& year = t.column("year");
    const Column& pop = t.column("Bevolking/Aantal inwoners");
    const Column& work = t.column("Arbeid/Buiten werk of opleiding 18 tot 65 jaar");
    const Column& conv = t.column("Veiligheid/Veroordeelden 15 jaar of ouder");
    const Column& edu = t.column("Onderwijs/Alleen basisonderwijs 30 tot 60 jaar");
    const Column& inc = t.column("Inkomen/Gemiddeld bruto inkomen 15 tot 65 jaar");
    const Column& reg = t.column("Inkomen/Gemiddeld bruto inkomen regio");
    const Column& nw = t.column("Bevolking/Migratieachtergrond/Niet-westers totaal");
    // National convicted share per year (resident-weighted).
    std::map<std::int64_t, std::pair<double, double>> nat;
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (conv.is_missing(r)) continue;
        nat[year.int_at(r)].first += pop.number_at(r) * conv.number_at(r);
        nat[year.int_at(r)].second += pop.number_at(r);
    }
    std::map<std::string, std::map<std::int64_t, std::size_t>> row;
    for (std::size_t r = 0; r < t.row_count(); ++r) row[code.text_at(r)][year.int_at(r)] = r;
    auto avg = [&](const Column& c, const std::string& bu) { return (c.number_at(row[bu][2022]) + c.number_at(row[bu][2020])) / 2; };
    auto national = [&](std::int64_t y) { return nat[y].first / nat[y].second; };
    for (const auto& p : (*truth_)["typology"]["plants"]) {
        const std::string id = p["id"];
        if (id.rfind("dk", 0) != 0) continue;
        const std::string bu = p["code"];
        const double residents = pop.number_at(row[bu][2022]);
        // Work and convictions: 2-year averages; education and income: the year's value (the law).
        const double w = avg(work, bu) / 100, e = edu.number_at(row[bu][2022]) / 100;
        const double c = avg(conv, bu) / ((national(2022) + national(2020)) / 2);
        const double i = inc.number_at(row[bu][2022]) / reg.number_at(row[bu][2022]);
        const double n = nw.number_at(row[bu][2022]) / 100;
        const int a = (w > 0.40) + (c >= 3.0) + (e > 0.60) + (i < 0.55);
        const int f = (w > 0.30) + (c >= 2.0) + (e > 0.60) + (i < 0.65);
        const bool udsat = residents >= 1000 && a >= 2;
        const bool fore = !udsat && residents >= 1000 && n > 0.30 && f >= 2;
        if (id == "dk2018_meet") {
            EXPECT_TRUE(udsat && n > 0.5) << id;
        } else if (id == "dk2018_miss_residents") {
            EXPECT_LT(residents, 1000) << id;
            EXPECT_GE(a, 2) << id;  // misses only the residents criterion
        } else if (id == "dk2018_miss_criteria") {
            EXPECT_EQ(a, 1) << id;
            EXPECT_FALSE(udsat) << id;
        } else if (id == "dk2018_ghetto_miss_nonwestern") {
            EXPECT_TRUE(udsat) << id;
            EXPECT_LE(n, 0.5) << id;
        } else if (id == "dk2021_meet") {
            EXPECT_TRUE(fore) << id;
        } else if (id == "dk2021_miss_nonwestern") {
            EXPECT_FALSE(fore) << id;
            EXPECT_GE(f, 2) << id;
            EXPECT_LE(n, 0.30) << id;
        }
    }
}

// Type 2 recomputed from the indicator files and the true weights in truth.json.
TEST_F(SynthCountry, Type2PlantsFromTheIndicatorFiles) {
    const auto& model = (*truth_)["model"];
    std::vector<double> w, centre;
    std::vector<std::string> tr;
    for (const auto& in : model["indicators"]) {
        w.push_back(in["weight"]);
        centre.push_back(in["center"]);
        tr.push_back(in["transform"]);
    }
    std::map<std::string, std::string> plant_of;
    for (const auto& p : (*truth_)["typology"]["plants"]) {
        if (p["rules"][0] == "type2") plant_of[p["code"]] = p["id"];
    }
    ASSERT_EQ(plant_of.size(), 6u);
    AreaLayer bu = import_boundaries(path("boundaries/buurt_2022.gpkg"), {Level::kBuurt, 2022, "statcode", "", "", ""});
    std::map<std::string, std::vector<Poly>> polys;
    for (const Area& a : bu.areas) {
        if (plant_of.count(a.code)) polys[a.code] = parse_wkb(a.wkb);
    }
    Dataset grid = import_grid_stats(path("grid/vierkant100m.csv"), {});
    std::map<std::pair<std::string, std::int64_t>, double> inw;
    for (std::size_t r = 0; r < grid.table.row_count(); ++r) {
        const Column& v = grid.table.column("INW");
        inw[{grid.table.column("code").text_at(r), grid.table.column("year").int_at(r)}] = v.is_missing(r) ? 2.0 : v.real_at(r);
    }
    const double offset = model["absolute_offset"];
    auto cls = [&](double s) {
        int k = 1;
        for (const auto& e : model["class_edges_absolute"]) k += offset + s > e.get<double>() ? 1 : 0;
        return k;
    };
    std::map<std::string, int> weak_years, onv_2022, weak_2022;
    for (int y = 2012; y <= 2022; y += 2) {
        Dataset ind = import_indicators({path("liveability/indicators_" + std::to_string(y) + ".csv")}, {});
        const Column& code = ind.table.column("code");
        std::map<std::string, std::pair<double, double>> acc;
        for (std::size_t r = 0; r < ind.table.row_count(); ++r) {
            auto cell = parse_grid_cell(code.text_at(r));
            std::string owner;
            for (const auto& [bc, p] : polys) {
                if (contains(p, cell->centre_x(), cell->centre_y())) owner = bc;
            }
            if (owner.empty()) continue;
            double s = 0;
            for (std::size_t j = 0; j < w.size(); ++j) {
                double x = ind.table.columns()[j + 2].real_at(r);
                if (tr[j] == "log") x = std::log(x);
                if (tr[j] == "logit") x = std::log(x / (1 - x));
                s += w[j] * (x - centre[j]);
            }
            const double p = inw[{code.text_at(r), y}];
            acc[owner].first += p * s;
            acc[owner].second += p;
            if (y == 2022 && p > 0 && cls(s) <= 3) ++onv_2022[owner];
        }
        for (const auto& [bc, a] : acc) {
            weak_years[bc] += cls(a.first / a.second) <= 4 ? 1 : 0;
            if (y == 2022) weak_2022[bc] = cls(a.first / a.second) <= 4 ? 1 : 0;
        }
    }
    for (const auto& [bc, id] : plant_of) {
        if (id == "type2_meet" || id == "type2_miss_residents" || id == "type2_miss_safety") {
            EXPECT_GE(weak_years[bc], 3) << id;
            EXPECT_GT(onv_2022[bc], 0) << id;
        } else if (id == "type2_miss_persistence") {
            EXPECT_EQ(weak_years[bc], 2) << id;
        } else if (id == "type2_miss_weak_long_ago") {
            // Three weak measurements (2012-2016), not 2022; populated onvoldoende cells in 2022.
            EXPECT_EQ(weak_years[bc], 3) << id;
            EXPECT_EQ(weak_2022[bc], 0) << id;
            EXPECT_GT(onv_2022[bc], 0) << id;
        } else if (id == "type2_miss_onvoldoende") {
            EXPECT_GE(weak_years[bc], 3) << id;
            EXPECT_EQ(onv_2022[bc], 0) << id;
        }
    }
}

// Per area (polygons given) and measurement: what truth.json's rules count, recomputed from the files
// alone: cell scores from the indicator files and the true weights, residents from the grid file (a secret
// cell counts 2 residents, the middle of 1-4), cells assigned by their centre.
struct AreaYear {
    double pop = 0, s = 0, vei = 0, onv = 0, le5 = 0, cells = 0, c89 = 0;
};
struct Recount {
    std::map<std::pair<std::string, int>, AreaYear> at;  // (code, year)
    std::function<int(double)> cls;                      // class of a relative score
};
Recount recount_areas(const nlohmann::json& truth, const std::function<std::string(const std::string&)>& path,
                      const std::map<std::string, std::vector<Poly>>& polys) {
    const auto& model = truth["model"];
    std::vector<double> w, centre;
    std::vector<std::string> tr;
    std::vector<bool> is_vei;
    for (const auto& in : model["indicators"]) {
        w.push_back(in["weight"]);
        centre.push_back(in["center"]);
        tr.push_back(in["transform"]);
        is_vei.push_back(in["dimension_lbm2"] == "vei");
    }
    // Bounding boxes first: most cells lie in none of the areas.
    struct Box {
        double x0, y0, x1, y1;
    };
    std::map<std::string, Box> box;
    for (const auto& [code, mp] : polys) {
        Box b{1e300, 1e300, -1e300, -1e300};
        for (const auto& p : mp)
            for (const auto& r : p.rings)
                for (const auto& [x, y] : r)
                    b = {std::min(b.x0, x), std::min(b.y0, y), std::max(b.x1, x), std::max(b.y1, y)};
        box[code] = b;
    }
    Dataset grid = import_grid_stats(path("grid/vierkant100m.csv"), {});
    std::map<std::pair<std::string, std::int64_t>, double> inw;
    const Column& gv = grid.table.column("INW");
    for (std::size_t r = 0; r < grid.table.row_count(); ++r)
        inw[{grid.table.column("code").text_at(r), grid.table.column("year").int_at(r)}] =
            gv.is_missing(r) ? 2.0 : gv.real_at(r);
    Recount out;
    const double offset = model["absolute_offset"];
    std::vector<double> edges;
    for (const auto& e : model["class_edges_absolute"]) edges.push_back(e.get<double>());
    out.cls = [offset, edges](double s) {
        int k = 1;
        for (double e : edges) k += offset + s > e ? 1 : 0;
        return k;
    };
    for (int y = 2012; y <= 2022; y += 2) {
        Dataset ind = import_indicators({path("liveability/indicators_" + std::to_string(y) + ".csv")}, {});
        const Column& code = ind.table.column("code");
        EXPECT_EQ(ind.table.column_count(), w.size() + 2) << y;
        for (std::size_t r = 0; r < ind.table.row_count(); ++r) {
            auto cell = parse_grid_cell(code.text_at(r));
            const double cx = cell->centre_x(), cy = cell->centre_y();
            std::string owner;
            for (const auto& [c, p] : polys) {
                const Box& b = box.at(c);
                if (cx < b.x0 || cx > b.x1 || cy < b.y0 || cy > b.y1) continue;
                if (contains(p, cx, cy)) owner = c;
            }
            if (owner.empty()) continue;
            double s = 0, v = 0;
            for (std::size_t j = 0; j < w.size(); ++j) {
                double x = ind.table.columns()[j + 2].real_at(r);
                if (tr[j] == "log") x = std::log(x);
                if (tr[j] == "logit") x = std::log(x / (1 - x));
                s += w[j] * (x - centre[j]);
                if (is_vei[j]) v += w[j] * (x - centre[j]);
            }
            const auto it = inw.find({code.text_at(r), y});
            const double p = it == inw.end() ? 0.0 : it->second;
            const int k = out.cls(s);
            AreaYear& a = out.at[{owner, y}];
            a.pop += p;
            a.s += p * s;
            a.vei += p * v;
            if (p > 0 && k <= 3) a.onv += p;
            if (k <= 5) a.le5 += p;
            if (p > 0) a.cells += 1;
            if (p > 0 && k >= 8) a.c89 += 1;
        }
    }
    return out;
}

// Linear interpolation between order statistics (position q (n - 1)), the rule files' percentile.
double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::map<std::string, std::string> plants_of(const nlohmann::json& truth, const std::string& rule) {
    std::map<std::string, std::string> out;  // code -> plant id
    for (const auto& p : truth["typology"]["plants"]) {
        if (p["rules"][0] == rule) out[p["code"]] = p["id"];
    }
    return out;
}

// Type 1 recomputed from the wijk polygons, the indicator files and the grid file: weak (class <= 4) in at
// least 3 measurements, S(2022) below S(2020) and S(2012), vei in the lowest 10% of populated wijken (2022),
// at least 25% of residents in cells of class <= 3 (2022). The meet plant meets all four; the near miss
// misses only the development.
TEST_F(SynthCountry, Type1PlantsFromTheWijkPolygonsAndIndicatorFiles) {
    const auto plant_of = plants_of(*truth_, "type1");
    ASSERT_EQ(plant_of.size(), 2u);
    AreaLayer wk =
        import_boundaries(path("boundaries/wijk_2022.gpkg"), {Level::kWijk, 2022, "statcode", "", "", ""});
    ASSERT_GT(wk.areas.size(), 10u);
    std::map<std::string, std::vector<Poly>> polys;
    for (const Area& a : wk.areas) polys[a.code] = parse_wkb(a.wkb);
    for (const auto& [code, id] : plant_of) ASSERT_TRUE(polys.count(code)) << id << " " << code;
    const Recount rc = recount_areas(
        *truth_, [&](const std::string& r) { return path(r); }, polys);
    std::vector<double> vei_2022;
    for (const auto& [key, a] : rc.at)
        if (key.second == 2022 && a.pop > 0) vei_2022.push_back(a.vei / a.pop);
    ASSERT_GT(vei_2022.size(), 10u);
    const double p10 = percentile(vei_2022, 0.1);
    for (const auto& [code, id] : plant_of) {
        int weak = 0;
        for (int y = 2012; y <= 2022; y += 2) {
            const auto it = rc.at.find({code, y});
            ASSERT_NE(it, rc.at.end()) << id << " " << y;
            weak += it->second.pop > 0 && rc.cls(it->second.s / it->second.pop) <= 4 ? 1 : 0;
        }
        auto mean = [&](int y) {
            const AreaYear& a = rc.at.at({code, y});
            return a.s / a.pop;
        };
        const AreaYear& last = rc.at.at({code, 2022});
        ASSERT_GT(last.pop, 0) << id;
        const bool development = mean(2022) < mean(2020) && mean(2022) < mean(2012);
        const bool safety = last.vei / last.pop <= p10;
        const double share = last.onv / last.pop;
        EXPECT_GE(weak, 3) << id;
        EXPECT_TRUE(safety) << id << ": vei " << last.vei / last.pop << ", P10 " << p10;
        EXPECT_GE(share, 0.25) << id;
        if (id == "type1_meet") {
            EXPECT_TRUE(development) << id << ": S 2012 " << mean(2012) << ", 2020 " << mean(2020)
                                     << ", 2022 " << mean(2022);
        } else {
            EXPECT_EQ(id, "type1_miss_development");
            EXPECT_FALSE(development)
                << id << ": S 2012 " << mean(2012) << ", 2020 " << mean(2020) << ", 2022 " << mean(2022);
        }
    }
}

// Type 3 recomputed from the COROP-plus polygons: at least 50% of residents in cells of class <= 5 and at
// most 5% of populated cells in classes 8-9, both in at least 3 measurements. The meet plant holds them in
// all six; the near miss only in 2020 and 2022 (its design), so 2 measurements.
TEST_F(SynthCountry, Type3PlantsFromTheCoropPlusPolygonsAndIndicatorFiles) {
    const auto plant_of = plants_of(*truth_, "type3");
    ASSERT_EQ(plant_of.size(), 2u);
    AreaLayer cp = import_boundaries(path("boundaries/coropplusgebied_2022.gpkg"),
                                     {Level::kCoropPlus, 2022, "statcode", "", "", ""});
    std::map<std::string, std::vector<Poly>> polys;
    for (const Area& a : cp.areas) {
        if (plant_of.count(a.code)) polys[a.code] = parse_wkb(a.wkb);
    }
    ASSERT_EQ(polys.size(), 2u);
    const Recount rc = recount_areas(
        *truth_, [&](const std::string& r) { return path(r); }, polys);
    for (const auto& [code, id] : plant_of) {
        std::vector<int> both_years;
        for (int y = 2012; y <= 2022; y += 2) {
            const auto it = rc.at.find({code, y});
            ASSERT_NE(it, rc.at.end()) << id << " " << y;
            const AreaYear& a = it->second;
            ASSERT_GT(a.pop, 0) << id << " " << y;
            ASSERT_GT(a.cells, 0) << id << " " << y;
            if (a.le5 / a.pop >= 0.5 && a.c89 / a.cells <= 0.05) both_years.push_back(y);
        }
        if (id == "type3_meet") {
            EXPECT_EQ(both_years, (std::vector<int>{2012, 2014, 2016, 2018, 2020, 2022})) << id;
        } else {
            EXPECT_EQ(id, "type3_miss_persistence");
            EXPECT_EQ(both_years, (std::vector<int>{2020, 2022})) << id;
        }
    }
}

// Berlin recomputed from the StatLine file: among buurten with at least 300 residents in 2020 and 2022,
// status = mean z-score (population standard deviation) of unemployment, long-term unemployment, transfer
// receipt and child poverty in 2022; dynamics = the same of their 2020 -> 2022 changes. Designated: status
// > 1.5 and dynamics > 1. The meet plant worsens every measurement, the near miss is stable.
TEST_F(SynthCountry, BerlinPlantsFromTheStatLineFile) {
    const auto plant_of = plants_of(*truth_, "berlin");
    ASSERT_EQ(plant_of.size(), 2u);
    Dataset kf = import_statline(path("statline/kerncijfers_buurten.csv"), {});
    const Table& t = kf.table;
    const Column& code = t.column("code");
    const Column& year = t.column("year");
    const Column& pop = t.column("Bevolking/Aantal inwoners");
    const std::vector<const Column*> ind = {
        &t.column("Arbeid/Werkloosheid"), &t.column("Arbeid/Langdurige werkloosheid"),
        &t.column("Sociale zekerheid/Uitkeringsontvangers"), &t.column("Inkomen/Kinderen in armoede")};
    std::map<std::string, std::map<std::int64_t, std::size_t>> row;
    for (std::size_t r = 0; r < t.row_count(); ++r) row[code.text_at(r)][year.int_at(r)] = r;
    std::vector<std::string> eligible;
    for (const auto& [bu, by] : row) {
        if (by.count(2020) && by.count(2022) && pop.number_at(by.at(2020)) >= 300 &&
            pop.number_at(by.at(2022)) >= 300)
            eligible.push_back(bu);
    }
    ASSERT_GT(eligible.size(), 30u);
    std::map<std::string, double> status, dynamics;
    for (const Column* c : ind) {
        auto add_z = [&](std::map<std::string, double>& into,
                         const std::function<double(const std::string&)>& value) {
            double m = 0, s2 = 0;
            for (const auto& bu : eligible) m += value(bu);
            m /= static_cast<double>(eligible.size());
            for (const auto& bu : eligible) s2 += (value(bu) - m) * (value(bu) - m);
            const double sd = std::sqrt(s2 / static_cast<double>(eligible.size()));
            for (const auto& bu : eligible) into[bu] += (value(bu) - m) / sd / 4;
        };
        add_z(status, [&](const std::string& bu) { return c->number_at(row[bu][2022]); });
        add_z(dynamics, [&](const std::string& bu) {
            return c->number_at(row[bu][2022]) - c->number_at(row[bu][2020]);
        });
    }
    for (const auto& [bu, id] : plant_of) {
        ASSERT_TRUE(status.count(bu)) << id << " " << bu << " has fewer than 300 residents";
        EXPECT_GT(status[bu], 1.5) << id;
        if (id == "berlin_meet") {
            EXPECT_GT(dynamics[bu], 1.0) << id;
        } else {
            EXPECT_EQ(id, "berlin_miss_dynamics");
            EXPECT_LE(dynamics[bu], 1.0) << id;
        }
    }
    // The generator's designated list is exactly what the files give.
    std::set<std::string> designated, listed;
    for (const auto& bu : eligible)
        if (status[bu] > 1.5 && dynamics[bu] > 1.0) designated.insert(bu);
    for (const auto& c : (*truth_)["typology"]["berlin"]["designated"]) listed.insert(c.get<std::string>());
    EXPECT_EQ(designated, listed);
}

// A smaller country for the tests that import everything (the store writes dominate their time).
class SynthSmall : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new std::string(temp_dir("small"));
        run(*dir_, 0.002, 5, 2);
        truth_ = new nlohmann::json(read_json(*dir_ + "/truth.json"));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete truth_;
    }
    static std::string path(const std::string& rel) { return *dir_ + "/" + rel; }
    static std::string* dir_;
    static nlohmann::json* truth_;
};
std::string* SynthSmall::dir_ = nullptr;
nlohmann::json* SynthSmall::truth_ = nullptr;

// Every file imports with the program, in the order README.md gives (run from inside the folder).
TEST_F(SynthSmall, ReadmeImportsBuildAStore) {
    std::ifstream in(path("README.md"));
    std::string line;
    std::vector<std::string> commands;
    while (std::getline(in, line)) {
        if (line.rfind("wijkzicht import ", 0) == 0) commands.push_back(line.substr(std::strlen("wijkzicht ")));
    }
    ASSERT_GE(commands.size(), 14u);
    const std::string store = path("store.gpkg");
    for (const auto& cmd : commands) {
        const std::string sh = "cd '" + *dir_ + "' && '" WZ_BINARY "' -q " + cmd + " --store '" + store + "'";
        EXPECT_EQ(std::system(sh.c_str()), 0) << cmd;
    }
    const auto inv = store_inventory(store);
    std::set<std::string> names;
    for (const auto& d : inv["datasets"]) names.insert(d["name"].get<std::string>());
    for (const char* n : {"grid_population", "kerncijfers_buurten", "regio_kenmerken", "indicator_meta", "indicators", "survey", "sales",
                          "incidents"}) {
        EXPECT_TRUE(names.count(n)) << n;
    }
    for (const auto& n : names) EXPECT_NE(n.rfind("md_", 0), 0U) << "micro-data in the results store: " << n;
    EXPECT_EQ(inv["areas"].size(), 6u);
}

TEST(SynthImporters, Bsn11Test) {
    EXPECT_TRUE(bsn_valid("111222333"));
    EXPECT_FALSE(bsn_valid("123456789"));
    EXPECT_FALSE(bsn_valid("11122233"));
    EXPECT_FALSE(bsn_valid("11122233a"));
}

TEST(SynthImporters, BadSurveyNamesLineAndColumn) {
    const std::string dir = temp_dir("badsurvey");
    {
        std::ofstream out(dir + "/survey.csv");
        out << "respondent,year,code,rating\nR1,2018,E1993N3660,7\nR2,2018,E1993N3660,11\n";
    }
    try {
        import_survey(dir + "/survey.csv");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.column(), 20);
    }
    {
        std::ofstream out(dir + "/ind_2018.csv");
        out << "code,ind001\nE1993N3660,1.5\nX1,2\n";
    }
    try {
        import_indicators({dir + "/ind_2018.csv"}, {});
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.column(), 1);
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace wz

namespace wz {
namespace {

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
        rows.push_back(std::move(f));
    }
    return rows;
}

// The undermining truths hold in the micro-data files, and the importer accepts them.
TEST_F(SynthCountry, MicrodataTruthsHoldInTheFiles) {
    const auto& md = (*truth_)["microdata"];
    std::set<std::string> expected, found;
    for (const auto& id : md["unexplained_purchases"]["ids"]) expected.insert(id.get<std::string>());
    const auto pu = read_csv(path("microdata/purchases.csv"));
    ASSERT_EQ(pu[0][5], "price");
    for (std::size_t r = 1; r < pu.size(); ++r) {
        if (std::stod(pu[r][5]) > 4.5 * std::stod(pu[r][6]) + std::stod(pu[r][7])) found.insert(pu[r][0]);
    }
    EXPECT_GT(expected.size(), 50u);
    EXPECT_EQ(found, expected);
    std::map<std::string, std::pair<double, double>> money;
    for (const auto& r : read_csv(path("microdata/persons.csv"))) {
        if (r[0] != "bsn") money[r[0]] = {std::stod(r[4]), std::stod(r[5])};
    }
    std::set<std::string> windhappers, wh_expected;
    for (const auto& r : read_csv(path("microdata/ownership.csv"))) {
        if (r[1] == "person" && money.at(r[2]) == std::make_pair(0.0, 0.0)) windhappers.insert(r[2]);
    }
    for (const auto& b : md["windhappers"]["bsn"]) wh_expected.insert(b.get<std::string>());
    EXPECT_FALSE(wh_expected.empty());
    EXPECT_EQ(windhappers, wh_expected);
    std::map<std::string, int> boards;
    for (const auto& r : read_csv(path("microdata/directors.csv"))) {
        if (r[0] != "kvk") ++boards[r[1]];
    }
    std::set<std::string> pros, pro_expected;
    for (const auto& [b, n] : boards) {
        if (n >= 8) pros.insert(b);
    }
    for (const auto& p : md["professional_directors"]["persons"]) pro_expected.insert(p["bsn"].get<std::string>());
    EXPECT_EQ(pros, pro_expected);
    for (const auto& [b, n] : money) EXPECT_TRUE(bsn_valid(b)) << b;
    // Drug crime grows after the earlier suspicions in the planted buurten.
    EXPECT_GT(md["drug_growth"]["early_possession_and_laundering_suspicions"].get<int>(), 0);
    const auto& inc = (*truth_)["incidents"]["drug_dealing_in_drug_growth_buurten_by_year"];
    EXPECT_GT(inc["2022"].get<double>(), 2.0 * inc["2014"].get<double>());
}

}  // namespace
}  // namespace wz
