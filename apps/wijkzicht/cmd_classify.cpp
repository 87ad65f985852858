// wijkzicht classify: classes and development classes of published (or computed) scores.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "io/table_csv.hpp"
#include "jobs/classify.hpp"

namespace wz::app {
namespace {

class Classify final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "classify",
            "Classes (1 zeer onvoldoende ... 9 uitstekend) and development classes of scores per area and "
            "year, "
            "with the "
            "agreement with published classes.\nLBM 2.0: absolute score = relative score + national mean of "
            "the "
            "year; "
            "classes on the absolute score; 7 development classes on its change.\nLBM 3.0: classes on afw; 9 "
            "development "
            "classes.\nOutput CSV: one row per area and year (kind=score: code, year, relative, score, "
            "class) "
            "and per area "
            "and pair of years (kind=development: code, from_year, to_year, change, development_class).\n"
            "Example: wijkzicht classify --store nl.gpkg --model lbm2 --level pc4 --out classes.csv");
        store_.add(cmd, "The results store");
        cmd->add_option("--model", o_.model, "lbm2, lbm3 or a preset file (TOML)")->capture_default_str();
        cmd->add_option("--level", o_.level, "Level of the scores (the dataset is <model>_<level>)")
            ->capture_default_str();
        cmd->add_option("--dataset", o_.dataset, "Dataset with the scores (default <model>_<level>)");
        cmd->add_option("--out", out_, "CSV file for the classes and development classes");
        cmd->add_option("--tolerance", o_.tolerance,
                        "Distance to a class edge within which a mismatch counts as rounding")
            ->capture_default_str();
        cmd->add_flag("--json", json_, "Print the agreement summary as JSON");
        return cmd;
    }
    int run() override {
        const jobs::ClassifyResult c = jobs::classify_stored_scores(store_.path, o_);
        if (c.development_assumed) {
            spdlog::warn(
                "{}: the development class edges are an assumption of the preset (no published edges)",
                c.model_title);
        }
        if (!out_.empty()) write_table_csv(c.combined, out_);
        apply_to_store(store_.path, c.update);
        const auto& ca = c.result.class_agreement;
        const auto& da = c.result.development_agreement;
        spdlog::info("{}: {} area-years classified, {} developments", c.dataset, c.result.scores.row_count(),
                     c.result.development.row_count());
        if (ca.compared > 0) {
            spdlog::info(
                "classes: {} of {} equal to the published ones ({:.3f}%); {} of {} mismatches within {} of "
                "an "
                "edge",
                ca.equal, ca.compared, 100.0 * ca.share(), ca.mismatches_near_edge, ca.compared - ca.equal,
                o_.tolerance);
        }
        if (da.compared > 0) {
            spdlog::info("development: {} of {} equal ({:.3f}%); {} of {} mismatches within {} of an edge",
                         da.equal, da.compared, 100.0 * da.share(), da.mismatches_near_edge,
                         da.compared - da.equal, o_.tolerance);
        }
        if (json_) std::cout << c.summary.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::ClassifyOptions o_;
    std::string out_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_classify() {
    return std::make_unique<Classify>();
}

}  // namespace wz::app
