#include "jobs/risk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.hpp"
#include "geo/rings.hpp"
#include "io/store.hpp"
#include "io/writers.hpp"
#include "risk/disclosure.hpp"
#include "risk/predict.hpp"
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
    if (for_network) {  // only the columns the network uses: at scale 1 each column is 18 M values
        t.persons = zone.read("persons", {"person", "household", "address", "buurt"});
        t.dwellings = zone.read("dwellings", {"address", "buurt"});
        t.ownership = zone.read("ownership", {"address", "buurt", "owner_type", "owner"});
        t.purchases = zone.read("purchases", {"address", "buyer_type", "buyer"});
        t.entities = zone.read("entities", {"entity", "address"});
        t.directors = zone.read("directors", {"entity", "person"});
        t.suspicions = zone.read("suspicions", {"person", "offence", "year"});
        t.transactions = zone.read("transactions", {"from_type", "from_id", "to_type", "to_id", "unusual"});
        return t;
    }
    t.persons = zone.read("persons", {"person", "buurt", "income", "assets"});
    t.dwellings = zone.read("dwellings", {"address", "buurt"});
    t.ownership = zone.read("ownership", {"address", "buurt", "owner_type", "owner"});
    t.purchases = zone.read("purchases", {"purchase", "address", "buurt", "buyer_type", "buyer", "year",
                                          "price", "household_income", "household_assets"});
    t.entities = zone.read("entities", {"entity", "legal_form", "address", "buurt"});
    t.directors = zone.read("directors", {"entity", "person"});
    t.suspicions = zone.read("suspicions", {"person", "offence", "year", "convicted"});
    t.transactions =
        zone.read("transactions", {"year", "from_type", "from_id", "to_type", "to_id", "amount", "unusual"});
    return t;
}

namespace {

// The buurt characteristics the results store holds, for `buurten`, of the year nearest `year` (the
// latest not after it, else the earliest): the liveability score and dimensions (score_buurt) and every
// numeric column of the StatLine datasets (key figures), named "<dataset>.<column>"; missing where the
// store has no value.
Table buurt_characteristics(const std::string& store, const std::vector<std::string>& buurten,
                            std::int64_t year) {
    Table out;
    out.add_column(Column::of_texts("buurt", buurten));
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < buurten.size(); ++i) at.emplace(buurten[i], i);
    const nlohmann::json inventory = store_inventory(store);
    for (const auto& entry : inventory["datasets"]) {
        const std::string name = entry.value("name", "");
        if (name != "score_buurt" && entry.value("kind", "") != "statline") continue;
        const Dataset d = read_dataset(store, name);
        const Column* code = d.table.find("code");
        const Column* yr = d.table.find("year");
        if (code == nullptr) continue;
        std::optional<std::int64_t> use;
        if (yr != nullptr) {
            std::int64_t before = std::numeric_limits<std::int64_t>::min(),
                         first = std::numeric_limits<std::int64_t>::max();
            for (std::size_t r = 0; r < d.table.row_count(); ++r) {
                if (yr->is_missing(r) || at.count(code->to_text(r)) == 0) continue;
                const auto y = yr->int_at(r);
                if (y <= year) before = std::max(before, y);
                first = std::min(first, y);
            }
            if (first == std::numeric_limits<std::int64_t>::max()) continue;  // no buurt of ours
            use = before != std::numeric_limits<std::int64_t>::min() ? before : first;
        }
        for (const Column& c : d.table.columns()) {
            if (c.type() == ColumnType::kText || &c == yr) continue;
            std::vector<double> v(buurten.size(), 0.0);
            std::vector<std::uint8_t> missing(buurten.size(),
                                              static_cast<std::uint8_t>(Missing::kNotAvailable));
            std::size_t found = 0;
            for (std::size_t r = 0; r < d.table.row_count(); ++r) {
                if (use && (yr->is_missing(r) || yr->int_at(r) != *use)) continue;
                const auto it = at.find(code->to_text(r));
                if (it == at.end() || c.is_missing(r)) continue;
                v[it->second] = c.number_at(r);
                missing[it->second] = 0;
                ++found;
            }
            if (found > 0)
                out.add_column(Column::of_reals(name + "." + c.name(), std::move(v), std::move(missing)));
        }
    }
    return out;
}

}  // namespace

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
        Table characteristics;
        bool have_hot_spots = false;
        if (!o.store.empty()) {
            if (!fs::exists(o.store))
                throw NotFoundError(fmt::format("--store: '{}' does not exist", o.store));
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
            std::vector<std::string> names;
            for (const auto& def : risk::indicator_defs()) names.push_back(def.name);
            characteristics = risk::characteristics_by_hot_spot(
                names, conc.hot_spots, buurt_characteristics(o.store, ids, ind.reference_year));
            have_hot_spots = true;
        }
        views = risk::indicator_views(ind, corop);
        std::vector<std::pair<std::string, const Table*>> out = {
            {"r_yearly", &ind.yearly},
            {"r_snapshot", &ind.snapshot},
            {"r_indicators", &views},
            {"r_flag_unexplained_purchases", &ind.unexplained_purchases},
            {"r_flag_owners_without_means", &ind.owners_without_means},
            {"r_flag_professional_directors", &ind.professional_directors}};
        if (have_hot_spots) {
            out.emplace_back("r_hot_spot_concentration", &conc.summary);
            out.emplace_back("r_hot_spots", &conc.hot_spots);
            out.emplace_back("r_hot_spot_characteristics", &characteristics);
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
        for (const auto& [name, t] : out)
            audit.outputs["tables"].push_back({{"table", name}, {"rows", t->row_count()}});
        r.run = zone.write(out, audit);
        return r;
    });
}

