// wijkzicht export: writes one dataset of the store as CSV (any storage: attribute table or column
// blocks, which QGIS cannot show as a table).
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"

namespace wz::app {
namespace {

class Export final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "export",
            "Writes one dataset of the store as a CSV file (UTF-8, ',' separated, '.' decimals, missing "
            "values\n"
            "empty; their reasons stay in the store: see 'wijkzicht info'). Works for every dataset, also "
            "the\n"
            "large ones kept in column blocks (wz_blocks) that QGIS does not show as attribute tables.\n"
            "Example: wijkzicht export --store nl.gpkg --dataset score_grid --out score_grid.csv");
        store_.add(cmd);
        cmd->add_option("--dataset", dataset_, "Dataset name (see: wijkzicht info --store STORE)")
            ->required();
        cmd->add_option("--out", out_, "CSV file to write (written to a temporary file, then renamed)")
            ->required();
        return cmd;
    }
    int run() override {
        const Dataset ds = read_dataset(store_.path, dataset_);
        write_table_csv(ds.table, out_);
        spdlog::info("wrote dataset '{}' ({} rows, {} columns) to {}", ds.name, ds.table.row_count(),
                     ds.table.column_count(), out_);
        return 0;
    }

  private:
    StoreOption store_;
    std::string dataset_, out_;
};

}  // namespace

std::unique_ptr<Command> make_export() {
    return std::make_unique<Export>();
}

}  // namespace wz::app
