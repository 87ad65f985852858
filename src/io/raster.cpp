#include "io/raster.hpp"

#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/qgis_style.hpp"

namespace wz {

namespace fs = std::filesystem;

namespace {

struct Closer {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, Closer>;

// Files written under "<name>.part" and renamed together at the end; removed when not committed.
class PartFiles {
  public:
    std::string add(const std::string& final_name) {
        finals_.push_back(final_name);
        return final_name + ".part";
    }
    void commit() {
        for (const std::string& f : finals_) {
            fs::rename(f + ".part", f);
            // what the format cannot hold (category names), in GDAL's side file
            if (fs::exists(f + ".part.aux.xml")) fs::rename(f + ".part.aux.xml", f + ".aux.xml");
        }
        finals_.clear();
    }
    ~PartFiles() {
        std::error_code ec;
        for (const std::string& f : finals_) {
            fs::remove(f + ".part", ec);
            fs::remove(f + ".part.aux.xml", ec);
        }
    }

  private:
    std::vector<std::string> finals_;
};

const Column& need(const Table& t, const std::string& name, const char* what) {
    const Column* c = t.find(name);
    if (c == nullptr) throw UsageError(fmt::format("the grid table has no {} column '{}'", what, name));
    return *c;
}

DatasetPtr create_tiff(const std::string& path, int width, int height, int bands, GDALDataType type) {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (drv == nullptr) throw IoError("GDAL has no GTiff driver");
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", "256");
    options.SetNameValue("BLOCKYSIZE", "256");
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("PREDICTOR", type == GDT_Float32 ? "3" : "2");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    DatasetPtr ds(drv->Create(path.c_str(), width, height, bands, type, options.List()));
    if (!ds) throw IoError(fmt::format("cannot create '{}': {}", path, CPLGetLastErrorMsg()));
    return ds;
}

void place(GDALDataset& ds, double min_x, double max_y) {
    double transform[6] = {min_x, 100.0, 0.0, max_y, 0.0, -100.0};
    OGRSpatialReference rd;
    rd.importFromEPSG(28992);
    if (ds.SetGeoTransform(transform) != CE_None || ds.SetSpatialRef(&rd) != CE_None)
        throw IoError(fmt::format("cannot georeference the raster: {}", CPLGetLastErrorMsg()));
}

void write_band(GDALRasterBand& band, void* data, int width, int height, GDALDataType type) {
    if (band.RasterIO(GF_Write, 0, 0, width, height, data, width, height, type, 0, 0) != CE_None)
        throw IoError(fmt::format("cannot write a raster band: {}", CPLGetLastErrorMsg()));
}

// Overview factors 2, 4, … while the overview is at least 32 pixels on its longer side.
std::vector<int> overview_factors(int width, int height) {
    std::vector<int> f;
    for (int k = 2; std::max(width, height) / k >= 32; k *= 2) f.push_back(k);
    return f;
}

void build_overviews(GDALDataset& ds, const char* resampling, int width, int height) {
    std::vector<int> factors = overview_factors(width, height);
    if (factors.empty()) return;
    // The class rasters (MODE): GDAL computes each overview level from the one before, whose band reads as
    // a palette index without a colour table, and warns that this "will probably lead to unexpected
    // results". For the mode of class numbers it does not (the palette plays no part), so that warning is
    // not passed on; a failure still is, through the return value and CPLGetLastErrorMsg.
    const bool quiet = std::string_view(resampling) == "MODE";
    if (quiet) CPLPushErrorHandler(CPLQuietErrorHandler);
    const CPLErr err = ds.BuildOverviews(resampling, static_cast<int>(factors.size()), factors.data(), 0,
                                         nullptr, nullptr, nullptr);
    if (quiet) CPLPopErrorHandler();
    if (err != CE_None) throw IoError(fmt::format("cannot build overviews: {}", CPLGetLastErrorMsg()));
}

std::string color_table_xml(const GridRasterSpec& spec) {
    std::string xml = "    <ColorTable>\n      <Entry c1=\"0\" c2=\"0\" c3=\"0\" c4=\"0\"/>\n";
    for (const auto& c : spec.class_colors)
        xml += fmt::format("      <Entry c1=\"{}\" c2=\"{}\" c3=\"{}\" c4=\"255\"/>\n", c[0], c[1], c[2]);
    return xml + "    </ColorTable>\n";
}

}  // namespace

GridRasterFiles write_grid_rasters(const Table& table, const GridRasterSpec& spec,
                                   const std::string& out_path) {
    const Column& code = need(table, "code", "cell code");
    const Column& year = need(table, "year", "year");
    const Column& value = need(table, spec.value_column, "value");
    const Column* cls = spec.class_column.empty() ? nullptr : table.find(spec.class_column);
    if (cls != nullptr && spec.class_colors.empty())
        throw UsageError("class rasters need the class colours of the model preset");
    const std::size_t n = table.row_count();
    if (n == 0) throw UsageError("the grid table has no rows");

    // Cells and years of the rows.
    std::vector<GridCell> cell(n);
    std::vector<int> years;
    std::int32_t x0 = std::numeric_limits<std::int32_t>::max(), y0 = x0;
    std::int32_t x1 = std::numeric_limits<std::int32_t>::min(), y1 = x1;
    for (std::size_t r = 0; r < n; ++r) {
        const auto c = code.is_missing(r) ? std::nullopt : parse_grid_cell(code.text_at(r));
        if (!c)
            throw InputError("grid table", static_cast<long>(r) + 1, 1, "a 100 m cell code (E1993N3660)",
                             quote_found(code.is_missing(r) ? "" : code.text_at(r)));
        if (year.is_missing(r)) throw InputError("grid table", static_cast<long>(r) + 1, 2, "a year", "none");
        cell[r] = *c;
        x0 = std::min(x0, c->x100);
        x1 = std::max(x1, c->x100);
        y0 = std::min(y0, c->y100);
        y1 = std::max(y1, c->y100);
        years.push_back(static_cast<int>(year.int_at(r)));
    }
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());
    GridRasterFiles out;
    out.years = years;
    out.width = x1 - x0 + 1;
    out.height = y1 - y0 + 1;
    out.min_x = x0 * 100.0;
    out.max_y = (y1 + 1) * 100.0;
    const auto w = static_cast<std::size_t>(out.width), h = static_cast<std::size_t>(out.height);
    if (w * h > std::size_t{400'000'000})
        throw UsageError(fmt::format("the grid spans {} x {} cells: too large for one raster", w, h));
    std::vector<std::uint8_t> seen(w * h, 0);
    auto pixel = [&](std::size_t r) {
        return static_cast<std::size_t>(y1 - cell[r].y100) * w + static_cast<std::size_t>(cell[r].x100 - x0);
    };
    for (std::size_t r = 0; r < n; ++r) seen[pixel(r)] = 1;
    out.cells = static_cast<std::size_t>(std::count(seen.begin(), seen.end(), std::uint8_t{1}));

