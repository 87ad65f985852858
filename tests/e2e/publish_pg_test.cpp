// wijkzicht publish into a real PostgreSQL/PostGIS: a throw-away cluster (initdb + pg_ctl in a temporary
// folder, unix socket only, a free port) that the test starts and always stops. Skips with a message when
// the PostgreSQL 15 binaries or PostGIS are absent (scripts/install-deps installs postgresql-15-postgis-3).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/store.hpp"
#include "io/writers.hpp"
#include "jobs/publish.hpp"
#include "monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;
const std::string kBin = "/usr/lib/postgresql/15/bin";

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// Runs a shell command, returns its exit status and standard output.
std::pair<int, std::string> shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return {-1, ""};
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), p) != nullptr) out += buf;
    const int raw = ::pclose(p);
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof(a);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

// A PostgreSQL cluster in a temporary folder, stopped and removed when the object dies (also when the
// test fails). PostgreSQL refuses to run as root: as root the cluster runs as the user 'postgres'.
class PgCluster {
  public:
    PgCluster() {
        if (!fs::exists(kBin + "/initdb") || !fs::exists(kBin + "/pg_ctl")) {
            skip_ = "PostgreSQL 15 is not installed (" + kBin + "/initdb; scripts/install-deps installs it)";
            return;
        }
        dir_ = fs::temp_directory_path() / fmt::format("wz_pg_{}_{}", ::getpid(), free_port());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        if (::geteuid() == 0) {
            as_ = "runuser -u postgres -- ";
            shell("chown postgres " + shell_quote(dir_.string()));
        }
        port_ = free_port();
        const auto init = shell(as_ + kBin + "/initdb -D " + shell_quote(data()) +
                                " -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
        if (init.first != 0) {
            failure_ = "initdb failed: " + init.second;
            return;
        }
        const auto start = shell(
            as_ + kBin + "/pg_ctl -D " + shell_quote(data()) + " -l " + shell_quote((dir_ / "log").string()) +
            " -w -t 60 -o " +
            shell_quote(fmt::format("-p {} -k {} -c listen_addresses=''", port_, dir_.string())) + " start");
        if (start.first != 0) {
            failure_ = "pg_ctl start failed: " + start.second + test::read_all((dir_ / "log").string());
            return;
        }
        started_ = true;
        const auto db = psql("postgres", "CREATE DATABASE wz");
        const auto ext = psql("wz", "CREATE EXTENSION postgis");
        if (ext.first != 0) skip_ = "PostGIS is not installed for PostgreSQL 15: " + ext.second;
        if (db.first != 0) failure_ = "CREATE DATABASE failed: " + db.second;
    }
    ~PgCluster() {
        if (started_) shell(as_ + kBin + "/pg_ctl -D " + shell_quote(data()) + " -m immediate -w stop");
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    const std::string& skip() const { return skip_; }
    const std::string& failure() const { return failure_; }
    std::string connection() const {
        return fmt::format("PG:dbname=wz host={} port={} user=postgres", dir_.string(), port_);
    }
    std::pair<int, std::string> psql(const std::string& db, const std::string& sql) const {
        return shell(fmt::format("{}/psql -X -q -At -v ON_ERROR_STOP=1 -h {} -p {} -U postgres -d {} -c {}",
                                 kBin, shell_quote(dir_.string()), port_, db, shell_quote(sql)));
    }
    // The single value of a query on the database wz ("" with the error in the test log on failure).
    std::string value(const std::string& sql) const {
        const auto r = psql("wz", sql);
        EXPECT_EQ(r.first, 0) << sql << ": " << r.second;
        std::string v = r.second;
        while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
        return v;
    }

  private:
    std::string data() const { return (dir_ / "data").string(); }
    fs::path dir_;
    std::string as_, skip_, failure_;
    int port_ = 0;
    bool started_ = false;
};

const test::SynthCountry& scored_country() {
    static const test::SynthCountry c =
        test::make_synth_country("0.001", 7, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    return c;
}

std::string sqlite_value(const std::string& store, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(s, 0);
        out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    } else {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

// A small aggregates GeoPackage as `risk publish` writes it: a polygon layer and an attribute table.
void write_restricted(const std::string& path, const AreaLayer& buurten) {
    Table t;
    Column area("area", ColumnType::kText), n("count", ColumnType::kInt);
    std::vector<std::vector<std::uint8_t>> g;
    for (std::size_t i = 0; i < 3 && i < buurten.areas.size(); ++i) {
        area.push_text(buurten.areas[i].code);
        n.push_int(static_cast<std::int64_t>(10 * (i + 1)));
        g.push_back(buurten.areas[i].wkb);
    }
    t.add_column(std::move(area));
    t.add_column(std::move(n));
    Table about;
    Column k("key", ColumnType::kText), v("value", ColumnType::kText);
    k.push_text("made_by");
    v.push_text("test");
    about.add_column(std::move(k));
    about.add_column(std::move(v));
    write_tables_gpkg({{"risk_test", &t, &g}, {"about", &about, nullptr}}, path);
}

// Cancels the job when the `after`-th publish step has ended (a run stopped half-way).
class CancelAfterSteps final : public ProgressSink {
  public:
    CancelAfterSteps(CancelToken& token, int after) : token_(token), after_(after) {}
    void report(const ProgressEvent& e) noexcept override {
        if (e.phase == ProgressEvent::Phase::kEnd && e.step.rfind("publish: ", 0) == 0 && ++ended_ == after_)
            token_.cancel();
    }
    int ended() const { return ended_; }

  private:
    CancelToken& token_;
    int after_;
    int ended_ = 0;
};

TEST(PublishPg, MapLayersDatasetsAndStylesAllOrNothingAndIdempotent) {
    PgCluster pg;
    if (!pg.skip().empty()) GTEST_SKIP() << pg.skip();
    ASSERT_TRUE(pg.failure().empty()) << pg.failure();
    const test::SynthCountry& c = scored_country();
    ASSERT_FALSE(::testing::Test::HasFailure());
    const auto maps = stored_map_layers(c.store);
    ASSERT_FALSE(maps.empty()) << "score made no map layers";
    const int vintage = area_vintages(c.store, Level::kBuurt).back();
    const std::string map_buurt = fmt::format("map_buurt_{}", vintage);

    // 1. The first publication.
    const auto r1 =
        test::run_wijkzicht("publish --to " + shell_quote(pg.connection()) + " --store " + c.store);
    ASSERT_EQ(r1.status, 0) << r1.err;
    const std::string tables_after_first = pg.value("SELECT count(*) FROM wz_publication");
    // Row counts equal the store's: every map layer, every area layer, every dataset.
    for (const StoredMapLayer& m : maps) {
        EXPECT_EQ(pg.value("SELECT count(*) FROM " + m.name), std::to_string(m.features)) << m.name;
        const auto styles = stored_layer_styles(c.store, m.name);
        EXPECT_EQ(
            pg.value(
                "SELECT count(*) FROM layer_styles WHERE f_table_name = '" + m.name +
                "' AND f_table_schema = 'public' AND f_table_catalog = 'wz' AND f_geometry_column = 'geom'"),
            std::to_string(styles.size()))
            << m.name;
        ASSERT_FALSE(styles.empty());
        EXPECT_EQ(pg.value("SELECT stylename FROM layer_styles WHERE f_table_name = '" + m.name +
                           "' AND useasdefault"),
                  styles.front().name);
    }
    const nlohmann::json inv = store_inventory(c.store);
    std::size_t expected_tables = maps.size();
    for (const auto& a : inv["areas"]) {
        const std::string layer = a["layer"];
        EXPECT_EQ(pg.value("SELECT count(*) FROM " + layer), std::to_string(a["count"].get<long>())) << layer;
        ++expected_tables;
    }
    for (const auto& d : inv["datasets"]) {
        const std::string name = d["name"];
        EXPECT_EQ(pg.value("SELECT count(*) FROM ds_" + name), std::to_string(d["rows"].get<long>())) << name;
        ++expected_tables;
    }
    EXPECT_EQ(tables_after_first, std::to_string(expected_tables));
    // A sample of values: the buurt map layer's score and class of the latest year, and score_buurt.
    EXPECT_EQ(pg.value("SELECT srid FROM geometry_columns WHERE f_table_name = '" + map_buurt + "'"),
              "28992");
    const std::string sample_code = sqlite_value(
        c.store, "SELECT code FROM " + map_buurt + " WHERE class IS NOT NULL ORDER BY code LIMIT 1 OFFSET 2");
    ASSERT_FALSE(sample_code.empty());
    const std::string latest = sqlite_value(c.store, "SELECT max(year) FROM " + map_buurt);
    for (const char* col :
         {"class", "class_name", "round(score::numeric, 9)", "round(residents::numeric, 6)"}) {
        std::string sqlite_col = col;
        if (sqlite_col.rfind("round(", 0) == 0) {
            const std::string inner = sqlite_col.substr(6, sqlite_col.find("::") - 6);
            const std::string digits = sqlite_col.substr(sqlite_col.find(", ") + 2, 1);
            sqlite_col = "printf('%." + digits + "f', " + inner + ")";
        }
        const std::string where = " WHERE code = '" + sample_code + "' AND year = " + latest;
        EXPECT_EQ(pg.value(std::string("SELECT ") + col + " FROM " + map_buurt + where),
                  sqlite_value(c.store, "SELECT " + sqlite_col + " FROM " + map_buurt + where))
            << col;
    }
    const Dataset score_buurt = read_dataset(c.store, "score_buurt");
    const Column& code = score_buurt.table.column("code");
    const Column& score = score_buurt.table.column("score");
    for (std::size_t r = 0; r < score_buurt.table.row_count();
         r += std::max<std::size_t>(1, score_buurt.table.row_count() / 5)) {
        const std::string pgv =
            pg.value(fmt::format("SELECT coalesce(to_char(score, 'FM9990.000000000'), 'NULL') FROM "
                                 "ds_score_buurt WHERE code = '{}' AND "
                                 "year = {}",
                                 code.text_at(r), score_buurt.table.column("year").int_at(r)));
        EXPECT_EQ(pgv, score.is_missing(r) ? "NULL" : fmt::format("{:.9f}", score.real_at(r)))
            << code.text_at(r);
    }
    // The geometries arrived: every feature has one, and the extent is the store's.
    EXPECT_EQ(pg.value("SELECT count(*) FROM " + map_buurt + " WHERE geom IS NULL"), "0");
    EXPECT_EQ(
        pg.value("SELECT round(ST_XMin(ST_Extent(geom))::numeric, 3) || ' ' || "
                 "round(ST_YMax(ST_Extent(geom))::numeric, "
                 "3) FROM " +
                 map_buurt),
        sqlite_value(c.store,
                     "SELECT printf('%.3f %.3f', min_x, max_y) FROM gpkg_contents WHERE table_name = '" +
                         map_buurt + "'"));

    // 2. A run that fails half-way leaves the database as it was: mark a published row, publish again with
    // the restricted aggregates and cancel after two tables were written; the mark stays, no restricted
    // table appears, the catalogue is unchanged.
    test::TempDir dir;
    const std::string agg = dir.file("aggregates.gpkg");
    write_restricted(agg, read_area_layer(c.store, Level::kBuurt));
    ASSERT_EQ(pg.psql("wz", "UPDATE " + map_buurt + " SET name = 'marker' WHERE code = '" + sample_code +
                                "' AND year = " + latest)
                  .first,
              0);
    jobs::PublishOptions o;
    o.to = pg.connection();
    o.store = c.store;
    o.restricted = agg;
    {
        CancelToken token;
        CancelAfterSteps sink(token, 2);
        JobScope scope(JobContext{&sink, &token});
        EXPECT_THROW(jobs::publish(o), CancelledError);
        EXPECT_EQ(sink.ended(), 2);
    }
    EXPECT_EQ(pg.value("SELECT count(*) FROM " + map_buurt + " WHERE name = 'marker'"), "1");
    EXPECT_EQ(pg.value("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'restricted%'"), "0");
    EXPECT_EQ(pg.value("SELECT count(*) FROM wz_publication"), tables_after_first);

    // 3. A second full run (with the restricted aggregates) replaces: the same counts, no duplicated styles,
    // the mark gone, the restricted tables there.
    const auto r3 = test::run_wijkzicht("publish --to " + shell_quote(pg.connection()) + " --store " +
                                        c.store + " --restricted " + agg);
    ASSERT_EQ(r3.status, 0) << r3.err;
    EXPECT_EQ(pg.value("SELECT count(*) FROM " + map_buurt + " WHERE name = 'marker'"), "0");
    for (const StoredMapLayer& m : maps) {
        EXPECT_EQ(pg.value("SELECT count(*) FROM " + m.name), std::to_string(m.features)) << m.name;
        EXPECT_EQ(pg.value("SELECT count(*) FROM layer_styles WHERE f_table_name = '" + m.name + "'"),
                  std::to_string(stored_layer_styles(c.store, m.name).size()));
    }
    EXPECT_EQ(pg.value("SELECT count(*) FROM wz_publication"), std::to_string(expected_tables + 2));
    EXPECT_EQ(pg.value("SELECT sum(count) FROM restricted_risk_test"), "60");
    EXPECT_EQ(pg.value("SELECT value FROM restricted_about WHERE key = 'made_by'"), "test");

    // 4. Publishing without --restricted again drops the restricted tables of the earlier publication.
    const auto r4 = test::run_wijkzicht("publish --to " + shell_quote(pg.connection()) + " --store " +
                                        c.store + " --datasets none");
    ASSERT_EQ(r4.status, 0) << r4.err;
    EXPECT_EQ(
        pg.value(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'restricted%' OR tablename LIKE 'ds\\_%'"),
        "0");
    for (const StoredMapLayer& m : maps)
        EXPECT_EQ(pg.value("SELECT count(*) FROM " + m.name), std::to_string(m.features)) << m.name;
}

TEST(PublishPg, RefusesWhatIsNotAPostgresConnection) {
    test::TempDir dir;
    const auto r = test::run_wijkzicht("publish --to out.sqlite --store " + dir.file("none.gpkg"));
    EXPECT_EQ(r.status, 2) << r.err;
    jobs::PublishOptions o;
    o.to = "out.sqlite";
    EXPECT_THROW(publish_to_postgis(o.to, {}, ""), UsageError);
    EXPECT_EQ(redact_connection("PG:dbname=x password=s3cret host=h"), "PG:dbname=x password=*** host=h");
    EXPECT_EQ(redact_connection("PG:password='a b' dbname=x"), "PG:password=*** dbname=x");
}

}  // namespace
}  // namespace wz
