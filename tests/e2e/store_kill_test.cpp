// The store survives SIGKILL (issue 17). For every command that writes a store, on a small synthetic
// country: time one complete run (and when its journal or its copy exists), then run it again and again
// from the same store, killing it with SIGKILL at 20 points spread over its run (8 over the whole run,
// 12 over its writing, the last ones at the end of the writing: the commit, the rename). After each kill:
// the next `wijkzicht info` works (and says it rolled back run N exactly when a hot journal was left), the
// store passes PRAGMA integrity_check, its logical content (every table's rows) equals the content before
// the command or the content after it — never anything in between — and the same command run again
// succeeds. One TEST per command, so CTest runs them in parallel.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/kill_support.hpp"
#include "monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;
using Content = std::map<std::string, std::string>;

constexpr int kKillsWholeRun = 8;
constexpr int kKillsWhileWriting = 12;

// The country of score_synth_test (same key, so CTest builds it once for both).
const test::SynthCountry& country() {
    static const test::SynthCountry c = test::make_synth_country("0.01", 7, {});
    return c;
}

bool journal_is_hot(const std::string& journal) {
    static const std::string kMagic("\xd9\xd5\x05\xf9\x20\xa1\x63\xd7", 8);
    return fs::exists(journal) && test::read_all(journal).substr(0, 8) == kMagic;
}

std::size_t run_count(const std::string& store) {
    const auto r = test::run_wijkzicht("info --json --store " + store);
    if (r.status != 0) return 0;
    return nlohmann::json::parse(r.out)["runs"].size();
}

std::vector<std::string> split_args(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ' ') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

