// wijkzicht score: scores for every cell and year from indicators and model weights, dimension scores,
// classes, development, aggregation to every level on one boundary vintage, and the national picture.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "io/table_csv.hpp"
#include "jobs/score.hpp"
#include "picture_print.hpp"

namespace wz::app {
namespace {

class Score final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "score",
            "Scores every 100 m cell and year from imported indicators and model weights, then aggregates "
            "them.\n"
            "score = offset + sum_j weight_j (T_j(x_j) - centre_j), T = identity/log/logit; centre_j = the "
            "resident-weighted\nnational mean of T_j in the base year unless the weights give a 'center'. "
            "Dimension "
            "scores are contributions\nrelative to the national mean of the year (they add up to rel = score "
            "- "
            "national mean). Classes and\ndevelopment classes follow the model preset. Cells are assigned to "
            "the "
            "buurten of ONE vintage by their\ncentre for all years; buurt sums roll up to wijk, gemeente, "
            "COROP-plus, "
            "COROP, provincie and Nederland\n(resident-weighted by default); areas with fewer than "
            "--min-residents "
            "residents are not shown.\nStores score_grid, score_<level>, development_<level> and picture_* "
            "datasets, prints the national picture.\n"
            "Example: wijkzicht score --store nl.gpkg --weights model_weights --out-dir out/scores");
        store_.add(cmd, "The results store");
        cmd->add_option("--model", o_.model,
                        "lbm2, lbm3 or a preset file: dimensions, classes, development classes")
            ->capture_default_str();
        cmd->add_option(
               "--weights", o_.weights,
               "Dataset in the store or CSV file: indicator, transform, dimension (or dimension_<model>), "
               "weight[, center]")
            ->capture_default_str();
        cmd->add_option(
            "--published", o_.published,
            "Use published cell scores (a dataset imported with `import lbm3 ... --level grid`) instead of "
            "computing them: every step below works on them");
        cmd->add_option("--year", o_.year,
                        "The measurement year of rows without one (the LBM 3.0 samples have none)");
        cmd->add_option("--dimension-column", o_.dimension_column,
                        "Column of the weights naming the dimension");
        cmd->add_option("--indicators", o_.indicators, "Dataset with code (cell), year, indicator columns")
            ->capture_default_str();
        cmd->add_option("--population", o_.population,
                        "Dataset with code (cell), year, INW (CBS grid statistics); 'none': no residents "
                        "(use --weighting unweighted --min-residents 0)")
            ->capture_default_str();
        cmd->add_option("--vintage", o_.vintage,
                        "Buurt boundary vintage for all years (default: the newest)");
        cmd->add_option("--base-year", o_.base_year,
                        "Year whose national means are the centres (default 2016)");
        cmd->add_option("--offset", o_.offset,
                        "Absolute score at the centres (default: the preset's national mean of "
                        "the base year, 4.1847 for LBM 2.0 in 2016)");
        cmd->add_option("--weighting", o_.weighting,
                        "residents, dwellings (grid column WONING) or unweighted (every scored cell once)")
            ->check(CLI::IsMember({"residents", "dwellings", "unweighted"}))
            ->capture_default_str();
        cmd->add_option("--min-residents", o_.min_residents, "Areas with fewer residents are not shown")
            ->capture_default_str();
        cmd->add_option("--secret-residents", o_.secret_residents,
                        "Residents counted for a cell whose count is secret (-99997: 1-4 residents)")
            ->capture_default_str();
        cmd->add_option("--groups", o_.groups,
                        "DATASET:COLUMN with the city group of each gemeente (G4, G40, overig)")
            ->capture_default_str();
        cmd->add_option("--regions", o_.regions, "DATASET:COLUMN with the type of each COROP-plus region")
            ->capture_default_str();
        cmd->add_option(
               "--nuisance", o_.nuisance,
               "Indicators whose name contains this text are summed per cell as the part 'overlast' "
               "(nuisance; the 2018 report follows it by urbanity although LBM 2.0 has no nuisance "
               "dimension): column part_overlast in every score_<level> table, its national level in "
               "picture_years. Empty: none")
            ->capture_default_str();
        cmd->add_option("--out-dir", out_dir_, "Also write every area table and the picture as CSV here");
        threads_.add(cmd);
        cmd->add_flag("--json", json_, "Print a JSON summary instead of the table");
        return cmd;
    }
    int run() override {
        const auto threads = threads_.limit();
        const jobs::ScoreResult r = jobs::score_country(store_.path, o_);
        if (!out_dir_.empty()) {
            std::filesystem::create_directories(out_dir_);
            for (const auto& ds : r.update.datasets) {
                if (ds.name == "score_grid") continue;  // large: export it with `wijkzicht export`
                write_table_csv(ds.table, (std::filesystem::path(out_dir_) / (ds.name + ".csv")).string());
            }
        }
        apply_to_store(store_.path, r.update);
        spdlog::info("stored {} datasets in {} ({:.2f} s in all)", r.update.datasets.size(), store_.path,
                     seconds_since_start());
        if (json_) {
            nlohmann::json j = r.meta;
            j["picture"] = picture_json(r.picture_years);
            std::cout << j.dump(2) << '\n';
        } else {
            print_picture(std::cout, r.picture_years, r.picture_classes);
        }
        return 0;
    }

  private:
    StoreOption store_;
    ThreadsOption threads_;
    jobs::ScoreOptions o_;
    std::string out_dir_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_score() {
    return std::make_unique<Score>();
}

}  // namespace wz::app
