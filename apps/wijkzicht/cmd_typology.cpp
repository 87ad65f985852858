// wijkzicht typology: apply a rule set (shipped or a TOML file) to the areas of one level and year, and
// compare two rule sets. Wires the store, the typology module and (for grouping adjacent areas) the
// spatial contiguity; writes CSV, JSON, the store and a GeoPackage of the designated areas.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "core/codes.hpp"
#include "core/error.hpp"
#include "geo/rings.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "presets.hpp"
#include "spatial/weights.hpp"
#include "typology/evaluate.hpp"
#include "typology/rules.hpp"

namespace wz::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kShipped[] = {"lbm2018-type1", "lbm2018-type2", "lbm2018-type3",
                                    "denmark-2018",  "denmark-2021",  "berlin-mss"};

constexpr const char* kHelp = R"(Apply a typology rule set: which areas need a special approach, and why.

A rule set (TOML, docs/typology.md) has criteria on area variables (key figures, scores, classes,
shares) compared with constants, national or regional means (or multiples), national percentiles or
another variable; "at least k of n"; persistence ("in at least 3 measurements", "4 years running");
designations that require criteria. A criterion whose data is missing is "unknown", never "not met".

Shipped rule sets (share/wijkzicht/rules): lbm2018-type1 (wijk), lbm2018-type2 (buurt),
lbm2018-type3 (corop_plus) read the score datasets of `wijkzicht score`; denmark-2018 (udsat, ghetto,
hard_ghetto), denmark-2021 (udsat, parallelsamfund, omdannelsesomraade, forebyggelsesomraade) and
berlin-mss (special_attention) read kerncijfers_buurten. NAME:DESIGNATION (denmark-2018:ghetto)
selects one designation; otherwise an area is designated when it meets any designation of the set.

Output (CSV --out, store, --json, --gpkg): one row per area: code, designated (1/0, empty = unknown),
criteria_met, criteria_unknown (of the criteria that feed the designation), reasons ("not met:
residents (900, needs >= 1000); met: ..."), designation (ids met), group (adjacent designated areas, when the
set groups), then per criterion <id>_state, _value, _threshold (and _years: the measurements that
counted). Store: datasets typology_<set>_<level>_<year> and ..._detail (one row per area and criterion).

Examples:
  wijkzicht typology --store nl.gpkg --rules denmark-2018 --level buurt --year 2022 --out dk.csv --json
  wijkzicht typology --store nl.gpkg --rules my_rules.toml --param min_residents=500 --year 2022
  wijkzicht typology compare denmark-2018 denmark-2021 --store nl.gpkg --level buurt --year 2022 --out cmp.csv)";

struct Args {
    std::string store, rules, level, out, gpkg, designation;
    int year = 0;
    bool json = false, no_store = false;
    std::vector<std::string> params;
    // compare
    std::string rules_b;
};

// The file of a shipped rule set or a user's file; UsageError names the shipped ones.
std::string rules_path(const std::string& name_or_file) {
    if (fs::exists(name_or_file) && fs::is_regular_file(name_or_file)) return name_or_file;
    const fs::path shipped = fs::path(share_dir()) / "rules" / (name_or_file + ".toml");
    if (fs::exists(shipped)) return shipped.string();
    throw UsageError(fmt::format("--rules: '{}' is neither a file nor a shipped rule set ({})", name_or_file,
                                 fmt::join(kShipped, ", ")));
}

struct Loaded {
    typology::RuleSet rules;
    std::string designation;
    std::string path;
};

