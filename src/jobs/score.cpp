#include "jobs/score.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "geo/assign.hpp"
#include "io/table_csv.hpp"
#include "jobs/area_hierarchy.hpp"
#include "jobs/map_layers.hpp"
#include "jobs/presets.hpp"
#include "jobs/stored_indicators.hpp"
#include "jobs/stored_scores.hpp"
#include "liveability/panel.hpp"
#include "liveability/score.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace wz::jobs {
namespace {

class Stopwatch {
  public:
    double lap() {
        const auto now = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(now - last_).count();
        last_ = now;
        return s;
    }

  private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

Table load_weights(const std::string& store, const ScoreOptions& args) {
    if (std::filesystem::is_regular_file(args.weights)) {
        return read_table_csv(args.weights, {"indicator", "name", "transform", "dimension", "dimension_lbm2",
                                             "dimension_lbm3"});
    }
    std::optional<Dataset> stored = find_dataset(store, args.weights);
    if (!stored) {
        throw NotFoundError(
            fmt::format("--weights: '{}' is neither a CSV file nor a dataset in the store (run "
                        "'wijkzicht calibrate' first, or give a CSV with indicator,transform,dimension,"
                        "weight[,center])",
                        args.weights));
    }
    return std::move(stored->table);
}

std::string dimension_column_of(const Table& weights, const ScoreOptions& args, const std::string& model) {
    if (!args.dimension_column.empty()) return args.dimension_column;
    for (const std::string& c : {std::string("dimension"), "dimension_" + model}) {
        if (weights.find(c) != nullptr) return c;
    }
    throw UsageError(fmt::format(
        "the weights have no 'dimension' or 'dimension_{}' column (use --dimension-column)", model));
}

// The score_grid table, filled in parallel. The score vectors are moved into it, not copied (3 million
// rows at --scale 1).
Table cell_table(const liveability::CellPanelData& data, liveability::CellScores&& scores,
                 const std::vector<std::string>& dims, const std::vector<std::int32_t>& cell_buurt,
                 const std::vector<std::string>& buurt_codes) {
    const auto& p = data.panel;
    const std::size_t n = p.rows;
    std::vector<std::string> cell_codes(data.cells.size());
    for (std::size_t c = 0; c < data.cells.size(); ++c) cell_codes[c] = data.cells[c].code();
    std::vector<std::string> code(n), buurt(n);
    std::vector<std::int64_t> year(n), cls(n);
    std::vector<std::uint8_t> no_buurt(n), no_score(n);
    const auto empty = static_cast<std::uint8_t>(Missing::kEmpty);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384),
                      [&](const tbb::blocked_range<std::size_t>& br) {
                          check_cancelled();
                          for (std::size_t r = br.begin(); r != br.end(); ++r) {
                              const auto c = static_cast<std::size_t>(p.cell[r]);
                              code[r] = cell_codes[c];
                              year[r] = p.years[p.year[r]];
                              if (cell_buurt[c] >= 0) {
                                  buurt[r] = buurt_codes[static_cast<std::size_t>(cell_buurt[c])];
                                  no_buurt[r] = 0;
                              } else {
                                  no_buurt[r] = empty;
                              }
                              cls[r] = scores.cls[r];
                              no_score[r] = scores.cls[r] == 0 ? empty : 0;
                          }
                      });
    Table t;
    t.add_column(Column::of_texts("code", std::move(code)));
    t.add_column(Column::of_ints("year", std::move(year)));
    t.add_column(Column::of_texts("buurt", std::move(buurt), std::move(no_buurt)));
    t.add_column(Column::of_reals("residents", p.residents));
    t.add_column(Column::of_reals("score", std::move(scores.score), no_score));
    t.add_column(Column::of_reals("rel", std::move(scores.rel), no_score));
    for (std::size_t d = 0; d < dims.size(); ++d)
        t.add_column(Column::of_reals(dims[d], std::move(scores.dims[d]), no_score));
    t.add_column(Column::of_ints("class", std::move(cls), std::move(no_score)));
    return t;
}

}  // namespace

