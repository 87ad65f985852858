// wijkzicht typology on a small synthetic country: every planted Danish and Berlin area that should meet
// its rule is designated, every near miss is not and names its missed criterion; the designated sets equal
// the generator's lists; bad rule files and missing datasets exit 2 and leave the store as it was.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/store.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;

// RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
        } else if (c == '\n') {
            row.push_back(field);
            field.clear();
            rows.push_back(row);
            row.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

// code -> column -> value.
std::map<std::string, std::map<std::string, std::string>> read_result(const std::string& path) {
    const auto rows = parse_csv(test::read_all(path));
    std::map<std::string, std::map<std::string, std::string>> out;
    if (rows.empty()) return out;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        std::map<std::string, std::string> m;
        for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) m[rows[0][c]] = rows[r][c];
        out[m["code"]] = m;
    }
    return out;
}

class TypologySynth : public ::testing::Test {
  protected:
    // A country at scale 0.006 (the smallest with both type-1 plants), imported as its README says (without
    // the survey, sales, incidents and micro-data), scored with the true model weights of truth.json.
    static void SetUpTestSuite() {
        dir_ = new std::string(
            (fs::temp_directory_path() / ("wz_typology_synth_" + std::to_string(::getpid()))).string());
        fs::remove_all(*dir_);
        store_ = new std::string(*dir_ + "/store.gpkg");
        const auto gen = test::run_wijkzicht("-q synth --scale 0.006 --seed 3 --out " + *dir_ +
                                             " --no-microdata --no-incidents");
        ASSERT_EQ(gen.status, 0) << gen.err;
        std::ifstream readme(*dir_ + "/README.md");
        std::string line;
        while (std::getline(readme, line)) {
            if (line.rfind("wijkzicht import ", 0) != 0) continue;
            if (line.find(" survey ") != std::string::npos || line.find(" sales ") != std::string::npos ||
                line.find(" microdata ") != std::string::npos ||
                line.find(" incidents ") != std::string::npos)
                continue;
            std::string args;
            std::istringstream tokens(line.substr(10));
            std::string token;
            while (tokens >> token)
                args +=
                    " " + (fs::is_regular_file(fs::path(*dir_) / token) ? (fs::path(*dir_) / token).string()
                                                                        : token);
            const auto r = test::run_wijkzicht("-q" + args + " --store " + *store_);
            ASSERT_EQ(r.status, 0) << line << "\n" << r.err;
        }
        std::ifstream in(*dir_ + "/truth.json");
        truth_ = new nlohmann::json(nlohmann::json::parse(in));
        const std::string weights = *dir_ + "/true_weights.csv";
        std::ofstream w(weights);
        w.precision(17);
        w << "indicator,transform,dimension,weight,center\n";
        for (const auto& i : truth_->at("model").at("indicators")) {
            w << i.at("id").get<std::string>() << ',' << i.at("transform").get<std::string>() << ','
              << i.at("dimension_lbm2").get<std::string>() << ',' << i.at("weight").get<double>() << ','
              << i.at("center").get<double>() << '\n';
        }
        w.close();
        const auto sc =
            test::run_wijkzicht("-q score --store " + *store_ + " --weights " + weights + " --json");
        ASSERT_EQ(sc.status, 0) << sc.err;
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete store_;
        delete truth_;
    }
    // Runs the typology and returns the CSV rows by code.
    static std::map<std::string, std::map<std::string, std::string>> run(const std::string& rules,
                                                                         const std::string& level = "buurt") {
        const std::string out = *dir_ + "/out_" + std::to_string(counter_++) + ".csv";
        const auto r = test::run_wijkzicht("-q typology --store " + *store_ + " --rules " + rules +
                                           " --level " + level + " --year 2022 --out " + out);
        EXPECT_EQ(r.status, 0) << rules << "\n" << r.err;
        return read_result(out);
    }
    static std::string* dir_;
    static std::string* store_;
    static nlohmann::json* truth_;
    static int counter_;
};
std::string* TypologySynth::dir_ = nullptr;
std::string* TypologySynth::store_ = nullptr;
nlohmann::json* TypologySynth::truth_ = nullptr;
int TypologySynth::counter_ = 0;

