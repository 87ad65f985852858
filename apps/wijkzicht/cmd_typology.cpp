// wijkzicht typology: apply a rule set (shipped or a TOML file) to the areas of one level and year: CSV,
// JSON, the store and a GeoPackage of the designated areas.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "io/writers.hpp"
#include "jobs/typology.hpp"

namespace wz::app {
namespace {

constexpr const char* kTypologyHelp =
    R"(Apply a typology rule set: which areas need a special approach, and why.

A rule set (TOML, docs/typology.md) has criteria on area variables (key figures, scores, classes,
shares) compared with constants, national or regional means (or multiples), national percentiles or
another variable; "at least k of n"; persistence ("in at least 3 measurements" ending at the evaluated
one, "on 4 lists in a row"); designations that require criteria. A criterion whose data is missing is
"unknown", never "not met". docs/typology.md sets the 2018 report's words beside every criterion.

Shipped rule sets (share/wijkzicht/rules): lbm2018-type1 (wijk), lbm2018-type2 (buurt),
lbm2018-type3 (corop_plus, or gemeente with --level gemeente) read the score and development datasets
of `wijkzicht score`; denmark-2018 (udsat, ghetto,
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
  wijkzicht typology --store nl.gpkg --rules lbm2018-type3 --level gemeente --param relative_to=2 --year 2022
  wijkzicht typology --store nl.gpkg --rules my_rules.toml --param min_residents=500 --year 2022
  wijkzicht typology compare denmark-2018 denmark-2021 --store nl.gpkg --level buurt --year 2022 --out cmp.csv)";

class Typology final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("typology", kTypologyHelp);
        store_.add(cmd, "The results store", false);
        cmd->add_option("--rules", o_.rules, "Shipped rule set (NAME or NAME:DESIGNATION) or a TOML file");
        cmd->add_option(
            "--level", o_.level,
            "Level of the areas (default: the rule set's; another of its `levels` where it lists them)");
        cmd->add_option("--year", o_.year, "Measurement year to evaluate");
        cmd->add_option("--designation", o_.designation,
                        "Only this designation of the set counts as designated");
        cmd->add_option("--param", o_.params,
                        "Override a parameter of the rule set: NAME=VALUE (repeatable)");
        cmd->add_option("--out", out_, "CSV file: one row per area with designated, criteria, reasons");
        cmd->add_option("--gpkg", gpkg_, "GeoPackage file with the designated areas (layer 'designated')");
        cmd->add_flag("--json", json_,
                      "Print the counts and every designated area with its criteria as JSON");
        cmd->add_flag("--no-store", no_store_, "Do not write the results to the store");
        return cmd;
    }
    int run() override {
        if (o_.rules.empty()) throw UsageError("--rules is required (a shipped rule set or a TOML file)");
        if (o_.year == 0) throw UsageError("--year is required");
        if (store_.path.empty()) throw UsageError("--store is required");
        const jobs::TypologyEvaluation e = jobs::evaluate_typology(store_.path, o_);
        const auto& rules = e.loaded.rules;
        const typology::OutputOptions o = e.output();
        const Table summary = typology::summary_table(rules, e.evaluation, o);
        const Table detail = typology::detail_table(rules, e.evaluation);
        const nlohmann::json j = jobs::typology_json(e);
        if (!gpkg_.empty() && !e.layer)
            throw UsageError(fmt::format("--gpkg: the store has no {} areas with geometry", rules.level));
        if (!out_.empty()) write_table_csv(summary, out_);
        if (!gpkg_.empty()) {
            const jobs::DesignatedAreas d = jobs::designated_areas(summary, *e.layer);
            write_table_gpkg(d.table, d.geometries, gpkg_, "designated");
        }
        if (!no_store_) apply_to_store(store_.path, jobs::typology_update(e, summary, detail, j));
        const auto counts = typology::count_results(rules, e.evaluation, o);
        spdlog::info("{} ({} {}): {} of {} areas designated; {} unknown criteria; {} groups", rules.name,
                     rules.level, o_.year, counts.designated, counts.areas, counts.unknown_criteria,
                     e.evaluation.group_count);
        if (json_) std::cout << j.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::TypologyOptions o_;
    std::string out_, gpkg_;
    bool json_ = false, no_store_ = false;
};

}  // namespace

std::unique_ptr<Command> make_typology() {
    return std::make_unique<Typology>();
}

}  // namespace wz::app
