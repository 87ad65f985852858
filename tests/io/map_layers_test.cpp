// Map layers (io/map_layers, jobs/map_layers) and their storage with QGIS styles (io/store).
#include "io/map_layers.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cstring>
#include <memory>

#include "io/store.hpp"
#include "jobs/map_layers.hpp"
#include "jobs/presets.hpp"
#include "spatial/spatial_test_support.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

using test::multipolygon_wkb;
using test::square_ring;
using test::TempDir;

double f64_at(const std::vector<std::uint8_t>& b, std::size_t at) {
    double v = 0;
    std::memcpy(&v, b.data() + at, 8);
    return v;
}

TEST(MapLayers, EnvelopeOfWkbInBothByteOrders) {
    const auto le = multipolygon_wkb({{square_ring(10, 20, 3)}, {square_ring(100, -5, 2)}});
    const auto be = multipolygon_wkb({{square_ring(10, 20, 3)}, {square_ring(100, -5, 2)}}, true);
    for (const auto* wkb : {&le, &be}) {
        const auto env = wkb_envelope(*wkb);
        ASSERT_TRUE(env.has_value());
        EXPECT_DOUBLE_EQ((*env)[0], 10);   // minx
        EXPECT_DOUBLE_EQ((*env)[1], -5);   // miny
        EXPECT_DOUBLE_EQ((*env)[2], 102);  // maxx
        EXPECT_DOUBLE_EQ((*env)[3], 23);   // maxy
    }
    EXPECT_FALSE(wkb_envelope({}).has_value());
    auto cut = le;
    cut.resize(cut.size() - 4);
    EXPECT_THROW(wkb_envelope(cut), std::runtime_error);
}

TEST(MapLayers, GeoPackageBlobHasHeaderEnvelopeAndWkb) {
    const auto wkb = multipolygon_wkb({{square_ring(1, 2, 4)}});
    const auto blob = gpkg_geometry_blob(wkb, 28992);
    ASSERT_EQ(blob.size(), 8 + 32 + wkb.size());
    EXPECT_EQ(blob[0], 'G');
    EXPECT_EQ(blob[1], 'P');
    EXPECT_EQ(blob[2], 0);     // version 1
    EXPECT_EQ(blob[3], 0x03);  // little endian, xy envelope
    std::int32_t srs = 0;
    std::memcpy(&srs, blob.data() + 4, 4);
    EXPECT_EQ(srs, 28992);
    EXPECT_DOUBLE_EQ(f64_at(blob, 8), 1);   // minx
    EXPECT_DOUBLE_EQ(f64_at(blob, 16), 5);  // maxx
    EXPECT_DOUBLE_EQ(f64_at(blob, 24), 2);  // miny
    EXPECT_DOUBLE_EQ(f64_at(blob, 32), 6);  // maxy
    EXPECT_TRUE(std::equal(wkb.begin(), wkb.end(), blob.begin() + 40));
    // A polygon becomes a multipolygon of one part.
    test::WkbWriter w;
    w.byte_order();
    w.u32(3);
    w.u32(1);
    w.u32(5);
    for (const auto& [x, y] : square_ring(0, 0)) {
        w.f64(x);
        w.f64(y);
    }
    const auto multi = promote_to_multipolygon(w.bytes());
    ASSERT_EQ(multi.size(), w.bytes().size() + 9);
    EXPECT_EQ(multi[1], 6);
    EXPECT_EQ(multi[5], 1);
    EXPECT_EQ(promote_to_multipolygon(wkb), wkb);
}

// Two buurten scored in 2014 and 2016 (the second hidden in 2014), a third without a polygon.
struct Fixture {
    std::vector<Dataset> datasets;
    AreaLayer buurten;
};

