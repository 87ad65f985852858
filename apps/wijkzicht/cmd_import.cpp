// wijkzicht import KIND ...: read a real source, check it completely, then store it atomically.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/store.hpp"

namespace wz::app {
namespace {

struct Common {
    std::string store;
    std::string encoding = "auto";
};

csv::Encoding encoding_of(const std::string& name) {
    auto e = csv::parse_encoding(name);
    if (!e) throw UsageError(fmt::format("--encoding: expected utf-8, latin1 or cp1252, found '{}'", name));
    return *e;
}

Level level_of(const std::string& name) {
    auto l = parse_level(name);
    if (!l) {
        throw UsageError(
            fmt::format("--level: expected grid, buurt, wijk, gemeente, corop, corop_plus, provincie, "
                        "nederland or pc4, found '{}'",
                        name));
    }
    return *l;
}

void add_store_options(CLI::App* cmd, Common& c) {
    cmd->add_option("--store", c.store, "The results store (GeoPackage; created when absent)")->required();
}

void add_encoding_option(CLI::App* cmd, Common& c) {
    cmd->add_option(
           "--encoding", c.encoding,
           "Text encoding: auto (UTF-8, else Windows-1252 when the bytes fit it), utf-8, cp1252 or latin1")
        ->capture_default_str();
}

void log_dataset(const Dataset& ds) {
    spdlog::info("{}: {} rows, {} columns, years {}", ds.name, ds.table.row_count(), ds.table.column_count(),
                 fmt::join(dataset_years(ds.table), " "));
    if (ds.meta.contains("warning")) spdlog::warn("{}: {}", ds.name, ds.meta["warning"].get<std::string>());
}

int store_update(const std::string& store, StoreUpdate update, const std::vector<std::string>& inputs,
                 std::chrono::steady_clock::time_point t0) {
    for (const auto& p : inputs) update.run.inputs.push_back(describe_input(p));
    const auto run_id = apply_to_store(store, update);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    spdlog::info("stored in {} as run {} ({:.2f} s)", store, run_id, secs);
    return 0;
}

}  // namespace

void add_import_command(CLI::App& app, Action& action);
void add_import_command(CLI::App& app, Action& action) {
    CLI::App* imp = app.add_subcommand(
        "import", "Import a real source into the results store (checked first, stored atomically)");
    imp->require_subcommand(1);

    // boundaries
    {
        struct Args {
            Common c;
            std::string file, level, id_field, name_field, layer, src_srs;
            int vintage = 0;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand("boundaries",
                                            "Area polygons from any GDAL vector source (GeoPackage, "
                                            "shapefile also inside a .zip, GeoJSON, TopoJSON, "
                                            "CSV with a WKT column), reprojected to EPSG:28992.\nParent "
                                            "links come from the codes (buurt BU00140000 -> "
                                            "wijk WK001400 -> gemeente GM0014) and from fields such as "
                                            "corop_gebied, corop_plus_gebied, provincie.\n"
                                            "Example: wijkzicht import boundaries buurt_2014.gpkg --level "
                                            "buurt --vintage 2014 --id-field statcode --store nl.gpkg");
        cmd->add_option("file", a->file, "Vector file")->required();
        cmd->add_option("--level", a->level,
                        "buurt, wijk, gemeente, corop, corop_plus, provincie, pc4 or grid")
            ->required();
        cmd->add_option("--vintage", a->vintage, "Year of the boundary edition (e.g. 2014)")->required();
        cmd->add_option("--id-field", a->id_field,
                        "Field with the area code (statcode, BU_CODE, buurtcode, ...)")
            ->required();
        cmd->add_option("--name-field", a->name_field,
                        "Field with the area name (default: statnaam, buurtnaam, ... when present)");
        cmd->add_option("--layer", a->layer, "Layer to read when the source has several");
        cmd->add_option("--src-srs", a->src_srs,
                        "Source CRS when the file has none or a wrong one (e.g. EPSG:4326)");
        add_store_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                BoundaryOptions o{level_of(a->level), a->vintage, a->id_field,
                                  a->name_field,      a->layer,   a->src_srs};
                spdlog::debug("reading {} ...", a->file);
                AreaLayer layer = import_boundaries(a->file, o);
                spdlog::info("{} {} areas (vintage {}), {} without geometry, source CRS {}",
                             layer.areas.size(), level_name(layer.level), layer.vintage,
                             layer.empty_geometries(), layer.source_crs);
                if (layer.empty_geometries() > 0) {
                    spdlog::warn(
                        "{} areas have an empty geometry: they are kept (by code) and mapped as holes",
                        layer.empty_geometries());
                }
                StoreUpdate u;
                u.run.command = "import boundaries";
                u.run.started = utc_now();
                u.run.parameters = {
                    {"file", a->file},         {"level", a->level},           {"vintage", a->vintage},
                    {"id_field", a->id_field}, {"name_field", a->name_field}, {"layer", a->layer},
                    {"src_srs", a->src_srs}};
                u.area_layers.push_back(std::move(layer));
                return store_update(a->c.store, std::move(u), {a->file}, t0);
            };
        });
    }
    // lbm2
    {
        struct Args {
            Common c;
            std::string classes, dimensions, level = "pc4";
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand(
            "lbm2",
            "Leefbaarometer 2.0 open data: the class file (CODE, KL02..KL18, VKLaabb) and the dimension file "
            "(GBD, "
            "RLBRMTRyy, RLBWONyy, RLBBEVyy, RLBVRZyy, RLBVEIyy, RLBFYSyy).\n"
            "Example: wijkzicht import lbm2 PC4LBR.csv PC4DIMENSIE.csv --level pc4 --store nl.gpkg");
        cmd->add_option("classes", a->classes, "Class file (e.g. PC4LBR.csv)")->required();
        cmd->add_option("dimensions", a->dimensions, "Dimension score file (e.g. PC4DIMENSIE.csv)")
            ->required();
        cmd->add_option("--level", a->level, "Level of the codes: pc4, buurt, wijk or gemeente")
            ->capture_default_str();
        add_store_options(cmd, a->c);
        add_encoding_option(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                auto sets =
                    import_lbm2(a->classes, a->dimensions, level_of(a->level), encoding_of(a->c.encoding));
                StoreUpdate u;
                u.run.command = "import lbm2";
                u.run.started = utc_now();
                u.run.parameters = {
                    {"classes", a->classes}, {"dimensions", a->dimensions}, {"level", a->level}};
                for (auto& d : sets) {
                    log_dataset(d);
                    u.datasets.push_back(std::move(d));
                }
                return store_update(a->c.store, std::move(u), {a->classes, a->dimensions}, t0);
            };
        });
    }
    // lbm3
    {
        struct Args {
            Common c;
            std::string file, level = "grid", name;
            std::optional<int> year;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand(
            "lbm3",
            "Leefbaarometer 3.0 open data (lbm, afw, fys, onv, soc, vrz, won; optional jaar and class "
            "columns) as CSV "
            "or JSON lines.\nGrid ids may be E1993N3660, C28992R100E1993N3660 or the numeric 1199303660 "
            "form.\n"
            "Example: wijkzicht import lbm3 scores_grid.csv --level grid --store nl.gpkg");
        cmd->add_option("file", a->file, "Score file")->required();
        cmd->add_option("--level", a->level, "grid, buurt, wijk or gemeente")->capture_default_str();
        cmd->add_option("--year", a->year, "Measurement year when the file has no 'jaar' column");
        cmd->add_option("--name", a->name, "Dataset name (default lbm3_<level>)");
        add_store_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                Dataset d = import_lbm3(a->file, {level_of(a->level), a->year, a->name});
                log_dataset(d);
                if (d.meta.contains("edition_constant")) {
                    spdlog::info(
                        "{}: lbm - afw = {:.6f} (spread {:.2g}); largest |afw - (fys+onv+soc+vrz+won)| = "
                        "{:.2g}",
                        d.name, d.meta["edition_constant"].get<double>(),
                        d.meta["edition_constant_spread"].get<double>(),
                        d.meta["max_additivity_gap"].get<double>());
                }
                StoreUpdate u;
                u.run.command = "import lbm3";
                u.run.started = utc_now();
                u.run.parameters = {{"file", a->file}, {"level", a->level}};
                if (a->year) u.run.parameters["year"] = *a->year;
                u.datasets.push_back(std::move(d));
                return store_update(a->c.store, std::move(u), {a->file}, t0);
            };
        });
    }
    // grid-stats
    {
        struct Args {
            Common c;
            std::string file, name = "grid_stats";
            std::optional<int> year;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd =
            imp->add_subcommand("grid-stats",
                                "CBS 100 m grid statistics (vierkantstatistieken): cell code column "
                                "C28992R100 and year-suffixed columns "
                                "(INW2000..INW2014, WON2012, ...), reshaped to one row per cell and "
                                "year.\nSecrecy values -99997, -99998 and "
                                "'geheim' become missing values with their reason; 'nihil' is 0.\n"
                                "Example: wijkzicht import grid-stats vierkant100m2014.csv --store nl.gpkg");
        cmd->add_option("file", a->file, "CSV file")->required();
        cmd->add_option("--name", a->name, "Dataset name")->capture_default_str();
        cmd->add_option("--year", a->year,
                        "Year for columns without a year in their name (default: the latest year)");
        add_store_options(cmd, a->c);
        add_encoding_option(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                Dataset d = import_grid_stats(a->file, {a->name, a->year, encoding_of(a->c.encoding)});
                log_dataset(d);
                spdlog::info("{}: {} cells; missing values by reason: {}", d.name,
                             d.meta["cells"].get<long>(), d.meta["missing"].dump());
                StoreUpdate u;
                u.run.command = "import grid-stats";
                u.run.started = utc_now();
                u.run.parameters = {{"file", a->file}, {"name", a->name}};
                u.datasets.push_back(std::move(d));
                return store_update(a->c.store, std::move(u), {a->file}, t0);
            };
        });
    }
    // statline
    {
        struct Args {
            Common c;
            std::string file, name, code_column, year_column;
            std::optional<int> year;
            std::vector<std::string> text_columns;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd =
            imp->add_subcommand("statline",
                                "CBS StatLine CSV export: title lines above the header, ';' or ',' "
                                "separated, quoted (also multi-row) headers, "
                                "decimal comma, symbols '.' (not available), 'x' (secret), '?' (uncertain) "
                                "as missing values with their reason "
                                "and '-' (nil) as 0.\nRows are keyed by the area code column (found "
                                "automatically) and the period.\n"
                                "Example: wijkzicht import statline kerncijfers_2017.csv --store nl.gpkg");
        cmd->add_option("file", a->file, "CSV file")->required();
        cmd->add_option("--name", a->name, "Dataset name (default: the file name)");
        cmd->add_option("--code-column", a->code_column,
                        "Column with the area codes (default: found from the values)");
        cmd->add_option("--year-column", a->year_column,
                        "Column with the period (default: Perioden/Jaar/...)");
        cmd->add_option("--year", a->year, "Year for all rows when the file has no period column");
        cmd->add_option("--text-column", a->text_columns, "Keep this column as text (repeatable)");
        add_store_options(cmd, a->c);
        add_encoding_option(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                StatlineOptions o{a->name, a->code_column,  a->year_column,
                                  a->year, a->text_columns, encoding_of(a->c.encoding)};
                Dataset d = import_statline(a->file, o);
                log_dataset(d);
                StoreUpdate u;
                u.run.command = "import statline";
                u.run.started = utc_now();
                u.run.parameters = {{"file", a->file}, {"name", d.name}};
                u.datasets.push_back(std::move(d));
                return store_update(a->c.store, std::move(u), {a->file}, t0);
            };
        });
    }
    // incidents
    {
        struct Args {
            Common c;
            std::string file, name = "incidents";
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd =
            imp->add_subcommand("incidents",
                                "Police incident export (';'-separated, Dutch dates such as 20-9-2017 17:30, "
                                "RD coordinates X;Y).\n"
                                "Street, house number, postcode, registration numbers and exact coordinates "
                                "are dropped on import: each "
                                "incident keeps its 100 m cell, dates, type and area names.\n"
                                "Example: wijkzicht import incidents fietsdata.csv --store nl.gpkg");
        cmd->add_option("file", a->file, "CSV file")->required();
        cmd->add_option("--name", a->name, "Dataset name")->capture_default_str();
        add_store_options(cmd, a->c);
        add_encoding_option(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                Dataset d = import_incidents(a->file, {a->name, encoding_of(a->c.encoding)});
                log_dataset(d);
                spdlog::info("{}: protected columns dropped: {}", d.name,
                             d.meta["protected_columns_dropped"].dump());
                StoreUpdate u;
                u.run.command = "import incidents";
                u.run.started = utc_now();
                u.run.parameters = {{"file", a->file}, {"name", a->name}};
                u.datasets.push_back(std::move(d));
                return store_update(a->c.store, std::move(u), {a->file}, t0);
            };
        });
    }
}

const CommandRegistration kRegister{10, add_import_command};

}  // namespace wz::app
