// The store survives SIGKILL (issue 17). For every command that writes a store (each import kind,
// calibrate, score, classify, typology; hotspots' --out-gpkg GeoPackage too) on a tiny synthetic country
// (scale 0.001): time one complete run (and when its journal or its copy exists: the writing), then run it
// again and again from the same state, killing it with SIGKILL at 20 points (8 spread over the whole run,
// 12 counted from the moment the journal or the copy appears, spread over the writing and denser towards
// its end: the commit, the rename). After each kill: the next `wijkzicht info` works (and says it rolled
// back run N exactly when a hot journal was left), the store passes PRAGMA integrity_check, its logical
// content (every table's rows, hashed here with SQLite, not by the program) equals the content before the
// command or the content after it — never anything in between — and the same command run again succeeds.
//
// Cost. Every run of the ASan binary spends ~0.6 s of CPU on starting (relocations, shadow memory), so a
// kill costs two starts at least (the killed run, info). The re-run after a kill is skipped when the
// files the kill left (after info's recovery: the store's bytes and every file beside it, the lock's note
// excepted) are byte-identical to a state the command already ran from successfully — the clean run, or an
// earlier re-run: the command is deterministic in its input files, so that re-run would repeat a proven
// one. Each command prints how many re-runs it made and skipped. One TEST per command, so CTest runs them
// in parallel.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
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
constexpr const char* kScale = "0.001";