Fixture fixture() {
    Fixture f;
    f.buurten.level = Level::kBuurt;
    f.buurten.vintage = 2016;
    f.buurten.areas.push_back(Area{"BU00010001", "Noord", "WK000100", "GM0001", "", "", "",
                                   multipolygon_wkb({{square_ring(0, 0, 100)}})});
    f.buurten.areas.push_back(Area{"BU00010002", "Zuid", "WK000100", "GM0001", "", "", "",
                                   multipolygon_wkb({{square_ring(100, 0, 100)}})});
    Dataset s;
    s.name = "score_buurt";
    s.kind = "score";
    s.level = Level::kBuurt;
    Column code("code", ColumnType::kText), year("year", ColumnType::kInt),
        res("residents", ColumnType::kReal), score("score", ColumnType::kReal), rel("rel", ColumnType::kReal),
        won("won", ColumnType::kReal), vei("vei", ColumnType::kReal), cls("class", ColumnType::kInt);
    const auto row = [&](const char* c, int y, double r, double sc, double rl, double w, double v, int k) {
        code.push_text(c);
        year.push_int(y);
        res.push_real(r);
        if (k == 0) {
            for (Column* col : {&score, &rel, &won, &vei}) col->push_missing(Missing::kSecret);
            cls.push_missing(Missing::kSecret);
            return;
        }
        score.push_real(sc);
        rel.push_real(rl);
        won.push_real(w);
        vei.push_real(v);
        cls.push_int(k);
    };
    row("BU00010001", 2014, 1200, 3.60, -0.55, -0.20, -0.10, 3);
    row("BU00010001", 2016, 1250, 3.75, -0.43, -0.15, -0.08, 4);
    row("BU00010002", 2014, 40, 0, 0, 0, 0, 0);
    row("BU00010002", 2016, 900, 4.40, 0.22, 0.30, 0.05, 8);
    row("BU00019999", 2016, 500, 4.00, 0.0, 0.0, 0.0, 5);  // no polygon
    for (Column* c : {&code, &year, &res, &score, &rel, &won, &vei, &cls}) s.table.add_column(std::move(*c));
    f.datasets.push_back(std::move(s));
    Dataset d;
    d.name = "development_buurt";
    d.kind = "development";
    Column dc("code", ColumnType::kText), from("from_year", ColumnType::kInt),
        to("to_year", ColumnType::kInt), change("change", ColumnType::kReal),
        dk("development_class", ColumnType::kInt);
    dc.push_text("BU00010001");
    from.push_int(2014);
    to.push_int(2016);
    change.push_real(0.15);
    dk.push_int(6);
    for (Column* c : {&dc, &from, &to, &change, &dk}) d.table.add_column(std::move(*c));
    f.datasets.push_back(std::move(d));
    return f;
}