class StoreKill : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto& c = country();
        dir_ = c.dir;
        base_ = work_dir_.file("base.gpkg");
        fs::copy_file(c.store, base_);
    }

    // Replaces "{dir}", "{work}" and "{store}" in a command line.
    std::string fill(std::string s) const {
        for (const auto& [key, value] : std::map<std::string, std::string>{
                 {"{dir}", dir_}, {"{work}", work_dir_.path().string()}, {"{store}", store_}}) {
            for (auto at = s.find(key); at != std::string::npos; at = s.find(key))
                s.replace(at, key.size(), value);
        }
        return s;
    }

    // Puts the state before the command in place: the base store (or, for a command whose output is
    // another file, that file from an earlier run) and nothing beside it.
    void reset(const std::string& target, const std::string& target_before) {
        for (const auto& e : fs::directory_iterator(work_dir_.path())) {
            const std::string name = e.path().filename().string();
            if (name.rfind(fs::path(target).filename().string(), 0) == 0 && e.path() != target_before &&
                e.path() != base_)
                fs::remove(e.path());
        }
        if (target != store_) {
            fs::remove(store_);
            fs::copy_file(base_, store_);
        }
        fs::copy_file(target_before, target, fs::copy_options::overwrite_existing);
    }

    // The kill series for one command. `args` writes `target` (the store, or for hotspots the GeoPackage it
    // writes); `prepare` (optional) is run once on the base store first; `target_before` is made by
    // running `args_before` (for a target that is not the store) so that "before" is a real earlier output.
    void kill_series(const std::string& args_text, const std::string& prepare = "",
                     const std::string& target_name = "", const std::string& args_before = "") {
        store_ = work_dir_.file("store.gpkg");
        const std::string log = work_dir_.file("log.txt");
        if (!prepare.empty()) {
            store_ = base_;
            const auto p = test::run_wijkzicht(fill(prepare));
            ASSERT_EQ(p.status, 0) << prepare << "\n" << p.err;
            store_ = work_dir_.file("store.gpkg");
        }
        const bool is_store = target_name.empty();
        const std::string target = is_store ? store_ : work_dir_.file(target_name);
        std::string target_before = base_;
        if (!is_store) {
            fs::copy_file(base_, store_, fs::copy_options::overwrite_existing);
            const auto b = test::run_wijkzicht(fill(args_before));
            ASSERT_EQ(b.status, 0) << args_before << "\n" << b.err;
            target_before = work_dir_.file("before_" + target_name);
            fs::rename(target, target_before);
        }
        const auto args = split_args(fill(args_text));
        const Content before = test::logical_content(target_before);
        const std::size_t runs_before = is_store ? run_count(target_before) : 0;

        // One complete run: its duration, and when its journal or copy exists (the writing).
        reset(target, target_before);
        const std::vector<std::string> writing = {target + "-journal", target + ".tmp-*",
                                                  target + ".tmp.gpkg"};
        const auto t = test::time_run(args, writing, log);
        ASSERT_EQ(t.status, 0) << args_text << "\n" << test::read_all(log);
        const Content after = test::logical_content(target);
        ASSERT_NE(before, after) << "the command changed nothing: " << args_text;
        // When nothing was seen (a write too short to poll), take the last 40% of the run as the writing.
        double w0 = t.first_seen, w1 = t.last_seen;
        if (w0 < 0) {
            w0 = 0.6 * t.seconds;
            w1 = t.seconds;
        }
        // Kills 0-7 count from the start, spread over the whole run; kills 8-19 count from the moment the
        // journal or the copy appears (so they land in the writing whatever the reading before took),
        // spread over the writing, denser towards its end (the commit, the rename) and a little beyond.
        std::vector<double> delays;
        for (int i = 0; i < kKillsWholeRun; ++i) delays.push_back(t.seconds * (i + 0.5) / kKillsWholeRun);
        const bool anchored_writing = t.first_seen >= 0;
        for (int i = 0; i < kKillsWhileWriting; ++i) {
            const double u = (i + 0.5) / kKillsWhileWriting;
            delays.push_back((anchored_writing ? 0.0 : w0) + (w1 - w0) * std::sqrt(u) * 1.05);
        }

        int as_before = 0, as_after = 0, hot = 0, copies = 0, finished = 0;
        for (std::size_t k = 0; k < delays.size(); ++k) {
            SCOPED_TRACE(testing::Message() << args_text << ": kill " << k << " at " << delays[k] << " s of "
                                            << t.seconds << " s");
            reset(target, target_before);
            const bool in_writing = anchored_writing && k >= static_cast<std::size_t>(kKillsWholeRun);
            const auto outcome =
                test::run_and_kill(args, std::chrono::microseconds(static_cast<long>(delays[k] * 1e6)), log,
                                   in_writing ? writing : std::vector<std::string>{});
            if (!outcome.killed) {
                ++finished;
                EXPECT_EQ(outcome.status, 0);
            }
            const bool left_hot = journal_is_hot(target + "-journal");
            const bool left_copy = !test::temp_copies(target).empty();
            hot += left_hot ? 1 : 0;
            copies += left_copy ? 1 : 0;
            // The next info works, and says it rolled back run N exactly when a hot journal was left.
            const auto info = test::run_wijkzicht("info --store " + target);
            EXPECT_EQ(info.status, 0) << info.err;
            const std::string rolled =
                fmt::format("': rolled back an unfinished write of run {}", runs_before + 1);
            EXPECT_EQ(info.err.find(rolled) != std::string::npos, left_hot && is_store) << info.err;
            if (left_hot && is_store) {
                EXPECT_EQ(info.err.find('\n'), info.err.size() - 1) << info.err;  // one line
            }
            EXPECT_FALSE(fs::exists(target + "-journal") && journal_is_hot(target + "-journal"));
            if (is_store) {
                EXPECT_TRUE(test::temp_copies(target).empty()) << "unfinished copy not removed";
            }
            EXPECT_EQ(test::integrity_check(target), "ok");
            const Content now = test::logical_content(target);
            const bool is_before = now == before, is_after = now == after;
            EXPECT_TRUE(is_before || is_after)
                << "tables differing from before: " << test::content_diff(before, now)
                << "; from after: " << test::content_diff(after, now);
            as_before += is_before ? 1 : 0;
            as_after += is_after ? 1 : 0;
            std::cout << "[kill test]   kill " << k << " at " << delays[k] << " s"
                      << (in_writing ? " after the writing began: " : ": ")
                      << (!outcome.killed ? "had finished"
                          : is_before     ? "before"
                          : is_after      ? "after"
                                          : "NEITHER")
                      << (left_hot ? ", hot journal rolled back" : "") << (left_copy ? ", copy removed" : "")
                      << std::endl;
            // The same command run again succeeds (from whatever the kill left).
            fs::remove(log);
            const auto again = test::run_and_kill(args, std::chrono::seconds(600), log);
            EXPECT_FALSE(again.killed);
            EXPECT_EQ(again.status, 0) << test::read_all(log);
            if (is_before) {
                EXPECT_EQ(test::logical_content(target), after) << "the run after the kill";
            }
        }
        std::cout << "[kill test] " << args_text.substr(0, args_text.find(' ', 8)) << ": run " << t.seconds
                  << " s, writing " << w0 << "-" << w1 << " s; " << delays.size() << " kills: " << as_before
                  << " as before, " << as_after << " as after (" << finished << " had finished), " << hot
                  << " left a hot journal, " << copies << " an unfinished copy\n";
        EXPECT_EQ(as_before + as_after, static_cast<int>(delays.size()));
        EXPECT_GT(as_before, 0) << "no kill landed before the command's commit";
    }

    test::TempDir work_dir_;
    std::string dir_, base_, store_;
};

