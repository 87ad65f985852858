// The grid as rasters (src/io/raster.hpp, `wijkzicht export --format gtiff`), read back with GDAL as any
// GIS would: extent, CRS, bands, nodata, colour tables, overviews, and every value against the table or
// the store it came from.
#include "io/raster.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "jobs/presets.hpp"
#include "monitor/synth_country.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

struct Closer {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, Closer>;

DatasetPtr open_raster(const std::string& path) {
    GDALAllRegister();
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly)));
    EXPECT_TRUE(ds) << path;
    return ds;
}

template <class T>
std::vector<T> read_band(GDALDataset& ds, int band, GDALDataType type) {
    std::vector<T> v(static_cast<std::size_t>(ds.GetRasterXSize()) *
                     static_cast<std::size_t>(ds.GetRasterYSize()));
    EXPECT_EQ(
        ds.GetRasterBand(band)->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(), v.data(),
                                         ds.GetRasterXSize(), ds.GetRasterYSize(), type, 0, 0),
        CE_None);
    return v;
}

bool is_rd_new(GDALDataset& ds) {
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    return srs != nullptr && srs->GetAuthorityCode(nullptr) != nullptr &&
           std::string(srs->GetAuthorityCode(nullptr)) == "28992";
}

// Hand-built: cells E0010N0020 … across 100 columns and 40 rows (a frame, so that overviews exist), two
// years; the second year leaves one cell without a score and one without a class.
Table frame_table() {
    std::vector<std::string> code;
    std::vector<std::int64_t> year, cls;
    std::vector<double> score;
    std::vector<std::uint8_t> no_score, no_class;
    for (int y : {2020, 2022})
        for (int x = 10; x < 110; ++x)
            for (int yy = 20; yy < 60; ++yy) {
                if (x != 10 && x != 109 && yy != 20 && yy != 59) continue;  // the frame only
                GridCell c{x, yy};
                code.push_back(c.code());
                year.push_back(y);
                score.push_back(x + yy / 100.0 + (y == 2022 ? 0.5 : 0.0));
                cls.push_back(1 + (x + yy) % 9);
                no_score.push_back(y == 2022 && x == 10 && yy == 20 ? 1 : 0);
                no_class.push_back(y == 2022 && x == 109 && yy == 59 ? 1 : 0);
            }
    Table t;
    t.add_column(Column::of_texts("code", code));
    t.add_column(Column::of_ints("year", year));
    t.add_column(Column::of_reals("score", score, no_score));
    t.add_column(Column::of_ints("class", cls, no_class));
    return t;
}

GridRasterSpec nine_colours() {
    GridRasterSpec s;
    for (unsigned char k = 1; k <= 9; ++k)
        s.class_colors.push_back(
            {static_cast<unsigned char>(20 * k), static_cast<unsigned char>(255 - 20 * k), 7});
    for (int k = 1; k <= 9; ++k) s.class_names.push_back("klasse " + std::to_string(k));
    return s;
}