TEST(MapLayers, ScoreLayerHasClassNamesDevelopmentAndStyles) {
    const Fixture f = fixture();
    const auto preset = jobs::load_model_preset("lbm2");
    const auto layers = jobs::score_map_layers(f.datasets, {f.buurten}, preset);
    ASSERT_EQ(layers.size(), 1u);
    const MapLayer& m = layers[0];
    EXPECT_EQ(m.name, "map_buurt_2016");
    EXPECT_EQ(m.kind, "score");
    const Table& t = m.table;
    ASSERT_EQ(t.row_count(), 4u);  // the area without a polygon is left out
    ASSERT_EQ(m.geometries.size(), 4u);
    EXPECT_EQ(t.column("code").text_at(1), "BU00010001");
    EXPECT_EQ(t.column("name").text_at(1), "Noord");
    EXPECT_EQ(t.column("year").int_at(1), 2016);
    EXPECT_EQ(t.column("class").int_at(0), 3);
    EXPECT_EQ(t.column("class_name").text_at(0), "onvoldoende");
    EXPECT_EQ(t.column("class_name").text_at(1), "zwak");
    EXPECT_EQ(t.column("class_name").text_at(3), "zeer goed");
    EXPECT_TRUE(t.column("class").is_missing(2));  // hidden: fewer residents than the minimum
    EXPECT_DOUBLE_EQ(t.column("won").real_at(3), 0.30);
    // Development since the previous measurement: only BU00010001 2014 -> 2016.
    EXPECT_TRUE(t.column("development").is_missing(0));
    EXPECT_EQ(t.column("previous_year").int_at(1), 2014);
    EXPECT_EQ(t.column("development").int_at(1), 6);
    EXPECT_EQ(t.column("development_name").text_at(1), "vooruitgang");
    EXPECT_DOUBLE_EQ(t.column("change").real_at(1), 0.15);
    EXPECT_TRUE(t.column("development").is_missing(3));
    // Styles: classes of 2016 (default), development 2014-2016, the two dimensions, classes of 2014.
    ASSERT_EQ(m.styles.size(), 5u);
    EXPECT_EQ(m.styles[0].name, "klassen 2016");
    EXPECT_TRUE(m.styles[0].use_as_default);
    EXPECT_NE(
        m.styles[0].qml.find("CASE WHEN &quot;year&quot; = 2016 THEN coalesce(&quot;class&quot;, 0) END"),
        std::string::npos);
    // Class 3 in the preset's colour #f46d43, labelled with its name.
    EXPECT_NE(m.styles[0].qml.find("value=\"3\" type=\"string\" label=\"3 onvoldoende\""), std::string::npos);
    EXPECT_NE(m.styles[0].qml.find("value=\"244,109,67,255\""), std::string::npos);
    EXPECT_EQ(m.styles[1].name, "ontwikkeling 2014-2016");
    EXPECT_FALSE(m.styles[1].use_as_default);
    EXPECT_EQ(m.styles[2].name, "won 2016");
    EXPECT_EQ(m.styles[3].name, "vei 2016");
    EXPECT_EQ(m.styles[4].name, "klassen 2014");
    // lbm2 has no dimension bounds: seven classes of width max|won| / 3.5 = 0.3 / 3.5 around 0.
    const std::string& won = m.styles[2].qml;
    EXPECT_NE(won.find("graduatedSymbol"), std::string::npos);
    EXPECT_NE(won.find(fmt::format("lower=\"{:.6f}\" upper=\"{:.6f}\"", -0.5 * 0.3 / 3.5, 0.5 * 0.3 / 3.5)),
              std::string::npos);
    EXPECT_NE(won.find("value=\"255,255,191,255\""), std::string::npos);  // the pale middle of RdYlGn
}

