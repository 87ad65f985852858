// wijkzicht import sales: house sales with their 100 m cell and dwelling characteristics.
#include "command.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

class ImportSales final : public ImportCommand {
  protected:
    const char* name() const override { return "sales"; }
    const char* help() const override {
        return "House sales: sale, year, code (100 m cell), price, optional month, floor_area, rooms, "
               "dwelling_type, "
               "build_year.\n"
               "Example: wijkzicht import sales sales.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "CSV file")->required();
        cmd->add_option("--name", name_, "Dataset name")->capture_default_str();
    }
    Imported import() override {
        Imported i{{"import sales", {{"file", file_}, {"name", name_}}, {file_}}, {}, {}};
        i.datasets.push_back(stream_sales(file_, name_, encoding()));
        return i;
    }

  private:
    std::string file_, name_ = "sales";
};

}  // namespace

std::unique_ptr<Command> make_import_sales() {
    return std::make_unique<ImportSales>();
}

}  // namespace wz::app