// The base of the import tests: the country's boundaries only (so an import adds a dataset the store
// lacks). The base of the analyses: everything they read (no incidents or micro-data: smaller, cheaper).
const test::SynthCountry& boundaries_country() {
    static const test::SynthCountry c = test::make_synth_country(kScale, 7, {"boundaries"});
    return c;
}
const test::SynthCountry& analyses_country() {
    static const test::SynthCountry c = test::make_synth_country(
        kScale, 7,
        {"boundaries", "grid-stats", "statline", "indicator-meta", "indicators", "survey", "sales"});
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

// CPU seconds (user + system) of the waited-for child processes so far.
double children_cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_CHILDREN, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

class StoreKill : public ::testing::Test {
  protected:
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

    // What a run of the command starts from: the target's bytes and every file beside it whose name
    // starts with the target's (journal, copies, the lock: its presence only, its note names a pid).
    std::string state_key(const std::string& target) const {
        std::set<std::string> parts;
        const std::string prefix = fs::path(target).filename().string();
        for (const auto& e : fs::directory_iterator(work_dir_.path())) {
            const std::string name = e.path().filename().string();
            if (name.rfind(prefix, 0) != 0 || e.path() == base_) continue;
            // A journal whose first byte is 0 is not hot: SQLite reads nothing else of it.
            const bool is_lock = name == prefix + ".lock";
            const bool cold_journal = name == prefix + "-journal" && fs::file_size(e.path()) > 0 &&
                                      test::read_all(e.path()).front() == '\0';
            parts.insert(name + "=" +
                         (is_lock        ? std::string("present")
                          : cold_journal ? "not hot, " + std::to_string(fs::file_size(e.path())) + " bytes"
                                         : test::file_fingerprint(e.path())));
        }
        std::string key;
        for (const auto& p : parts) key += p + ";";
        return key;
    }

    // The kill series for one command. `args` writes `target` (the store, or for hotspots the GeoPackage it
    // writes); `prepare` (optional) is run once on the base store first; `target_before` is made by
    // running `args_before` (for a target that is not the store) so that "before" is a real earlier output.
    void kill_series(const test::SynthCountry& country, const std::string& args_text,
                     const std::string& prepare = "", const std::string& target_name = "",
                     const std::string& args_before = "") {
        const auto wall0 = test::Clock::now();
        const double cpu0 = children_cpu_seconds();
        dir_ = country.dir;
        base_ = work_dir_.file("base.gpkg");
        fs::copy_file(country.store, base_, fs::copy_options::overwrite_existing);
        store_ = work_dir_.file("store.gpkg");
        const std::string log = work_dir_.file("log.txt");
        if (!prepare.empty()) {
            store_ = base_;
            const auto p = test::run_wijkzicht(fill(prepare));
            ASSERT_EQ(p.status, 0) << prepare << "\n" << p.err;
            store_ = work_dir_.file("store.gpkg");
            for (const auto& e : fs::directory_iterator(work_dir_.path())) {  // base.gpkg.lock
                if (e.path().filename().string().rfind("base.gpkg.", 0) == 0) fs::remove(e.path());
            }
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
        std::set<std::string> proven = {state_key(target)};  // states the command ran from successfully
        const std::vector<std::string> writing = {target + "-journal", target + ".tmp-*"};
        const auto t = test::time_run(args, writing, log);
        ASSERT_EQ(t.status, 0) << args_text << "\n" << test::read_all(log);
        const Content after = test::logical_content(target);
        ASSERT_NE(before, after) << "the command changed nothing: " << args_text;
        ASSERT_GE(t.first_seen, 0) << "no journal or copy was seen while " << args_text << " wrote";
        const double w0 = t.first_seen, w1 = t.last_seen;
        // Kill points 0-7 are spread over the whole run by CPU time (fractions of the clean run's: the same
        // place of the run on a busy machine, where wall-clock points drift); points 8-19 count (in wall
        // time) from the moment the journal or the copy appears, so they land in the writing whatever the
        // reading before it took, spread over the writing and denser towards its end (the commit, the
        // rename) and a little beyond. A run that ends before its kill point is not a kill: it is checked,
        // and the point is replaced by an earlier one, until 20 runs were killed.
        struct Point {
            bool in_writing;
            double at;  // CPU seconds from the start, or wall seconds after the writing began
        };
        std::vector<Point> points;
        for (int i = 0; i < kKillsWholeRun; ++i)
            points.push_back({false, t.cpu_seconds * (i + 0.5) / kKillsWholeRun});
        for (int i = 0; i < kKillsWhileWriting; ++i) {
            const double u = (i + 0.5) / kKillsWhileWriting;
            points.push_back({true, (w1 - w0) * std::sqrt(u) * 1.05});
        }

        int kills = 0, as_before = 0, as_after = 0, hot = 0, copies = 0, finished = 0, reruns = 0,
            skipped = 0;
        for (std::size_t k = 0; k < points.size() && kills < kKillsWholeRun + kKillsWhileWriting; ++k) {
            const bool in_writing = points[k].in_writing;
            const double at = points[k].at;
            SCOPED_TRACE(testing::Message()
                         << args_text << ": kill point " << k << " at " << at
                         << (in_writing ? " s after the writing began" : " s of CPU") << ", clean run "
                         << t.seconds << " s, " << t.cpu_seconds << " s of CPU");
            reset(target, target_before);
            const auto outcome =
                in_writing ? test::run_and_kill(args, std::chrono::microseconds(static_cast<long>(at * 1e6)),
                                                log, writing)
                           : test::run_and_kill_at_cpu(args, at, log);
            if (!outcome.killed) {
                // Finished before the kill point: a clean run (checked), and an earlier point instead.
                ++finished;
                EXPECT_EQ(outcome.status, 0) << test::read_all(log);
                EXPECT_EQ(test::logical_content(target), after);
                ASSERT_LT(points.size(), 40U) << "the runs keep finishing before their kill points";
                points.push_back({in_writing, at * (in_writing ? 0.5 : 0.85)});
                std::cout << "[kill test]   point " << k << " at " << at
                          << (in_writing ? " s after the writing began" : " s of CPU")
                          << ": had finished, replaced by an earlier point" << std::endl;
                continue;
            }
            ++kills;
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
            EXPECT_FALSE(journal_is_hot(target + "-journal"));
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
            // The same command run again succeeds (from whatever the kill left), unless it already did
            // from exactly these files.
            const std::string state = state_key(target);
            const bool rerun = proven.count(state) == 0;
            std::cout << "[kill test]   kill " << kills << " at " << at
                      << (in_writing ? " s after the writing began: " : " s of CPU: ")
                      << (is_before  ? "before"
                          : is_after ? "after"
                                     : "NEITHER")
                      << (left_hot ? ", hot journal rolled back" : "") << (left_copy ? ", copy removed" : "")
                      << (rerun ? ", run again" : ", run again skipped (files as before a proven run)")
                      << std::endl;
            if (!rerun) {
                ++skipped;
                continue;
            }
            ++reruns;
            fs::remove(log);
            const auto again = test::run_and_kill(args, std::chrono::seconds(600), log);
            EXPECT_FALSE(again.killed);
            EXPECT_EQ(again.status, 0) << test::read_all(log);
            if (!again.killed && again.status == 0) proven.insert(state);
            if (is_before) {
                EXPECT_EQ(test::logical_content(target), after) << "the run after the kill";
            }
        }
        const double wall = std::chrono::duration<double>(test::Clock::now() - wall0).count();
        std::string name;  // the command's words, before its files and options
        for (const auto& a : split_args(args_text)) {
            if (a[0] == '{' || a[0] == '-') break;
            name += (name.empty() ? "" : " ") + a;
        }
        std::cout
            << fmt::format(
                   "[kill test] {}: clean run {:.2f} s ({:.2f} s CPU), writing {:.3f}-{:.3f} s; {} kills: {} "
                   "as before, {} as after, {} left a hot journal, {} an unfinished copy ({} runs "
                   "finished before their point); {} re-runs, {} skipped; {:.0f} s, {:.0f} s CPU of "
                   "wijkzicht",
                   name, t.seconds, t.cpu_seconds, w0, w1, kills, as_before, as_after, hot, copies, finished,
                   reruns, skipped, wall, children_cpu_seconds() - cpu0)
            << std::endl;
        EXPECT_EQ(kills, kKillsWholeRun + kKillsWhileWriting);
        EXPECT_EQ(as_before + as_after, kills);
        EXPECT_GT(as_before, 0) << "no kill landed before the command's commit";
    }

    test::TempDir work_dir_;
    std::string dir_, base_, store_;
};

// ---- imports ----------------------------------------------------------------------------------------

TEST_F(StoreKill, ImportBoundaries) {
    // A vintage the base lacks: a new layer (written by GDAL on a copy, renamed over the store).
    kill_series(boundaries_country(),
                "import boundaries {dir}/boundaries/buurt_2022.gpkg --level buurt --vintage 2021 --id-field "
                "statcode --store {store}");
}
TEST_F(StoreKill, ImportGridStats) {
    kill_series(boundaries_country(),
                "import grid-stats {dir}/grid/vierkant100m.csv --name grid_population --store {store}");
}
TEST_F(StoreKill, ImportStatline) {
    kill_series(boundaries_country(),
                "import statline {dir}/statline/kerncijfers_buurten.csv --name kerncijfers_buurten --store "
                "{store}");
}
TEST_F(StoreKill, ImportIndicatorMeta) {
    kill_series(boundaries_country(),
                "import indicator-meta {dir}/liveability/indicator_meta.csv --store {store}");
}
TEST_F(StoreKill, ImportIndicators) {
    kill_series(
        boundaries_country(),
        "import indicators {dir}/liveability/indicators_2012.csv {dir}/liveability/indicators_2014.csv "
        "{dir}/liveability/indicators_2016.csv {dir}/liveability/indicators_2018.csv "
        "{dir}/liveability/indicators_2020.csv {dir}/liveability/indicators_2022.csv --store {store}");
}
TEST_F(StoreKill, ImportSurvey) {
    kill_series(boundaries_country(), "import survey {dir}/liveability/survey.csv --store {store}");
}
TEST_F(StoreKill, ImportSales) {
    kill_series(boundaries_country(), "import sales {dir}/liveability/sales.csv --store {store}");
}
TEST_F(StoreKill, ImportIncidents) {
    kill_series(boundaries_country(),
                "import incidents {dir}/incidents/incidents.csv --name incidents --store {store}");
}
// The micro-data no longer enter the results store: `risk ingest` writes the protected zone, a
// SQLite file of its own with the same rollback-journal transaction (docs/undermining.md).

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
    kill_series(boundaries_country(),
                "import lbm2 {work}/lbm2_classes.csv {work}/lbm2_dims.csv --level pc4 --store {store}");
}
TEST_F(StoreKill, ImportLbm3) {
    write_lbm_files(work_dir_.path().string());
    kill_series(boundaries_country(), "import lbm3 {work}/lbm3.csv --level grid --store {store}");
}

// ---- analyses ---------------------------------------------------------------------------------------

TEST_F(StoreKill, Calibrate) {
    kill_series(analyses_country(), "calibrate --store {store} --folds 2");
}
TEST_F(StoreKill, Score) {
    kill_series(analyses_country(), "score --store {store} --weights {dir}/true_weights.csv");
}
TEST_F(StoreKill, Classify) {
    write_lbm_files(work_dir_.path().string());
    kill_series(analyses_country(), "classify --store {store} --model lbm2 --level pc4",
                "import lbm2 {work}/lbm2_classes.csv {work}/lbm2_dims.csv --level pc4 --store {store}");
}
TEST_F(StoreKill, Typology) {
    kill_series(analyses_country(), "typology --store {store} --rules denmark-2018 --level buurt --year 2022",
                "score --store {store} --weights {dir}/true_weights.csv");
}
TEST_F(StoreKill, HotspotsStore) {
    kill_series(analyses_country(),
                "hotspots --store {store} --level buurt --year 2022 --permutations 99 --seed 2",
                "score --store {store} --weights {dir}/true_weights.csv");
}
TEST_F(StoreKill, HotspotsOutGpkg) {
    // hotspots writes no store; its --out-gpkg GeoPackage is replaced the same way (copy and rename).
    const auto& c = analyses_country();
    const std::string kf = work_dir_.file("kf.csv");
    const auto exported =
        test::run_wijkzicht("export --store " + c.store + " --dataset kerncijfers_buurten --out " + kf);
    ASSERT_EQ(exported.status, 0) << exported.err;
    std::ifstream in(kf);
    std::string line;
    std::getline(in, line);
    std::map<std::string, double> v;
    while (std::getline(in, line)) {
        const auto f = test::split_on(line, ',');
        if (!f.empty() && f[0].rfind("BU", 0) == 0)
            v[f[0]] = static_cast<double>(std::hash<std::string>{}(f[0]) % 1000) / 10.0;
    }
    ASSERT_GE(v.size(), 10U);
    std::ofstream values(work_dir_.file("values.csv"));
    values << "id,value\n";
    for (const auto& [code, value] : v) values << code << ',' << value << '\n';
    values.close();
    const std::string common =
        "hotspots --areas {dir}/boundaries/buurt_2022.gpkg --id-field statcode --values "
        "{work}/values.csv --weights queen --permutations 99 --out {work}/h.csv "
        "--out-gpkg {work}/h.gpkg";
    kill_series(c, common + " --seed 2", "", "h.gpkg", common + " --seed 1");
}

}  // namespace
}  // namespace wz
