// wijkzicht import grid-stats: CBS 100 m grid statistics (vierkantstatistieken).
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportGridStats final : public ImportCommand {
  protected:
    const char* name() const override { return "grid-stats"; }
    const char* help() const override {
        return "CBS 100 m grid statistics (vierkantstatistieken): cell code column C28992R100 and "
               "year-suffixed "
               "columns (INW2000..INW2014, WON2012, ...), reshaped to one row per cell and year.\nSecrecy "
               "values -99997, -99998 and 'geheim' become missing values with their reason; 'nihil' is 0.\n"
               "Example: wijkzicht import grid-stats vierkant100m2014.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "CSV file")->required();
        cmd->add_option("--name", name_, "Dataset name")->capture_default_str();
        cmd->add_option("--year", year_,
                        "Year for columns without a year in their name (default: the latest year)");
    }
    Imported import() override {
        Imported i{{"import grid-stats", {{"file", file_}, {"name", name_}}, {file_}}, {}, {}};
        i.datasets.push_back(stream_grid_stats(file_, {name_, year_, encoding()}));
        return i;
    }
    void log_details(const Imported& imported) const override {
        const Dataset& d = imported.datasets.front();
        if (!d.meta.contains("cells")) return;  // streamed: counted while stored (see the line after)
        spdlog::info("{}: {} cells; missing values by reason: {}", d.name, d.meta["cells"].get<long>(),
                     d.meta["missing"].dump());
    }

  private:
    std::string file_, name_ = "grid_stats";
    std::optional<int> year_;
};

}  // namespace

std::unique_ptr<Command> make_import_grid_stats() {
    return std::make_unique<ImportGridStats>();
}

}  // namespace wz::app
