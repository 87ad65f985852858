#pragma once
// The service's test fixture: the scored synthetic country (scale 0.01) with its tiles and a typology,
// a users file with one user per role (and a revoked and an expired one), and hand-made undermining
// aggregates with known values for two gemeenten, so every answer can be checked against the store.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "io/store.hpp"
#include "io/writers.hpp"
#include "monitor/synth_country.hpp"
#include "server/service.hpp"
#include "server/users.hpp"

namespace wz::test {

struct ServerFixture {
    SynthCountry country;
    std::string users, audit, restricted;
    std::map<std::string, std::string> tokens;       // by user name
    std::string gm_a, gm_b;                          // two gemeenten with buurten
    std::string buurt_a, buurt_b;                    // a buurt of each
    static constexpr std::int64_t kMarker = 987651;  // a restricted value that must never leak

    std::unique_ptr<server::Service> service(double rate = 0) const {
        server::ServiceOptions o;
        o.store = country.store;
        o.restricted = restricted;
        o.users = users;
        o.audit_log = audit;
        o.address_rate = rate;
        o.address_burst = rate;
        o.user_rate = 0;
        return std::make_unique<server::Service>(o);
    }
};

inline const ServerFixture& server_fixture() {
    static const ServerFixture f = [] {
        ServerFixture s;
        // Scored, designated and tiled once, in the cache every test process copies from; the tiles file
        // (store.tiles.mbtiles, next to the store) is linked, the server only reads it.
        s.country =
            make_synth_country("0.01", 3, {"boundaries", "grid-stats", "statline", "indicators"},
                               "score --store {store} --weights {weights} ; "
                               "typology --store {store} --rules lbm2018-type2 --level buurt --year 2022 ; "
                               "hotspots --store {store} --level buurt --year 2022 --permutations 999 "
                               "--seed 5 ; "
                               "analyse tenure --store {store} ; "
                               "tiles --store {store} --max-zoom 12 --grid-min-zoom 12");
        const std::string& store = s.country.store;
        const AreaLayer buurten = read_area_layer(store, Level::kBuurt);
        s.buurt_a = buurten.areas.front().code;
        s.gm_a = buurten.areas.front().gemeente;
        for (const auto& a : buurten.areas) {
            if (a.gemeente != s.gm_a) {
                s.buurt_b = a.code;
                s.gm_b = a.gemeente;
                break;
            }
        }
        // Users: one per role, plus a revoked and an expired municipal analyst.
        s.users = s.country.dir + "/users.toml";
        s.audit = s.country.dir + "/audit.log";
        server::Users u;
        s.tokens["muni_a"] = u.add("muni_a", server::Role::kMunicipal, {s.gm_a}, "");
        s.tokens["muni_b"] = u.add("muni_b", server::Role::kMunicipal, {s.gm_b}, "");
        s.tokens["national"] = u.add("national", server::Role::kNational, {}, "");
        s.tokens["admin"] = u.add("admin", server::Role::kAdmin, {}, "");
        s.tokens["revoked"] = u.add("revoked", server::Role::kMunicipal, {s.gm_a}, "");
        u.revoke("revoked");
        s.tokens["expired"] = u.add("expired", server::Role::kMunicipal, {s.gm_a}, "2020-01-01");
        u.save(s.users);
        // Aggregates: a buurt row of each gemeente, each gemeente's row and the country's.
        Table t;
        t.add_column(Column::of_texts("level", {"buurt", "buurt", "gemeente", "gemeente", "land"}));
        t.add_column(Column::of_texts("area", {s.buurt_a, s.buurt_b, s.gm_a, s.gm_b, "NL01"}));
        t.add_column(Column::of_ints("year", {2022, 2022, 2022, 2022, 2022}));
        t.add_column(Column::of_ints("unexplained_purchases", {ServerFixture::kMarker, 20, 35, 40, 500},
                                     {0, 0, 0, 0, 0}));
        t.add_column(Column::of_reals("unexplained_per_1000_purchases", {12.5, 7.25, 3.5, 4.0, 2.0}));
        s.restricted = s.country.dir + "/aggregates.gpkg";
        write_tables_gpkg({{"risk_yearly", &t, nullptr}}, s.restricted);
        return s;
    }();
    return f;
}

inline server::Request get(const std::string& target, const std::string& token = "",
                           const std::string& address = "192.0.2.1") {
    server::Request r;
    r.method = "GET";
    r.target = target;
    r.address = address;
    r.host = "127.0.0.1:8080";
    if (!token.empty()) r.authorization = "Bearer " + token;
    return r;
}

}  // namespace wz::test
