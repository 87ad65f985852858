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
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/typology.hpp"
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
                                                                         const std::string& level = "buurt",
                                                                         const std::string& extra = "") {
        const std::string out = *dir_ + "/out_" + std::to_string(counter_++) + ".csv";
        const auto r = test::run_wijkzicht("-q typology --store " + *store_ + " --rules " + rules +
                                           " --level " + level + " --year 2022 --out " + out + extra);
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

// The rule names of truth.json, the shipped set:designation that implements each, its level and the
// options it runs with.
struct RuleRun {
    std::string rules, level, extra;
};
const std::map<std::string, RuleRun> kRuleOf = {
    {"dk2018_udsat", {"denmark-2018:udsat", "buurt", ""}},
    {"dk2018_ghetto", {"denmark-2018:ghetto", "buurt", ""}},
    // The law's lists are yearly; the synthetic key figures are biennial: four lists 2 years apart.
    {"dk2018_hard_ghetto", {"denmark-2018:hard_ghetto", "buurt", " --param list_step_years=2"}},
    {"dk2021_forebyggelse", {"denmark-2021:forebyggelsesomraade", "buurt", ""}},
    {"berlin", {"berlin-mss", "buurt", ""}},
    {"type1", {"lbm2018-type1", "wijk", ""}},
    {"type2", {"lbm2018-type2", "buurt", ""}},
    {"type3", {"lbm2018-type3", "corop_plus", ""}}};

TEST_F(TypologySynth, PlantedAreasMeetOrMissTheirNamedCriterion) {
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> results;
    for (const auto& [rule, spec] : kRuleOf) results[rule] = run(spec.rules, spec.level, spec.extra);
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
    // The hard ghetto counted four lists: 2016, 2018, 2020 and 2022.
    EXPECT_FALSE(designated("dk2018_hard_ghetto").empty());
    for (const auto& code : designated("dk2018_hard_ghetto"))
        EXPECT_EQ(results["dk2018_hard_ghetto"][code].at("ghetto_running_years"), "2016;2018;2020;2022");
    // With the law's yearly lists, biennial key figures cannot decide it: unknown, never "no" or "yes".
    const auto yearly = run("denmark-2018:hard_ghetto");
    for (const auto& code : designated("dk2018_hard_ghetto")) {
        EXPECT_EQ(yearly.at(code).at("designated"), "") << code;  // missing = unknown
        EXPECT_EQ(yearly.at(code).at("ghetto_running_state"), "unknown") << code;
    }
    // Type 3 at gemeente level: the gemeenten of the planted region meet it as the region does.
    const auto gm = run("lbm2018-type3", "gemeente");
    std::size_t gm_designated = 0;
    for (const auto& [code, row] : gm) gm_designated += row.at("designated") == "1";
    EXPECT_GT(gm_designated, 0u);
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

// The development dataset of `wijkzicht score` (every pair of measurements) as the rule sets read it: per
// area and measurement the period from the measurement right before it, to_year named year.
TEST(TypologyJob, DevelopmentByMeasurementKeepsThePeriodIntoEachYear) {
    Table d;
    Column code("code", ColumnType::kText), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt), cls("development_class", ColumnType::kInt);
    // WK01: 2014->2016 (5), 2012->2016 (6), 2012->2014 (3), 2014->2018 missing (2016 not scored there):
    // 2016's period is 2014->2016, 2014's is 2012->2014.
    for (const auto& [c, f, t, k] :
         std::vector<std::tuple<std::string, int, int, int>>{{"WK01", 2012, 2016, 6},
                                                             {"WK01", 2014, 2016, 5},
                                                             {"WK01", 2012, 2014, 3},
                                                             {"WK02", 2012, 2018, 2}}) {
        code.push_text(c);
        from.push_int(f);
        to.push_int(t);
        cls.push_int(k);
    }
    d.add_column(std::move(code));
    d.add_column(std::move(from));
    d.add_column(std::move(to));
    d.add_column(std::move(cls));
    const Table out = jobs::development_by_measurement(d);
    ASSERT_EQ(out.row_count(), 3u);
    ASSERT_NE(out.find("year"), nullptr);
    EXPECT_EQ(out.find("to_year"), nullptr);
    std::map<std::pair<std::string, std::int64_t>, std::pair<std::int64_t, std::int64_t>> got;
    for (std::size_t r = 0; r < out.row_count(); ++r)
        got[{out.column("code").text_at(r), out.column("year").int_at(r)}] = {
            out.column("from_year").int_at(r), out.column("development_class").int_at(r)};
    EXPECT_EQ(got.at({"WK01", 2016}), (std::pair<std::int64_t, std::int64_t>{2014, 5}));
    EXPECT_EQ(got.at({"WK01", 2014}), (std::pair<std::int64_t, std::int64_t>{2012, 3}));
    EXPECT_EQ(got.at({"WK02", 2018}), (std::pair<std::int64_t, std::int64_t>{2012, 2}));
    Table bad;
    bad.add_column(Column("code", ColumnType::kText));
    EXPECT_THROW(jobs::development_by_measurement(bad), UsageError);
}

// The Danish rules on real CBS key figures (the built-in Groningen 2017 example: residents and the
// non-Western share only): the criteria without a CBS figure are unknown with the rule file's reason, not
// an error; small buurten are not udsat (residents), large ones undecided.
TEST(TypologyCli, DanishRulesOnRealKeyFiguresLeaveTheMissingCriteriaUnknown) {
    test::TempDir tmp;
    const std::string store = tmp.file("real.gpkg");
    auto r = test::run_wijkzicht(
        "-q import statline " + std::string(WZ_SOURCE_DIR) +
        "/share/wijkzicht/examples/kerncijfers_groningen_2017.csv --name kerncijfers_buurten --store " +
        store);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string out = tmp.file("dk.csv");
    r = test::run_wijkzicht("typology --store " + store +
                            " --rules denmark-2018 --year 2017 --json --no-store --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const auto absent = j.at("absent_variables");
    ASSERT_EQ(absent.size(), 5u) << absent.dump();  // work, convicted, education, income, regional income
    EXPECT_NE(absent.dump().find("convicted: CBS publishes no convictions"), std::string::npos)
        << absent.dump();
    EXPECT_NE(r.err.find("not in the store, so the criteria that need it are unknown"), std::string::npos)
        << r.err;
    const auto rows = read_result(out);
    std::size_t small = 0, large = 0;
    for (const auto& [code, row] : rows) {
        const double residents = std::stod(row.at("residents_value"));
        EXPECT_EQ(row.at("work_state"), "unknown") << code;
        EXPECT_EQ(row.at("convicted_state"), "unknown") << code;
        EXPECT_EQ(row.at("two_of_four_state"), "unknown") << code;
        if (residents < 1000) {
            ++small;
            EXPECT_EQ(row.at("designated"), "0") << code << ": " << row.at("reasons");
        } else {
            ++large;
            EXPECT_EQ(row.at("designated"), "") << code << ": " << row.at("reasons");  // unknown
        }
    }
    EXPECT_GT(small, 0u);
    EXPECT_GT(large, 0u);
    EXPECT_EQ(j.at("designated").get<int>(), 0);
}

TEST(TypologyCli, HelpTeaches) {
    const auto r = test::run_wijkzicht("typology --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("denmark-2018"), std::string::npos);
    EXPECT_NE(r.out.find("Example"), std::string::npos);
}

}  // namespace
}  // namespace wz