ScoreSummary summarise_cell_scores(const ScoreSummaryInputs& in) {
    ScoreSummary out;
    out.cell_development = liveability::develop_cells(in.panel, in.scores, in.model.development);
    monitor::AggregateOptions ao;
    ao.min_residents = in.min_residents;
    out.areas = monitor::aggregate_to_levels(in.panel, in.scores, in.model, in.cell_area, in.hierarchy, ao);
    monitor::PictureOptions pic;
    out.classes = monitor::picture_classes(in.panel, in.scores, in.class_names);
    out.years = monitor::picture_years(in.panel, in.scores, in.model.dimensions, out.areas.front(), pic);
    out.indicators = monitor::picture_indicators(in.scores, in.model, in.panel.years);
    const auto& years = in.panel.years;
    if (!in.group_of_buurt.empty())
        out.groups =
            monitor::development_by_group(out.areas.front(), in.group_of_buurt, years.front(), years.back());
    const auto cp = std::find_if(out.areas.begin(), out.areas.end(),
                                 [](const monitor::AreaScores& a) { return a.level == Level::kCoropPlus; });
    if (cp != out.areas.end() && !in.type_of_region.empty()) {
        std::vector<std::string> type(cp->codes.size());
        for (std::size_t a = 0; a < cp->codes.size(); ++a) {
            const auto it = in.type_of_region.find(cp->codes[a]);
            if (it != in.type_of_region.end() && it->second != "geen") type[a] = it->second;
        }
        out.regions = monitor::regions_against_country(*cp, type, {}, pic, in.model.dimensions);
    }
    return out;
}