// The rule names of truth.json, the shipped set:designation that implements each, and its level.
const std::map<std::string, std::pair<std::string, std::string>> kRuleOf = {
    {"dk2018_udsat", {"denmark-2018:udsat", "buurt"}},
    {"dk2018_ghetto", {"denmark-2018:ghetto", "buurt"}},
    // The law's four yearly lists, on the synthetic country's biennial key figures: the year, -2 and -4.
    {"dk2018_hard_ghetto",
     {"denmark-2018:hard_ghetto --param measurement_step=2 --param hard_ghetto_years=4", "buurt"}},
    {"dk2021_forebyggelse", {"denmark-2021:forebyggelsesomraade", "buurt"}},
    {"berlin", {"berlin-mss", "buurt"}},
    {"type1", {"lbm2018-type1", "wijk"}},
    {"type2", {"lbm2018-type2", "buurt"}},
    {"type3", {"lbm2018-type3", "corop_plus"}}};

TEST_F(TypologySynth, PlantedAreasMeetOrMissTheirNamedCriterion) {
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> results;
    for (const auto& [rule, spec] : kRuleOf) results[rule] = run(spec.first, spec.second);
    std::set<std::string> plants_checked;
    for (const auto& plant : truth_->at("typology").at("plants")) {
        for (const auto& rule_j : plant.at("rules")) {
            const std::string rule = rule_j.get<std::string>();
            ASSERT_TRUE(kRuleOf.count(rule)) << rule;
            const std::string code = plant.at("code").get<std::string>();
            const auto& rows = results[rule];
            ASSERT_TRUE(rows.count(code)) << plant.at("id") << " " << code;
            const auto& row = rows.at(code);
            if (plant.at("expect") == "meet") {
                EXPECT_EQ(row.at("designated"), "1")
                    << plant.at("id") << " " << rule << ": " << row.at("reasons");
            } else {
                EXPECT_EQ(row.at("designated"), "0")
                    << plant.at("id") << " " << rule << ": " << row.at("reasons");
                const std::string missed = plant.at("missed_criterion").get<std::string>();
                const std::string& reasons = row.at("reasons");
                const auto not_met = reasons.find("not met: ");
                ASSERT_NE(not_met, std::string::npos) << plant.at("id") << ": " << reasons;
                const auto end = reasons.find(';', not_met);
                const std::string failed =
                    reasons.substr(not_met, end == std::string::npos ? std::string::npos : end - not_met);
                EXPECT_NE(failed.find(" " + missed + " ("), std::string::npos)
                    << plant.at("id") << ": " << reasons;
                EXPECT_EQ(row.at(missed + "_state"), "no") << plant.at("id");
            }
            plants_checked.insert(plant.at("id").get<std::string>());
        }
    }
    EXPECT_EQ(plants_checked.size(), 18u);  // every plant of docs/synth.md
    // Recall and precision: the designated sets equal the generator's lists (natural buurten never meet a
    // Danish rule; Berlin and the LBM types list every area meeting them).
    auto designated = [&](const std::string& rule) {
        std::set<std::string> s;
        for (const auto& [code, row] : results[rule])
            if (row.at("designated") == "1") s.insert(code);
        return s;
    };
    auto listed = [&](const nlohmann::json& arr) {
        std::set<std::string> s;
        for (const auto& c : arr) s.insert(c.get<std::string>());
        return s;
    };
    const auto& ty = truth_->at("typology");
    EXPECT_EQ(designated("dk2018_udsat"), listed(ty.at("dk2018").at("udsat")));
    EXPECT_EQ(designated("dk2018_ghetto"), listed(ty.at("dk2018").at("ghetto")));
    EXPECT_EQ(designated("dk2018_hard_ghetto"), listed(ty.at("dk2018").at("hard_ghetto")));
    EXPECT_EQ(designated("dk2021_forebyggelse"), listed(ty.at("dk2021").at("forebyggelse")));
    EXPECT_EQ(designated("berlin"), listed(ty.at("berlin").at("designated")));
    EXPECT_EQ(designated("type1"), listed(ty.at("type1").at("designated")));
    EXPECT_EQ(designated("type2"), listed(ty.at("type2").at("designated")));
    EXPECT_EQ(designated("type3"), listed(ty.at("type3").at("designated")));
    // The hard ghetto counted 2018, 2020 and 2022.
    EXPECT_FALSE(designated("dk2018_hard_ghetto").empty());
    for (const auto& code : designated("dk2018_hard_ghetto"))
        EXPECT_EQ(results["dk2018_hard_ghetto"][code].at("ghetto_running_years"), "2018;2020;2022");
}

