#include "jobs/classify.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "io/table_csv.hpp"
#include "jobs/presets.hpp"

namespace wz::jobs {
namespace {

nlohmann::json agreement_json(const liveability::Agreement& a, double tolerance) {
    return {{"compared", a.compared},
            {"equal", a.equal},
            {"share", a.share()},
            {"mismatches", a.compared - a.equal},
            {"mismatches_within_tolerance_of_an_edge", a.mismatches_near_edge},
            {"tolerance", tolerance},
            {"farthest_mismatch_from_edge", a.farthest_mismatch}};
}

// `table` with a first column `kind` holding `kind` on every row.
Table with_kind(const Table& table, const char* kind) {
    Column k("kind", ColumnType::kText);
    for (std::size_t r = 0; r < table.row_count(); ++r) k.push_text(kind);
    Table out;
    out.add_column(std::move(k));
    for (const Column& c : table.columns()) out.add_column(c);
    return out;
}

}  // namespace

ClassifyResult classify_stored_scores(const std::string& store, const ClassifyOptions& options) {
    const auto preset = load_model_preset(options.model);
    const auto level = parse_level(options.level);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", options.level));
    ClassifyResult out;
    out.dataset =
        options.dataset.empty() ? fmt::format("{}_{}", preset.name, level_name(*level)) : options.dataset;
    out.model_title = preset.title;
    out.development_assumed = preset.development_assumed;
    const Dataset scores = read_dataset(store, out.dataset);
    Dataset development;
    if (!preset.published_development.empty()) {
        if (auto d = find_dataset(store, out.dataset + "_development")) {
            development = std::move(*d);
        } else {
            spdlog::info("no published development classes ({}_development) to compare with", out.dataset);
        }
    }
    if (scores.table.find(preset.total) == nullptr) {
        throw UsageError(fmt::format("dataset '{}' has no column '{}' (the {} total score)", out.dataset,
                                     preset.total, preset.title));
    }
    out.result = liveability::classify_scores(scores.table, development.table, preset, options.tolerance);
    out.combined =
        stack_tables(with_kind(out.result.scores, "score"), with_kind(out.result.development, "development"));
    out.summary = {
        {"dataset", out.dataset},
        {"model", preset.name},
        {"area_years", out.result.scores.row_count()},
        {"developments", out.result.development.row_count()},
        {"class_agreement", agreement_json(out.result.class_agreement, options.tolerance)},
        {"development_agreement", agreement_json(out.result.development_agreement, options.tolerance)}};
    out.update.run.command = "classify";
    out.update.run.started = utc_now();
    out.update.run.parameters = {
        {"model", options.model}, {"dataset", out.dataset}, {"tolerance", options.tolerance}};
    out.update.datasets.push_back(
        Dataset{"classes_" + out.dataset, "classes", scores.level, out.result.scores, out.summary});
    out.update.datasets.push_back(Dataset{"development_" + out.dataset, "development", scores.level,
                                          out.result.development, out.summary});
    return out;
}

}  // namespace wz::jobs
