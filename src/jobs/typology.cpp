#include "jobs/typology.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <unordered_map>

#include "core/error.hpp"
#include "geo/rings.hpp"
#include "jobs/json.hpp"
#include "jobs/map_layers.hpp"
#include "spatial/weights.hpp"

namespace wz::jobs {
namespace {

namespace fs = std::filesystem;

std::vector<typology::AreaLinks> links_of(const AreaLayer& layer) {
    std::vector<typology::AreaLinks> out;
    out.reserve(layer.areas.size());
    for (const auto& a : layer.areas) {
        typology::AreaLinks l;
        l.code = a.code;
        l.parents = {{"wijk", a.wijk},           {"gemeente", a.gemeente},
                     {"corop", a.corop},         {"corop_plus", a.corop_plus},
                     {"provincie", a.provincie}, {std::string(level_name(layer.level)), a.code}};
        out.push_back(std::move(l));
    }
    return out;
}

// Queen contiguity of the areas of a layer (shared boundary points of their polygons).
std::vector<std::vector<std::uint32_t>> queen_neighbours(const AreaLayer& layer) {
    geo::AreaRings rings;
    for (const auto& a : layer.areas) geo::append_wkb_area(a.wkb, rings);
    const spatial::PolygonView pv{rings.xy, rings.ring_start, rings.area_start};
    const auto w = spatial::contiguity_weights(pv, spatial::Contiguity::kQueen);
    std::vector<std::vector<std::uint32_t>> out(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        const auto nb = w.neighbours_of(i);
        out[i].assign(nb.begin(), nb.end());
    }
    return out;
}

std::string out_name(const TypologyEvaluation& e, const typology::OutputOptions& o) {
    return sanitize_dataset_name(fmt::format("typology_{}{}_{}_{}", e.loaded.rules.name,
                                             o.designation.empty() ? "" : "_" + o.designation,
                                             e.loaded.rules.level, e.evaluation.year));
}

}  // namespace

Table development_by_measurement(const Table& development) {
    for (const char* name : {"code", "from_year", "to_year"})
        if (development.find(name) == nullptr)
            throw UsageError(fmt::format("a development dataset needs a column '{}'", name));
    const Column& code = development.column("code");
    const Column& from = development.column("from_year");
    const Column& to = development.column("to_year");
    // Per (code, to_year): the row whose from_year is the latest before to_year.
    std::map<std::pair<std::string, std::int64_t>, std::size_t> pick;
    for (std::size_t r = 0; r < development.row_count(); ++r) {
        if (code.is_missing(r) || from.is_missing(r) || to.is_missing(r)) continue;
        auto [it, added] = pick.emplace(std::make_pair(code.to_text(r), to.int_at(r)), r);
        if (!added && from.int_at(r) > from.int_at(it->second)) it->second = r;
    }
    std::vector<std::size_t> rows;
    rows.reserve(pick.size());
    for (const auto& [key, r] : pick) rows.push_back(r);
    Table taken = take_rows(development, rows);
    Table out;
    for (auto& c : taken.columns()) {
        if (c.name() != "to_year") {
            out.add_column(std::move(c));
            continue;
        }
        Column year("year", ColumnType::kInt);
        for (std::size_t r = 0; r < c.size(); ++r) year.push_int(c.int_at(r));
        out.add_column(std::move(year));
    }
    return out;
}

namespace {

Level parse_level_arg(const std::string& text) {
    const auto level = parse_level(text);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", text));
    return *level;
}

}  // namespace

TypologyEvaluation evaluate_typology(const std::string& store, const TypologyOptions& options) {
    TypologyEvaluation e;
    e.loaded = load_rules(options.rules, options.params, options.designation);
    const std::string& level_arg = options.level;
    e.inputs.push_back(describe_input(e.loaded.path));
    if (!level_arg.empty()) {
        const std::string level(level_name(parse_level_arg(level_arg)));
        if (level != e.loaded.rules.level) {
            if (e.loaded.rules.levels.empty())
                throw UsageError(fmt::format("rule set {} designates {} areas; --level is {}",
                                             e.loaded.rules.name, e.loaded.rules.level, level_arg));
            typology::set_level(e.loaded.rules, level);
        }
    }
    const auto& rules = e.loaded.rules;
    if (!fs::exists(store)) throw NotFoundError(fmt::format("--store: '{}' does not exist", store));
    typology::Inputs in;
    for (const auto& name : typology::datasets_used(rules)) {
        std::optional<Dataset> d = find_dataset(store, name);
        if (!d) {
            const bool score = name.rfind("score_", 0) == 0 || name.rfind("development_", 0) == 0;
            throw NotFoundError(fmt::format(
                "rule set {} reads dataset '{}': the store has no dataset '{}' (see: wijkzicht info --store "
                "{}){}",
                rules.name, name, name, store,
                score ? " (score datasets are made by `wijkzicht score`)" : ""));
        }
        e.datasets.push_back(std::move(*d));
    }
    for (auto& d : e.datasets) {
        if (d.table.find("year") == nullptr && d.table.find("to_year") != nullptr)
            d.table = development_by_measurement(d.table);
        in.datasets[d.name] = &d.table;
    }
    const Level level = *parse_level(rules.level);
    if (!area_vintages(store, level).empty()) {
        e.layer = read_area_layer(store, level, 0);
        in.areas = links_of(*e.layer);
        if (rules.group_adjacent) in.neighbours = queen_neighbours(*e.layer);
    } else {
        spdlog::warn("no area layer for level {} in the store: the areas are the codes in the datasets{}",
                     rules.level, rules.group_adjacent ? " (no grouping of adjacent areas)" : "");
    }
    for (const auto& v : rules.variables) {
        if (v.from_level.empty() || in.finer.count(v.from_level)) continue;
        in.finer[v.from_level] = links_of(read_area_layer(store, *parse_level(v.from_level), 0));
    }
    e.evaluation = typology::evaluate(rules, in, options.year);
    for (const auto& why : e.evaluation.absent)
        spdlog::warn("rule set {}: variable {} — not in the store, so the criteria that need it are unknown",
                     rules.name, why);
    return e;
}

nlohmann::json typology_json(const TypologyEvaluation& e) {
    const typology::OutputOptions o = e.output();
    const auto& rules = e.loaded.rules;
    const auto counts = typology::count_results(rules, e.evaluation, o);
    nlohmann::json j;
    j["rules"] = rules.name;
    j["title"] = rules.title;
    j["file"] = e.loaded.path;
    j["level"] = rules.level;
    j["year"] = e.evaluation.year;
    j["designation"] = o.designation.empty() ? nlohmann::json("any") : nlohmann::json(o.designation);
    j["measurement_years"] = e.evaluation.measurement_years;
    j["parameters"] = rules.parameters;
    j["areas"] = counts.areas;
    j["designated"] = counts.designated;
    j["per_designation"] = counts.per_designation;
    j["unknown_criteria"] = counts.unknown_criteria;
    j["unknown_per_criterion"] = counts.unknown_per_criterion;
    j["absent_variables"] = e.evaluation.absent;
    j["groups"] = e.evaluation.group_count;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : e.evaluation.areas) {
        if (typology::designated_state(rules, a, o) != typology::Tri::kYes) continue;
        nlohmann::json area;
        area["code"] = a.code;
        nlohmann::json des = nlohmann::json::array();
        for (std::size_t d = 0; d < rules.designations.size(); ++d)
            if (a.designations[d] == typology::Tri::kYes) des.push_back(rules.designations[d].id);
        area["designations"] = des;
        if (a.group > 0) area["group"] = a.group;
        area["reasons"] = typology::reasons_text(rules, a, o);
        nlohmann::json crit = nlohmann::json::array();
        for (std::size_t k = 0; k < rules.criteria.size(); ++k) {
            const auto& cr = a.criteria[k];
            nlohmann::json c = {{"id", rules.criteria[k].id},
                                {"state", std::string(typology::tri_name(cr.state))},
                                {"value", number_or_null(cr.value)},
                                {"threshold", number_or_null(cr.threshold)}};
            if (rules.criteria[k].persistence != typology::Persistence::kNone) {
                c["years_met"] = cr.years_met;
                c["years_unknown"] = cr.years_unknown;
            }
            crit.push_back(c);
        }
        area["criteria"] = crit;
        list.push_back(area);
    }
    j["designated_areas"] = list;
    return j;
}

