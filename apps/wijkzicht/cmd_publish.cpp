// wijkzicht publish: the map layers (with their QGIS styles), area layers and datasets of a store, and
// optionally the restricted aggregates of `risk publish`, written into PostgreSQL/PostGIS in one
// transaction (a second run replaces the first; a failed or stopped run leaves the database as it was).
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/publish.hpp"

namespace wz::app {
namespace {

class Publish final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "publish",
            "Writes the store's map layers (map_*, with their QGIS styles in the database's layer_styles),\n"
            "area layers (areas_*) and datasets (ds_<name>), and with --restricted the aggregates of `risk\n"
            "publish` (restricted_<layer>), into PostgreSQL/PostGIS through GDAL, in ONE transaction: every\n"
            "table is replaced, tables of an earlier publication that this one lacks are dropped "
            "(catalogue:\n"
            "wz_publication), and a run that fails or is stopped leaves the database as it was. The "
            "database\n"
            "needs PostGIS (CREATE EXTENSION postgis).\n"
            "Example: wijkzicht publish --to \"PG:dbname=gis host=localhost port=5432\" --store nl.gpkg");
        cmd->add_option("--to", o_.to, "PostgreSQL connection: \"PG:dbname=... host=... port=... user=...\"")
            ->required();
        store_.add(cmd, "The results store to publish");
        cmd->add_option("--restricted", o_.restricted,
                        "Aggregates GeoPackage of `wijkzicht risk publish` (tables restricted_<layer>: grant "
                        "access to them separately)");
        cmd->add_option("--datasets", o_.datasets,
                        "Datasets to publish: all (default), none, or names (comma-separated)")
            ->delimiter(',');
        cmd->add_flag("--json", json_, "Print what was published as JSON");
        return cmd;
    }
    int run() override {
        o_.store = store_.path;
        const PgPublishResult r = jobs::publish(o_);
        std::size_t rows = 0;
        nlohmann::json tables = nlohmann::json::array();
        for (const auto& t : r.tables) {
            rows += t.rows;
            tables.push_back({{"table", t.target}, {"kind", t.kind}, {"rows", t.rows}, {"styles", t.styles}});
        }
        spdlog::info("published {} tables ({} rows, {} QGIS styles) into {} ({:.2f} s){}", r.tables.size(),
                     rows, r.styles, redact_connection(o_.to), seconds_since_start(),
                     r.dropped.empty()
                         ? std::string()
                         : fmt::format("; dropped {} tables of the earlier publication", r.dropped.size()));
        if (json_) std::cout << nlohmann::json{{"tables", tables}, {"dropped", r.dropped}}.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::PublishOptions o_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_publish() {
    return std::make_unique<Publish>();
}

}  // namespace wz::app