RiskNetworkResult risk_network(const ZoneArgs& z, const risk::NetworkOptions& o) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    zone::AuditRecord audit;
    audit.command = "risk network";
    audit.parameters = {{"spread_hops", o.spread_hops},
                        {"reference_year", o.reference_year},
                        {"min_suspects", o.min_suspects}};
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
        r.summary = {{"nodes", r.nodes},
                     {"edges", r.edges},
                     {"components", r.components},
                     {"risk_components", r.risk_components}};
        audit.outputs = {{"tables",
                          {{{"table", "r_network_components"}, {"rows", net.components.row_count()}},
                           {{"table", "r_network_members"}, {"rows", net.members.row_count()}},
                           {{"table", "r_network_buurt"}, {"rows", net.buurten.row_count()}}}}};
        r.run = zone.write({{"r_network_components", &net.components},
                            {"r_network_members", &net.members},
                            {"r_network_buurt", &net.buurten}},
                           audit);
        return r;
    });
}

namespace {

// The predict panel from r_yearly: per buurt and feature year t (with t + 1 in the data) the counts of
// t, of the three years up to t and of every year up to t; target: drugs-trafficking suspicions in t + 1.
Table predict_panel(const Table& yearly, std::vector<std::string>& features) {
    const Column& b = yearly.column("buurt");
    const Column& y = yearly.column("year");
    struct Key {
        std::string buurt;
        std::int64_t year;
        bool operator<(const Key& o) const { return std::tie(buurt, year) < std::tie(o.buurt, o.year); }
    };
    const std::vector<std::string> counts = {"suspicions_drugs_possession",  "suspicions_money_laundering",
                                             "suspicions_drugs_trafficking", "suspicions_violence",
                                             "unusual_transactions",         "unexplained_purchases"};
    std::map<Key, std::vector<double>> at;
    std::set<std::int64_t> years;
    for (std::size_t r = 0; r < b.size(); ++r) {
        std::vector<double> v;
        for (const auto& c : counts) v.push_back(static_cast<double>(yearly.column(c).int_at(r)));
        v.push_back(static_cast<double>(yearly.column("residents").int_at(r)));
        at[{b.text_at(r), y.int_at(r)}] = std::move(v);
        years.insert(y.int_at(r));
    }
    features = {"residents"};
    for (const auto& c : counts) {
        const std::string s = c.rfind("suspicions_", 0) == 0 ? c.substr(11) : c;
        features.push_back(s + "_t");
        features.push_back(s + "_3y");
        features.push_back(s + "_all");
    }
    Table panel;
    Column cb("buurt", ColumnType::kText), cy("year", ColumnType::kInt), target("target", ColumnType::kReal),
        base("baseline", ColumnType::kReal);
    std::vector<Column> fc;
    for (const auto& f : features) fc.emplace_back(f, ColumnType::kReal);
    for (const auto& [k, v] : at) {
        const auto next = at.find({k.buurt, k.year + 1});
        if (next == at.end()) continue;
        cb.push_text(k.buurt);
        cy.push_int(k.year);
        target.push_real(next->second[2]);
        base.push_real(v[2]);
        fc[0].push_real(v[counts.size()]);
        for (std::size_t c = 0; c < counts.size(); ++c) {
            double three = 0, all = 0;
            for (auto it = at.lower_bound({k.buurt, 0});
                 it != at.end() && it->first.buurt == k.buurt && it->first.year <= k.year; ++it) {
                all += it->second[c];
                if (it->first.year > k.year - 3) three += it->second[c];
            }
            fc[1 + 3 * c].push_real(v[c]);
            fc[2 + 3 * c].push_real(three);
            fc[3 + 3 * c].push_real(all);
        }
    }
    panel.add_column(std::move(cb));
    panel.add_column(std::move(cy));
    for (auto& c : fc) panel.add_column(std::move(c));
    panel.add_column(std::move(target));
    panel.add_column(std::move(base));
    return panel;
}

// Geometry (WKB) of each area code of the published levels from the results store (empty without one).
std::map<std::string, std::vector<std::uint8_t>> area_geometries(const std::string& store) {
    std::map<std::string, std::vector<std::uint8_t>> g;
    if (store.empty()) return g;
    for (Level l : {Level::kBuurt, Level::kWijk, Level::kGemeente}) {
        try {
            const AreaLayer layer = read_area_layer(store, l, 0);
            for (const auto& a : layer.areas) g.emplace(a.code, a.wkb);
        } catch (const NotFoundError&) {
        }
    }
    return g;
}

}  // namespace

