// The protected zone end to end on the synthetic country: risk ingest, indicators and network as the
// command line runs them; the planted unexplained purchases, owners without income or assets,
// professional directors and networks recovered; no raw identifier (nor the key) in any file written
// or any message; wrong keys and malformed extracts refused without changing the zone.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../monitor/synth_country.hpp"
#include "io/protected_zone.hpp"
#include "io/store.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;

const test::SynthCountry& country() {
    static const test::SynthCountry c = test::make_synth_country("0.01", 7, {"boundaries"});
    return c;
}

std::string md(const std::string& rel) {
    return country().dir + "/microdata/" + rel;
}
std::string key_file() {
    return md("pseudonym.key");
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) rows.push_back(test::split_on(line, ','));
    return rows;
}

std::string zone_args(const std::string& zone) {
    return " --key-file '" + key_file() + "' --protected '" + zone + "'";
}

// Every raw identifier of the extract (BSN, household, BAG, KvK, purchase, suspicion, transaction ids).
std::set<std::string> raw_identifiers() {
    std::set<std::string> ids;
    const std::map<std::string, std::vector<std::size_t>> id_columns = {
        {"persons", {0, 2, 3}}, {"addresses", {0}},       {"dwellings", {0}},
        {"ownership", {0, 2}},  {"purchases", {0, 1, 3}}, {"entities", {0, 4}},
        {"directors", {0, 1}},  {"suspicions", {0, 1}},   {"transactions", {0, 3, 5}}};
    for (const auto& [file, cols] : id_columns) {
        const auto rows = read_csv(md(file + ".csv"));
        for (std::size_t r = 1; r < rows.size(); ++r) {
            for (auto c : cols) {
                if (c < rows[r].size() && rows[r][c].size() >= 6) ids.insert(rows[r][c]);
            }
        }
    }
    return ids;
}

// The raw identifiers found in `text` (tokens of letters, digits and '_', and their digit runs).
std::vector<std::string> identifiers_in(const std::string& text, const std::set<std::string>& ids) {
    std::vector<std::string> found;
    std::string token, digits;
    auto check = [&](const std::string& t) {
        if (t.size() >= 6 && ids.count(t) != 0) found.push_back(t);
    };
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const char ch = i < text.size() ? text[i] : ' ';
        const bool word = std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
        const bool digit = std::isdigit(static_cast<unsigned char>(ch)) != 0;
        if (digit) {
            digits += ch;
        } else {
            check(digits);
            digits.clear();
        }
        if (word) {
            token += ch;
        } else {
            check(token);
            token.clear();
        }
    }
    return found;
}

class RiskZone : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        zone_ = dir_->file("zone.db");
        const auto& c = country();
        outputs_ = new std::string();
        for (const std::string& cmd :
             {"-v risk ingest --extracts '" + c.dir + "/microdata'" + zone_args(zone_) + " --json",
              "-v risk indicators" + zone_args(zone_) + " --store '" + c.store +
                  "' --min-boards 5 --permutations 9999 --json",
              "-v risk network" + zone_args(zone_) + " --json",
              "-v risk predict" + zone_args(zone_) + " --bootstrap 200 --seed 3 --json",
              "-v risk publish" + zone_args(zone_) + " --store '" + c.store + "' --out '" +
                  dir_->file("aggregates.gpkg") + "' --json"}) {
            const auto r = test::run_wijkzicht(cmd);
            ASSERT_EQ(r.status, 0) << cmd << "\n" << r.err;
            *outputs_ += r.out + r.err;
        }
    }
    static void TearDownTestSuite() {
        delete dir_;
        delete outputs_;
    }
    static zone::Key key() { return zone::Key::from_file(key_file()); }
    // The pseudonyms of a zone table's integer column.
    static std::set<std::int64_t> ids_of(const std::string& table, const std::string& column) {
        const zone::Zone z(zone_, key());
        const Table t = z.read(table, {column});
        std::set<std::int64_t> s;
        for (std::size_t r = 0; r < t.row_count(); ++r) s.insert(t.columns()[0].int_at(r));
        return s;
    }
    static test::TempDir* dir_;
    static std::string zone_;
    static std::string* outputs_;
};
test::TempDir* RiskZone::dir_ = nullptr;
std::string RiskZone::zone_;
std::string* RiskZone::outputs_ = nullptr;