    const fs::path target(out_path);
    const std::string stem = (target.parent_path() / target.stem()).string();
    PartFiles parts;
    ProgressStep step("grid rasters", years.size() * (cls != nullptr ? 2 : 1), "bands");

    // Scores: one Float32 band per year.
    out.scores = out_path;
    {
        DatasetPtr ds = create_tiff(parts.add(out_path), out.width, out.height,
                                    static_cast<int>(years.size()), GDT_Float32);
        place(*ds, out.min_x, out.max_y);
        std::vector<float> band(w * h);
        for (std::size_t k = 0; k < years.size(); ++k) {
            check_cancelled();
            std::fill(band.begin(), band.end(), std::numeric_limits<float>::quiet_NaN());
            for (std::size_t r = 0; r < n; ++r)
                if (year.int_at(r) == years[k] && !value.is_missing(r))
                    band[pixel(r)] = static_cast<float>(value.number_at(r));
            GDALRasterBand* b = ds->GetRasterBand(static_cast<int>(k) + 1);
            write_band(*b, band.data(), out.width, out.height, GDT_Float32);
            b->SetNoDataValue(std::nan(""));
            b->SetDescription(fmt::format("{} {}", spec.value_column, years[k]).c_str());
            step.advance();
        }
        build_overviews(*ds, "AVERAGE", out.width, out.height);
    }

