// wijkzicht import boundaries: area polygons from any GDAL vector source into the store.
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "geo/vector.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportBoundaries final : public ImportCommand {
  protected:
    const char* name() const override { return "boundaries"; }
    const char* help() const override {
        return "Area polygons from any GDAL vector source (GeoPackage, shapefile also inside a .zip, "
               "GeoJSON, "
               "TopoJSON, CSV with a WKT column), reprojected to EPSG:28992. GDAL source names work as GDAL "
               "writes them:\n/vsizip/boundaries.zip/buurt.shp, /vsigzip/buurt.geojson.gz, "
               "TopoJSON:buurt.json.\nParent links come from the "
               "codes "
               "(buurt BU00140000 -> wijk WK001400 -> gemeente GM0014) and from fields such as corop_gebied, "
               "corop_plus_gebied, provincie.\n"
               "Example: wijkzicht import boundaries buurt_2014.gpkg --level buurt --vintage 2014 --id-field "
               "statcode --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "Vector file")->required();
        cmd->add_option("--level", level_, "buurt, wijk, gemeente, corop, corop_plus, provincie, pc4 or grid")
            ->required();
        cmd->add_option("--vintage", vintage_, "Year of the boundary edition (e.g. 2014)")->required();
        cmd->add_option("--id-field", id_field_,
                        "Field with the area code (statcode, BU_CODE, buurtcode, ...)")
            ->required();
        cmd->add_option("--name-field", name_field_,
                        "Field with the area name (default: statnaam, buurtnaam, ... when present)");
        cmd->add_option("--layer", layer_, "Layer to read when the source has several");
        cmd->add_option("--src-srs", src_srs_,
                        "Source CRS when the file has none or a wrong one (e.g. EPSG:4326)");
    }
    Imported import() override {
        const BoundaryOptions o{
            level_arg("--level", level_), vintage_, id_field_, name_field_, layer_, src_srs_};
        Imported i{{"import boundaries",
                    {{"file", file_},
                     {"level", level_},
                     {"vintage", vintage_},
                     {"id_field", id_field_},
                     {"name_field", name_field_},
                     {"layer", layer_},
                     {"src_srs", src_srs_}},
                    {geo::file_behind(file_)}},
                   {},
                   {}};
        i.layers.push_back(import_boundaries(file_, o));
        return i;
    }
    void log_details(const Imported& imported) const override {
        const AreaLayer& layer = imported.layers.front();
        spdlog::info("{} {} areas (vintage {}), {} without geometry, source CRS {}, read by GDAL's {} driver",
                     layer.areas.size(), level_name(layer.level), layer.vintage, layer.empty_geometries(),
                     layer.source_crs, layer.source_driver);
        if (layer.empty_geometries() > 0) {
            spdlog::warn("{} areas have an empty geometry: they are kept (by code) and mapped as holes",
                         layer.empty_geometries());
        }
    }
    bool reads_text() const override { return false; }

  private:
    std::string file_, level_, id_field_, name_field_, layer_, src_srs_;
    int vintage_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_import_boundaries() {
    return std::make_unique<ImportBoundaries>();
}

}  // namespace wz::app
