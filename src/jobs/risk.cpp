#include "jobs/risk.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/error.hpp"
#include "geo/rings.hpp"
#include "io/store.hpp"
#include "spatial/weights.hpp"

namespace wz::jobs {
namespace {

namespace fs = std::filesystem;

// Runs `body` as one audited step: a failed run is appended to the audit log too (with its error kind).
template <class Body>
auto audited(const ZoneArgs& z, zone::AuditRecord& audit, Body body) {
    audit.started = utc_now();
    try {
        auto result = body();
        zone::append_audit_log(z.protected_path, audit, "completed", result.run);
        return result;
    } catch (const std::exception& e) {
        if (zone::is_zone(z.protected_path)) {
            audit.outputs = {{"error", std::string(error_kind_info(error_kind_of(e)).name)}};
            zone::append_audit_log(z.protected_path, audit, "failed", 0);
        }
        throw;
    }
}

std::int64_t sum_of(const Table& t, const char* column) {
    std::int64_t s = 0;
    const Column& c = t.column(column);
    for (std::size_t r = 0; r < c.size(); ++r) s += c.is_missing(r) ? 0 : c.int_at(r);
    return s;
}

}  // namespace

RiskIngestResult risk_ingest(const ZoneArgs& z, const std::string& extracts) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    zone::AuditRecord audit;
    audit.command = "risk ingest";
    audit.parameters = {{"extracts", fs::path(extracts).filename().string()}};
    struct R {
        zone::IngestReport report;
        std::int64_t run = 0;
    };
    R r = audited(z, audit, [&] {
        R x{zone::ingest_extracts(z.protected_path, key, extracts), 0};
        x.run = x.report.run;
        audit.inputs = x.report.inputs;
        nlohmann::json rows = nlohmann::json::object();
        for (const auto& [t, n] : x.report.rows) rows[t] = n;
        audit.outputs = {{"tables", rows}};
        return x;
    });
    return {std::move(r.report)};
}

risk::MicroTables read_micro_tables(const zone::Zone& zone, bool for_network) {
    risk::MicroTables t;
    if (for_network) {
        t.persons = zone.read("persons", {"person", "household", "address", "buurt", "income", "assets"});
    } else {
        t.persons = zone.read("persons", {"person", "buurt", "income", "assets"});
    }
    t.dwellings = zone.read("dwellings", {"address", "buurt"});
    t.ownership = zone.read("ownership", {"address", "buurt", "owner_type", "owner"});
    t.purchases = zone.read("purchases", {"purchase", "address", "buurt", "buyer_type", "buyer", "year", "price",
                                          "household_income", "household_assets"});
    t.entities = zone.read("entities", {"entity", "legal_form", "address", "buurt"});
    t.directors = zone.read("directors", {"entity", "person"});
    t.suspicions = zone.read("suspicions", {"person", "offence", "year", "convicted"});
    t.transactions = zone.read("transactions", {"year", "from_type", "from_id", "to_type", "to_id", "amount", "unusual"});
    return t;
}