Loaded load_rules(const std::string& spec, const std::vector<std::string>& params,
                  const std::string& designation) {
    Loaded l;
    std::string name = spec;
    // NAME:DESIGNATION (not a Windows drive letter, not an existing file).
    if (!fs::exists(spec)) {
        const auto colon = spec.rfind(':');
        if (colon != std::string::npos && colon > 1) {
            name = spec.substr(0, colon);
            l.designation = spec.substr(colon + 1);
        }
    }
    if (!designation.empty()) l.designation = designation;
    l.path = rules_path(name);
    std::ifstream in(l.path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read '{}'", l.path));
    std::stringstream ss;
    ss << in.rdbuf();
    l.rules = typology::parse_rule_set(ss.str(), l.path);
    typology::override_parameters(l.rules, params);
    return l;
}

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

struct Evaluated {
    Loaded loaded;
    typology::Evaluation ev;
    std::vector<Dataset> datasets;  // kept alive for the inputs
    std::optional<AreaLayer> layer;
    std::vector<InputFile> inputs;
};

Level parse_level_arg(const std::string& text) {
    const auto level = parse_level(text);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", text));
    return *level;
}

Evaluated evaluate_rules(const std::string& store, const std::string& spec, const std::string& level_arg,
                         int year, const std::vector<std::string>& params, const std::string& designation) {
    Evaluated e;
    e.loaded = load_rules(spec, params, designation);
    const auto& rules = e.loaded.rules;
    e.inputs.push_back(describe_input(e.loaded.path));
    if (!level_arg.empty() && std::string(level_name(parse_level_arg(level_arg))) != rules.level) {
        throw UsageError(fmt::format("rule set {} designates {} areas; --level is {}", rules.name,
                                     rules.level, level_arg));
    }
    if (!fs::exists(store)) throw UsageError(fmt::format("--store: '{}' does not exist", store));
    typology::Inputs in;
    for (const auto& name : typology::datasets_used(rules)) {
        try {
            e.datasets.push_back(read_dataset(store, name));
        } catch (const UsageError& err) {
            const bool score = name.rfind("score_", 0) == 0 || name.rfind("development_", 0) == 0;
            throw UsageError(fmt::format("rule set {} reads dataset '{}': {}{}", rules.name, name, err.what(),
                                         score ? " (score datasets are made by `wijkzicht score`)" : ""));
        }
    }
    for (const auto& d : e.datasets) in.datasets[d.name] = &d.table;
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
    e.ev = typology::evaluate(rules, in, year);
    return e;
}

nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json result_json(const Evaluated& e, const typology::OutputOptions& o) {
    const auto& rules = e.loaded.rules;
    const auto counts = typology::count_results(rules, e.ev, o);
    nlohmann::json j;
    j["rules"] = rules.name;
    j["title"] = rules.title;
    j["file"] = e.loaded.path;
    j["level"] = rules.level;
    j["year"] = e.ev.year;
    j["designation"] = o.designation.empty() ? nlohmann::json("any") : nlohmann::json(o.designation);
    j["measurement_years"] = e.ev.measurement_years;
    j["parameters"] = rules.parameters;
    j["areas"] = counts.areas;
    j["designated"] = counts.designated;
    j["per_designation"] = counts.per_designation;
    j["unknown_criteria"] = counts.unknown_criteria;
    j["unknown_per_criterion"] = counts.unknown_per_criterion;
    j["groups"] = e.ev.group_count;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : e.ev.areas) {
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

void write_designated_geopackage(const std::string& path, const Table& t, const AreaLayer& layer) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) throw UsageError("GDAL has no GPKG driver");
    const std::string tmp = path + ".tmp.gpkg";
    fs::remove(tmp);
    std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
        driver->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr), [](GDALDataset* d) { GDALClose(d); });
    if (!ds) throw UsageError(fmt::format("cannot create '{}'", tmp));
    OGRSpatialReference rd;
    rd.importFromEPSG(28992);
    OGRLayer* out = ds->CreateLayer("designated", &rd, wkbMultiPolygon, nullptr);
    if (out == nullptr) throw UsageError(fmt::format("cannot create a layer in '{}'", tmp));
    const std::vector<std::string> keep = {
        "code", "designated", "designation", "criteria_met", "criteria_unknown", "reasons", "group"};
    for (const auto& name : keep) {
        const Column& c = t.column(name);
        OGRFieldDefn def(name.c_str(), c.type() == ColumnType::kInt ? OFTInteger64 : OFTString);
        if (out->CreateField(&def) != OGRERR_NONE)
            throw UsageError(fmt::format("cannot create field {}", name));
    }
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < layer.areas.size(); ++i) index.emplace(layer.areas[i].code, i);
    const Column& des = t.column("designated");
    if (ds->StartTransaction() != OGRERR_NONE) throw UsageError("cannot start a GeoPackage transaction");
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (des.is_missing(r) || des.int_at(r) != 1) continue;
        OGRFeature feature(out->GetLayerDefn());
        for (std::size_t k = 0; k < keep.size(); ++k) {
            const Column& c = t.column(keep[k]);
            const int fi = static_cast<int>(k);
            if (c.is_missing(r)) {
                feature.SetFieldNull(fi);
            } else if (c.type() == ColumnType::kInt) {
                feature.SetField(fi, static_cast<GIntBig>(c.int_at(r)));
            } else {
                feature.SetField(fi, c.to_text(r).c_str());
            }
        }
        auto it = index.find(t.column("code").text_at(r));
        if (it != index.end() && !layer.areas[it->second].wkb.empty()) {
            const auto& wkb = layer.areas[it->second].wkb;
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(wkb.data(), &rd, &g, wkb.size()) == OGRERR_NONE &&
                g != nullptr)
                feature.SetGeometryDirectly(g);
        }
        if (out->CreateFeature(&feature) != OGRERR_NONE)
            throw UsageError(fmt::format("cannot write to '{}'", tmp));
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw UsageError("cannot commit the GeoPackage");
    ds.reset();
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw UsageError(fmt::format("cannot replace '{}': {}", path, ec.message()));
}

