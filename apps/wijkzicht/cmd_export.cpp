// wijkzicht export: writes one dataset of the store as CSV (any storage: attribute table or column
// blocks, which QGIS cannot show as a table), or a grid dataset as GeoTIFF rasters.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "command.hpp"
#include "core/error.hpp"
#include "io/raster.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "jobs/presets.hpp"

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
            "--format gtiff (or an --out ending in .tif) writes a 100 m grid dataset as rasters that draw at "
            "once in any GIS:\n"
            "OUT.tif holds the scores, one band per year (EPSG:28992, tiled, compressed, with overviews); "
            "OUT_class_<year>.tif\nthe classes of each year with the model's colour table, and "
            "OUT_class.vrt all years as bands, each with the colour table.\n"
            "Example: wijkzicht export --store nl.gpkg --dataset score_grid --out score_grid.csv\n"
            "Example: wijkzicht export --store nl.gpkg --dataset score_grid --format gtiff --out "
            "score_grid.tif");
        store_.add(cmd);
        cmd->add_option("--dataset", dataset_, "Dataset name (see: wijkzicht info --store STORE)")
            ->required();
        cmd->add_option("--out", out_, "File to write (written to a temporary file, then renamed)")
            ->required();
        cmd->add_option("--format", format_,
                        "csv or gtiff (default: gtiff for an --out ending in .tif, else csv)")
            ->check(CLI::IsMember({"csv", "gtiff"}));
        cmd->add_option("--value", value_, "gtiff: the column of the score bands")->default_val("score");
        cmd->add_option("--class-column", class_column_, "gtiff: the column of the class bands ('' for none)")
            ->default_val("class");
        return cmd;
    }
    int run() override {
        const std::string ext = std::filesystem::path(out_).extension().string();
        const std::string format = !format_.empty()                    ? format_
                                   : (ext == ".tif" || ext == ".tiff") ? "gtiff"
                                                                       : "csv";
        const Dataset ds = read_dataset(store_.path, dataset_);
        if (format == "gtiff") return export_rasters(ds);
        write_table_csv(ds.table, out_);
        spdlog::info("wrote dataset '{}' ({} rows, {} columns) to {}", ds.name, ds.table.row_count(),
                     ds.table.column_count(), out_);
        return 0;
    }

  private:
    int export_rasters(const Dataset& ds) const {
        if (ds.level != Level::kGrid)
            throw UsageError(
                fmt::format("--format gtiff: '{}' is not a 100 m grid dataset (try score_grid)", ds.name));
        GridRasterSpec spec;
        spec.value_column = value_;
        spec.class_column = class_column_;
        if (!class_column_.empty() && ds.table.find(class_column_) != nullptr) {
            if (!ds.meta.contains("model") || !ds.meta["model"].is_string())
                throw UsageError(
                    fmt::format("'{}' names no model preset for its class colours (--class-column '' "
                                "writes the scores only)",
                                ds.name));
            const auto preset = jobs::load_model_preset(ds.meta["model"].get<std::string>());
            for (const std::string& hex : preset.classes.colors) {
                const auto v = std::stoul(hex.substr(1), nullptr, 16);
                spec.class_colors.push_back({static_cast<unsigned char>(v >> 16),
                                             static_cast<unsigned char>(v >> 8),
                                             static_cast<unsigned char>(v)});
            }
            spec.class_names = preset.classes.names;
        }
        const GridRasterFiles f = write_grid_rasters(ds.table, spec, out_);
        spdlog::info("wrote {} ({} x {} cells of 100 m, {} with data, {} bands: {})", f.scores, f.width,
                     f.height, f.cells, f.years.size(), fmt::join(f.years, " "));
        if (!f.class_files.empty())
            spdlog::info(
                "wrote {} class rasters with the {} colours ({} ... {}) and {} (every year as a band)",
                f.class_files.size(), ds.meta["model"].get<std::string>(), f.class_files.front(),
                f.class_files.back(), f.class_stack);
        return 0;
    }

    StoreOption store_;
    std::string dataset_, out_, format_, value_ = "score", class_column_ = "class";
};

}  // namespace

std::unique_ptr<Command> make_export() {
    return std::make_unique<Export>();
}

}  // namespace wz::app
