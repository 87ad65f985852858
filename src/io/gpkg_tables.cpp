#include "io/gpkg_tables.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>

#include "core/error.hpp"

namespace wz {

namespace {

using DatasetPtr = std::unique_ptr<GDALDataset, void (*)(GDALDataset*)>;

DatasetPtr open_gpkg(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw NotFoundError(fmt::format("no file '{}'", path));
    GDALAllRegister();
    const char* drivers[] = {"GPKG", nullptr};
    DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr),
                  [](GDALDataset* d) { GDALClose(d); });
    if (!ds) throw InputError(path, 0, 0, "a GeoPackage", "a file GDAL cannot open as one");
    return ds;
}

}  // namespace

std::vector<std::string> gpkg_layer_names(const std::string& path) {
    auto ds = open_gpkg(path);
    std::vector<std::string> names;
    for (int i = 0; i < ds->GetLayerCount(); ++i) names.emplace_back(ds->GetLayer(i)->GetName());
    return names;
}

Table read_gpkg_table(const std::string& path, const std::string& layer) {
    auto ds = open_gpkg(path);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    if (l == nullptr) {
        std::string names;
        for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
        throw NotFoundError(fmt::format("'{}' has no layer '{}' (layers: {})", path, layer, names));
    }
    OGRFeatureDefn* defn = l->GetLayerDefn();
    Table table;
    std::vector<ColumnType> types;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldType t = defn->GetFieldDefn(i)->GetType();
        const ColumnType type = (t == OFTInteger || t == OFTInteger64) ? ColumnType::kInt
                                : t == OFTReal                         ? ColumnType::kReal
                                                                       : ColumnType::kText;
        types.push_back(type);
        table.add_column(defn->GetFieldDefn(i)->GetNameRef(), type);
    }
    l->ResetReading();
    while (std::unique_ptr<OGRFeature> f{l->GetNextFeature()}) {
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            Column& c = table.columns()[static_cast<std::size_t>(i)];
            if (!f->IsFieldSetAndNotNull(i)) {
                c.push_missing(Missing::kEmpty);
            } else if (types[static_cast<std::size_t>(i)] == ColumnType::kInt) {
                c.push_int(f->GetFieldAsInteger64(i));
            } else if (types[static_cast<std::size_t>(i)] == ColumnType::kReal) {
                c.push_real(f->GetFieldAsDouble(i));
            } else {
                c.push_text(f->GetFieldAsString(i));
            }
        }
    }
    return table;
}

}  // namespace wz