std::string out_name(const Evaluated& e, const typology::OutputOptions& o) {
    return sanitize_dataset_name(fmt::format("typology_{}{}_{}_{}", e.loaded.rules.name,
                                             o.designation.empty() ? "" : "_" + o.designation,
                                             e.loaded.rules.level, e.ev.year));
}

int run_typology(const Args& a) {
    if (a.rules.empty()) throw UsageError("--rules is required (a shipped rule set or a TOML file)");
    if (a.year == 0) throw UsageError("--year is required");
    if (a.store.empty()) throw UsageError("--store is required");
    Evaluated e = evaluate_rules(a.store, a.rules, a.level, a.year, a.params, a.designation);
    const typology::OutputOptions o{e.loaded.designation};
    const Table summary = typology::summary_table(e.loaded.rules, e.ev, o);
    const Table detail = typology::detail_table(e.loaded.rules, e.ev);
    const nlohmann::json j = result_json(e, o);
    if (!a.gpkg.empty() && !e.layer)
        throw UsageError(
            fmt::format("--gpkg: the store has no {} areas with geometry", e.loaded.rules.level));
    if (!a.out.empty()) write_table_csv(summary, a.out);
    if (!a.gpkg.empty()) write_designated_geopackage(a.gpkg, summary, *e.layer);
    if (!a.no_store) {
        StoreUpdate update;
        update.run.command = "typology";
        update.run.started = utc_now();
        update.run.parameters = {{"rules", e.loaded.rules.name},
                                 {"designation", o.designation},
                                 {"level", e.loaded.rules.level},
                                 {"year", a.year},
                                 {"parameters", e.loaded.rules.parameters}};
        update.run.inputs = e.inputs;
        nlohmann::json meta = j;
        meta.erase("designated_areas");
        const std::optional<Level> level = parse_level(e.loaded.rules.level);
        const std::string name = out_name(e, o);
        update.datasets.push_back(Dataset{name, "typology", level, summary, meta});
        update.datasets.push_back(Dataset{name + "_detail", "typology-detail", level, detail, meta});
        apply_to_store(a.store, update);
    }
    const auto counts = typology::count_results(e.loaded.rules, e.ev, o);
    spdlog::info("{} ({} {}): {} of {} areas designated; {} unknown criteria; {} groups", e.loaded.rules.name,
                 e.loaded.rules.level, a.year, counts.designated, counts.areas, counts.unknown_criteria,
                 e.ev.group_count);
    if (a.json) std::cout << j.dump(2) << '\n';
    return 0;
}

