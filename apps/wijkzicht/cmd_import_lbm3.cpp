// wijkzicht import lbm3: Leefbaarometer 3.0 open data (scores per cell or area) as CSV or JSON lines.
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportLbm3 final : public ImportCommand {
  protected:
    const char* name() const override { return "lbm3"; }
    const char* help() const override {
        return "Leefbaarometer 3.0 open data (lbm, afw, fys, onv, soc, vrz, won; optional jaar and class "
               "columns) "
               "as CSV or JSON lines.\nGrid ids may be E1993N3660, C28992R100E1993N3660 or the numeric "
               "1199303660 form.\n"
               "Example: wijkzicht import lbm3 scores_grid.csv --level grid --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "Score file")->required();
        cmd->add_option("--level", level_, "grid, buurt, wijk or gemeente")->capture_default_str();
        cmd->add_option("--year", year_, "Measurement year when the file has no 'jaar' column");
        cmd->add_option("--name", name_, "Dataset name (default lbm3_<level>)");
    }
    Imported import() override {
        Imported i{{"import lbm3", {{"file", file_}, {"level", level_}}, {file_}}, {}, {}};
        if (year_) i.run.parameters["year"] = *year_;
        i.datasets.push_back(import_lbm3(file_, {level_arg("--level", level_), year_, name_}));
        return i;
    }
    void log_details(const Imported& imported) const override {
        const Dataset& d = imported.datasets.front();
        if (!d.meta.contains("edition_constant")) return;
        spdlog::info("{}: lbm - afw = {:.6f} (spread {:.2g}); largest |afw - (fys+onv+soc+vrz+won)| = {:.2g}",
                     d.name, d.meta["edition_constant"].get<double>(),
                     d.meta["edition_constant_spread"].get<double>(),
                     d.meta["max_additivity_gap"].get<double>());
    }
    bool reads_text() const override { return false; }

  private:
    std::string file_, level_ = "grid", name_;
    std::optional<int> year_;
};

}  // namespace

std::unique_ptr<Command> make_import_lbm3() {
    return std::make_unique<ImportLbm3>();
}

}  // namespace wz::app