struct PrecisionRecall {
    double precision = 0, recall = 0;
};
PrecisionRecall compare(const std::set<std::int64_t>& found, const std::set<std::int64_t>& truth) {
    std::size_t hit = 0;
    for (auto id : found) hit += truth.count(id);
    return {found.empty() ? 0.0 : static_cast<double>(hit) / static_cast<double>(found.size()),
            truth.empty() ? 0.0 : static_cast<double>(hit) / static_cast<double>(truth.size())};
}

TEST_F(RiskZone, PlantedUnderminingCasesAreFoundWithPrecisionAndRecall) {
    const auto& truth = country().truth["microdata"];
    const zone::Key k = key();
    std::set<std::int64_t> unexplained, windhappers, pros;
    for (const auto& id : truth["unexplained_purchases"]["ids"])
        unexplained.insert(k.pseudonym('K', id.get<std::string>()));
    for (const auto& b : truth["windhappers"]["bsn"])
        windhappers.insert(k.pseudonym('P', b.get<std::string>()));
    for (const auto& p : truth["professional_directors"]["persons"])
        pros.insert(k.pseudonym('P', p["bsn"].get<std::string>()));
    ASSERT_GT(unexplained.size(), 10U);
    ASSERT_FALSE(windhappers.empty());
    ASSERT_GE(pros.size(), 4U);
    const auto u = compare(ids_of("r_flag_unexplained_purchases", "purchase"), unexplained);
    const auto w = compare(ids_of("r_flag_owners_without_means", "person"), windhappers);
    const auto p = compare(ids_of("r_flag_professional_directors", "person"), pros);
    std::cout << "unexplained purchases: precision " << u.precision << ", recall " << u.recall << " ("
              << unexplained.size() << " planted)\nowners without income or assets: precision " << w.precision
              << ", recall " << w.recall << " (" << windhappers.size()
              << ")\nprofessional directors: precision " << p.precision << ", recall " << p.recall << " ("
              << pros.size() << ")\n";
    for (const auto& x : {u, w, p}) {
        EXPECT_GE(x.precision, 0.95);
        EXPECT_GE(x.recall, 0.95);
    }
    // The buurt counts add up to the flags.
    const zone::Zone z(zone_, k);
    const Table yearly = z.read("r_yearly", {"unexplained_purchases", "purchases"});
    std::int64_t sum = 0, purchases = 0;
    for (std::size_t r = 0; r < yearly.row_count(); ++r) {
        sum += yearly.columns()[0].int_at(r);
        purchases += yearly.columns()[1].int_at(r);
    }
    EXPECT_EQ(sum, static_cast<std::int64_t>(unexplained.size()));
    EXPECT_EQ(purchases, truth["purchases"].get<std::int64_t>());
}