RiskIndicatorResult risk_indicators(const ZoneArgs& z, const RiskIndicatorOptions& o) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    zone::AuditRecord audit;
    audit.command = "risk indicators";
    audit.parameters = {{"capacity_factor", o.indicators.capacity_factor},
                        {"min_boards", o.indicators.min_boards},
                        {"reference_year", o.indicators.reference_year},
                        {"permutations", o.permutations},
                        {"hot_spot_years", o.hot_spot_years},
                        {"seed", o.seed},
                        {"alpha", o.alpha}};
    return audited(z, audit, [&] {
        zone::Zone zone(z.protected_path, key);
        const risk::MicroTables tables = read_micro_tables(zone, false);
        const risk::IndicatorResult ind = risk::compute_indicators(tables, o.indicators);
        std::map<std::string, std::string> corop;
        Table views;
        risk::Concentration conc;
        bool have_hot_spots = false;
        if (!o.store.empty()) {
            if (!fs::exists(o.store)) throw NotFoundError(fmt::format("--store: '{}' does not exist", o.store));
            audit.inputs.push_back(describe_input(o.store));
            const AreaLayer layer = read_area_layer(o.store, Level::kBuurt, o.vintage);
            std::vector<std::string> ids;
            geo::AreaRings rings;
            for (const auto& a : layer.areas) {
                ids.push_back(a.code);
                geo::append_wkb_area(a.wkb, rings);
            }
            const AreaLayer gm = read_area_layer(o.store, Level::kGemeente, 0);
            for (const auto& a : gm.areas) {
                if (!a.corop.empty()) corop[a.code] = a.corop;
            }
            const spatial::PolygonView pv{rings.xy, rings.ring_start, rings.area_start};
            const spatial::Weights w = spatial::contiguity_weights(pv, spatial::Contiguity::kQueen);
            spatial::HotspotSettings s;
            s.permutations = o.permutations;
            s.global_permutations = 0;
            s.seed = o.seed;
            s.alpha = o.alpha;
            conc = risk::hot_spot_concentration(ind, ids, w, s, o.hot_spot_years);
            have_hot_spots = true;
        }
        views = risk::indicator_views(ind, corop);
        std::vector<std::pair<std::string, const Table*>> out = {{"r_yearly", &ind.yearly},
                                                                 {"r_snapshot", &ind.snapshot},
                                                                 {"r_indicators", &views},
                                                                 {"r_flag_unexplained_purchases", &ind.unexplained_purchases},
                                                                 {"r_flag_owners_without_means", &ind.owners_without_means},
                                                                 {"r_flag_professional_directors", &ind.professional_directors}};
        if (have_hot_spots) {
            out.emplace_back("r_hot_spot_concentration", &conc.summary);
            out.emplace_back("r_hot_spots", &conc.hot_spots);
        }
        RiskIndicatorResult r;
        r.reference_year = ind.reference_year;
        r.buurten = ind.snapshot.row_count();
        r.years = r.buurten == 0 ? 0 : ind.yearly.row_count() / r.buurten;
        r.unexplained_purchases = static_cast<std::int64_t>(ind.unexplained_purchases.row_count());
        r.owners_without_means = static_cast<std::int64_t>(ind.owners_without_means.row_count());
        r.professional_directors = static_cast<std::int64_t>(ind.professional_directors.row_count());
        if (have_hot_spots) r.concentration = conc.summary;
        r.summary = {{"reference_year", r.reference_year},
                     {"buurten", r.buurten},
                     {"years", r.years},
                     {"unexplained_purchases", r.unexplained_purchases},
                     {"owners_without_means", r.owners_without_means},
                     {"professional_directors", r.professional_directors},
                     {"purchases", sum_of(ind.yearly, "purchases")},
                     {"hot_spots", have_hot_spots}};
        audit.outputs = {{"tables", nlohmann::json::array()}};
        for (const auto& [name, t] : out) audit.outputs["tables"].push_back({{"table", name}, {"rows", t->row_count()}});
        r.run = zone.write(out, audit);
        return r;
    });
}

RiskNetworkResult risk_network(const ZoneArgs& z, const risk::NetworkOptions& o) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    zone::AuditRecord audit;
    audit.command = "risk network";
    audit.parameters = {{"spread_hops", o.spread_hops}, {"reference_year", o.reference_year}, {"min_suspects", o.min_suspects}};
    return audited(z, audit, [&] {
        zone::Zone zone(z.protected_path, key);
        const risk::MicroTables tables = read_micro_tables(zone, true);
        const Table pros = zone.read("r_flag_professional_directors", {"person", "boards"});
        const risk::NetworkResult net = risk::analyse_network(tables, pros, o);
        RiskNetworkResult r;
        r.nodes = net.nodes;
        r.edges = net.edges;
        r.components = static_cast<std::int64_t>(net.components.row_count());
        r.risk_components = sum_of(net.components, "risk");
        r.summary = {{"nodes", r.nodes}, {"edges", r.edges}, {"components", r.components}, {"risk_components", r.risk_components}};
        audit.outputs = {{"tables", {{{"table", "r_network_components"}, {"rows", net.components.row_count()}},
                                     {{"table", "r_network_members"}, {"rows", net.members.row_count()}},
                                     {{"table", "r_network_buurt"}, {"rows", net.buurten.row_count()}}}}};
        r.run = zone.write({{"r_network_components", &net.components}, {"r_network_members", &net.members}, {"r_network_buurt", &net.buurten}},
                           audit);
        return r;
    });
}

}  // namespace wz::jobs
