#include "io/store.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

using test::TempDir;

Dataset small_dataset(const std::string& name) {
    Dataset ds;
    ds.name = name;
    ds.kind = "statline";
    ds.level = Level::kBuurt;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    Column inw("inw", ColumnType::kReal);
    code.push_text("BU00140000");
    year.push_int(2016);
    inw.push_real(4440);
    code.push_text("BU00140001");
    year.push_int(2017);
    inw.push_missing(Missing::kSecret99997);
    code.push_text("BU00140002");
    year.push_int(2017);
    inw.push_missing(Missing::kEmpty);
    inw.unit = "aantal";
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    ds.table.add_column(std::move(inw));
    ds.meta["note"] = "test";
    return ds;
}

TEST(Store, DatasetRoundTripWithMissingReasonsAndProvenance) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    const std::string input = dir.file("in.txt");
    test::write_file(input, "abc");
    StoreUpdate u;
    u.run.command = "test";
    u.run.parameters = {{"k", 1}};
    u.run.inputs.push_back(describe_input(input));
    u.datasets.push_back(small_dataset("kwb"));
    EXPECT_EQ(apply_to_store(store, u), 1);
    // SHA-256 of "abc".
    EXPECT_EQ(u.run.inputs[0].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    Dataset back = read_dataset(store, "kwb");
    EXPECT_EQ(back.kind, "statline");
    EXPECT_EQ(back.level, Level::kBuurt);
    ASSERT_EQ(back.table.row_count(), 3u);
    EXPECT_EQ(back.table.column("code").text_at(1), "BU00140001");
    EXPECT_EQ(back.table.column("year").int_at(0), 2016);
    const Column& inw = back.table.column("inw");
    EXPECT_DOUBLE_EQ(inw.real_at(0), 4440.0);
    EXPECT_EQ(inw.missing_reason(1), Missing::kSecret99997);
    EXPECT_EQ(inw.missing_reason(2), Missing::kEmpty);
    EXPECT_EQ(inw.unit, "aantal");
    EXPECT_EQ(back.meta["note"], "test");

    const auto inv = store_inventory(store);
    ASSERT_EQ(inv["datasets"].size(), 1u);
    EXPECT_EQ(inv["datasets"][0]["rows"], 3);
    EXPECT_EQ(inv["datasets"][0]["years"], nlohmann::json::array({2016, 2017}));
    EXPECT_EQ(inv["datasets"][0]["columns"].size(), 3u);
    EXPECT_EQ(inv["datasets"][0]["missing_by_reason"]["secret-99997"], 1);
    ASSERT_EQ(inv["runs"].size(), 1u);
    EXPECT_EQ(inv["runs"][0]["command"], "test");
    EXPECT_EQ(inv["runs"][0]["inputs"][0]["bytes"], 3);

    // A second run replaces the dataset of the same name and adds a run.
    StoreUpdate u2;
    u2.run.command = "again";
    Dataset d2 = small_dataset("kwb");
    d2.meta["note"] = "second";
    u2.datasets.push_back(std::move(d2));
    EXPECT_EQ(apply_to_store(store, u2), 2);
    EXPECT_EQ(read_dataset(store, "kwb").meta["note"], "second");
    EXPECT_EQ(store_inventory(store)["datasets"].size(), 1u);
    EXPECT_THROW(read_dataset(store, "nope"), UsageError);
}

TEST(Store, FailedUpdateLeavesTheStoreByteForByte) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreUpdate u;
    u.run.command = "first";
    u.datasets.push_back(small_dataset("kwb"));
    apply_to_store(store, u);
    const std::string before = test::file_fingerprint(store);
    // A dataset whose columns disagree in length fails half-way through the update.
    StoreUpdate bad;
    bad.run.command = "bad";
    bad.datasets.push_back(small_dataset("other"));
    Dataset broken = small_dataset("broken");
    const_cast<Column&>(broken.table.columns()[2]).push_real(1.0);
    bad.datasets.push_back(std::move(broken));
    EXPECT_THROW(apply_to_store(store, bad), std::logic_error);
    EXPECT_EQ(test::file_fingerprint(store), before);
    EXPECT_FALSE(std::filesystem::exists(store + ".tmp-" + std::to_string(::getpid())));
}

TEST(Store, RefusesFilesThatAreNoGeoPackage) {
    TempDir dir;
    const std::string notes = dir.file("notes.gpkg");
    test::write_file(notes, "my precious notes");
    StoreUpdate u;
    u.run.command = "x";
    u.datasets.push_back(small_dataset("kwb"));
    EXPECT_THROW(apply_to_store(notes, u), UsageError);
    EXPECT_EQ(test::read_all(notes), "my precious notes");
    EXPECT_THROW(store_inventory(dir.file("absent.gpkg")), UsageError);
    EXPECT_THROW(apply_to_store(dir.file("no/such/folder/s.gpkg"), u), UsageError);
}

TEST(Store, AreaLayersFromTopoJsonOpenAsGeoPackageLayers) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    AreaLayer layer = import_boundaries(std::string(WZ_SOURCE_DIR) + "/tests/fixtures/two_buurten.topojson",
                                        {Level::kBuurt, 2017, "statcode", "", "", ""});
    ASSERT_EQ(layer.areas.size(), 2u);
    EXPECT_EQ(layer.areas[1].name, "Oost");
    EXPECT_EQ(layer.areas[1].wijk, "WK001400");
    StoreUpdate u;
    u.run.command = "import boundaries";
    u.area_layers.push_back(std::move(layer));
    apply_to_store(store, u);
    const auto inv = store_inventory(store);
    ASSERT_EQ(inv["areas"].size(), 1u);
    EXPECT_EQ(inv["areas"][0]["layer"], "areas_buurt_2017");
    EXPECT_EQ(inv["areas"][0]["count"], 2);
    EXPECT_EQ(inv["areas"][0]["parent_links"]["gemeente"], 2);
}

}  // namespace
}  // namespace wz
