// The service's answers, without sockets: every number against the store, the authorisation of every
// restricted path for every role and scope (with the audit log), and hostile requests.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "io/gpkg_tables.hpp"
#include "jobs/profile.hpp"
#include "server/audit.hpp"
#include "server_fixture.hpp"

namespace wz {
namespace {

using nlohmann::json;
using test::get;
using test::server_fixture;

const server::Service& service() {
    static const auto s = server_fixture().service();
    return *s;
}

json body(const server::Response& r) {
    return json::parse(r.text());
}

std::string header(const server::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return v;
    }
    return "";
}

TEST(Service, MetaNamesLevelsYearsAndTheNineClassColours) {
    const auto r = service().handle(get("/api/v1/meta"));
    ASSERT_EQ(r.status, 200) << r.text();
    const json m = body(r);
    ASSERT_EQ(m["classes"].size(), 9u);
    EXPECT_EQ(m["classes"][0]["name"], "zeer onvoldoende");
    EXPECT_EQ(m["classes"][0]["color"], "#a50026");
    EXPECT_EQ(m["classes"][8]["color"], "#1a9850");
    EXPECT_EQ(m["years"], json({2012, 2014, 2016, 2018, 2020, 2022}));
    bool buurt = false;
    for (const auto& l : m["levels"]) buurt |= l["level"] == "buurt" && l["scores"] == true;
    EXPECT_TRUE(buurt);
    EXPECT_FALSE(m["tiles"].is_null());
    EXPECT_TRUE(m["restricted"].get<bool>());
}

TEST(Service, ScoresEqualTheStoresRows) {
    const auto& f = server_fixture();
    const Dataset d = read_dataset(f.country.store, "score_buurt");
    const auto r = service().handle(get("/api/v1/scores?level=buurt&year=2018"));
    ASSERT_EQ(r.status, 200) << r.text();
    const json rows = body(r)["rows"];
    std::map<std::string, json> by_code;
    for (const auto& row : rows) by_code[row["code"]] = row;
    std::size_t checked = 0;
    const Table& t = d.table;
    for (std::size_t i = 0; i < t.row_count(); ++i) {
        if (t.column("year").int_at(i) != 2018) continue;
        const auto& row = by_code.at(t.column("code").text_at(i));
        for (const char* c : {"score", "rel", "won", "bev", "vrz", "vei", "fys"}) {
            if (t.column(c).is_missing(i)) {
                EXPECT_TRUE(row[c].is_null());
            } else {
                EXPECT_EQ(row[c].get<double>(), t.column(c).real_at(i)) << c;
            }
        }
        if (!t.column("class").is_missing(i)) {
            EXPECT_EQ(row["class"].get<std::int64_t>(), t.column("class").int_at(i));
        }
        ++checked;
    }
    EXPECT_EQ(checked, rows.size());
    EXPECT_GT(checked, 100u);
    // Within one gemeente only that gemeente's buurten, and CSV with a header and one line per buurt.
    const auto in = service().handle(get("/api/v1/scores?level=buurt&year=2018&parent=" + f.gm_a));
    const json in_rows = body(in)["rows"];
    ASSERT_GT(in_rows.size(), 0u);
    for (const auto& row : in_rows)
        EXPECT_EQ(row["code"].get<std::string>().substr(2, 4), f.gm_a.substr(2, 4));
    const auto csv =
        service().handle(get("/api/v1/scores?level=buurt&year=2018&parent=" + f.gm_a + "&format=csv"));
    EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
    EXPECT_EQ(static_cast<std::size_t>(std::count(csv.text().begin(), csv.text().end(), '\n')),
              in_rows.size() + 1);
}

TEST(Service, AreasAsGeoJsonInWgs84) {
    const auto& f = server_fixture();
    const auto r = service().handle(get("/api/v1/areas?level=gemeente&format=geojson"));
    ASSERT_EQ(r.status, 200) << r.text().substr(0, 300);
    EXPECT_EQ(r.content_type, "application/geo+json");
    const json g = body(r);
    EXPECT_EQ(g["features"].size(), read_area_layer(f.country.store, Level::kGemeente).areas.size());
    const auto& first = g["features"][0];
    EXPECT_EQ(first["properties"]["level"], "gemeente");
    // The synthetic country lies in RD space: its WGS84 coordinates fall in or near the Netherlands.
    json ring = first["geometry"]["coordinates"];
    while (ring[0].is_array()) ring = ring[0];
    EXPECT_GT(ring[0].get<double>(), 2.0);
    EXPECT_LT(ring[0].get<double>(), 8.0);
    EXPECT_GT(ring[1].get<double>(), 50.0);
    EXPECT_LT(ring[1].get<double>(), 54.5);
    const auto one = service().handle(get("/api/v1/areas/" + f.buurt_a));
    EXPECT_EQ(body(one)["parents"]["gemeente"], f.gm_a);
    EXPECT_EQ(service().handle(get("/api/v1/areas/BU99999999")).status, 404);
}

// The profile is the library's (jobs::area_profile), byte for byte after JSON parsing, for every level.
TEST(Service, ProfileIsTheLibrarysProfile) {
    const auto& f = server_fixture();
    const auto data = jobs::load_profile_data(f.country.store);
    for (const std::string& code : {f.buurt_a, f.buurt_b, f.gm_a}) {
        const auto expected = jobs::area_profile(*data, code);
        ASSERT_TRUE(expected.has_value());
        const auto r = service().handle(get("/api/v1/profile/" + code));
        ASSERT_EQ(r.status, 200) << r.text();
        EXPECT_EQ(body(r), *expected) << code;
        // A second request comes from the cache with the same ETag.
        EXPECT_EQ(header(service().handle(get("/api/v1/profile/" + code)), "ETag"), header(r, "ETag"));
    }
    EXPECT_EQ(body(service().handle(get("/api/v1/profile/" + f.buurt_a)))["parents"]["gemeente"], f.gm_a);
    EXPECT_EQ(service().handle(get("/api/v1/profile/BU99999999")).status, 404);
    EXPECT_EQ(service().handle(get("/api/v1/profile/BU%27%20OR%201%3D1")).status, 400);
}

TEST(Service, SearchFindsByCodeAndByName) {
    const auto& f = server_fixture();
    const json byc = body(service().handle(get("/api/v1/search?q=" + f.gm_a)));
    ASSERT_FALSE(byc["results"].empty());
    EXPECT_EQ(byc["results"][0]["code"], f.gm_a);
    const std::string name = read_area_layer(f.country.store, Level::kGemeente).areas.front().name;
    std::string q = name.substr(0, std::min<std::size_t>(name.size(), 5));
    for (auto& ch : q) {
        if (ch == ' ') ch = '+';
    }
    const json byn = body(service().handle(get("/api/v1/search?q=" + q + "&level=gemeente")));
    ASSERT_FALSE(byn["results"].empty()) << q;
    EXPECT_EQ(byn["results"][0]["name"].get<std::string>().substr(0, 5), name.substr(0, 5));
}

TEST(Service, TypologyDesignationsWithReasons) {
    const json list = body(service().handle(get("/api/v1/typologies")));
    ASSERT_FALSE(list["typologies"].empty());
    const std::string ds = list["typologies"][0]["dataset"];
    const json t = body(service().handle(get("/api/v1/typologies/" + ds)));
    EXPECT_EQ(t["rows"].size(), list["typologies"][0]["designated"].get<std::size_t>());
    for (const auto& row : t["rows"]) {
        EXPECT_EQ(row["designated"], 1);
        EXPECT_FALSE(row["reasons"].get<std::string>().empty());
    }
}

TEST(Service, PictureCarriesTheStoredTenureCurve) {
    const Dataset curve = read_dataset(server_fixture().country.store, "picture_tenure");
    const auto r = service().handle(get("/api/v1/picture"));
    ASSERT_EQ(r.status, 200);
    const json t = body(r)["tenure"];
    ASSERT_TRUE(t.is_object()) << r.text().substr(0, 200);
    EXPECT_EQ(t["breakpoint"].get<double>(), curve.meta["breakpoint"].get<double>());
    EXPECT_EQ(t["lower"].get<double>(), curve.meta["lower"].get<double>());
    EXPECT_EQ(t["upper"].get<double>(), curve.meta["upper"].get<double>());
    ASSERT_EQ(t["points"].size(), curve.table.row_count());
    EXPECT_EQ(t["points"][0]["fitted"].get<double>(), curve.table.column("fitted").number_at(0));
    EXPECT_FALSE(body(r).contains("picture_tenure"));
}

TEST(Service, HotspotResultsAreTheStoredOnesAndReachTheProfile) {
    const auto& f = server_fixture();
    const Dataset h = read_dataset(f.country.store, "hotspots_score_buurt_2022");
    auto r = service().handle(get("/api/v1/hotspots"));
    ASSERT_EQ(r.status, 200);
    const auto list = body(r)["hotspots"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["dataset"], "hotspots_score_buurt_2022");
    EXPECT_EQ(list[0]["level"], "buurt");
    EXPECT_EQ(list[0]["year"], 2022);
    EXPECT_EQ(list[0]["source"], "score_buurt");
    EXPECT_EQ(list[0]["alpha"].get<double>(), h.meta["local"]["alpha"].get<double>());
    EXPECT_EQ(list[0]["moran_I"].get<double>(), h.meta["global_moran"]["I"].get<double>());
    const std::size_t significant = h.meta["local"]["I_significant_fdr"].get<std::size_t>();
    EXPECT_EQ(list[0]["significant"].get<std::size_t>(), significant);
    ASSERT_GT(significant, 0u) << "the synthetic scores should have significant clusters";

    r = service().handle(get("/api/v1/hotspots/hotspots_score_buurt_2022"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(body(r)["rows"].size(), h.table.row_count());
    r = service().handle(get("/api/v1/hotspots/hotspots_score_buurt_2022?significant=true"));
    ASSERT_EQ(r.status, 200);
    const auto rows = body(r)["rows"];
    ASSERT_EQ(rows.size(), significant);
    for (const auto& row : rows) {
        EXPECT_EQ(row["significant"], 1);
        EXPECT_NE(row["cluster"], "ns");
    }
    // The profile of a significant buurt names the result with its quadrant.
    const std::string code = rows[0]["code"].get<std::string>();
    r = service().handle(get("/api/v1/profile/" + code));
    ASSERT_EQ(r.status, 200);
    const auto p = body(r);
    ASSERT_EQ(p["hotspots"].size(), 1u);
    EXPECT_EQ(p["hotspots"][0]["dataset"], "hotspots_score_buurt_2022");
    EXPECT_EQ(p["hotspots"][0]["quadrant"], rows[0]["quadrant"]);
    EXPECT_EQ(p["hotspots"][0]["significant"], true);
    // Only under a gemeente, and as CSV.
    r = service().handle(get("/api/v1/hotspots/hotspots_score_buurt_2022?parent=" + f.gm_a + "&format=csv"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.text().rfind("code,", 0), 0u) << r.text().substr(0, 80);
    EXPECT_EQ(service().handle(get("/api/v1/hotspots/nope")).status, 404);
    EXPECT_EQ(service().handle(get("/api/v1/hotspots/hotspots_score_buurt_2022?significant=maybe")).status,
              400);
}

TEST(Service, TilesAreGzipWithETagAndEmptyTilesAre204) {
    const auto r = service().handle(get("/tiles/0/0/0.pbf"));
    ASSERT_EQ(r.status, 200) << r.text();
    ASSERT_GE(r.text().size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(r.text()[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(r.text()[1]), 0x8b);
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    EXPECT_EQ(r.content_type, "application/vnd.mapbox-vector-tile");
    const std::string etag = header(r, "ETag");
    ASSERT_FALSE(etag.empty());
    auto again = get("/tiles/0/0/0.pbf");
    again.if_none_match = etag;
    // Tiles are not in the answer cache; the ETag is the tile set's: the tile itself still comes back.
    EXPECT_EQ(service().handle(again).status, 200);
    EXPECT_EQ(service().handle(get("/tiles/12/0/0.pbf")).status, 204);  // the Atlantic off Africa
    EXPECT_EQ(service().handle(get("/tiles/3/8/1.pbf")).status, 400);   // outside zoom 3
    EXPECT_EQ(service().handle(get("/tiles/a/b/c.pbf")).status, 400);
    const json tj = body(service().handle(get("/tiles.json")));
    EXPECT_EQ(tj["tiles"][0], "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.pbf");
    EXPECT_EQ(tj["maxzoom"], 12);
}

TEST(Service, ETagAnswersNotModified) {
    const auto r = service().handle(get("/api/v1/scores?level=gemeente&year=2022"));
    const std::string etag = header(r, "ETag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=3600");
    auto again = get("/api/v1/scores?level=gemeente&year=2022");
    again.if_none_match = etag;
    const auto nm = service().handle(again);
    EXPECT_EQ(nm.status, 304);
    EXPECT_TRUE(nm.text().empty());
}

TEST(Service, DownloadsOpenAsCsvAndGeoPackage) {
    const auto& f = server_fixture();
    const auto csv = service().handle(get("/api/v1/download/score_gemeente.csv"));
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.text().substr(0, 15), "code,year,resid");
    const auto gpkg = service().handle(get("/api/v1/download/buurt_2022.gpkg"));
    ASSERT_EQ(gpkg.status, 200) << gpkg.text().substr(0, 200);
    const std::string path = f.country.dir + "/download.gpkg";
    test::write_file(path, gpkg.text());
    const Table t = read_gpkg_table(path, "buurt_2022");
    std::size_t rows2022 = 0;
    const Dataset d = read_dataset(f.country.store, "score_buurt", {"year"});
    for (auto y : d.table.columns()[0].ints()) rows2022 += y == 2022;
    EXPECT_EQ(t.row_count(), rows2022);
    EXPECT_NE(t.find("name"), nullptr);
    EXPECT_EQ(service().handle(get("/api/v1/download/no_such.csv")).status, 404);
}

// Every restricted path x every kind of caller x scope: the status, and one audit line per request.
TEST(ServiceAuth, EveryRestrictedPathForEveryRoleAndScope) {
    const auto& f = server_fixture();
    const auto svc = f.service();
    const std::string a = f.gm_a, b = f.gm_b;
    const std::string forged = "wz1.000000000000." + std::string(64, 'a');
    std::string wrong_secret = f.tokens.at("muni_a");
    wrong_secret.back() = wrong_secret.back() == 'a' ? 'b' : 'a';
    struct Caller {
        std::string name, token;
    };
    const std::vector<Caller> callers = {{"none", ""},
                                         {"malformed", "not-a-token"},
                                         {"forged", forged},
                                         {"wrong-secret", wrong_secret},
                                         {"revoked", f.tokens.at("revoked")},
                                         {"expired", f.tokens.at("expired")},
                                         {"muni_a", f.tokens.at("muni_a")},
                                         {"national", f.tokens.at("national")},
                                         {"admin", f.tokens.at("admin")}};
    struct Path {
        std::string target;
        int muni_a, national, admin;  // status for these callers; others 401
    };
    const std::vector<Path> paths = {
        {"/api/v1/me", 200, 200, 200},
        {"/api/v1/restricted/tables", 200, 200, 200},
        {"/api/v1/restricted/risk_yearly", 200, 200, 200},
        {"/api/v1/restricted/risk_yearly?gemeente=" + a, 200, 200, 200},
        {"/api/v1/restricted/risk_yearly?gemeente=" + b, 403, 200, 200},
        {"/api/v1/restricted/risk_yearly?gemeente=" + b + "&format=csv", 403, 200, 200},
        {"/api/v1/restricted/risk_yearly?gemeente=GM12", 400, 400, 400},
        {"/api/v1/restricted/no_such_table", 404, 404, 404},
        {"/api/v1/admin/audit?limit=5", 403, 403, 200},
    };
    std::size_t requests = 0;
    const std::size_t before = server::AuditLog(f.audit).tail(1000000).size();
    for (const auto& p : paths) {
        for (const auto& c : callers) {
            const auto r = svc->handle(get(p.target, c.token));
            ++requests;
            const int expected = c.name == "muni_a"     ? p.muni_a
                                 : c.name == "national" ? p.national
                                 : c.name == "admin"    ? p.admin
                                                        : 401;
            EXPECT_EQ(r.status, expected) << p.target << " as " << c.name << ": " << r.text();
            EXPECT_EQ(header(r, "Cache-Control"), "private, no-store") << p.target;
            if (r.status >= 400) {
                EXPECT_TRUE(body(r)["error"].contains("message"));
            }
        }
    }
    // What a municipal analyst gets: their own gemeente's rows (buurt and gemeente), never the country's.
    const json own = body(svc->handle(get("/api/v1/restricted/risk_yearly", f.tokens.at("muni_a"))));
    ASSERT_EQ(own["rows"].size(), 2u);
    for (const auto& row : own["rows"])
        EXPECT_EQ(row["area"].get<std::string>().substr(2, 4), a.substr(2, 4));
    EXPECT_EQ(own["rows"][0]["unexplained_purchases"], test::ServerFixture::kMarker);
    const json all = body(svc->handle(get("/api/v1/restricted/risk_yearly", f.tokens.at("national"))));
    EXPECT_EQ(all["rows"].size(), 5u);
    requests += 2;
    // Every request is in the audit log, with its outcome, and no restricted value is.
    const auto lines = server::AuditLog(f.audit).tail(1000000);
    ASSERT_EQ(lines.size() - before, requests);
    std::size_t denied_scope = 0;
    for (std::size_t i = before; i < lines.size(); ++i) {
        const json l = json::parse(lines[i]);
        EXPECT_TRUE(l.contains("time") && l.contains("user") && l.contains("outcome") &&
                    l.contains("status"));
        denied_scope += l["outcome"] == "denied: scope " + b;
        EXPECT_EQ(lines[i].find(std::to_string(test::ServerFixture::kMarker)), std::string::npos) << lines[i];
        EXPECT_EQ(lines[i].find(f.tokens.at("muni_a").substr(17)), std::string::npos) << "a token in the log";
    }
    EXPECT_EQ(denied_scope, 2u);  // muni_a asking for gemeente B, as JSON and as CSV
}

TEST(ServiceAuth, PublicPathsNeedNoTokenAndRestrictedOnesAreInTheOpenApi) {
    const json api = body(service().handle(get("/openapi.json")));
    for (const char* p :
         {"/api/v1/me", "/api/v1/restricted/tables", "/api/v1/restricted/{table}", "/api/v1/admin/audit"})
        EXPECT_TRUE(api["paths"][p]["get"].contains("security")) << p;
    for (const char* p : {"/api/v1/scores", "/api/v1/profile/{code}", "/tiles/{z}/{x}/{y}.pbf"})
        EXPECT_FALSE(api["paths"][p]["get"].contains("security")) << p;
    EXPECT_EQ(service().handle(get("/")).status, 200);
}

// Hostile requests: each gets a 4xx JSON error that names no file, table or SQL, and the service goes on.
TEST(ServiceHostile, BadRequestsGetCleanErrors) {
    const auto& f = server_fixture();
    const std::vector<std::pair<std::string, int>> cases = {
        {"/../../etc/passwd", 404},
        {"/%2e%2e/%2e%2e/etc/passwd", 404},
        {"/assets/..%2f..%2fstore.gpkg", 404},
        {"/api/v1/scores?level=buurt'%3B+DROP+TABLE+wz_datasets--", 400},
        {"/api/v1/scores?level=buurt&year=2022+OR+1=1", 400},
        {"/api/v1/search?q=%ff%fe", 400},
        {"/api/v1/search?q=%c0%af", 400},     // overlong '/'
        {"/api/v1/search?q=%ed%a0%80", 400},  // a surrogate
        {"/api/v1/search?q=a%00b", 400},
        {"/api/v1/search?q=%zz", 400},
        {"/api/v1/search?q=" + std::string(200, 'x'), 400},
        {"/api/v1/scores?level=buurt&level=wijk", 400},
        {"/api/v1/scores?level=buurt&evil=1", 400},
        {"/api/v1/areas?level=buurt&limit=-1", 400},
        {"/api/v1/areas?level=buurt&limit=99999999999999999999", 400},
        {"/api/v1/areas?level=bogus", 400},
        {"/api/v1/areas/" + std::string(40, 'A'), 400},
        {"/api/v1/areas/BU%2F..%2F..", 404},
        {"/api/v1/typologies/..%2f..%2fwz_runs", 404},
        {"/api/v1/download/..%2fstore.csv", 404},
        {"/api/v1/download/wz_runs.csv", 404},
        {"/api/v1/scores?" + std::string(1100, 'a'), 414},
        {"/" + std::string(3000, 'a'), 414},
        {"/api/v1/nothing", 404},
        {"relative/path", 400},
    };
    for (const auto& [target, status] : cases) {
        const auto r = service().handle(get(target));
        EXPECT_EQ(r.status, status) << target.substr(0, 80) << ": " << r.text();
        const json b = json::parse(r.text(), nullptr, false);
        ASSERT_FALSE(b.is_discarded()) << target.substr(0, 80);
        const std::string msg = b["error"]["message"];
        for (const char* leak : {"sqlite", "SQL", "gpkg", "/tmp", "/work", "ds_", "Exception", "what()"})
            EXPECT_EQ(msg.find(leak), std::string::npos) << target.substr(0, 80) << ": " << msg;
        EXPECT_EQ(msg.find(f.country.dir), std::string::npos);
    }
    auto post = get("/api/v1/meta");
    post.method = "POST";
    EXPECT_EQ(service().handle(post).status, 405);
    EXPECT_EQ(service().handle(get("/api/v1/health")).status, 200);
}

TEST(ServiceHostile, RateLimitPerAddressAnswers429) {
    const auto svc = server_fixture().service(/*rate=*/5);
    int ok = 0, limited = 0;
    for (int i = 0; i < 20; ++i) {
        const auto r = svc->handle(get("/api/v1/health", "", "198.51.100.7"));
        (r.status == 200 ? ok : limited) += 1;
        if (r.status == 429) {
            EXPECT_EQ(header(r, "Retry-After"), "1");
        }
    }
    EXPECT_GE(ok, 5);
    EXPECT_LE(ok, 7);  // a burst of 5, and what refills during the loop
    EXPECT_GE(limited, 13);
    // Another address is not limited by the first one's requests.
    EXPECT_EQ(svc->handle(get("/api/v1/health", "", "198.51.100.8")).status, 200);
}

TEST(ServiceUsers, UsersFileRoundTripsAndRejectsBadContent) {
    const auto& f = server_fixture();
    const server::Users u = server::Users::load(f.users);
    ASSERT_EQ(u.all().size(), 6u);
    EXPECT_EQ(u.find_by_name("muni_a")->gemeenten, std::vector<std::string>{f.gm_a});
    EXPECT_TRUE(u.find_by_name("revoked")->revoked);
    EXPECT_EQ(u.find_by_name("expired")->expires, "2020-01-01T00:00:00Z");
    for (const auto& usr : u.all()) EXPECT_EQ(usr.token_hash.rfind("$argon2id$", 0), 0u);
    // No token in clear in the file.
    const std::string text = test::read_all(f.users);
    for (const auto& [name, token] : f.tokens)
        EXPECT_EQ(text.find(token.substr(17)), std::string::npos) << name;
    const std::string bad = f.country.dir + "/bad_users.toml";
    test::write_file(
        bad,
        "[[user]]\nid = \"0123456789ab\"\nname = \"x\"\nrole = \"emperor\"\ntoken_hash = \"$argon2id$x\"\n");
    try {
        server::Users::load(bad);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 4);
        EXPECT_NE(std::string(e.what()).find("role municipal, national or admin"), std::string::npos)
            << e.what();
    }
    server::Users v;
    EXPECT_THROW(v.add("x", server::Role::kMunicipal, {}, ""), UsageError);
    EXPECT_THROW(v.add("x", server::Role::kNational, {"GM0014"}, ""), UsageError);
    EXPECT_THROW(v.add("x y", server::Role::kNational, {}, ""), UsageError);
    EXPECT_THROW(v.add("x", server::Role::kMunicipal, {"GM14"}, ""), UsageError);
    EXPECT_THROW(v.add("x", server::Role::kAdmin, {}, "tomorrow"), UsageError);
    EXPECT_THROW(v.revoke("nobody"), NotFoundError);
}

}  // namespace
}  // namespace wz