ScoreResult score_country(const std::string& store, const ScoreOptions& args) {
    Stopwatch clock;
    const auto preset = load_model_preset(args.model);
    const bool from_published = !args.published.empty();
    const Table weights = from_published ? Table() : load_weights(store, args);
    const std::string dim_col =
        from_published ? std::string() : dimension_column_of(weights, args, preset.name);
    // Indicators stored in column blocks (large datasets) are streamed block by block while scoring;
    // only their code and year columns are read here.
    const bool stream = !from_published && stored_in_blocks(store, args.indicators);
    liveability::PanelOptions po;
    po.secret_residents = args.secret_residents;
    po.default_year = args.year;
    po.attach_indicators = !stream;
    po.weighting = args.weighting == "dwellings"    ? liveability::Weighting::kDwellings
                   : args.weighting == "unweighted" ? liveability::Weighting::kUnweighted
                                                    : liveability::Weighting::kResidents;
    std::vector<std::string> population_columns = {"code", "year", po.residents_column};
    if (po.weighting == liveability::Weighting::kDwellings) population_columns.push_back(po.dwellings_column);
    Dataset indicators, population;
    AreaLayer buurten;
    ProgressStep reading("score: reading indicators, population and buurten");
    tbb::parallel_invoke(  // three reads, each with its own connection
        [&] {
            indicators = from_published ? read_dataset(store, args.published)
                         : stream       ? read_dataset(store, args.indicators, {"code", "year"})
                                        : read_dataset(store, args.indicators);
        },
        [&] {
            if (args.population != "none")
                population = read_dataset(store, args.population, population_columns);
        },
        [&] { buurten = read_area_layer(store, Level::kBuurt, args.vintage); });
    spdlog::info("read {} ({} rows), population ({} rows), {} buurten {} ({:.2f} s)",
                 from_published ? "published scores " + args.published
                                : fmt::format("{} weights", weights.row_count()),
                 indicators.table.row_count(), population.table.row_count(), buurten.areas.size(),
                 buurten.vintage, clock.lap());
    reading.finish();

    // The model needs the base year, which needs the years: parse weights first with a placeholder.
    liveability::ScoringModel model;
    if (from_published) {
        for (const auto& d : preset.dimensions) model.dimensions.push_back(d.code);
        model.classes = preset.classes;
        model.development = preset.development;
    } else {
        model = liveability::scoring_model_from_weights(weights, preset, dim_col, 0, 0);
        // Weights without names (a bare CSV): the names of the store's indicator metadata, where imported.
        const bool named = std::any_of(model.indicators.begin(), model.indicators.end(),
                                       [](const liveability::IndicatorWeight& w) { return !w.name.empty(); });
        if (!named && !args.nuisance.empty()) {
            if (const auto meta = find_dataset(store, "indicator_meta")) {
                std::map<std::string, std::string> name_of;
                const Column& id = meta->table.column("id");
                const Column& name = meta->table.column("name");
                for (std::size_t r = 0; r < meta->table.row_count(); ++r)
                    name_of[id.to_text(r)] = name.to_text(r);
                for (auto& w : model.indicators)
                    if (const auto it = name_of.find(w.indicator); it != name_of.end()) w.name = it->second;
            }
        }
        // Nuisance (the 2018 report follows it by urbanity): the indicators named like --nuisance.
        if (auto part = liveability::indicator_part_matching(model, "overlast", args.nuisance)) {
            spdlog::info("part 'overlast': {} indicators whose name contains '{}'", part->members.size(),
                         args.nuisance);
            model.parts.push_back(std::move(*part));
        } else if (!args.nuisance.empty()) {
            spdlog::info("no indicator name contains '{}': no part 'overlast'", args.nuisance);
        }
    }
    ProgressStep panel_step("score: building the cell panel");
    const liveability::CellPanelData data = build_cell_panel(indicators.table, population.table, model, po);
    panel_step.finish();
    const auto& years = data.panel.years;
    model.base_year = args.base_year;
    if (model.base_year == 0) {
        const bool has2016 = std::find(years.begin(), years.end(), 2016) != years.end();
        model.base_year = has2016 ? 2016 : years[years.size() / 2];
    }
    model.offset = args.offset;
    if (std::isnan(model.offset)) {
        const auto abs = preset.to_absolute(0.0, model.base_year);
        if (!abs) {
            throw UsageError(
                fmt::format("the {} preset has no national mean for the base year {}: give --offset",
                            preset.title, model.base_year));
        }
        model.offset = *abs;
    }
    // Classes on the relative score (LBM 3.0 afw): classify score minus the edition constant.
    if (!preset.classes_on_absolute)
        model.class_offset = preset.to_absolute(0.0, model.base_year).value_or(0.0);
    spdlog::info(
        "panel: {} cells x {} years = {} rows; {} rows without a population row; base year {}, offset {} "
        "({:.2f} s)",
        data.panel.cells, years.size(), data.panel.rows, data.rows_without_population, model.base_year,
        model.offset, clock.lap());

    ProgressStep scoring("score: scoring cells", 0, "blocks");
    liveability::CellScores scores = [&] {
        if (from_published)
            return liveability::cell_scores_from_published(data.panel, indicators.table, preset, model);
        if (!stream) return liveability::score_cell_years(data.panel, model);
        // The readers (and their read locks on the store) end with this scope, before the store is written.
        const StoredIndicatorBlocks blocks(store, args.indicators, model, &scoring);
        if (blocks.rows() != data.panel.rows) {
            throw UsageError(fmt::format("dataset '{}' changed while it was read ({} rows, then {})",
                                         args.indicators, data.panel.rows, blocks.rows()));
        }
        return liveability::score_cell_years(data.panel, model, blocks);
    }();
    if (scores.missing_rows + scores.invalid_rows > 0) {
        spdlog::warn(
            "{} cell-years have a missing indicator value and {} a value outside its transform's domain: "
            "they get no score",
            scores.missing_rows, scores.invalid_rows);
    }
    scoring.finish();
    const double t_score = clock.lap();
    ProgressStep aggregating("score: assigning cells, aggregating, the picture");
    const geo::CellAssignment assignment = [&] {
        std::vector<std::vector<std::uint8_t>> polys;
        polys.reserve(buurten.areas.size());
        for (const Area& a : buurten.areas) polys.push_back(a.wkb);
        return geo::assign_cells_by_centre(data.cells, polys);
    }();
    std::size_t unlinked = 0;
    const monitor::AreaHierarchy hierarchy = area_hierarchy(store, buurten, &unlinked);
    if (assignment.unassigned > 0) {
        spdlog::warn(
            "{} of {} cells have their centre in no buurt of {}: they count nationally but in no area",
            assignment.unassigned, data.cells.size(), buurten.vintage);
    }
    if (unlinked > 0) spdlog::warn("{} buurten lack a link to some level above them", unlinked);
    ScoreSummaryInputs in{data.panel,           scores, model, assignment.area,   hierarchy,
                          preset.classes.names, {},     {},    args.min_residents};
    if (const auto group_of_gemeente = values_by_code(store, args.groups); !group_of_gemeente.empty()) {
        in.group_of_buurt.resize(buurten.areas.size());
        for (std::size_t b = 0; b < buurten.areas.size(); ++b) {
            const std::string gm =
                buurten.areas[b].gemeente.empty()
                    ? parent_code_from_code(buurten.areas[b].code, Level::kGemeente).value_or("")
                    : buurten.areas[b].gemeente;
            const auto it = group_of_gemeente.find(gm);
            if (it != group_of_gemeente.end()) in.group_of_buurt[b] = it->second;
        }
    }
    in.type_of_region = values_by_code(store, args.regions);
    ScoreSummary summary = summarise_cell_scores(in);
    const std::vector<monitor::AreaScores>& areas = summary.areas;
    const Table& classes_t = summary.classes;
    const Table& years_t = summary.years;
    const Table& groups_t = summary.groups;
    const Table& regions_t = summary.regions;
    const Table& indicators_t = summary.indicators;
    const double t_summary = clock.lap();
    aggregating.finish();
    spdlog::info(
        "scored and classified in {:.2f} s; assigned, developed, aggregated to {} levels and pictured in "
        "{:.2f} s",
        t_score, areas.size(), t_summary);

    // Results.
    nlohmann::json meta = {{"model", preset.name},
                           {"weights", from_published ? "" : args.weights},
                           {"published", args.published},
                           {"dimension_column", dim_col},
                           {"nuisance", model.parts.empty() ? "" : args.nuisance},
                           {"base_year", model.base_year},
                           {"offset", model.offset},
                           {"buurt_vintage", buurten.vintage},
                           {"weighting", args.weighting},
                           {"min_residents", args.min_residents},
                           {"secret_residents", args.secret_residents},
                           {"cells_outside_buurten", assignment.unassigned},
                           {"rows_missing", scores.missing_rows},
                           {"rows_invalid", scores.invalid_rows},
                           {"hidden", fmt::format("secret-x: fewer than {} residents", args.min_residents)}};
    StoreUpdate update;
    update.run.command = "score";
    update.run.started = utc_now();
    update.run.parameters = meta;
    const auto add = [&](std::string name, std::string kind, std::optional<Level> level, Table table) {
        update.datasets.push_back(Dataset{std::move(name), std::move(kind), level, std::move(table), meta});
    };
    for (const auto& a : areas) {
        add(fmt::format("score_{}", level_name(a.level)), "score", a.level,
            monitor::area_scores_table(a, model.dimensions));
        add(fmt::format("development_{}", level_name(a.level)), "development", a.level,
            monitor::area_development_table(a, model.development));
    }
    add("score_grid", "score", Level::kGrid,
        cell_table(data, std::move(scores), model.dimensions, assignment.area, hierarchy.codes.front()));
    add("picture_classes", "picture", std::nullopt, classes_t);
    add("picture_years", "picture", std::nullopt, years_t);
    if (groups_t.column_count() > 0) add("picture_groups", "picture", std::nullopt, groups_t);
    if (regions_t.column_count() > 0) add("picture_regions", "picture", std::nullopt, regions_t);
    if (indicators_t.column_count() > 0) add("picture_indicators", "picture", std::nullopt, indicators_t);
    add_score_map_layers(update, store, preset, buurten);  // map_<level>_<vintage> (docs/maps.md)
    spdlog::info("built the tables of {} datasets ({:.2f} s)", update.datasets.size(), clock.lap());
    return ScoreResult{std::move(update), std::move(meta), years_t, classes_t};
}

}  // namespace wz::jobs