TEST_F(TypologySynth, StoreJsonGeoPackageAndCompare) {
    const std::string gpkg = *dir_ + "/designated.gpkg";
    const std::string out = *dir_ + "/dk.csv";
    const auto r = test::run_wijkzicht("-q typology --store " + *store_ +
                                       " --rules denmark-2018 --level buurt --year 2022 --out " + out +
                                       " --json --gpkg " + gpkg);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j.at("rules"), "denmark-2018");
    const auto udsat = truth_->at("typology").at("dk2018").at("udsat").size();
    EXPECT_EQ(j.at("per_designation").at("udsat").get<std::size_t>(), udsat);
    EXPECT_EQ(j.at("designated_areas").size(), udsat);
    EXPECT_TRUE(j.contains("unknown_criteria"));
    // Buurten under 50 residents have no key figures: their criteria are unknown, and counted.
    const auto rows = read_result(out);
    std::size_t unknown = 0;
    for (const auto& [code, row] : rows) unknown += std::stoul(row.at("criteria_unknown"));
    EXPECT_EQ(j.at("unknown_criteria").get<std::size_t>() > 0, unknown > 0);
    const Dataset d = read_dataset(*store_, "typology_denmark_2018_buurt_2022");
    EXPECT_EQ(d.table.row_count(), rows.size());
    const Dataset detail = read_dataset(*store_, "typology_denmark_2018_buurt_2022_detail");
    EXPECT_GT(detail.table.row_count(), d.table.row_count());
    // The GeoPackage: layer 'designated' in RD New with one feature per designated area of the generator's
    // udsat list (truth.json), the attributes of its CSV row, and the buurt's own polygon from the synthetic
    // boundary file (same area and envelope), read back with GDAL as a GIS would.
    ASSERT_TRUE(fs::exists(gpkg));
    std::set<std::string> want_codes;
    for (const auto& code : truth_->at("typology").at("dk2018").at("udsat"))
        want_codes.insert(code.get<std::string>());
    ASSERT_FALSE(want_codes.empty());
    struct Shape {
        double area = 0;
        OGREnvelope env;
    };
    std::map<std::string, Shape> boundary;
    GDALAllRegister();
    {
        const std::string src = *dir_ + "/boundaries/buurt_2022.gpkg";
        GDALDataset* b = static_cast<GDALDataset*>(
            GDALOpenEx(src.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        ASSERT_NE(b, nullptr) << src;
        OGRLayer* l = b->GetLayer(0);
        for (auto& f : *l) {
            const std::string code = f->GetFieldAsString("statcode");
            if (!want_codes.count(code) || f->GetGeometryRef() == nullptr) continue;
            Shape& sh = boundary[code];
            sh.area = OGR_G_Area(OGRGeometry::ToHandle(f->GetGeometryRef()));
            f->GetGeometryRef()->getEnvelope(&sh.env);
        }
        GDALClose(b);
    }
    ASSERT_EQ(boundary.size(), want_codes.size());
    GDALDataset* g = static_cast<GDALDataset*>(
        GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    ASSERT_NE(g, nullptr) << gpkg;
    ASSERT_EQ(g->GetLayerCount(), 1);
    OGRLayer* layer = g->GetLayerByName("designated");
    ASSERT_NE(layer, nullptr);
    ASSERT_NE(layer->GetSpatialRef(), nullptr);
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "28992");
    ASSERT_EQ(static_cast<std::size_t>(layer->GetFeatureCount()), want_codes.size());
    std::set<std::string> got_codes;
    for (auto& f : *layer) {
        const std::string code = f->GetFieldAsString("code");
        got_codes.insert(code);
        ASSERT_TRUE(rows.count(code)) << code;
        const auto& row = rows.at(code);
        EXPECT_EQ(f->GetFieldAsInteger64("designated"), 1) << code;
        EXPECT_EQ(row.at("designated"), "1") << code;
        EXPECT_EQ(f->GetFieldAsString("designation"), row.at("designation")) << code;
        EXPECT_NE(std::string(f->GetFieldAsString("designation")).find("udsat"), std::string::npos) << code;
        EXPECT_EQ(f->GetFieldAsString("reasons"), row.at("reasons")) << code;
        EXPECT_EQ(std::to_string(f->GetFieldAsInteger64("criteria_met")), row.at("criteria_met")) << code;
        const OGRGeometry* geom = f->GetGeometryRef();
        ASSERT_NE(geom, nullptr) << code;
        ASSERT_TRUE(boundary.count(code)) << code;
        const Shape& want = boundary.at(code);
        EXPECT_GT(want.area, 0) << code;
        EXPECT_NEAR(OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(geom))), want.area,
                    1e-6 * want.area)
            << code;
        OGREnvelope e;
        geom->getEnvelope(&e);
        EXPECT_NEAR(e.MinX, want.env.MinX, 1e-6) << code;
        EXPECT_NEAR(e.MaxX, want.env.MaxX, 1e-6) << code;
        EXPECT_NEAR(e.MinY, want.env.MinY, 1e-6) << code;
        EXPECT_NEAR(e.MaxY, want.env.MaxY, 1e-6) << code;
    }
    GDALClose(g);
    EXPECT_EQ(got_codes, want_codes);
    // Compare: 2018 ghetto vs 2021 parallelsamfund (same rule: every ghetto is a parallelsamfund).
    const std::string cmp = *dir_ + "/cmp.csv";
    const auto c =
        test::run_wijkzicht("-q typology compare denmark-2018:ghetto denmark-2021:parallelsamfund --store " +
                            *store_ + " --level buurt --year 2022 --out " + cmp + " --json");
    ASSERT_EQ(c.status, 0) << c.err;
    const auto cj = nlohmann::json::parse(c.out);
    EXPECT_EQ(cj.at("both").get<std::size_t>(), truth_->at("typology").at("dk2018").at("ghetto").size());
    EXPECT_EQ(cj.at("only_a").get<std::size_t>(), 0u);
    EXPECT_EQ(cj.at("only_b").get<std::size_t>(), 0u);
}

