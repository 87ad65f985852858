// wijkzicht import indicators: indicator values per 100 m cell (or area), one file per year.
#include "command.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

class ImportIndicators final : public ImportCommand {
  protected:
    const char* name() const override { return "indicators"; }
    const char* help() const override {
        return "Indicator values per 100 m cell (or area) and year: CSV with 'code' and one numeric column "
               "per "
               "indicator, one file per year (the year from --year or from the file name).\n"
               "Example: wijkzicht import indicators indicators_2018.csv indicators_2020.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("files", files_, "CSV files")->required();
        cmd->add_option("--year", year_,
                        "Year of every file (default: the four-digit year in each file name)");
        cmd->add_option("--name", name_, "Dataset name")->capture_default_str();
    }
    Imported import() override {
        Imported i{{"import indicators", {{"files", files_}, {"name", name_}}, files_}, {}, {}};
        if (year_) i.run.parameters["year"] = *year_;
        i.datasets.push_back(stream_indicators(files_, {name_, year_, encoding()}));
        return i;
    }

  private:
    std::vector<std::string> files_;
    std::string name_ = "indicators";
    std::optional<int> year_;
};

}  // namespace

std::unique_ptr<Command> make_import_indicators() {
    return std::make_unique<ImportIndicators>();
}

}  // namespace wz::app