std::int64_t count(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    std::int64_t n = -1;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

StoreUpdate update_with(std::vector<MapLayer> layers) {
    StoreUpdate u;
    u.run.command = "test";
    u.map_layers = std::move(layers);
    return u;
}

TEST(MapLayers, StoredAsGeoPackageLayersWithDefaultStyleAndReplacedByKind) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    const Fixture f = fixture();
    StoreUpdate boundaries;
    boundaries.run.command = "import boundaries";
    boundaries.area_layers.push_back(f.buurten);
    apply_to_store(store, boundaries);
    const auto preset = jobs::load_model_preset("lbm2");
    apply_to_store(store, update_with(jobs::score_map_layers(f.datasets, {f.buurten}, preset)));

    // GDAL reads it as a polygon layer in EPSG:28992 with the attributes and the extent.
    GDALAllRegister();
    {
        std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
            static_cast<GDALDataset*>(
                GDALOpenEx(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)),
            [](GDALDataset* d) { GDALClose(d); });
        ASSERT_TRUE(ds);
        OGRLayer* l = ds->GetLayerByName("map_buurt_2016");
        ASSERT_NE(l, nullptr);
        EXPECT_EQ(wkbFlatten(l->GetGeomType()), wkbMultiPolygon);
        EXPECT_EQ(l->GetFeatureCount(), 4);
        ASSERT_NE(l->GetSpatialRef(), nullptr);
        EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "28992");
        OGREnvelope env;
        ASSERT_EQ(l->GetExtent(&env), OGRERR_NONE);
        EXPECT_DOUBLE_EQ(env.MinX, 0);
        EXPECT_DOUBLE_EQ(env.MaxX, 200);
        EXPECT_DOUBLE_EQ(env.MaxY, 100);
        l->SetAttributeFilter("code = 'BU00010002' AND year = 2016");
        std::unique_ptr<OGRFeature> feat(l->GetNextFeature());
        ASSERT_TRUE(feat);
        EXPECT_EQ(feat->GetFieldAsInteger("class"), 8);
        EXPECT_STREQ(feat->GetFieldAsString("class_name"), "zeer goed");
        ASSERT_NE(feat->GetGeometryRef(), nullptr);
        OGREnvelope fe;
        feat->GetGeometryRef()->getEnvelope(&fe);
        EXPECT_DOUBLE_EQ(fe.MinX, 100);
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_EQ(count(db,
                    "SELECT count(*) FROM layer_styles WHERE f_table_name='map_buurt_2016' AND "
                    "f_geometry_column='geom'"),
              5);
    EXPECT_EQ(count(db,
                    "SELECT count(*) FROM layer_styles WHERE f_table_name='map_buurt_2016' AND useAsDefault "
                    "AND styleName='klassen 2016'"),
              1);
    EXPECT_EQ(
        count(db,
              "SELECT feature_count FROM wz_map_layers WHERE layer_name='map_buurt_2016' AND kind='score'"),
        4);
    sqlite3_close(db);
    const auto stored = stored_layer_styles(store, "map_buurt_2016");
    ASSERT_EQ(stored.size(), 5u);
    EXPECT_EQ(stored[0].name, "klassen 2016");
    EXPECT_TRUE(stored[0].use_as_default);

    // A failing update (a layer with fewer geometries than rows) leaves the store byte for byte as it was.
    const std::string before = test::file_fingerprint(store);
    auto bad = jobs::score_map_layers(f.datasets, {f.buurten}, preset);
    bad[0].name = "map_buurt_2018";
    bad[0].geometries.pop_back();
    EXPECT_THROW(apply_to_store(store, update_with(std::move(bad))), std::logic_error);
    EXPECT_EQ(test::file_fingerprint(store), before);

    // A later run of the same kind replaces every layer of that kind, whatever its name.
    AreaLayer other = f.buurten;
    other.vintage = 2018;
    apply_to_store(store, update_with(jobs::score_map_layers(f.datasets, {other}, preset)));
    const auto maps = stored_map_layers(store);
    ASSERT_EQ(maps.size(), 1u);
    EXPECT_EQ(maps[0].name, "map_buurt_2018");
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_master WHERE name='map_buurt_2016'"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM gpkg_contents WHERE table_name='map_buurt_2016'"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM layer_styles WHERE f_table_name='map_buurt_2016'"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM layer_styles WHERE f_table_name='map_buurt_2018'"), 5);
    EXPECT_EQ(count(db, "SELECT count(*) FROM gpkg_geometry_columns WHERE table_name='map_buurt_2018'"), 1);
    sqlite3_close(db);
    const auto inv = store_inventory(store);
    ASSERT_EQ(inv["map_layers"].size(), 1u);
    EXPECT_EQ(inv["map_layers"][0]["features"], 4);
}

TEST(MapLayers, TypologyLayerColoursDesignatedAreas) {
    const Fixture f = fixture();
    Table summary;
    Column code("code", ColumnType::kText), des("designated", ColumnType::kInt),
        name("designation", ColumnType::kText), reasons("reasons", ColumnType::kText);
    code.push_text("BU00010001");
    des.push_int(1);
    name.push_text("type2");
    reasons.push_text("score below 3.7");
    code.push_text("BU00010002");
    des.push_missing(Missing::kEmpty);
    name.push_missing(Missing::kEmpty);
    reasons.push_text("unknown: score");
    for (Column* c : {&code, &des, &name, &reasons}) summary.add_column(std::move(*c));
    const MapLayer m = jobs::typology_map_layer("typology_x_buurt_2016", summary, f.buurten);
    EXPECT_EQ(m.name, "map_typology_x_buurt_2016");
    EXPECT_EQ(m.kind, "typology:typology_x_buurt_2016");
    ASSERT_EQ(m.table.row_count(), 2u);
    EXPECT_EQ(m.table.columns()[1].name(), "name");
    EXPECT_EQ(m.table.column("name").text_at(0), "Noord");
    EXPECT_EQ(m.table.column("reasons").text_at(0), "score below 3.7");
    ASSERT_EQ(m.styles.size(), 1u);
    EXPECT_NE(m.styles[0].qml.find("label=\"aangewezen: type2\""), std::string::npos);
}

}  // namespace
}  // namespace wz
