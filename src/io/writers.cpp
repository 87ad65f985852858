#include "io/writers.hpp"

#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz {

TempFile::TempFile(std::string target, std::string_view suffix)
    : target_(std::move(target)), path_(fmt::format("{}.tmp-{}{}", target_, ::getpid(), suffix)) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

TempFile::~TempFile() {
    if (committed_) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

void TempFile::commit() {
    std::error_code ec;
    std::filesystem::rename(path_, target_, ec);
    if (ec) throw IoError(fmt::format("cannot replace '{}': {}", target_, ec.message()));
    committed_ = true;
}

void write_text_atomically(const std::string& path, std::string_view text) {
    TempFile tmp(path);
    {
        std::ofstream out(tmp.path(), std::ios::binary | std::ios::trunc);
        if (!out) throw IoError(fmt::format("cannot write '{}'", path));
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush()) throw IoError(fmt::format("cannot write '{}'", path));
    }
    tmp.commit();
}

void write_table_gpkg(const Table& table, const std::vector<std::vector<std::uint8_t>>& geometries,
                      const std::string& path, const std::string& layer) {
    write_tables_gpkg({{layer, &table, &geometries}}, path);
}

namespace {

void create_fields(OGRLayer& out, const Table& table, const std::string& path) {
    for (const Column& c : table.columns()) {
        const OGRFieldType type = c.type() == ColumnType::kReal  ? OFTReal
                                  : c.type() == ColumnType::kInt ? OFTInteger64
                                                                 : OFTString;
        OGRFieldDefn def(c.name().c_str(), type);
        if (out.CreateField(&def) != OGRERR_NONE)
            throw IoError(fmt::format("cannot create field '{}' in '{}'", c.name(), path));
    }
}

// Row r of the table as the feature's fields (missing: NULL) and `wkb` (may be null or empty) as its geometry.
void fill_feature(OGRFeature& feature, const Table& table, std::size_t r, const std::vector<std::uint8_t>* wkb,
                  OGRSpatialReference& srs) {
    for (std::size_t c = 0; c < table.column_count(); ++c) {
        const Column& col = table.columns()[c];
        const int fi = static_cast<int>(c);
        if (col.is_missing(r)) {
            feature.SetFieldNull(fi);
        } else if (col.type() == ColumnType::kReal) {
            feature.SetField(fi, col.real_at(r));
        } else if (col.type() == ColumnType::kInt) {
            feature.SetField(fi, static_cast<GIntBig>(col.int_at(r)));
        } else {
            feature.SetField(fi, col.text_at(r).c_str());
        }
    }
    if (wkb != nullptr && !wkb->empty()) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb->data(), &srs, &g, wkb->size()) == OGRERR_NONE && g != nullptr)
            feature.SetGeometryDirectly(g);
    }
}

}  // namespace

void write_tables_gpkg(const std::vector<GpkgLayer>& layers, const std::string& path) {
    for (const auto& l : layers) {
        if (l.geometries != nullptr && l.geometries->size() != l.table->row_count())
            throw InternalError("write_tables_gpkg: one geometry per row is needed");
    }
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) throw InternalError("GDAL has no GPKG driver");
    TempFile tmp(path, ".gpkg");
    {
        std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
            driver->Create(tmp.path().c_str(), 0, 0, 0, GDT_Unknown, nullptr),
            [](GDALDataset* d) { GDALClose(d); });
        if (!ds) throw IoError(fmt::format("cannot create '{}': {}", path, CPLGetLastErrorMsg()));
        OGRSpatialReference rd;
        rd.importFromEPSG(28992);
        for (const auto& l : layers) {
            const Table& table = *l.table;
            const bool spatial = l.geometries != nullptr;
            char** layer_options = nullptr;
            if (!spatial) layer_options = CSLSetNameValue(layer_options, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
            OGRLayer* out = ds->CreateLayer(l.name.c_str(), spatial ? &rd : nullptr, spatial ? wkbMultiPolygon : wkbNone,
                                            layer_options);
            CSLDestroy(layer_options);
            if (out == nullptr) throw IoError(fmt::format("cannot create layer '{}' in '{}'", l.name, path));
            create_fields(*out, table, path);
            if (ds->StartTransaction() != OGRERR_NONE)
                throw IoError(fmt::format("cannot start a transaction in '{}'", path));
            ProgressStep step(fmt::format("writing {} to {}", l.name, path), table.row_count(), "rows");
            for (std::size_t r = 0; r < table.row_count(); ++r) {
                OGRFeature feature(out->GetLayerDefn());
                fill_feature(feature, table, r, spatial ? &(*l.geometries)[r] : nullptr, rd);
                if (out->CreateFeature(&feature) != OGRERR_NONE)
                    throw IoError(fmt::format("cannot write feature {} to '{}'", r + 1, path));
                if ((r + 1) % 4096 == 0) step.advance(4096);
            }
            if (ds->CommitTransaction() != OGRERR_NONE) throw IoError(fmt::format("cannot commit '{}'", path));
        }
    }
    tmp.commit();
}