TEST_F(RiskZone, PlantedNetworksAreRecoveredAsComponents) {
    const auto& networks = country().truth["microdata"]["networks"];
    ASSERT_GE(networks.size(), 3U);
    const zone::Key k = key();
    const zone::Zone z(zone_, k);
    const Table members = z.read("r_network_members", {"node_type", "node", "component"});
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> component;
    std::map<std::int64_t, std::int64_t> size;  // persons + entities per component
    for (std::size_t r = 0; r < members.row_count(); ++r) {
        if (members.columns()[2].is_missing(r)) continue;
        const std::string& type = members.columns()[0].text_at(r);
        const std::int64_t c = members.columns()[2].int_at(r);
        component[{type, members.columns()[1].int_at(r)}] = c;
        if (type != "property") ++size[c];
    }
    double worst_recall = 1, worst_purity = 1;
    for (const auto& net : networks) {
        std::vector<std::pair<std::string, std::int64_t>> nodes;
        for (const auto& p : net["persons"])
            nodes.emplace_back("person", k.pseudonym('P', p.get<std::string>()));
        for (const auto& e : net["entities"])
            nodes.emplace_back("entity", k.pseudonym('E', e.get<std::string>()));
        std::map<std::int64_t, int> votes;
        for (const auto& n : nodes) {
            const auto it = component.find(n);
            if (it != component.end()) ++votes[it->second];
        }
        ASSERT_FALSE(votes.empty()) << net["id"];
        const auto best = std::max_element(votes.begin(), votes.end(),
                                           [](auto& a, auto& b) { return a.second < b.second; });
        const double recall = static_cast<double>(best->second) / static_cast<double>(nodes.size());
        const double purity = static_cast<double>(best->second) / static_cast<double>(size[best->first]);
        worst_recall = std::min(worst_recall, recall);
        worst_purity = std::min(worst_purity, purity);
        // Every member that has an edge of control or money lies in the one component (a member with
        // no directorship, property or transaction is invisible in any data, so recall may fall short).
        EXPECT_EQ(votes.size(), 1U) << net["id"] << ": its persons and entities split over components";
        EXPECT_GE(recall, 0.8) << net["id"];
    }
    std::cout << networks.size() << " planted networks: worst recall " << worst_recall << ", worst purity "
              << worst_purity << " (planted persons and entities / persons and entities of the component)\n";
    EXPECT_GE(worst_purity, 0.5);
    // The planted networks are risk components (their members are suspects of trafficking and laundering).
    const Table comps = z.read("r_network_components", {"component", "suspects", "risk"});
    std::set<std::int64_t> risky;
    for (std::size_t r = 0; r < comps.row_count(); ++r) {
        if (comps.columns()[2].int_at(r) == 1) risky.insert(comps.columns()[0].int_at(r));
    }
    for (const auto& net : networks) {
        const auto it = component.find({"person", k.pseudonym('P', net["persons"][0].get<std::string>())});
        ASSERT_NE(it, component.end());
        EXPECT_EQ(risky.count(it->second), 1U) << net["id"];
    }
}

TEST_F(RiskZone, DrugGrowthBuurtenAreHotSpots) {
    const auto& planted = country().truth["microdata"]["drug_growth"]["buurten"];
    const zone::Zone z(zone_, key());
    const Table hs = z.read("r_hot_spots", {"indicator", "buurt", "hotspot"});
    std::map<std::string, std::set<std::string>> hot;
    for (std::size_t r = 0; r < hs.row_count(); ++r) {
        if (hs.columns()[2].text_at(r) == "hot")
            hot[hs.columns()[0].text_at(r)].insert(hs.columns()[1].text_at(r));
    }
    std::size_t found = 0;
    for (const auto& b : planted) found += hot["suspicions_drugs_trafficking"].count(b.get<std::string>());
    std::cout << found << " of " << planted.size()
              << " drug-growth buurten are G_i* hot spots of drugs-trafficking suspicions ("
              << hot["suspicions_drugs_trafficking"].size() << " hot spots)\n";
    EXPECT_GE(static_cast<double>(found), 0.75 * static_cast<double>(planted.size()));
}

