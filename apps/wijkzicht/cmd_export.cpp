// wijkzicht export: writes one dataset of the store as CSV (any storage: attribute table or column
// blocks, which QGIS cannot show as a table).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"

namespace wz::app {
namespace {

struct ExportArgs {
    std::string store, dataset, out;
};

int run_export(const ExportArgs& args) {
    const Dataset ds = read_dataset(args.store, args.dataset);
    write_table_csv(ds.table, args.out);
    spdlog::info("wrote dataset '{}' ({} rows, {} columns) to {}", ds.name, ds.table.row_count(),
                 ds.table.column_count(), args.out);
    return 0;
}

}  // namespace

void add_export_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action) {
    auto args = std::make_shared<ExportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "export",
        "Writes one dataset of the store as a CSV file (UTF-8, ',' separated, '.' decimals, missing values\n"
        "empty; their reasons stay in the store: see 'wijkzicht info'). Works for every dataset, also the\n"
        "large ones kept in column blocks (wz_blocks) that QGIS does not show as attribute tables.\n"
        "Example: wijkzicht export --store nl.gpkg --dataset score_grid --out score_grid.csv");
    cmd->add_option("--store", args->store, "The results store (GeoPackage)")->required();
    cmd->add_option("--dataset", args->dataset, "Dataset name (see: wijkzicht info --store STORE)")
        ->required();
    cmd->add_option("--out", args->out, "CSV file to write (written to a temporary file, then renamed)")
        ->required();
    cmd->callback([&action, args] { action = [args] { return run_export(*args); }; });
}

const CommandRegistration kRegister{25, add_export_command};

}  // namespace wz::app
