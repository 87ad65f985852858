#include "liveability/classify.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "liveability/model.hpp"
#include "test_support.hpp"

namespace wz::liveability {
namespace {

ModelPreset shipped(const std::string& name) {
    const std::string path = std::string(WZ_SOURCE_DIR) + "/share/wijkzicht/presets/" + name + ".toml";
    return parse_model_preset(test::read_all(path), path);
}

TEST(ModelPresets, ShippedPresetsCarryMethodsFigures) {
    const ModelPreset p2 = shipped("lbm2");
    EXPECT_EQ(p2.total, "rlbrmtr");
    ASSERT_EQ(p2.dimensions.size(), 5u);
    EXPECT_EQ(p2.dimensions[3].code, "vei");
    ASSERT_EQ(p2.classes.edges.size(), 8u);
    EXPECT_DOUBLE_EQ(p2.classes.edges[2], 3.6955);
    EXPECT_DOUBLE_EQ(*p2.to_absolute(0.0, 2018), 4.1940);
    EXPECT_DOUBLE_EQ(*p2.to_absolute(0.1, 2012), 4.2544);
    EXPECT_FALSE(p2.to_absolute(0.0, 2002));
    ASSERT_EQ(p2.development.edges.size(), 6u);
    const ModelPreset p3 = shipped("lbm3");
    EXPECT_FALSE(p3.classes_on_absolute);
    EXPECT_DOUBLE_EQ(*p3.to_absolute(-0.096233042633348, 2022), 4.0456 - 0.096233042633348);  // 2024 edition
    EXPECT_TRUE(p3.development_assumed);
    // Map colours are data too: one per class, red (zeer onvoldoende) to green (uitstekend).
    ASSERT_EQ(p2.classes.colors.size(), 9u);
    EXPECT_EQ(p2.classes.colors.front(), "#a50026");
    EXPECT_EQ(p2.classes.colors.back(), "#1a9850");
    EXPECT_EQ(p3.development.colors.size(), 9u);
    EXPECT_EQ(p2.development.colors.size(), 7u);
}

TEST(ModelPresets, ColoursOnePerClassAsHex) {
    const std::string head =
        "name='x'\ntotal='t'\ndimensions=[]\n[absolute]\nkind='national_mean_per_year'\nvalues={2012=4.1}\n"
        "[development]\nedges=[0.1]\n[classes]\nedges=[3.5]\n";
    EXPECT_EQ(parse_model_preset(head + "colors=['#000000','#FFffff']\n", "ok.toml").classes.colors.size(), 2u);
    try {
        parse_model_preset(head + "colors=['#000000']\n", "bad.toml");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 11);
        EXPECT_NE(std::string(e.what()).find("2 colors for 1 edges in classes"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_model_preset(head + "colors=['#000000','red']\n", "bad.toml"), InputError);
}

// Class = 1 + number of edges at or below the score: a score equal to an edge is in the upper class.
TEST(ModelPresets, ClassesAtTheirEdges) {
    const ModelPreset p2 = shipped("lbm2");
    EXPECT_EQ(p2.classes.classify(3.0), 1);
    EXPECT_EQ(p2.classes.classify(3.557 - 1e-9), 2);
    EXPECT_EQ(p2.classes.classify(3.557), 3);
    EXPECT_EQ(p2.classes.classify(4.1544), 6);  // the national mean of 2012 is "ruim voldoende"
    EXPECT_EQ(p2.classes.classify(4.1940), 7);  // that of 2018 lies just above the 6|7 edge (4.192)
    EXPECT_EQ(p2.classes.classify(4.3925), 9);
    EXPECT_EQ(p2.development.classify(0.0), 4);
    EXPECT_EQ(p2.development.classify(-0.067), 4);
    EXPECT_EQ(p2.development.classify(-0.0671), 3);
    EXPECT_EQ(p2.development.classify(0.067), 5);
    EXPECT_EQ(p2.development.classify(0.25), 7);
    EXPECT_NEAR(p2.classes.distance_to_edge(3.6965), 0.001, 1e-12);
    // LBM 3.0 dimension classes, symmetric around 5.
    const ModelPreset p3 = shipped("lbm3");
    EXPECT_EQ(symmetric_dimension_class(0.0392, p3.dimension_bounds), 5);
    EXPECT_EQ(symmetric_dimension_class(-0.0393, p3.dimension_bounds), 4);
    EXPECT_EQ(symmetric_dimension_class(0.1, p3.dimension_bounds), 7);
    EXPECT_EQ(symmetric_dimension_class(-0.3, p3.dimension_bounds), 1);
    EXPECT_EQ(symmetric_dimension_class(0.3, p3.dimension_bounds), 9);
}

TEST(ModelPresets, BadPresetFilesNameLineAndColumn) {
    EXPECT_THROW(parse_model_preset("name = \"x\"\ntotal = ", "bad.toml"), InputError);
    try {
        parse_model_preset(
            "name='x'\ntotal='t'\ndimensions=[]\n[absolute]\nkind='national_mean_per_year'\nvalues={2012=4.1}"
            "\n"
            "[classes]\nedges=[3.5, 3.4]\n[development]\nedges=[0.1]\n",
            "bad.toml");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 8);
        EXPECT_NE(std::string(e.what()).find("increasing edges in classes"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_model_preset("name='x'\n", "bad.toml"), InputError);
}

// A hand-computed case: two areas, two years.
TEST(Classify, HandComputedScoresAndDevelopment) {
    const ModelPreset p2 = shipped("lbm2");
    Table t;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    Column rel("rlbrmtr", ColumnType::kReal);
    Column kl("kl", ColumnType::kInt);
    // Area 1011: 2012 rel -0.5 -> abs 3.6544 (class 3); 2018 rel -0.3 -> abs 3.894 (class 4); change +0.2396
    // -> 7. Area 1012: 2012 rel 0.0 -> 4.1544 (class 6; published 5 here, to count a mismatch); 2018 missing.
    for (auto [c, y, r, k] :
         {std::tuple{"1011", 2012, -0.5, 3}, {"1011", 2018, -0.3, 4}, {"1012", 2012, 0.0, 5}}) {
        code.push_text(c);
        year.push_int(y);
        rel.push_real(r);
        kl.push_int(k);
    }
    code.push_text("1012");
    year.push_int(2018);
    rel.push_missing(Missing::kEmpty);
    kl.push_missing(Missing::kEmpty);
    t.add_column(std::move(code));
    t.add_column(std::move(year));
    t.add_column(std::move(rel));
    t.add_column(std::move(kl));
    const auto out = classify_scores(t, Table{}, p2, 0.002);
    ASSERT_EQ(out.scores.row_count(), 3u);
    EXPECT_NEAR(out.scores.column("score").real_at(0), 3.6544, 1e-12);
    EXPECT_EQ(out.scores.column("class").int_at(0), 3);
    EXPECT_EQ(out.scores.column("class").int_at(1), 4);
    EXPECT_EQ(out.scores.column("class").int_at(2), 6);
    ASSERT_EQ(out.development.row_count(), 1u);
    EXPECT_NEAR(out.development.column("change").real_at(0), 0.2396, 1e-12);
    EXPECT_EQ(out.development.column("development_class").int_at(0), 7);
    EXPECT_EQ(out.class_agreement.compared, 3u);
    EXPECT_EQ(out.class_agreement.equal, 2u);
    EXPECT_EQ(out.class_agreement.mismatches_near_edge, 0u);
    EXPECT_NEAR(out.class_agreement.farthest_mismatch, 4.192 - 4.1544, 1e-12);
}

// The Done-when check of the liveability engine on real data: LBM 2.0 PC4 dimension scores made
// absolute with the national means and classified with the preset reproduce the published classes
// KL12-KL18 and development classes VKL (2012-2018) for at least 99.5%, and every mismatch lies within
// 0.002 of an edge (the published scores are rounded to 3 decimals).
TEST(ClassifyRealData, Lbm2Pc4ReproducesPublishedClasses) {
    WZ_REQUIRE_REAL_DATA();
    auto sets = import_lbm2(test::real_data("lbm2-pc4/PC4LBR.csv"),
                            test::real_data("lbm2-pc4/PC4DIMENSIE.csv"), Level::kPc4);
    const ModelPreset p2 = shipped("lbm2");
    const auto out = classify_scores(sets[0].table, sets[1].table, p2, 0.002);
    const auto& ca = out.class_agreement;
    const auto& da = out.development_agreement;
    std::cout << "[ classes ] " << ca.equal << " of " << ca.compared << " equal (" << 100.0 * ca.share()
              << "%), mismatches near an edge " << ca.mismatches_near_edge << ", farthest "
              << ca.farthest_mismatch << "\n"
              << "[ development ] " << da.equal << " of " << da.compared << " equal (" << 100.0 * da.share()
              << "%), mismatches near an edge " << da.mismatches_near_edge << ", farthest "
              << da.farthest_mismatch << "\n";
    EXPECT_GT(ca.compared, 15000u);
    EXPECT_GE(ca.share(), 0.995);
    EXPECT_EQ(ca.mismatches_near_edge, ca.compared - ca.equal);
    EXPECT_GT(da.compared, 20000u);
    EXPECT_GE(da.share(), 0.995);
    EXPECT_EQ(da.mismatches_near_edge, da.compared - da.equal);
}

TEST(ClassifyRealData, Lbm3BeeselCellsEditionConstant) {
    WZ_REQUIRE_REAL_DATA();
    Dataset ds =
        import_lbm3(test::real_data("lbm3-grid-beesel-sample16/Livability_test_Beesel_16samples.jsonl"),
                    {Level::kGrid, 2022, ""});
    const Column& lbm = ds.table.column("lbm");
    const Column& afw = ds.table.column("afw");
    for (std::size_t r = 0; r < ds.table.row_count(); ++r) {
        EXPECT_NEAR(lbm.real_at(r) - afw.real_at(r), 4.102265, 5e-7);
        double sum = 0;
        for (const char* d : {"fys", "onv", "soc", "vrz", "won"}) sum += ds.table.column(d).real_at(r);
        EXPECT_NEAR(sum, afw.real_at(r), 1e-9);
    }
    const auto out = classify_scores(ds.table, Table{}, shipped("lbm3"), 0.002);
    ASSERT_EQ(out.scores.row_count(), 16u);
    // E1993N3660: afw -0.0962 lies between -0.103 and 0.010: class 6 ("ruim voldoende").
    EXPECT_EQ(out.scores.column("class").int_at(0), 6);
    EXPECT_EQ(out.scores.column("class_onv").int_at(0), 5);  // onv 0.026 -> |d| <= 0.0392
    EXPECT_EQ(out.scores.column("class_vrz").int_at(0), 2);  // vrz -0.157 -> between 0.1568 and 0.2352 below
}

}  // namespace
}  // namespace wz::liveability