TEST(GridRaster, HandBuiltFrameReadsBackWithGdal) {
    TempDir dir;
    const std::string out = dir.file("frame.tif");
    const GridRasterFiles f = write_grid_rasters(frame_table(), nine_colours(), out);
    EXPECT_EQ(f.width, 100);
    EXPECT_EQ(f.height, 40);
    EXPECT_EQ(f.cells, 2u * 100u + 2u * 38u);
    ASSERT_EQ(f.class_files.size(), 2u);
    EXPECT_EQ(f.class_files[1], dir.file("frame_class_2022.tif"));
    EXPECT_EQ(f.class_stack, dir.file("frame_class.vrt"));
    for (const auto& e : fs::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().string().find(".part"), std::string::npos) << e.path();

    DatasetPtr s = open_raster(out);
    ASSERT_TRUE(s);
    EXPECT_EQ(std::string(s->GetDriver()->GetDescription()), "GTiff");
    EXPECT_TRUE(is_rd_new(*s));
    double gt[6];
    ASSERT_EQ(s->GetGeoTransform(gt), CE_None);
    EXPECT_DOUBLE_EQ(gt[0], 1000.0);  // x100 = 10
    EXPECT_DOUBLE_EQ(gt[3], 6000.0);  // top of y100 = 59
    EXPECT_DOUBLE_EQ(gt[1], 100.0);
    EXPECT_DOUBLE_EQ(gt[5], -100.0);
    ASSERT_EQ(s->GetRasterCount(), 2);
    EXPECT_STREQ(s->GetRasterBand(2)->GetDescription(), "score 2022");
    EXPECT_EQ(s->GetRasterBand(1)->GetOverviewCount(), 1);  // 100 px: a 50 px overview only
    char** md = s->GetMetadata("IMAGE_STRUCTURE");
    EXPECT_STREQ(CSLFetchNameValue(md, "COMPRESSION"), "DEFLATE");
    int bx = 0, by = 0;
    s->GetRasterBand(1)->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    const auto y2020 = read_band<float>(*s, 1, GDT_Float32), y2022 = read_band<float>(*s, 2, GDT_Float32);
    auto at = [&](int x100, int y100) {
        return static_cast<std::size_t>(59 - y100) * 100 + static_cast<std::size_t>(x100 - 10);
    };
    EXPECT_FLOAT_EQ(y2020[at(10, 20)], 10.20f);
    EXPECT_TRUE(std::isnan(y2022[at(10, 20)]));  // no score
    EXPECT_FLOAT_EQ(y2022[at(109, 59)], 109.59f + 0.5f);
    EXPECT_FLOAT_EQ(y2020[at(57, 59)], 57.59f);
    EXPECT_TRUE(std::isnan(y2020[at(50, 40)]));  // inside the frame: no cell
    int has_nodata = 0;
    EXPECT_TRUE(std::isnan(s->GetRasterBand(1)->GetNoDataValue(&has_nodata)));
    EXPECT_EQ(has_nodata, 1);

    DatasetPtr c = open_raster(f.class_files[1]);
    ASSERT_TRUE(c);
    EXPECT_TRUE(is_rd_new(*c));
    GDALRasterBand* b = c->GetRasterBand(1);
    ASSERT_NE(b->GetColorTable(), nullptr);
    const GDALColorEntry* e3 = b->GetColorTable()->GetColorEntry(3);
    EXPECT_EQ(e3->c1, 60);
    EXPECT_EQ(e3->c2, 195);
    EXPECT_EQ(e3->c3, 7);
    EXPECT_EQ(b->GetColorTable()->GetColorEntry(0)->c4, 0);  // nodata transparent
    ASSERT_NE(b->GetCategoryNames(), nullptr);
    EXPECT_STREQ(b->GetCategoryNames()[4], "klasse 4");
    const auto k2022 = read_band<std::uint8_t>(*c, 1, GDT_Byte);
    EXPECT_EQ(k2022[at(57, 59)], 1 + (57 + 59) % 9);
    EXPECT_EQ(k2022[at(109, 59)], 0);  // no class
    EXPECT_EQ(k2022[at(50, 40)], 0);

    DatasetPtr v = open_raster(f.class_stack);
    ASSERT_TRUE(v);
    EXPECT_EQ(std::string(v->GetDriver()->GetDescription()), "VRT");
    ASSERT_EQ(v->GetRasterCount(), 2);
    EXPECT_TRUE(is_rd_new(*v));
    EXPECT_STREQ(v->GetRasterBand(1)->GetDescription(), "class 2020");
    for (int band : {1, 2}) {
        ASSERT_NE(v->GetRasterBand(band)->GetColorTable(), nullptr) << band;
        EXPECT_EQ(v->GetRasterBand(band)->GetColorTable()->GetColorEntry(9)->c1, 180);
    }
    EXPECT_EQ(read_band<std::uint8_t>(*v, 1, GDT_Byte)[at(10, 20)], 1 + (10 + 20) % 9);
}

TEST(GridRaster, BadInputLeavesNoFile) {
    TempDir dir;
    Table t = frame_table();
    Table bad;
    std::vector<std::string> codes;
    for (std::size_t r = 0; r < t.row_count(); ++r)
        codes.push_back(r == 7 ? "BU00140000" : t.column("code").text_at(r));
    bad.add_column(Column::of_texts("code", codes));
    for (const char* c : {"year", "score", "class"}) bad.add_column(t.column(c));
    EXPECT_THROW(write_grid_rasters(bad, nine_colours(), dir.file("bad.tif")), InputError);
    GridRasterSpec few = nine_colours();
    few.class_colors.resize(4);  // classes 5-9 have no colour
    EXPECT_THROW(write_grid_rasters(t, few, dir.file("few.tif")), UsageError);
    GridRasterSpec no_value = nine_colours();
    no_value.value_column = "rel";
    EXPECT_THROW(write_grid_rasters(t, no_value, dir.file("rel.tif")), UsageError);
    EXPECT_TRUE(fs::is_empty(dir.path())) << "files left behind";
}

