// wijkzicht classify: classes and development classes of published (or computed) scores.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "liveability/classify.hpp"
#include "presets.hpp"

namespace wz::app {
namespace {

struct ClassifyArgs {
    std::string store, model = "lbm2", level = "pc4", dataset, out;
    double tolerance = 0.002;
    bool json = false;
};

nlohmann::json agreement_json(const liveability::Agreement& a, double tolerance) {
    return {{"compared", a.compared},
            {"equal", a.equal},
            {"share", a.share()},
            {"mismatches", a.compared - a.equal},
            {"mismatches_within_tolerance_of_an_edge", a.mismatches_near_edge},
            {"tolerance", tolerance},
            {"farthest_mismatch_from_edge", a.farthest_mismatch}};
}

int run_classify(const ClassifyArgs& args) {
    const auto preset = load_model_preset(args.model);
    const auto level = parse_level(args.level);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", args.level));
    const std::string name =
        args.dataset.empty() ? fmt::format("{}_{}", preset.name, level_name(*level)) : args.dataset;
    const Dataset scores = read_dataset(args.store, name);
    Dataset development;
    if (!preset.published_development.empty()) {
        try {
            development = read_dataset(args.store, name + "_development");
        } catch (const UsageError&) {
            spdlog::info("no published development classes ({}_development) to compare with", name);
        }
    }
    if (scores.table.find(preset.total) == nullptr) {
        throw UsageError(fmt::format("dataset '{}' has no column '{}' (the {} total score)", name,
                                     preset.total, preset.title));
    }
    const auto result = liveability::classify_scores(scores.table, development.table, preset, args.tolerance);
    if (preset.development_assumed) {
        spdlog::warn("{}: the development class edges are an assumption of the preset (no published edges)",
                     preset.title);
    }
    // One CSV: a 'kind' column says which rows are scores and which are developments.
    Table scores_out = result.scores;
    Column kind_s("kind", ColumnType::kText);
    for (std::size_t r = 0; r < scores_out.row_count(); ++r) kind_s.push_text("score");
    Table dev_out = result.development;
    Column kind_d("kind", ColumnType::kText);
    for (std::size_t r = 0; r < dev_out.row_count(); ++r) kind_d.push_text("development");
    Table a;
    a.add_column(std::move(kind_s));
    for (auto& c : scores_out.columns()) a.add_column(std::move(c));
    Table b;
    b.add_column(std::move(kind_d));
    for (auto& c : dev_out.columns()) b.add_column(std::move(c));
    const Table all = stack_tables(a, b);

    nlohmann::json summary = {
        {"dataset", name},
        {"model", preset.name},
        {"area_years", result.scores.row_count()},
        {"developments", result.development.row_count()},
        {"class_agreement", agreement_json(result.class_agreement, args.tolerance)},
        {"development_agreement", agreement_json(result.development_agreement, args.tolerance)}};
    if (!args.out.empty()) write_table_csv(all, args.out);
    StoreUpdate update;
    update.run.command = "classify";
    update.run.started = utc_now();
    update.run.parameters = {{"model", args.model}, {"dataset", name}, {"tolerance", args.tolerance}};
    Dataset cs{"classes_" + name, "classes", scores.level, result.scores, summary};
    Dataset ds{"development_" + name, "development", scores.level, result.development, summary};
    update.datasets.push_back(std::move(cs));
    update.datasets.push_back(std::move(ds));
    apply_to_store(args.store, update);
    const auto& ca = result.class_agreement;
    const auto& da = result.development_agreement;
    spdlog::info("{}: {} area-years classified, {} developments", name, result.scores.row_count(),
                 result.development.row_count());
    if (ca.compared > 0) {
        spdlog::info(
            "classes: {} of {} equal to the published ones ({:.3f}%); {} of {} mismatches within {} of an "
            "edge",
            ca.equal, ca.compared, 100.0 * ca.share(), ca.mismatches_near_edge, ca.compared - ca.equal,
            args.tolerance);
    }
    if (da.compared > 0) {
        spdlog::info("development: {} of {} equal ({:.3f}%); {} of {} mismatches within {} of an edge",
                     da.equal, da.compared, 100.0 * da.share(), da.mismatches_near_edge,
                     da.compared - da.equal, args.tolerance);
    }
    if (args.json) std::cout << summary.dump(2) << '\n';
    return 0;
}

}  // namespace

void add_classify_command(CLI::App& app, Action& action);
void add_classify_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<ClassifyArgs>();
    CLI::App* cmd = app.add_subcommand(
        "classify",
        "Classes (1 zeer onvoldoende ... 9 uitstekend) and development classes of scores per area and year, "
        "with the "
        "agreement with published classes.\nLBM 2.0: absolute score = relative score + national mean of the "
        "year; "
        "classes on the absolute score; 7 development classes on its change.\nLBM 3.0: classes on afw; 9 "
        "development "
        "classes.\nOutput CSV: one row per area and year (kind=score: code, year, relative, score, class) "
        "and per area "
        "and pair of years (kind=development: code, from_year, to_year, change, development_class).\n"
        "Example: wijkzicht classify --store nl.gpkg --model lbm2 --level pc4 --out classes.csv");
    cmd->add_option("--store", a->store, "The results store")->required();
    cmd->add_option("--model", a->model, "lbm2, lbm3 or a preset file (TOML)")->capture_default_str();
    cmd->add_option("--level", a->level, "Level of the scores (the dataset is <model>_<level>)")
        ->capture_default_str();
    cmd->add_option("--dataset", a->dataset, "Dataset with the scores (default <model>_<level>)");
    cmd->add_option("--out", a->out, "CSV file for the classes and development classes");
    cmd->add_option("--tolerance", a->tolerance,
                    "Distance to a class edge within which a mismatch counts as rounding")
        ->capture_default_str();
    cmd->add_flag("--json", a->json, "Print the agreement summary as JSON");
    cmd->callback([&action, a] { action = [a] { return run_classify(*a); }; });
}

const CommandRegistration kRegister{40, add_classify_command};

}  // namespace wz::app