int run_compare(const Args& a) {
    if (a.rules.empty() || a.rules_b.empty()) throw UsageError("typology compare needs two rule sets: A B");
    if (a.year == 0) throw UsageError("--year is required");
    if (a.store.empty()) throw UsageError("--store is required");
    Evaluated ea = evaluate_rules(a.store, a.rules, a.level, a.year, a.params, "");
    Evaluated eb = evaluate_rules(a.store, a.rules_b, a.level, a.year, a.params, "");
    if (ea.loaded.rules.level != eb.loaded.rules.level)
        throw UsageError(fmt::format("rule sets {} ({}) and {} ({}) designate areas of different levels",
                                     ea.loaded.rules.name, ea.loaded.rules.level, eb.loaded.rules.name,
                                     eb.loaded.rules.level));
    const typology::OutputOptions oa{ea.loaded.designation}, ob{eb.loaded.designation};
    const Table t = typology::compare_table(ea.loaded.rules, ea.ev, eb.loaded.rules, eb.ev, oa, ob);
    std::map<std::string, std::size_t> by_status;
    const Column& st = t.column("status");
    for (std::size_t r = 0; r < t.row_count(); ++r) ++by_status[st.text_at(r)];
    const std::size_t both = by_status["both"], only_a = by_status["only_a"], only_b = by_status["only_b"];
    nlohmann::json j = {
        {"a", ea.loaded.rules.name},
        {"b", eb.loaded.rules.name},
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
    if (!a.out.empty()) write_table_csv(t, a.out);
    spdlog::info("{} vs {}: {} both, {} only {}, {} only {}", ea.loaded.rules.name, eb.loaded.rules.name,
                 both, only_a, ea.loaded.rules.name, only_b, eb.loaded.rules.name);
    if (a.json) std::cout << j.dump(2) << '\n';
    return 0;
}

}  // namespace

void add_typology_command(CLI::App& app, Action& action);
void add_typology_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("typology", kHelp);
    cmd->add_option("--store", a->store, "The results store");
    cmd->add_option("--rules", a->rules, "Shipped rule set (NAME or NAME:DESIGNATION) or a TOML file");
    cmd->add_option("--level", a->level,
                    "Level of the areas (must be the rule set's level; default: the rule set's)");
    cmd->add_option("--year", a->year, "Measurement year to evaluate");
    cmd->add_option("--designation", a->designation, "Only this designation of the set counts as designated");
    cmd->add_option("--param", a->params, "Override a parameter of the rule set: NAME=VALUE (repeatable)");
    cmd->add_option("--out", a->out, "CSV file: one row per area with designated, criteria, reasons");
    cmd->add_option("--gpkg", a->gpkg, "GeoPackage file with the designated areas (layer 'designated')");
    cmd->add_flag("--json", a->json, "Print the counts and every designated area with its criteria as JSON");
    cmd->add_flag("--no-store", a->no_store, "Do not write the results to the store");
    CLI::App* cmp = cmd->add_subcommand("compare",
                                        "Compare two rule sets on the same areas and year: which areas each "
                                        "designates, the overlap, and why they "
                                        "differ.\nCSV: code, designated_a, designated_b, status (both, "
                                        "only_a, only_b, neither, undecided), why (the "
                                        "criteria the other set did not meet).\nExample: wijkzicht typology "
                                        "compare denmark-2018 denmark-2021 --store "
                                        "nl.gpkg --level buurt --year 2022 --out cmp.csv --json");
    cmp->add_option("a", a->rules, "First rule set (NAME, NAME:DESIGNATION or file)")->required();
    cmp->add_option("b", a->rules_b, "Second rule set")->required();
    cmp->add_option("--store", a->store, "The results store")->required();
    cmp->add_option("--level", a->level, "Level of the areas");
    cmp->add_option("--year", a->year, "Measurement year")->required();
    cmp->add_option("--param", a->params, "Override a parameter in both sets: NAME=VALUE");
    cmp->add_option("--out", a->out, "CSV file with one row per area");
    cmp->add_flag("--json", a->json, "Print the summary and the differing areas as JSON");
    cmp->callback([&action, a] { action = [a] { return run_compare(*a); }; });
    cmd->callback([&action, a, cmp] {
        if (cmp->parsed()) return;
        action = [a] { return run_typology(*a); };
    });
}

const CommandRegistration kRegister{60, add_typology_command};

}  // namespace wz::app