// Buurt characteristics against hot-spot status with a scored store: each indicator's G_i* hot-spot
// buurten against the rest, on the liveability score and dimensions and the key figures of the store;
// the score's means recomputed here from the zone's hot spots and the store's scores.
TEST(RiskCharacteristics, HotSpotBuurtenAgainstTheRestFromAScoredStore) {
    const test::SynthCountry c =
        test::make_synth_country("0.01", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    test::TempDir dir;
    const std::string zone = dir.file("zone.db"), key = c.dir + "/microdata/pseudonym.key";
    const std::string args = " --key-file '" + key + "' --protected '" + zone + "'";
    auto r = test::run_wijkzicht("-q risk ingest --extracts '" + c.dir + "/microdata'" + args);
    ASSERT_EQ(r.status, 0) << r.err;
    r = test::run_wijkzicht("-q risk indicators" + args + " --store '" + c.store + "' --permutations 9999");
    ASSERT_EQ(r.status, 0) << r.err;
    const zone::Zone z(zone, zone::Key::from_file(key));
    const Table ch = z.read("r_hot_spot_characteristics", {"indicator", "characteristic", "hot_buurten",
                                                           "other_buurten", "mean_hot", "mean_other"});
    const Table hs = z.read("r_hot_spots", {"indicator", "buurt", "hotspot"});
    const std::int64_t ref = z.read("r_snapshot", {"year"}).columns()[0].int_at(0);
    std::set<std::string> indicators, characteristics;
    for (std::size_t i = 0; i < ch.row_count(); ++i) {
        indicators.insert(ch.columns()[0].text_at(i));
        characteristics.insert(ch.columns()[1].text_at(i));
    }
    EXPECT_EQ(ch.row_count(), indicators.size() * characteristics.size());
    EXPECT_EQ(characteristics.count("score_buurt.score"), 1u);
    EXPECT_EQ(characteristics.count("score_buurt.vei"), 1u);
    EXPECT_GT(std::count_if(characteristics.begin(), characteristics.end(),
                            [](const std::string& n) { return n.rfind("score_buurt.", 0) != 0; }),
              0)
        << "no key figures from the store's StatLine datasets";
    // the score of the latest scored year not after the reference year
    const Dataset sc = read_dataset(c.store, "score_buurt", {"code", "year", "score"});
    std::int64_t year = 0;
    for (std::size_t i = 0; i < sc.table.row_count(); ++i)
        if (sc.table.columns()[1].int_at(i) <= ref) year = std::max(year, sc.table.columns()[1].int_at(i));
    std::map<std::string, double> score;
    for (std::size_t i = 0; i < sc.table.row_count(); ++i)
        if (sc.table.columns()[1].int_at(i) == year && !sc.table.columns()[2].is_missing(i))
            score[sc.table.columns()[0].text_at(i)] = sc.table.columns()[2].number_at(i);
    // the indicator with the most hot spots; every buurt with a score and no "hot" row counts as other
    std::map<std::string, std::set<std::string>> hot;
    for (std::size_t i = 0; i < hs.row_count(); ++i)
        if (hs.columns()[2].text_at(i) == "hot")
            hot[hs.columns()[0].text_at(i)].insert(hs.columns()[1].text_at(i));
    std::string indicator = "suspicions_drugs_trafficking";
    for (const auto& [name, buurten] : hot)
        if (buurten.size() > hot[indicator].size()) indicator = name;
    double sum[2] = {0, 0};
    std::size_t n[2] = {0, 0};
    for (const auto& [buurt, value] : score) {
        const int g = hot[indicator].count(buurt) != 0 ? 0 : 1;
        sum[g] += value;
        ++n[g];
    }
    std::cout << indicator << ": " << n[0] << " hot-spot buurten with a score, " << n[1] << " others\n";
    ASSERT_GT(n[1], 0u);
    bool checked = false;
    for (std::size_t i = 0; i < ch.row_count(); ++i) {
        if (ch.columns()[0].text_at(i) != indicator || ch.columns()[1].text_at(i) != "score_buurt.score")
            continue;
        EXPECT_EQ(ch.columns()[2].int_at(i), static_cast<std::int64_t>(n[0]));
        EXPECT_EQ(ch.columns()[3].int_at(i), static_cast<std::int64_t>(n[1]));
        if (n[0] > 0) {
            EXPECT_NEAR(ch.columns()[4].real_at(i), sum[0] / static_cast<double>(n[0]), 1e-9);
        } else {
            EXPECT_TRUE(ch.columns()[4].is_missing(i));
        }
        EXPECT_NEAR(ch.columns()[5].real_at(i), sum[1] / static_cast<double>(n[1]), 1e-9);
        checked = true;
    }
    EXPECT_TRUE(checked);
}

TEST_F(RiskZone, NoRawIdentifierOrKeyInAnyFileWrittenOrMessage) {
    const std::set<std::string> ids = raw_identifiers();
    ASSERT_GT(ids.size(), 1000U);
    const std::string key_bytes = test::read_all(key_file()).substr(0, 16);
    std::vector<std::string> files = {zone_, zone_ + ".audit.log", country().store};
    for (const auto& f : files) {
        ASSERT_TRUE(fs::exists(f)) << f;
        const std::string text = test::read_all(f);
        const auto found = identifiers_in(text, ids);
        EXPECT_TRUE(found.empty()) << f << " holds " << found.size() << " raw identifiers";
        EXPECT_EQ(text.find(key_bytes), std::string::npos) << f << " holds the key";
    }
    EXPECT_TRUE(identifiers_in(*outputs_, ids).empty()) << "a command printed a raw identifier";
    EXPECT_EQ(outputs_->find(key_bytes), std::string::npos);
    // Every stored person is the pseudonym of a BSN of the extract (no raw number stored as a number).
    const zone::Key k = key();
    std::set<std::int64_t> expected;
    for (const auto& row : read_csv(md("persons.csv"))) {
        if (row[0] != "bsn") expected.insert(k.pseudonym('P', row[0]));
    }
    EXPECT_EQ(ids_of("persons", "person"), expected);
    // The audit: five runs by this user, inputs by hash, no values.
    const zone::Zone z(zone_, k);
    const Table audit = z.audit();
    ASSERT_EQ(audit.row_count(), 5U);
    EXPECT_EQ(audit.column("command").text_at(0), "risk ingest");
    EXPECT_EQ(audit.column("os_user").text_at(2), zone::os_user());
    EXPECT_NE(audit.column("inputs").text_at(0).find("persons.csv"), std::string::npos);
    std::ifstream log(zone_ + ".audit.log");
    std::string line;
    int lines = 0;
    while (std::getline(log, line)) ++lines;
    EXPECT_EQ(lines, 5);
}

// Every table of a GeoPackage: name -> rows of (column -> text, NULL as "\x01null").
using Rows = std::vector<std::map<std::string, std::string>>;
std::map<std::string, Rows> read_gpkg(const std::string& path) {
    std::map<std::string, Rows> out;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    std::vector<std::string> tables;
    {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "SELECT table_name FROM gpkg_contents", -1, &s, nullptr);
        while (sqlite3_step(s) == SQLITE_ROW)
            tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        sqlite3_finalize(s);
    }
    for (const auto& t : tables) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &s, nullptr);
        Rows rows;
        while (sqlite3_step(s) == SQLITE_ROW) {
            std::map<std::string, std::string> row;
            for (int c = 0; c < sqlite3_column_count(s); ++c) {
                const std::string name = sqlite3_column_name(s, c);
                if (name == "geom" || name == "fid") continue;
                const auto* v = sqlite3_column_text(s, c);
                row[name] =
                    v == nullptr ? std::string("\x01null") : std::string(reinterpret_cast<const char*>(v));
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(s);
        out[t] = std::move(rows);
    }
    sqlite3_close(db);
    return out;
}