StoreUpdate typology_update(const TypologyEvaluation& e, const Table& summary, const Table& detail,
                            const nlohmann::json& result) {
    const typology::OutputOptions o = e.output();
    StoreUpdate update;
    update.run.command = "typology";
    update.run.started = utc_now();
    update.run.parameters = {{"rules", e.loaded.rules.name},
                             {"designation", o.designation},
                             {"level", e.loaded.rules.level},
                             {"year", e.evaluation.year},
                             {"parameters", e.loaded.rules.parameters}};
    update.run.inputs = e.inputs;
    nlohmann::json meta = result;
    meta.erase("designated_areas");
    const std::optional<Level> level = parse_level(e.loaded.rules.level);
    const std::string name = out_name(e, o);
    update.datasets.push_back(Dataset{name, "typology", level, summary, meta});
    update.datasets.push_back(Dataset{name + "_detail", "typology-detail", level, detail, meta});
    if (e.layer) update.map_layers.push_back(typology_map_layer(name, summary, *e.layer));  // docs/maps.md
    return update;
}

DesignatedAreas designated_areas(const Table& summary, const AreaLayer& layer) {
    const std::vector<std::string> keep = {
        "code", "designated", "designation", "criteria_met", "criteria_unknown", "reasons", "group"};
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < layer.areas.size(); ++i) index.emplace(layer.areas[i].code, i);
    const Column& des = summary.column("designated");
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < summary.row_count(); ++r) {
        if (!des.is_missing(r) && des.int_at(r) == 1) rows.push_back(r);
    }
    DesignatedAreas out;
    for (const auto& name : keep) {
        const Column& c = summary.column(name);
        // Integers stay integers; everything else is written as text, as the CSV shows it.
        Column col(name, c.type() == ColumnType::kInt ? ColumnType::kInt : ColumnType::kText);
        for (std::size_t r : rows) {
            if (c.is_missing(r)) {
                col.push_missing(c.missing_reason(r));
            } else if (c.type() == ColumnType::kInt) {
                col.push_int(c.int_at(r));
            } else {
                col.push_text(c.to_text(r));
            }
        }
        out.table.add_column(std::move(col));
    }
    const Column& code = summary.column("code");
    for (std::size_t r : rows) {
        const auto it = index.find(code.text_at(r));
        out.geometries.push_back(it == index.end() ? std::vector<std::uint8_t>{}
                                                   : layer.areas[it->second].wkb);
    }
    return out;
}

