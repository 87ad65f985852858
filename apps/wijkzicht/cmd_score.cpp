// wijkzicht score: scores for every cell and year from indicators and model weights, dimension scores,
// classes, development, aggregation to every level on one boundary vintage, and the national picture.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "area_hierarchy.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "geo/assign.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "liveability/panel.hpp"
#include "liveability/score.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"
#include "picture_print.hpp"
#include "presets.hpp"
#include "stored_indicators.hpp"
#include "stored_scores.hpp"

namespace wz::app {
namespace {

struct ScoreArgs {
    std::string published;
    int year = 0;
    std::string store, model = "lbm2", weights = "model_weights", indicators = "indicators",
                       population = "grid_population", dimension_column, weighting = "residents", out_dir,
                       groups = "regio_kenmerken:Stedenklasse", regions = "regio_kenmerken:Bevolkingsdaling";
    int vintage = 0, base_year = 0, threads = 0;
    double offset = std::nan(""), min_residents = 100, secret_residents = 0;
    bool json = false;
};

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

Table load_weights(const ScoreArgs& args) {
    if (std::filesystem::is_regular_file(args.weights)) {
        return read_table_csv(args.weights, {"indicator", "name", "transform", "dimension", "dimension_lbm2",
                                             "dimension_lbm3"});
    }
    try {
        return read_dataset(args.store, args.weights).table;
    } catch (const UsageError&) {
        throw UsageError(
            fmt::format("--weights: '{}' is neither a CSV file nor a dataset in the store (run "
                        "'wijkzicht calibrate' first, or give a CSV with indicator,transform,dimension,"
                        "weight[,center])",
                        args.weights));
    }
}

std::string dimension_column_of(const Table& weights, const ScoreArgs& args, const std::string& model) {
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

int run_score(const ScoreArgs& args) {
    std::unique_ptr<tbb::global_control> threads;
    if (args.threads > 0) {
        threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                        static_cast<std::size_t>(args.threads));
    }
    Stopwatch clock;
    const auto preset = load_model_preset(args.model);
    const bool from_published = !args.published.empty();
    const Table weights = from_published ? Table() : load_weights(args);
    const std::string dim_col =
        from_published ? std::string() : dimension_column_of(weights, args, preset.name);
    // Indicators stored in column blocks (large datasets) are streamed block by block while scoring;
    // only their code and year columns are read here.
    const bool stream = !from_published && stored_in_blocks(args.store, args.indicators);
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
    tbb::parallel_invoke(  // three reads, each with its own connection
        [&] {
            indicators = from_published ? read_dataset(args.store, args.published)
                         : stream       ? read_dataset(args.store, args.indicators, {"code", "year"})
                                        : read_dataset(args.store, args.indicators);
        },
        [&] {
            if (args.population != "none")
                population = read_dataset(args.store, args.population, population_columns);
        },
        [&] { buurten = read_area_layer(args.store, Level::kBuurt, args.vintage); });
    spdlog::info("read {} ({} rows), population ({} rows), {} buurten {} ({:.2f} s)",
                 from_published ? "published scores " + args.published
                                : fmt::format("{} weights", weights.row_count()),
                 indicators.table.row_count(), population.table.row_count(), buurten.areas.size(),
                 buurten.vintage, clock.lap());

    // The model needs the base year, which needs the years: parse weights first with a placeholder.
    liveability::ScoringModel model;
    if (from_published) {
        for (const auto& d : preset.dimensions) model.dimensions.push_back(d.code);
        model.classes = preset.classes;
        model.development = preset.development;
    } else {
        model = liveability::scoring_model_from_weights(weights, preset, dim_col, 0, 0);
    }
    const liveability::CellPanelData data = build_cell_panel(indicators.table, population.table, model, po);
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

    liveability::CellScores scores = [&] {
        if (from_published)
            return liveability::cell_scores_from_published(data.panel, indicators.table, preset, model);
        if (!stream) return liveability::score_cell_years(data.panel, model);
        // The readers (and their read locks on the store) end with this scope, before the store is written.
        const StoredIndicatorBlocks blocks(args.store, args.indicators, model);
        if (blocks.rows() != data.panel.rows) {
            throw UsageError(fmt::format("dataset '{}' changed while it was read ({} rows, then {})",
                                         args.indicators, data.panel.rows, blocks.rows()));
        }
        return liveability::score_cell_years(data.panel, model, blocks);
    }();
    const liveability::CellDevelopment dev =
        liveability::develop_cells(data.panel, scores, model.development);
    if (scores.missing_rows + scores.invalid_rows > 0) {
        spdlog::warn(
            "{} cell-years have a missing indicator value and {} a value outside its transform's domain: "
            "they get no score",
            scores.missing_rows, scores.invalid_rows);
    }
    const double t_score = clock.lap();
    const geo::CellAssignment assignment = [&] {
        std::vector<std::vector<std::uint8_t>> polys;
        polys.reserve(buurten.areas.size());
        for (const Area& a : buurten.areas) polys.push_back(a.wkb);
        return geo::assign_cells_by_centre(data.cells, polys);
    }();
    std::size_t unlinked = 0;
    const monitor::AreaHierarchy hierarchy = area_hierarchy(args.store, buurten, &unlinked);
    if (assignment.unassigned > 0) {
        spdlog::warn(
            "{} of {} cells have their centre in no buurt of {}: they count nationally but in no area",
            assignment.unassigned, data.cells.size(), buurten.vintage);
    }
    if (unlinked > 0) spdlog::warn("{} buurten lack a link to some level above them", unlinked);
    monitor::AggregateOptions ao;
    ao.min_residents = args.min_residents;
    const std::vector<monitor::AreaScores> areas =
        monitor::aggregate_to_levels(data.panel, scores, model, assignment.area, hierarchy, ao);
    const double t_aggregate = clock.lap();

    // The national picture.
    monitor::PictureOptions pic;
    const Table classes_t = monitor::picture_classes(data.panel, scores, preset.classes.names);
    const Table years_t = monitor::picture_years(data.panel, scores, model.dimensions, areas.front(), pic);
    const auto find_level = [&](Level l) -> const monitor::AreaScores* {
        for (const auto& a : areas) {
            if (a.level == l) return &a;
        }
        return nullptr;
    };
    Table groups_t, regions_t;
    if (const auto group_of_gemeente = values_by_code(args.store, args.groups); !group_of_gemeente.empty()) {
        std::vector<std::string> group(buurten.areas.size());
        for (std::size_t b = 0; b < buurten.areas.size(); ++b) {
            const std::string gm =
                buurten.areas[b].gemeente.empty()
                    ? parent_code_from_code(buurten.areas[b].code, Level::kGemeente).value_or("")
                    : buurten.areas[b].gemeente;
            const auto it = group_of_gemeente.find(gm);
            if (it != group_of_gemeente.end()) group[b] = it->second;
        }
        groups_t = monitor::development_by_group(areas.front(), group, years.front(), years.back());
    }
    if (const auto* cp = find_level(Level::kCoropPlus); cp != nullptr) {
        if (const auto type_of = values_by_code(args.store, args.regions); !type_of.empty()) {
            std::vector<std::string> type(cp->codes.size());
            for (std::size_t a = 0; a < cp->codes.size(); ++a) {
                const auto it = type_of.find(cp->codes[a]);
                if (it != type_of.end() && it->second != "geen") type[a] = it->second;
            }
            regions_t = monitor::regions_against_country(*cp, type, {}, pic);
        }
    }
    const double t_picture = clock.lap();
    spdlog::info(
        "scored, classified and developed in {:.2f} s; assigned and aggregated to {} levels in {:.2f} s; "
        "picture in {:.2f} s",
        t_score, areas.size(), t_aggregate, t_picture);

    // Results.
    nlohmann::json meta = {{"model", preset.name},
                           {"weights", from_published ? "" : args.weights},
                           {"published", args.published},
                           {"dimension_column", dim_col},
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
    if (!args.out_dir.empty()) {
        std::filesystem::create_directories(args.out_dir);
        for (const auto& ds : update.datasets) {
            if (ds.name == "score_grid") continue;  // large: export with --cells-csv
            write_table_csv(ds.table, (std::filesystem::path(args.out_dir) / (ds.name + ".csv")).string());
        }
    }
    spdlog::info("built the tables of {} datasets ({:.2f} s)", update.datasets.size(), clock.lap());
    apply_to_store(args.store, update);
    spdlog::info("stored {} datasets in {} ({:.2f} s)", update.datasets.size(), args.store, clock.lap());
    if (args.json) {
        nlohmann::json j = meta;
        j["picture"] = picture_json(years_t);
        std::cout << j.dump(2) << '\n';
    } else {
        print_picture(std::cout, years_t, classes_t);
    }
    return 0;
}

}  // namespace

void add_score_command(CLI::App& app, Action& action);
void add_score_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<ScoreArgs>();
    CLI::App* cmd = app.add_subcommand(
        "score",
        "Scores every 100 m cell and year from imported indicators and model weights, then aggregates them.\n"
        "score = offset + sum_j weight_j (T_j(x_j) - centre_j), T = identity/log/logit; centre_j = the "
        "resident-weighted\nnational mean of T_j in the base year unless the weights give a 'center'. "
        "Dimension "
        "scores are contributions\nrelative to the national mean of the year (they add up to rel = score - "
        "national mean). Classes and\ndevelopment classes follow the model preset. Cells are assigned to the "
        "buurten of ONE vintage by their\ncentre for all years; buurt sums roll up to wijk, gemeente, "
        "COROP-plus, "
        "COROP, provincie and Nederland\n(resident-weighted by default); areas with fewer than "
        "--min-residents "
        "residents are not shown.\nStores score_grid, score_<level>, development_<level> and picture_* "
        "datasets, prints the national picture.\n"
        "Example: wijkzicht score --store nl.gpkg --weights model_weights --out-dir out/scores");
    cmd->add_option("--store", a->store, "The results store")->required();
    cmd->add_option("--model", a->model,
                    "lbm2, lbm3 or a preset file: dimensions, classes, development classes")
        ->capture_default_str();
    cmd->add_option(
           "--weights", a->weights,
           "Dataset in the store or CSV file: indicator, transform, dimension (or dimension_<model>), "
           "weight[, center]")
        ->capture_default_str();
    cmd->add_option(
        "--published", a->published,
        "Use published cell scores (a dataset imported with `import lbm3 ... --level grid`) instead of "
        "computing them: every step below works on them");
    cmd->add_option("--year", a->year,
                    "The measurement year of rows without one (the LBM 3.0 samples have none)");
    cmd->add_option("--dimension-column", a->dimension_column, "Column of the weights naming the dimension");
    cmd->add_option("--indicators", a->indicators, "Dataset with code (cell), year, indicator columns")
        ->capture_default_str();
    cmd->add_option("--population", a->population,
                    "Dataset with code (cell), year, INW (CBS grid statistics); 'none': no residents "
                    "(use --weighting unweighted --min-residents 0)")
        ->capture_default_str();
    cmd->add_option("--vintage", a->vintage, "Buurt boundary vintage for all years (default: the newest)");
    cmd->add_option("--base-year", a->base_year, "Year whose national means are the centres (default 2016)");
    cmd->add_option("--offset", a->offset,
                    "Absolute score at the centres (default: the preset's national mean of "
                    "the base year, 4.1847 for LBM 2.0 in 2016)");
    cmd->add_option("--weighting", a->weighting,
                    "residents, dwellings (grid column WONING) or unweighted (every scored cell once)")
        ->check(CLI::IsMember({"residents", "dwellings", "unweighted"}))
        ->capture_default_str();
    cmd->add_option("--min-residents", a->min_residents, "Areas with fewer residents are not shown")
        ->capture_default_str();
    cmd->add_option("--secret-residents", a->secret_residents,
                    "Residents counted for a cell whose count is secret (-99997: 1-4 residents)")
        ->capture_default_str();
    cmd->add_option("--groups", a->groups,
                    "DATASET:COLUMN with the city group of each gemeente (G4, G40, overig)")
        ->capture_default_str();
    cmd->add_option("--regions", a->regions, "DATASET:COLUMN with the type of each COROP-plus region")
        ->capture_default_str();
    cmd->add_option("--out-dir", a->out_dir, "Also write every area table and the picture as CSV here");
    cmd->add_option("--threads", a->threads, "Threads (default: all cores; results do not depend on it)");
    cmd->add_flag("--json", a->json, "Print a JSON summary instead of the table");
    cmd->callback([&action, a] { action = [a] { return run_score(*a); }; });
}

const CommandRegistration kRegister{38, add_score_command};

}  // namespace wz::app