// ---- imports ----------------------------------------------------------------------------------------

TEST_F(StoreKill, ImportBoundaries) {
    kill_series(
        "import boundaries {dir}/boundaries/buurt_2022.gpkg --level buurt --vintage 2022 --id-field "
        "statcode --store {store}");
}
TEST_F(StoreKill, ImportGridStats) {
    kill_series("import grid-stats {dir}/grid/vierkant100m.csv --name grid_population --store {store}");
}
TEST_F(StoreKill, ImportStatline) {
    kill_series(
        "import statline {dir}/statline/kerncijfers_buurten.csv --name kerncijfers_buurten --store {store}");
}
TEST_F(StoreKill, ImportIndicatorMeta) {
    kill_series("import indicator-meta {dir}/liveability/indicator_meta.csv --store {store}");
}
TEST_F(StoreKill, ImportIndicators) {
    kill_series(
        "import indicators {dir}/liveability/indicators_2012.csv {dir}/liveability/indicators_2014.csv "
        "{dir}/liveability/indicators_2016.csv {dir}/liveability/indicators_2018.csv "
        "{dir}/liveability/indicators_2020.csv {dir}/liveability/indicators_2022.csv --store {store}");
}
TEST_F(StoreKill, ImportSurvey) {
    kill_series("import survey {dir}/liveability/survey.csv --store {store}");
}
TEST_F(StoreKill, ImportSales) {
    kill_series("import sales {dir}/liveability/sales.csv --store {store}");
}
TEST_F(StoreKill, ImportIncidents) {
    kill_series("import incidents {dir}/incidents/incidents.csv --name incidents --store {store}");
}
TEST_F(StoreKill, ImportMicrodata) {
    kill_series("import microdata {dir}/microdata --key-file {dir}/microdata/pseudonym.key --store {store}");
}