    // Classes: a paletted GeoTIFF per year, and a VRT stacking them with the colour table on every band.
    if (cls != nullptr) {
        const std::size_t classes = spec.class_colors.size();
        GDALColorTable ct;
        const GDALColorEntry none{0, 0, 0, 0};
        ct.SetColorEntry(0, &none);
        for (std::size_t k = 0; k < classes; ++k) {
            const GDALColorEntry e{spec.class_colors[k][0], spec.class_colors[k][1], spec.class_colors[k][2],
                                   255};
            ct.SetColorEntry(static_cast<int>(k) + 1, &e);
        }
        CPLStringList names;
        names.AddString("");
        for (std::size_t k = 0; k < classes; ++k)
            names.AddString(k < spec.class_names.size() ? spec.class_names[k].c_str() : "");
        std::vector<std::uint8_t> band(w * h);
        std::string vrt =
            fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", out.width, out.height);
        {
            OGRSpatialReference rd;
            rd.importFromEPSG(28992);
            char* wkt = nullptr;
            rd.exportToWkt(&wkt);
            vrt += "  <SRS dataAxisToSRSAxisMapping=\"1,2\">" + qgis::xml_escape(wkt) + "</SRS>\n";
            CPLFree(wkt);
        }
        vrt += fmt::format("  <GeoTransform>{:.1f}, 100.0, 0.0, {:.1f}, 0.0, -100.0</GeoTransform>\n",
                           out.min_x, out.max_y);
        for (std::size_t k = 0; k < years.size(); ++k) {
            check_cancelled();
            std::fill(band.begin(), band.end(), std::uint8_t{0});
            for (std::size_t r = 0; r < n; ++r) {
                if (year.int_at(r) != years[k] || cls->is_missing(r)) continue;
                const std::int64_t c = cls->int_at(r);
                if (c < 1 || static_cast<std::size_t>(c) > classes)
                    throw UsageError(fmt::format("class {} of cell {} in {} is outside 1..{}", c,
                                                 code.text_at(r), years[k], classes));
                band[pixel(r)] = static_cast<std::uint8_t>(c);
            }
            const std::string file = fmt::format("{}_class_{}.tif", stem, years[k]);
            DatasetPtr ds = create_tiff(parts.add(file), out.width, out.height, 1, GDT_Byte);
            place(*ds, out.min_x, out.max_y);
            GDALRasterBand* b = ds->GetRasterBand(1);
            write_band(*b, band.data(), out.width, out.height, GDT_Byte);
            b->SetNoDataValue(0);
            b->SetColorInterpretation(GCI_PaletteIndex);
            if (b->SetColorTable(&ct) != CE_None)
                throw IoError(fmt::format("cannot set the colour table: {}", CPLGetLastErrorMsg()));
            b->SetCategoryNames(names.List());
            b->SetDescription(fmt::format("{} {}", spec.class_column, years[k]).c_str());
            build_overviews(*ds, "MODE", out.width, out.height);
            ds.reset();
            out.class_files.push_back(file);
            vrt += fmt::format(
                "  <VRTRasterBand dataType=\"Byte\" band=\"{}\">\n    <Description>{} {}</Description>\n"
                "    <NoDataValue>0</NoDataValue>\n    <ColorInterp>Palette</ColorInterp>\n{}"
                "    <SimpleSource>\n      <SourceFilename relativeToVRT=\"1\">{}</SourceFilename>\n"
                "      <SourceBand>1</SourceBand>\n    </SimpleSource>\n  </VRTRasterBand>\n",
                k + 1, qgis::xml_escape(spec.class_column), years[k], color_table_xml(spec),
                qgis::xml_escape(fs::path(file).filename().string()));
            step.advance();
        }
        vrt += "</VRTDataset>\n";
        out.class_stack = stem + "_class.vrt";
        std::ofstream f(parts.add(out.class_stack), std::ios::binary);
        f << vrt;
        f.close();
        if (!f) throw IoError(fmt::format("cannot write '{}'", out.class_stack));
    }
    parts.commit();
    return out;
}

}  // namespace wz