// The synthetic country's scored grid: every cell and year of the store in the rasters.
TEST(GridRaster, ExportedScoreGridEqualsTheStore) {
    const test::SynthCountry k =
        test::make_synth_country("0.01", 1, {"boundaries", "grid-stats", "statline", "indicators"},
                                 "score --store {store} --weights {weights}");
    TempDir dir;
    const std::string tif = dir.file("score_grid.tif"), csv = dir.file("score_grid.csv");
    auto r = test::run_wijkzicht("export --store " + k.store + " --dataset score_grid --out " + tif);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("class rasters with the"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Warning"), std::string::npos) << "GDAL's overview warning reached the user:\n"
                                                        << r.err;
    r = test::run_wijkzicht("export --store " + k.store + " --dataset score_grid --out " + csv);
    ASSERT_EQ(r.status, 0) << r.err;
    r = test::run_wijkzicht("export --store " + k.store + " --dataset score_buurt --format gtiff --out " +
                            dir.file("b.tif"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("is not a 100 m grid dataset"), std::string::npos) << r.err;

    DatasetPtr s = open_raster(tif);
    DatasetPtr v = open_raster(dir.file("score_grid_class.vrt"));
    ASSERT_TRUE(s && v);
    EXPECT_TRUE(is_rd_new(*s));
    double gt[6];
    ASSERT_EQ(s->GetGeoTransform(gt), CE_None);
    std::map<int, int> band_of_year;
    for (int b = 1; b <= s->GetRasterCount(); ++b) {
        const std::string d = s->GetRasterBand(b)->GetDescription();
        band_of_year[std::stoi(d.substr(d.size() - 4))] = b;
    }
    ASSERT_EQ(v->GetRasterCount(), s->GetRasterCount());
    std::map<int, std::vector<float>> scores;
    std::map<int, std::vector<std::uint8_t>> classes;
    for (const auto& [y, b] : band_of_year) {
        scores[y] = read_band<float>(*s, b, GDT_Float32);
        classes[y] = read_band<std::uint8_t>(*v, b, GDT_Byte);
    }
    // the colours of the score's model preset on every band
    r = test::run_wijkzicht("info --store " + k.store + " --json");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string model;
    const auto inventory = nlohmann::json::parse(r.out);
    for (const auto& d : inventory["datasets"])
        if (d["name"] == "score_grid") model = d["meta"]["model"];
    const auto preset = jobs::load_model_preset(model);
    ASSERT_EQ(preset.classes.colors.size(), 9u);
    for (int b = 1; b <= v->GetRasterCount(); ++b) {
        const GDALColorTable* ct = v->GetRasterBand(b)->GetColorTable();
        ASSERT_NE(ct, nullptr);
        const auto hex = std::stoul(preset.classes.colors[2].substr(1), nullptr, 16);
        EXPECT_EQ(ct->GetColorEntry(3)->c1, static_cast<short>(hex >> 16));
        EXPECT_EQ(ct->GetColorEntry(3)->c3, static_cast<short>(hex & 0xff));
    }
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    const auto header = test::split_on(line, ',');
    const auto col = [&](const std::string& n) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), n) - header.begin());
    };
    const std::size_t ci = col("code"), yi = col("year"), si = col("score"), ki = col("class");
    ASSERT_LT(ki, header.size());
    std::size_t rows = 0, scored = 0;
    while (std::getline(in, line)) {
        const auto f = test::split_on(line, ',');
        const auto cell = parse_grid_cell(f[ci]);
        ASSERT_TRUE(cell.has_value()) << line;
        const int year = std::stoi(f[yi]);
        const double px = (cell->ll_x() - gt[0]) / gt[1], py = (cell->ll_y() + 100.0 - gt[3]) / gt[5];
        const auto i =
            static_cast<std::size_t>(std::lround(py)) * static_cast<std::size_t>(s->GetRasterXSize()) +
            static_cast<std::size_t>(std::lround(px));
        ASSERT_LT(i, scores[year].size()) << line;
        if (si < f.size() && !f[si].empty()) {
            EXPECT_FLOAT_EQ(scores[year][i], static_cast<float>(std::stod(f[si]))) << line;
            ++scored;
        } else {
            EXPECT_TRUE(std::isnan(scores[year][i])) << line;
        }
        EXPECT_EQ(classes[year][i], ki < f.size() && !f[ki].empty() ? std::stoi(f[ki]) : 0) << line;
        ++rows;
    }
    EXPECT_GT(rows, 1000u);
    EXPECT_GT(scored, rows / 2);
}

}  // namespace
}  // namespace wz