TEST_F(RiskZone, PublishedAggregatesPassDisclosureControl) {
    const std::string out = dir_->file("aggregates.gpkg");
    ASSERT_TRUE(fs::exists(out));
    const auto gpkg = read_gpkg(out);
    for (const char* layer : {"risk_yearly", "risk_snapshot", "risk_network", "suppressed", "about"}) {
        ASSERT_EQ(gpkg.count(layer), 1U) << layer;
    }
    std::size_t counts = 0, suppressed_cells = 0;
    for (const char* layer : {"risk_yearly", "risk_snapshot", "risk_network"}) {
        ASSERT_FALSE(gpkg.at(layer).empty()) << layer;
        for (const auto& row : gpkg.at(layer)) {
            const std::string& level = row.at("level");
            EXPECT_TRUE(level == "buurt" || level == "wijk" || level == "gemeente" || level == "land")
                << level;
            for (const auto& [col, v] : row) {
                if (col == "level" || col == "area" || col == "year" ||
                    col.find("_per_") != std::string::npos)
                    continue;
                if (v == "\x01null") {
                    ++suppressed_cells;
                    continue;
                }
                const long long n = std::stoll(v);
                ++counts;
                EXPECT_EQ(n % 5, 0) << layer << " " << row.at("area") << " " << col << " = " << v;
                EXPECT_GE(n, 10) << layer << " " << row.at("area") << " " << col;
            }
            // Rates only from published counts.
            const auto rate = row.find("unexplained_per_1000_purchases");
            if (rate != row.end() && rate->second != "\x01null") {
                EXPECT_NEAR(
                    std::stod(rate->second),
                    1000.0 * std::stod(row.at("unexplained_purchases")) / std::stod(row.at("purchases")),
                    1e-9);
            }
        }
    }
    EXPECT_GT(counts, 100U);
    EXPECT_GT(suppressed_cells, 0U);
    EXPECT_EQ(gpkg.at("suppressed").size(), suppressed_cells);
    for (const auto& row : gpkg.at("suppressed")) {
        const std::string& why = row.at("reason");
        EXPECT_TRUE(why == "primary" || why.rfind("secondary", 0) == 0) << why;
    }
    // The country's drugs-trafficking suspicions of each year are the zone's own totals, rounded.
    const zone::Zone z(zone_, key());
    const Table yearly = z.read("r_yearly", {"year", "suspicions_drugs_trafficking"});
    std::map<std::int64_t, std::int64_t> total;
    for (std::size_t r = 0; r < yearly.row_count(); ++r)
        total[yearly.columns()[0].int_at(r)] += yearly.columns()[1].int_at(r);
    std::size_t land_rows = 0;
    for (const auto& row : gpkg.at("risk_yearly")) {
        if (row.at("level") != "land") continue;
        ++land_rows;
        const std::int64_t t = total.at(std::stoll(row.at("year")));
        const std::string& v = row.at("suspicions_drugs_trafficking");
        if (t >= 10) {
            EXPECT_EQ(std::stoll(v), (t + 2) / 5 * 5) << row.at("year");
        }
    }
    EXPECT_EQ(land_rows, total.size());
    // No raw identifier and not the key in the published file.
    const std::string text = test::read_all(out);
    EXPECT_TRUE(identifiers_in(text, raw_identifiers()).empty());
    EXPECT_EQ(text.find(test::read_all(key_file()).substr(0, 16)), std::string::npos);
}