TEST_F(TypologySynth, BadRuleFilesAndMissingDataExitTwoAndLeaveTheStore) {
    const std::string before = test::file_fingerprint(*store_);
    const std::string bad = *dir_ + "/bad_rules.toml";
    test::write_file(
        bad,
        "name = \"bad\"\nlevel = \"buurt\"\n[variables]\nv = \"kerncijfers_buurten:Arbeid/Werkloosheid\"\n"
        "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \">>\"\nvalue = 1\n");
    auto r =
        test::run_wijkzicht("typology --store " + *store_ + " --rules " + bad + " --level buurt --year 2022");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("bad_rules.toml:8:6:"), std::string::npos) << r.err;
    // A column the dataset does not have.
    test::write_file(bad,
                     "name = \"bad\"\nlevel = \"buurt\"\n[variables]\nv = \"kerncijfers_buurten:Nope\"\n"
                     "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \">\"\nvalue = 1\n");
    r = test::run_wijkzicht("typology --store " + *store_ + " --rules " + bad + " --level buurt --year 2022");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("no column 'Nope'"), std::string::npos) << r.err;
    // A score dataset that is not in the store (the LBM types read those of `wijkzicht score`).
    test::write_file(bad,
                     "name = \"bad\"\nlevel = \"buurt\"\n[variables]\nv = \"score_pc4:score\"\n"
                     "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \">\"\nvalue = 1\n");
    r = test::run_wijkzicht("typology --store " + *store_ + " --rules " + bad + " --level buurt --year 2022");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("score_pc4"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("wijkzicht score"), std::string::npos) << r.err;
    // Unknown rule set, wrong level, year without data, unknown parameter, unknown designation.
    for (const std::string& args :
         {std::string("--rules nope --level buurt --year 2022"),
          std::string("--rules denmark-2018 --level wijk --year 2022"),
          std::string("--rules denmark-2018 --level buurt --year 2023"),
          std::string("--rules denmark-2018 --level buurt --year 2022 --param nope=1"),
          std::string("--rules denmark-2018:nope --level buurt --year 2022")}) {
        r = test::run_wijkzicht("typology --store " + *store_ + " " + args);
        EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
        EXPECT_NE(r.err.find("error"), std::string::npos) << args;
    }
    EXPECT_EQ(test::file_fingerprint(*store_), before);
}

TEST(TypologyCli, HelpTeaches) {
    const auto r = test::run_wijkzicht("typology --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("denmark-2018"), std::string::npos);
    EXPECT_NE(r.out.find("Example"), std::string::npos);
}

}  // namespace
}  // namespace wz
