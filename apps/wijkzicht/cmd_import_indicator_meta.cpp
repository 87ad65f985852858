// wijkzicht import indicator-meta: names, dimensions and transforms of the indicators.
#include "command.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

class ImportIndicatorMeta final : public ImportCommand {
  protected:
    const char* name() const override { return "indicator-meta"; }
    const char* help() const override {
        return "Indicator metadata: id, name, dimension_lbm2 (won bev vrz vei fys), dimension_lbm3 (won fys "
               "vrz "
               "soc onv), transform.\n"
               "Example: wijkzicht import indicator-meta indicator_meta.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override { cmd->add_option("file", file_, "CSV file")->required(); }
    Imported import() override {
        Imported i{{"import indicator-meta", {{"file", file_}}, {file_}}, {}, {}};
        i.datasets.push_back(import_indicator_meta(file_, encoding()));
        return i;
    }

  private:
    std::string file_;
};

}  // namespace

std::unique_ptr<Command> make_import_indicator_meta() {
    return std::make_unique<ImportIndicatorMeta>();
}

}  // namespace wz::app