RiskPredictResult risk_predict(const ZoneArgs& z, const RiskPredictOptions& o) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    zone::AuditRecord audit;
    audit.command = "risk predict";
    audit.parameters = {{"bootstrap", o.predict.bootstrap},
                        {"seed", o.predict.seed},
                        {"positive_share", o.predict.positive_share},
                        {"xgboost", o.predict.xgboost},
                        {"test_years", o.predict.test_years}};
    return audited(z, audit, [&] {
        zone::Zone zone(z.protected_path, key);
        std::vector<std::string> cols = {"buurt",
                                         "year",
                                         "residents",
                                         "suspicions_drugs_possession",
                                         "suspicions_money_laundering",
                                         "suspicions_drugs_trafficking",
                                         "suspicions_violence",
                                         "unusual_transactions",
                                         "unexplained_purchases"};
        const Table yearly = zone.read("r_yearly", cols);
        std::vector<std::string> features;
        const Table panel = predict_panel(yearly, features);
        risk::PredictOptions po = o.predict;
        if (po.test_years.empty()) {
            std::set<std::int64_t> years;
            for (std::size_t r = 0; r < panel.row_count(); ++r)
                years.insert(panel.column("year").int_at(r) + 1);
            if (years.size() < 3)
                throw InputError(z.protected_path, 0, 0,
                                 "at least three target years for a temporal hold-out",
                                 fmt::format("{}", years.size()));
            // The last half of the target years (at least one), each trained on the years before it.
            std::vector<std::int64_t> ys(years.begin(), years.end());
            for (std::size_t k = ys.size() / 2; k < ys.size(); ++k)
                po.test_years.push_back(static_cast<int>(ys[k]));
        }
        const risk::PredictResult p = risk::predict_drug_crime(panel, features, "target", "baseline", po);
        RiskPredictResult r;
        r.metrics = p.metrics;
        r.comparison = p.comparison;
        r.test_years = po.test_years;
        r.features = features;
        audit.parameters["test_years"] = po.test_years;
        audit.outputs = {{"tables",
                          {"r_predict_metrics", "r_predict_comparison", "r_predict_calibration",
                           "r_predict_contributions", "r_predict_predictions", "r_predict_folds"}}};
        r.run = zone.write({{"r_predict_metrics", &p.metrics},
                            {"r_predict_comparison", &p.comparison},
                            {"r_predict_calibration", &p.calibration},
                            {"r_predict_contributions", &p.contributions},
                            {"r_predict_predictions", &p.predictions},
                            {"r_predict_folds", &p.folds}},
                           audit);
        return r;
    });
}