TEST_F(RiskZone, DrugCrimeModelBeatsLastYearOnTheTemporalHoldOut) {
    const zone::Zone z(zone_, key());
    const Table m =
        z.read("r_predict_metrics", {"model", "test_year", "auc", "auc_lo", "auc_hi", "precision_top10",
                                     "precision_top10_lo", "precision_top10_hi"});
    std::map<std::string, std::vector<double>> pooled;
    for (std::size_t r = 0; r < m.row_count(); ++r) {
        if (!m.column("test_year").is_missing(r)) continue;
        std::vector<double> v;
        for (const char* c :
             {"auc", "auc_lo", "auc_hi", "precision_top10", "precision_top10_lo", "precision_top10_hi"}) {
            v.push_back(m.column(c).is_missing(r) ? std::nan("") : m.column(c).real_at(r));
        }
        pooled[m.column("model").text_at(r)] = v;
    }
    ASSERT_EQ(pooled.count("last_year"), 1U);
    for (const auto& [model, v] : pooled) {
        std::cout << model << ": AUC " << v[0] << " [" << v[1] << ", " << v[2] << "], precision at 10 % "
                  << v[3] << " [" << v[4] << ", " << v[5] << "]\n";
    }
    const auto& base = pooled.at("last_year");
    bool beaten = false;
    for (const char* model : {"logistic", "poisson", "xgboost"}) {
        if (pooled.count(model) == 0) continue;
        const auto& v = pooled.at(model);
        if (v[0] > base[0] && v[3] > base[3]) beaten = true;
    }
    EXPECT_TRUE(beaten) << "no model beats last year's count on both AUC and precision at 10 %";
}