// Leefbaarometer 2.0 (pc4 classes and dimension scores) and 3.0 (grid scores) files, made here: the
// synthetic country has none.
void write_lbm_files(const std::string& dir) {
    std::ofstream cls(dir + "/lbm2_classes.csv"), dims(dir + "/lbm2_dims.csv"), l3(dir + "/lbm3.csv");
    cls << "CODE,KL14,KL16,KL18,VKL1418\n";
    dims << "GBD,RLBRMTR18,RLBWON18,RLBBEV18,RLBVRZ18,RLBVEI18,RLBFYS18\n";
    for (int pc = 1000; pc < 9000; ++pc) {
        const double s = std::sin(pc * 0.37);
        cls << pc << ',' << 1 + pc % 9 << ',' << 1 + (pc / 3) % 9 << ',' << 1 + (pc / 7) % 9 << ','
            << 1 + pc % 5 << '\n';
        dims << pc << ',' << 4.1 + 0.2 * s << ',' << 0.01 * s << ',' << -0.02 * s << ',' << 0.03 * s << ','
             << 0.015 * s << ',' << -0.01 * s << '\n';
    }
    l3 << "id,lbm,afw,fys,onv,soc,vrz,won\n";
    for (int x = 0; x < 120; ++x) {
        for (int y = 0; y < 120; ++y) {
            const double s = std::cos(x * 0.1 + y * 0.07);
            l3 << "E" << 1200 + x << "N" << 4500 + y << ',' << 4.2 + 0.1 * s << ',' << 0.05 * s << ','
               << 0.01 * s << ',' << -0.02 * s << ',' << 0.03 * s << ',' << -0.01 * s << ',' << 0.02 * s
               << '\n';
        }
    }
}

TEST_F(StoreKill, ImportLbm2) {
    write_lbm_files(work_dir_.path().string());
    kill_series("import lbm2 {work}/lbm2_classes.csv {work}/lbm2_dims.csv --level pc4 --store {store}");
}
TEST_F(StoreKill, ImportLbm3) {
    write_lbm_files(work_dir_.path().string());
    kill_series("import lbm3 {work}/lbm3.csv --level grid --store {store}");
}

// ---- analyses ---------------------------------------------------------------------------------------

TEST_F(StoreKill, Calibrate) {
    kill_series("calibrate --store {store} --folds 2");
}
TEST_F(StoreKill, Score) {
    kill_series("score --store {store} --weights {dir}/true_weights.csv");
}
TEST_F(StoreKill, Classify) {
    write_lbm_files(work_dir_.path().string());
    kill_series("classify --store {store} --model lbm2 --level pc4",
                "import lbm2 {work}/lbm2_classes.csv {work}/lbm2_dims.csv --level pc4 --store {store}");
}
TEST_F(StoreKill, Typology) {
    kill_series("typology --store {store} --rules denmark-2018 --level buurt --year 2022",
                "score --store {store} --weights {dir}/true_weights.csv");
}
TEST_F(StoreKill, HotspotsOutGpkg) {
    // hotspots writes no store; its --out-gpkg GeoPackage is replaced the same way (copy and rename).
    std::ofstream values(work_dir_.file("values.csv"));
    values << "id,value\n";
    const auto layer = test::run_wijkzicht(
        "export --store " + base_ + " --dataset kerncijfers_buurten --out " + work_dir_.file("kf.csv"));
    ASSERT_EQ(layer.status, 0) << layer.err;
    std::ifstream kf(work_dir_.file("kf.csv"));
    std::string line;
    std::getline(kf, line);
    std::map<std::string, double> v;
    while (std::getline(kf, line)) {
        const auto f = test::split_on(line, ',');
        if (!f.empty() && f[0].rfind("BU", 0) == 0)
            v[f[0]] = static_cast<double>(std::hash<std::string>{}(f[0]) % 1000) / 10.0;
    }
    for (const auto& [code, value] : v) values << code << ',' << value << '\n';
    values.close();
    const std::string common =
        "hotspots --areas {dir}/boundaries/buurt_2022.gpkg --id-field statcode --values "
        "{work}/values.csv --weights queen --permutations 99 --out {work}/h.csv "
        "--out-gpkg {work}/h.gpkg";
    kill_series(common + " --seed 2", "", "h.gpkg", common + " --seed 1");
}

}  // namespace
}  // namespace wz
