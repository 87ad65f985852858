// wijkzicht import incidents: a police incident export; protected fields are dropped on import.
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportIncidents final : public ImportCommand {
  protected:
    const char* name() const override { return "incidents"; }
    const char* help() const override {
        return "Police incident export (';'-separated, Dutch dates such as 20-9-2017 17:30, RD coordinates "
               "X;Y).\n"
               "Street, house number, postcode, registration numbers and exact coordinates are dropped on "
               "import: each incident keeps its 100 m cell, dates, type and area names.\n"
               "Example: wijkzicht import incidents fietsdata.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "CSV file")->required();
        cmd->add_option("--name", name_, "Dataset name")->capture_default_str();
    }
    Imported import() override {
        Imported i{{"import incidents", {{"file", file_}, {"name", name_}}, {file_}}, {}, {}};
        i.datasets.push_back(stream_incidents(file_, {name_, encoding()}));
        return i;
    }
    void log_details(const Imported& imported) const override {
        const Dataset& d = imported.datasets.front();
        spdlog::info("{}: protected columns dropped: {}", d.name, d.meta["protected_columns_dropped"].dump());
    }

  private:
    std::string file_, name_ = "incidents";
};

}  // namespace

std::unique_ptr<Command> make_import_incidents() {
    return std::make_unique<ImportIncidents>();
}

}  // namespace wz::app
