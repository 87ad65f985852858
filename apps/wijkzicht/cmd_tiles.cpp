// wijkzicht tiles: Mapbox vector tiles of the store's map layers, built ahead for the service.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/tiles.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Build the vector tiles the service and the dashboard draw.

One MBTiles file next to the store (STORE.tiles.mbtiles unless --out says otherwise) with a source layer
per level: provincie, corop, gemeente (from zoom 0), wijk (4), buurt (5) and the 100 m grid cells (from
--grid-min-zoom). Every area carries code, name and per measurement year Y: score_Y, class_Y and the
dimension scores (won_Y, bev_Y, vrz_Y, vei_Y, fys_Y); grid cells carry score_Y and class_Y. Tiles are
in EPSG:3857, gzip-compressed, made by GDAL's MVT driver. The file is replaced atomically. `wijkzicht
serve` finds it next to the store.

Example:
  wijkzicht tiles --store nl.gpkg
  wijkzicht serve --store nl.gpkg --users users.toml --port 8080)";

class Tiles final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("tiles", kHelp);
        store_.add(cmd);
        cmd->add_option("--out", o_.out, "The MBTiles file (default: STORE.tiles.mbtiles)");
        cmd->add_option("--max-zoom", o_.max_zoom, "Deepest zoom level built (map clients overzoom beyond)")
            ->capture_default_str();
        cmd->add_option("--grid-min-zoom", o_.grid_min_zoom, "First zoom level with the 100 m grid cells")
            ->capture_default_str();
        cmd->add_flag("!--no-grid", o_.grid, "Leave the 100 m grid out");
        cmd->add_option("--simplify", o_.simplify,
                        "Polygon simplification below the deepest zoom, in tile units (4096 per tile; 8 = one "
                        "pixel of a 512 px tile; 0 = none)")
            ->capture_default_str();
        cmd->add_option("--simplify-max-zoom", o_.simplify_max_zoom,
                        "The same at the deepest zoom (--max-zoom)")
            ->capture_default_str();
        json_.add(cmd, "Print the summary as JSON");
        return cmd;
    }
    int run() override {
        const jobs::TilesResult r = jobs::build_tiles(store_.path, o_);
        for (const auto& [layer, info] : r.summary["layers"].items())
            spdlog::info("{}: {} features from zoom {}", layer, info["features"].get<std::size_t>(), info["minzoom"].get<int>());
        spdlog::info("wrote {} ({:.1f} MB, {:.1f} s)", r.path, r.summary["bytes"].get<double>() / 1e6, seconds_since_start());
        if (json_.json) std::cout << r.summary.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::TilesOptions o_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_tiles() {
    return std::make_unique<Tiles>();
}

}  // namespace wz::app