RiskPublishResult risk_publish(const ZoneArgs& z, const RiskPublishOptions& o) {
    const zone::Key key = zone::Key::from_file(z.key_file);
    if (o.out.empty()) throw UsageError("--out: the GeoPackage of aggregates to write");
    zone::AuditRecord audit;
    audit.command = "risk publish";
    audit.parameters = {{"rounding_base", o.disclosure.rounding_base},
                        {"minimum_count", o.disclosure.minimum_count},
                        {"protection_level", o.disclosure.protection_level},
                        {"out", fs::path(o.out).filename().string()}};
    return audited(z, audit, [&] {
        zone::Zone zone(z.protected_path, key);
        if (!o.store.empty()) {
            if (!fs::exists(o.store))
                throw NotFoundError(fmt::format("--store: '{}' does not exist", o.store));
            audit.inputs.push_back(describe_input(o.store));
        }
        std::vector<std::string> kinds;
        for (const char* k :
             {"drugs_possession", "drugs_trafficking", "money_laundering", "violence", "property"})
            kinds.push_back(std::string("suspicions_") + k);
        struct Part {
            std::string layer, table;
            std::vector<std::string> counts;
            std::vector<risk::Margin> margins;
            std::vector<risk::Rate> rates;
        };
        std::vector<std::string> yearly_counts = {"residents", "purchases", "unexplained_purchases"};
        yearly_counts.insert(yearly_counts.end(), kinds.begin(), kinds.end());
        // The total of the suspicions is not published beside its kinds: the kinds are what matters, and
        // a total over five kinds would be a margin the suppression would have to protect as well.
        yearly_counts.push_back("unusual_transactions");
        std::vector<Part> parts = {
            {"yearly",
             "r_yearly",
             yearly_counts,
             {},
             {{"unexplained_per_1000_purchases", "unexplained_purchases", "purchases", 1000},
              {"drugs_trafficking_per_1000_residents", "suspicions_drugs_trafficking", "residents", 1000},
              {"unusual_transactions_per_1000_residents", "unusual_transactions", "residents", 1000}}},
            {"snapshot",
             "r_snapshot",
             {"residents", "dwellings", "owners", "owners_without_means", "convicted_owners",
              "suspected_owners", "professional_foundations", "professional_foundation_dwellings"},
             {},
             {{"owners_without_means_per_1000_owners", "owners_without_means", "owners", 1000},
              {"convicted_owners_per_1000_owners", "convicted_owners", "owners", 1000},
              {"suspected_owners_per_1000_owners", "suspected_owners", "owners", 1000}}}};
        const bool network = zone.has_table("r_network_buurt");
        if (network) {
            parts.push_back(
                {"network",
                 "r_network_buurt",
                 {"persons_at_risk", "suspects", "entity_owned_dwellings", "dwellings_via_suspect_entities"},
                 {},
                 {}});
        }
        const auto geometry = area_geometries(o.store);
        std::vector<Table> published;
        std::vector<std::vector<std::vector<std::uint8_t>>> geoms;
        Column sl("layer", ColumnType::kText), slev("level", ColumnType::kText),
            sa("area", ColumnType::kText), sy("year", ColumnType::kInt), sc("column", ColumnType::kText),
            sr("reason", ColumnType::kText);
        RiskPublishResult r;
        std::int64_t reference_year = 0;
        for (const auto& part : parts) {
            std::vector<std::string> cols = {"buurt"};
            if (part.table != "r_network_buurt") cols.push_back("year");
            cols.insert(cols.end(), part.counts.begin(), part.counts.end());
            Table t = zone.read(part.table, cols);
            if (part.table == "r_snapshot" && t.row_count() > 0) reference_year = t.column("year").int_at(0);
            if (part.table == "r_network_buurt") {
                // The network holds for the reference year of the indicators.
                Table with_year;
                with_year.add_column(std::move(t.columns()[0]));
                Column y("year", ColumnType::kInt);
                for (std::size_t i = 0; i < with_year.row_count(); ++i) y.push_int(reference_year);
                with_year.add_column(std::move(y));
                for (std::size_t c = 1; c < t.column_count(); ++c)
                    with_year.add_column(std::move(t.columns()[c]));
                t = std::move(with_year);
            }
            const risk::DisclosureResult d =
                risk::protect_counts(t, part.counts, part.margins, part.rates, o.disclosure);
            if (!d.unprotected.empty()) {
                throw InternalError(fmt::format(
                    "risk publish: {} suppressed cells of {} could not be proved protected; nothing was "
                    "published",
                    d.unprotected.size(), part.layer));
            }
            r.primary += d.primary_cells;
            r.secondary += d.secondary_cells;
            for (std::size_t i = 0; i < d.suppressed.row_count(); ++i) {
                sl.push_text(part.layer);
                slev.push_text(d.suppressed.column("level").text_at(i));
                sa.push_text(d.suppressed.column("area").text_at(i));
                sy.push_int(d.suppressed.column("year").int_at(i));
                sc.push_text(d.suppressed.column("column").text_at(i));
                sr.push_text(d.suppressed.column("reason").text_at(i));
            }
            std::vector<std::vector<std::uint8_t>> g;
            const Column& area = d.published.column("area");
            for (std::size_t i = 0; i < area.size(); ++i) {
                const auto it = geometry.find(area.text_at(i));
                g.push_back(it == geometry.end() ? std::vector<std::uint8_t>{} : it->second);
            }
            r.rows += d.published.row_count();
            r.layers.push_back(part.layer);
            published.push_back(d.published);
            geoms.push_back(std::move(g));
        }
        Table suppressed;
        for (Column* c : {&sl, &slev, &sa, &sy, &sc, &sr}) suppressed.add_column(std::move(*c));
        Table about;
        {
            Column k("key", ColumnType::kText), v("value", ColumnType::kText);
            const std::vector<std::pair<std::string, std::string>> rows = {
                {"made_by", "wijkzicht risk publish"},
                {"made", utc_now()},
                {"rounding", fmt::format("every count rounded to the nearest multiple of {}",
                                         o.disclosure.rounding_base)},
                {"minimum_count",
                 fmt::format("counts below {} suppressed (primary)", o.disclosure.minimum_count)},
                {"secondary",
                 "further cells suppressed so that no suppressed cell can be recomputed from row, column or "
                 "hierarchy "
                 "totals (buurt, wijk, gemeente, land); docs/undermining.md"},
                {"rates", "from the published (rounded) counts only"},
                {"reference_year", std::to_string(reference_year)}};
            for (const auto& [a, b] : rows) {
                k.push_text(a);
                v.push_text(b);
            }
            about.add_column(std::move(k));
            about.add_column(std::move(v));
        }
        std::vector<GpkgLayer> layers;
        for (std::size_t i = 0; i < published.size(); ++i) {
            layers.push_back({"risk_" + r.layers[i], &published[i], o.store.empty() ? nullptr : &geoms[i]});
        }
        layers.push_back({"suppressed", &suppressed, nullptr});
        layers.push_back({"about", &about, nullptr});
        write_tables_gpkg(layers, o.out);
        r.suppressed = suppressed.row_count();
        const InputFile out = describe_input(o.out);
        audit.outputs = {{"file", fs::path(o.out).filename().string()},
                         {"sha256", out.sha256},
                         {"rows", r.rows},
                         {"primary_suppressed", r.primary},
                         {"secondary_suppressed", r.secondary}};
        r.run = zone.write({}, audit);
        return r;
    });
}

}  // namespace wz::jobs