void write_vector_tiles(const std::vector<TileLayer>& layers, const std::string& path,
                        const VectorTileOptions& options) {
    for (const auto& l : layers) {
        if (l.geometries == nullptr || l.geometries->size() != l.table->row_count())
            throw InternalError("write_vector_tiles: one geometry per row is needed");
    }
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("MVT");
    if (driver == nullptr) throw InternalError("GDAL has no MVT driver");
    TempFile tmp(path, ".mbtiles");
    std::filesystem::remove(tmp.path());  // the MVT driver refuses to create over an existing file
    {
        int minzoom = 99, maxzoom = 0;
        for (const auto& l : layers) {
            minzoom = std::min(minzoom, l.minzoom);
            maxzoom = std::max(maxzoom, l.maxzoom);
        }
        CPLStringList ds_options;
        ds_options.SetNameValue("FORMAT", "MBTILES");
        ds_options.SetNameValue("NAME", options.name.c_str());
        ds_options.SetNameValue("DESCRIPTION", options.description.c_str());
        ds_options.SetNameValue("TYPE", "overlay");
        ds_options.SetNameValue("MINZOOM", std::to_string(minzoom).c_str());
        ds_options.SetNameValue("MAXZOOM", std::to_string(maxzoom).c_str());
        ds_options.SetNameValue("MAX_SIZE", std::to_string(options.max_tile_bytes).c_str());
        ds_options.SetNameValue("MAX_FEATURES", std::to_string(options.max_tile_features).c_str());
        ds_options.SetNameValue("COMPRESS", "YES");
        if (options.simplification > 0) {
            ds_options.SetNameValue("SIMPLIFICATION", fmt::format("{}", options.simplification).c_str());
            ds_options.SetNameValue("SIMPLIFICATION_MAX_ZOOM",
                                    fmt::format("{}", options.simplification_max_zoom).c_str());
        }
        std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
            driver->Create(tmp.path().c_str(), 0, 0, 0, GDT_Unknown, ds_options.List()),
            [](GDALDataset* d) { GDALClose(d); });
        if (!ds) throw IoError(fmt::format("cannot create '{}': {}", path, CPLGetLastErrorMsg()));
        OGRSpatialReference rd;
        rd.importFromEPSG(28992);
        rd.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        for (const auto& l : layers) {
            CPLStringList layer_options;
            layer_options.SetNameValue("MINZOOM", std::to_string(l.minzoom).c_str());
            layer_options.SetNameValue("MAXZOOM", std::to_string(l.maxzoom).c_str());
            OGRLayer* out = ds->CreateLayer(l.name.c_str(), &rd, wkbMultiPolygon, layer_options.List());
            if (out == nullptr) throw IoError(fmt::format("cannot create layer '{}' in '{}'", l.name, path));
            create_fields(*out, *l.table, path);
            ProgressStep step(fmt::format("tiling {}", l.name), l.table->row_count(), "features");
            for (std::size_t r = 0; r < l.table->row_count(); ++r) {
                OGRFeature feature(out->GetLayerDefn());
                fill_feature(feature, *l.table, r, &(*l.geometries)[r], rd);
                if (out->CreateFeature(&feature) != OGRERR_NONE)
                    throw IoError(fmt::format("cannot add feature {} of '{}' to '{}'", r + 1, l.name, path));
                if ((r + 1) % 4096 == 0) step.advance(4096);
            }
        }
        ProgressStep step("writing the tiles (GDAL MVT)", 1, "");
        CPLErrorReset();
        GDALClose(ds.release());
        if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
            throw IoError(fmt::format("cannot write the tiles '{}': {}", path, CPLGetLastErrorMsg()));
    }
    tmp.commit();
}

}  // namespace wz