TEST(RiskZoneErrors, WrongOrMissingKeyFailsClearlyAndChangesNothing) {
    test::TempDir dir;
    const std::string zone = dir.file("zone.db");
    auto r =
        test::run_wijkzicht("risk ingest --extracts '" + country().dir + "/microdata'" + zone_args(zone));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string before = test::file_fingerprint(zone);
    test::write_file(dir.file("other.key"), "another key of sixteen bytes or more\n");
    r = test::run_wijkzicht("risk indicators --key-file '" + dir.file("other.key") + "' --protected '" +
                            zone + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("is not the key the protected zone"), std::string::npos) << r.err;
    r = test::run_wijkzicht("risk ingest --extracts '" + country().dir + "/microdata' --key-file '" +
                            dir.file("other.key") + "' --protected '" + zone + "'");
    EXPECT_EQ(r.status, 2) << r.err;
    r = test::run_wijkzicht("risk network --key-file '" + dir.file("absent.key") + "' --protected '" + zone +
                            "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("absent.key"), std::string::npos) << r.err;
    test::write_file(dir.file("short.key"), "short\n");
    r = test::run_wijkzicht("risk network --key-file '" + dir.file("short.key") + "' --protected '" + zone +
                            "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("at least 16 bytes"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(zone), before);
    // A step before its predecessor names the step to run.
    r = test::run_wijkzicht("risk network" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("risk indicators"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(zone), before);
}

TEST(RiskZoneErrors, MalformedExtractNamesThePositionNeverTheValueAndLeavesTheZone) {
    test::TempDir dir;
    const std::string zone = dir.file("zone.db");
    const std::string bad = dir.file("extract");
    fs::create_directories(bad);
    for (const auto& e : fs::directory_iterator(country().dir + "/microdata"))
        fs::copy_file(e.path(), bad + "/" + e.path().filename().string());
    // A BSN failing the 11-test on line 5 of persons.csv.
    auto rows = read_csv(bad + "/persons.csv");
    const std::string original = rows[4][0];
    std::string broken = original;
    broken[8] = broken[8] == '9' ? '0' : static_cast<char>(broken[8] + 1);
    std::string text = test::read_all(bad + "/persons.csv");
    text.replace(text.find(original), original.size(), broken);
    test::write_file(bad + "/persons.csv", text);
    auto r = test::run_wijkzicht("risk ingest --extracts '" + bad + "'" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("persons.csv:5:1:"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(broken), std::string::npos) << "the error shows the value";
    EXPECT_FALSE(fs::exists(zone)) << "a failed first ingest left a zone";
    // An existing zone stays byte for byte as it was.
    r = test::run_wijkzicht("risk ingest --extracts '" + country().dir + "/microdata'" + zone_args(zone));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string before = test::file_fingerprint(zone);
    r = test::run_wijkzicht("risk ingest --extracts '" + bad + "'" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(test::file_fingerprint(zone), before);
    EXPECT_FALSE(fs::exists(zone + "-journal"));
    // A missing column and a missing file.
    test::write_file(bad + "/persons.csv", "bsn,birth_year,household,address,income\n");
    r = test::run_wijkzicht("risk ingest --extracts '" + bad + "'" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("persons.csv:1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'assets'"), std::string::npos) << r.err;
    fs::remove(bad + "/persons.csv");
    r = test::run_wijkzicht("risk ingest --extracts '" + bad + "'" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("persons.csv"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(zone), before);
}

// The ingest writes on a thread of its own from blocks of 4,096 rows. Quoted fields (which the reader
// unescapes into a buffer it reuses for every record) reach the zone as written in every block; a
// record that fails near the end of a large extract, when blocks before it are written and others wait
// for the writer, leaves an existing zone byte for byte as it was.
TEST(RiskZoneErrors, QuotedFieldsInEveryBlockAndALateFailureLeaveTheZoneRight) {
    test::TempDir dir;
    const std::string zone = dir.file("zone.db");
    const std::string ex = dir.file("extract");
    fs::create_directories(ex);
    for (const auto& e : fs::directory_iterator(country().dir + "/microdata"))
        fs::copy_file(e.path(), ex + "/" + e.path().filename().string());
    std::map<std::string, std::int64_t> types;  // dwelling type as written -> rows
    {
        std::istringstream in(test::read_all(ex + "/dwellings.csv"));
        std::ostringstream out;
        std::string line;
        std::getline(in, line);
        out << line << "\n";
        std::int64_t k = 0;
        while (std::getline(in, line)) {
            const auto a = line.find(','), b = line.find(',', a + 1);
            // Each row a type of its own, quoted with an escaped quote inside.
            const std::string type = line.substr(a + 1, b - a - 1) + " \"" + std::to_string(k++) + "\"";
            ++types[type];
            std::string quoted = "\"";
            for (char c : type) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            out << line.substr(0, a + 1) << quoted << "\"" << line.substr(b) << "\n";
        }
        test::write_file(ex + "/dwellings.csv", out.str());
        ASSERT_GT(k, 3 * 4096) << "the fixture must span several blocks";
    }
    auto r = test::run_wijkzicht("risk ingest --extracts '" + ex + "'" + zone_args(zone));
    ASSERT_EQ(r.status, 0) << r.err;
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open_v2(zone.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* s = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT dwelling_type, count(*) FROM dwellings GROUP BY 1", -1, &s, nullptr),
                  SQLITE_OK);
        std::map<std::string, std::int64_t> stored;
        while (sqlite3_step(s) == SQLITE_ROW) {
            stored[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
        sqlite3_close(db);
        EXPECT_EQ(stored.size(), types.size());
        EXPECT_TRUE(stored == types) << "a dwelling type differs from the extract";
    }
    // The last person's BSN fails the 11-test: every person before it has been through the writer.
    const std::string before = test::file_fingerprint(zone);
    std::string text = test::read_all(ex + "/persons.csv");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const std::size_t last = text.rfind('\n') + 1;
    const long line_no = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
    text[last + 8] = text[last + 8] == '9' ? '0' : static_cast<char>(text[last + 8] + 1);
    test::write_file(ex + "/persons.csv", text + "\n");
    r = test::run_wijkzicht("risk ingest --extracts '" + ex + "'" + zone_args(zone));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("persons.csv:" + std::to_string(line_no) + ":1:"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(zone), before);
    EXPECT_FALSE(fs::exists(zone + "-journal"));
}

TEST(RiskZoneErrors, RecordsThatDoNotLinkAreSkippedAndCountedByReason) {
    test::TempDir dir;
    const std::string zone = dir.file("zone.db");
    const std::string ex = dir.file("extract");
    fs::create_directories(ex);
    for (const auto& e : fs::directory_iterator(country().dir + "/microdata"))
        fs::copy_file(e.path(), ex + "/" + e.path().filename().string());
    {
        std::ofstream d(ex + "/directors.csv", std::ios::app);
        d << "99999999,111222333,2015-01-01\n";  // an entity that is not in entities.csv (111222333 passes
                                                 // the 11-test)
        std::ofstream s(ex + "/suspicions.csv", std::ios::app);
        s << "VX1,111222333,violence,2016-02-03,0\nVX2,111222333,violence,2017-02-03,1\n";  // nobody in
                                                                                            // persons.csv
    }
    const auto r = test::run_wijkzicht("risk ingest --extracts '" + ex + "'" + zone_args(zone) + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    std::map<std::string, std::int64_t> skipped;
    for (const auto& s : j["skipped"])
        skipped[s["file"].get<std::string>() + ": " + s["reason"].get<std::string>()] = s["records"];
    EXPECT_EQ(skipped.size(), 2U) << r.out;
    EXPECT_EQ(skipped["directors.csv: entity not in entities.csv"], 1);
    EXPECT_EQ(skipped["suspicions.csv: suspect not in persons.csv"], 2);
    EXPECT_NE(r.err.find("suspicions.csv: 2 records skipped: suspect not in persons.csv"), std::string::npos)
        << r.err;
    EXPECT_EQ(j["tables"]["persons"].get<std::int64_t>(),
              country().truth["microdata"]["persons"].get<std::int64_t>());
}

}  // namespace
}  // namespace wz