TypologyComparison compare_typologies(const std::string& store, const TypologyOptions& a,
                                      const std::string& rules_b) {
    TypologyOptions ob = a;
    ob.rules = rules_b;
    TypologyOptions oa = a;
    oa.designation.clear();
    ob.designation.clear();
    const TypologyEvaluation ea = evaluate_typology(store, oa);
    const TypologyEvaluation eb = evaluate_typology(store, ob);
    if (ea.loaded.rules.level != eb.loaded.rules.level)
        throw UsageError(fmt::format("rule sets {} ({}) and {} ({}) designate areas of different levels",
                                     ea.loaded.rules.name, ea.loaded.rules.level, eb.loaded.rules.name,
                                     eb.loaded.rules.level));
    TypologyComparison out;
    out.a = ea.loaded.rules.name;
    out.b = eb.loaded.rules.name;
    out.table = typology::compare_table(ea.loaded.rules, ea.evaluation, eb.loaded.rules, eb.evaluation,
                                        ea.output(), eb.output());
    const Table& t = out.table;
    std::map<std::string, std::size_t> by_status;
    const Column& st = t.column("status");
    for (std::size_t r = 0; r < t.row_count(); ++r) ++by_status[st.text_at(r)];
    out.both = by_status["both"];
    out.only_a = by_status["only_a"];
    out.only_b = by_status["only_b"];
    const std::size_t both = out.both, only_a = out.only_a, only_b = out.only_b;
    nlohmann::json j = {
        {"a", out.a},
        {"b", out.b},
        {"level", ea.loaded.rules.level},
        {"year", a.year},
        {"areas", t.row_count()},
        {"designated_a", both + only_a},
        {"designated_b", both + only_b},
        {"both", both},
        {"only_a", only_a},
        {"only_b", only_b},
        {"neither", by_status["neither"]},
        {"undecided", by_status["undecided"]},
        {"jaccard", both + only_a + only_b > 0
                        ? static_cast<double>(both) / static_cast<double>(both + only_a + only_b)
                        : 0.0}};
    nlohmann::json diff = nlohmann::json::array();
    const Column& code = t.column("code");
    const Column& why = t.column("why");
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (st.text_at(r) == "only_a" || st.text_at(r) == "only_b")
            diff.push_back({{"code", code.text_at(r)}, {"status", st.text_at(r)}, {"why", why.text_at(r)}});
    }
    j["differences"] = diff;
    out.summary = std::move(j);
    return out;
}

}  // namespace wz::jobs
