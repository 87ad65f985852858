#include "io/store.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/table_csv.hpp"
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
    EXPECT_THROW(read_dataset(store, "nope"), NotFoundError);
    EXPECT_FALSE(has_dataset(store, "nope"));
    EXPECT_FALSE(find_dataset(store, "nope").has_value());
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
    EXPECT_THROW(apply_to_store(store, bad), InternalError);
    EXPECT_EQ(test::file_fingerprint(store), before);
    EXPECT_FALSE(std::filesystem::exists(store + ".tmp-" + std::to_string(::getpid())));
}

// A dataset with every column type and every missing reason, `rows` rows long.
Dataset every_type_dataset(const std::string& name, std::size_t rows) {
    Dataset ds;
    ds.name = name;
    ds.kind = "grid-stats";
    ds.level = Level::kGrid;
    Column code("code", ColumnType::kText), year("year", ColumnType::kInt), x("x", ColumnType::kReal),
        n("n", ColumnType::kInt), note("note", ColumnType::kText);
    x.unit = "%";
    x.description = "a share";
    for (std::size_t r = 0; r < rows; ++r) {
        code.push_text(fmt::format("E{:04}N{:04}", r % 3000, r / 3000));
        year.push_int(2012 + static_cast<std::int64_t>(r % 6) * 2);
        // Missing reasons 1..7 in turn on every 5th row; the others hold values (also large ints and
        // text with a quote, a comma, a newline and non-ASCII bytes).
        const auto why = static_cast<Missing>(1 + (r / 5) % (kMissingKinds - 1));
        if (r % 5 == 3) {
            x.push_missing(why);
            n.push_missing(why);
            note.push_missing(why);
        } else {
            x.push_real(static_cast<double>(r) * 0.25 - 7.125);
            n.push_int(static_cast<std::int64_t>(r) * 1000000007LL - (std::int64_t{1} << 52));
            note.push_text(r % 2 == 0 ? "" : fmt::format("caf\u00e9 \"{}\",\nx", r));
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    ds.table.add_column(std::move(x));
    ds.table.add_column(std::move(n));
    ds.table.add_column(std::move(note));
    ds.meta["note"] = name;
    return ds;
}

void expect_same_table(const Table& a, const Table& b) {
    ASSERT_EQ(a.column_count(), b.column_count());
    ASSERT_EQ(a.row_count(), b.row_count());
    for (std::size_t c = 0; c < a.column_count(); ++c) {
        const Column& x = a.columns()[c];
        const Column& y = b.columns()[c];
        ASSERT_EQ(x.name(), y.name());
        ASSERT_EQ(x.type(), y.type()) << x.name();
        EXPECT_EQ(x.unit, y.unit);
        EXPECT_EQ(x.description, y.description);
        for (std::size_t r = 0; r < x.size(); ++r) {
            ASSERT_EQ(x.missing_reason(r), y.missing_reason(r)) << x.name() << " row " << r;
            if (x.is_missing(r)) continue;
            switch (x.type()) {
                case ColumnType::kInt:
                    ASSERT_EQ(x.int_at(r), y.int_at(r)) << x.name() << " row " << r;
                    break;
                case ColumnType::kReal:
                    ASSERT_EQ(x.real_at(r), y.real_at(r)) << x.name() << " row " << r;
                    break;
                case ColumnType::kText:
                    ASSERT_EQ(x.text_at(r), y.text_at(r)) << x.name() << " row " << r;
                    break;
            }
        }
    }
}

std::string storage_of(const std::string& store, const std::string& name) {
    const nlohmann::json inv = store_inventory(store);
    for (const auto& d : inv["datasets"]) {
        if (d["name"] == name) return d["storage"].get<std::string>();
    }
    return "";
}

TEST(Store, EveryTypeAndReasonRoundTripsInRowsAndBlocks) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreOptions o;
    o.block_threshold_rows = 100;  // 101 rows and more: blocks
    o.block_rows = 16;             // several blocks, the last one partial
    const Dataset small = every_type_dataset("small", 100);
    const Dataset large = every_type_dataset("large", 203);
    StoreUpdate u;
    u.run.command = "test";
    u.datasets = {small, large};
    apply_to_store(store, u, o);
    EXPECT_EQ(storage_of(store, "small"), "rows");
    EXPECT_EQ(storage_of(store, "large"), "blocks");
    const Dataset back_small = read_dataset(store, "small");
    const Dataset back_large = read_dataset(store, "large");
    expect_same_table(small.table, back_small.table);
    expect_same_table(large.table, back_large.table);
    EXPECT_EQ(back_large.kind, "grid-stats");
    EXPECT_EQ(back_large.level, Level::kGrid);
    EXPECT_EQ(back_large.meta["note"], "large");
    EXPECT_TRUE(std::isnan(back_large.table.column("x").real_at(3)));

    // The inventory means the same for both storages: rows, and missing values by reason (not 'empty').
    const auto inv = store_inventory(store);
    ASSERT_EQ(inv["datasets"].size(), 2u);
    for (const auto& d : inv["datasets"]) {
        const std::size_t rows = d["name"] == "small" ? 100 : 203;
        EXPECT_EQ(d["rows"], rows);
        // Rows 3, 8, 13, ... are missing in 3 columns; reason k = 1 + (r / 5) % 7 of them.
        std::map<std::string, long> expected;
        for (std::size_t r = 3; r < rows; r += 5) {
            const auto why = static_cast<Missing>(1 + (r / 5) % (kMissingKinds - 1));
            if (why != Missing::kEmpty) expected[std::string(missing_name(why))] += 3;
        }
        std::map<std::string, long> got;
        for (auto it = d["missing_by_reason"].begin(); it != d["missing_by_reason"].end(); ++it)
            got[it.key()] = it.value().get<long>();
        EXPECT_EQ(got, expected) << d["name"];
        EXPECT_EQ(d["columns"][2]["missing"], (rows - 3 + 4) / 5) << d["name"];
    }
    // Replacing the block dataset by a small one moves it to rows storage and drops its blocks.
    StoreUpdate u2;
    u2.run.command = "again";
    u2.datasets = {every_type_dataset("large", 10)};
    apply_to_store(store, u2, o);
    EXPECT_EQ(storage_of(store, "large"), "rows");
    EXPECT_EQ(read_dataset(store, "large").table.row_count(), 10u);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM wz_blocks", -1, &s, nullptr);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(s, 0), 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

// Rows storage is written up to 256 rows per INSERT: every value and missing reason (whose row id is the
// row's fid) comes back at each batch edge, and the fids are 1..n in the file's order.
TEST(Store, RowsWrittenInBatchesRoundTripAtEveryBatchEdge) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreUpdate u;
    u.run.command = "test";
    for (const std::size_t n : {0, 1, 255, 256, 257, 1000})
        u.datasets.push_back(every_type_dataset(fmt::format("rows{}", n), n));
    apply_to_store(store, u);
    for (const Dataset& ds : u.datasets) {
        EXPECT_EQ(storage_of(store, ds.name), "rows");
        const Dataset back = read_dataset(store, ds.name);
        EXPECT_EQ(back.table.column_count(), 5U) << ds.name;  // an empty dataset keeps its columns
        expect_same_table(ds.table, back.table);
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT min(fid), max(fid), count(*) FROM ds_rows1000", -1, &s, nullptr);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(s, 0), 1);
    EXPECT_EQ(sqlite3_column_int64(s, 1), 1000);
    EXPECT_EQ(sqlite3_column_int64(s, 2), 1000);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

// A source that hands out the rows of a table in pieces of 7 rows (fewer than the store asks for).
class TableInPieces final : public RowBlocks {
  public:
    explicit TableInPieces(Table t) : t_(std::move(t)) {}
    bool next(Table& block, std::size_t max_rows) override {
        const std::size_t n = std::min({max_rows, std::size_t{7}, t_.row_count() - at_});
        append_rows(block, t_, at_, n);
        at_ += n;
        return n > 0;
    }

  private:
    Table t_;
    std::size_t at_ = 0;
};

std::int64_t count_rows(const std::string& store, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
    const std::int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

// A streamed dataset goes into blocks from its first whole block on, holding only the rows short of a
// block; one that ends up no larger than the threshold is an attribute table after all: its blocks are
// read back into it (fids in file order, missing reasons at their rows) and removed.
TEST(Store, StreamedRowsGoIntoBlocksAtOnceAndBackIntoATableWhenFew) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreOptions o;
    o.block_threshold_rows = 100;
    o.block_rows = 16;
    StoreUpdate u;
    u.run.command = "test";
    for (const std::size_t n : {15, 16, 17, 100, 101, 203}) {
        const Dataset whole = every_type_dataset(fmt::format("s{}", n), n);
        Dataset ds = whole;
        ds.table.clear_rows();
        ds.rows = std::make_shared<TableInPieces>(whole.table);
        u.datasets.push_back(ds);
    }
    apply_to_store(store, u, o);
    for (const std::size_t n : {15, 16, 17, 100, 101, 203}) {
        const std::string name = fmt::format("s{}", n);
        EXPECT_EQ(storage_of(store, name), n > 100 ? "blocks" : "rows") << n;
        expect_same_table(every_type_dataset(name, n).table, read_dataset(store, name).table);
        const std::int64_t blocks =
            count_rows(store, fmt::format("SELECT count(*) FROM wz_blocks WHERE dataset='{}'", name));
        EXPECT_EQ(blocks, n > 100 ? 5 * static_cast<std::int64_t>((n + 15) / 16) : 0) << n;  // 5 columns
        if (n <= 100) {
            EXPECT_EQ(count_rows(store, fmt::format("SELECT max(fid) FROM \"ds_{}\"", name)),
                      static_cast<std::int64_t>(n));
        }
    }
    // The inventory counts the same missing values whichever way the rows went.
    const auto inventory = store_inventory(store);
    for (const auto& d : inventory["datasets"]) {
        const std::size_t n = std::stoul(d["name"].get<std::string>().substr(1));
        EXPECT_EQ(d["rows"], n);
        EXPECT_EQ(d["columns"][2]["missing"], (n - 3 + 4) / 5) << n;
    }
}

// A store with every_type_dataset "small" (50 rows, stored as rows) and "large" (203 rows, stored in
// blocks of 16: 12 full blocks and one of 11).
std::string store_with_small_and_large(const TempDir& dir) {
    const std::string store = dir.file("s.gpkg");
    StoreOptions o;
    o.block_threshold_rows = 100;
    o.block_rows = 16;
    StoreUpdate u;
    u.run.command = "test";
    u.datasets = {every_type_dataset("small", 50), every_type_dataset("large", 203)};
    apply_to_store(store, u, o);
    return store;
}

TEST(Store, ReadsOnlyTheNamedColumnsInTheOrderGivenFromRowsAndBlocks) {
    TempDir dir;
    const std::string store = store_with_small_and_large(dir);
    for (const char* name : {"small", "large"}) {
        const Dataset full = read_dataset(store, name);
        const Dataset two = read_dataset(store, name, {"x", "code"});
        ASSERT_EQ(two.table.column_count(), 2u) << name;
        EXPECT_EQ(two.table.columns()[0].name(), "x");
        EXPECT_EQ(two.table.columns()[1].name(), "code");
        EXPECT_EQ(two.table.column("x").unit, "%");
        Table expected;
        expected.add_column(full.table.column("x"));
        expected.add_column(full.table.column("code"));
        expect_same_table(expected, two.table);
        try {
            read_dataset(store, name, {"code", "INW"});
            ADD_FAILURE() << "no error for a missing column";
        } catch (const UsageError& e) {
            EXPECT_EQ(std::string(e.what()),
                      fmt::format("dataset '{}' has no column 'INW' (it has: code, year, x, n, note)", name));
        }
    }
}

TEST(Store, NewStoresHave64KiBPagesAndStayGeoPackages) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreUpdate u;
    u.run.command = "test";
    u.datasets = {small_dataset("one")};
    apply_to_store(store, u);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    const auto pragma = [&](const char* sql) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
        EXPECT_EQ(sqlite3_step(s), SQLITE_ROW) << sql;
        const std::int64_t v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    };
    EXPECT_EQ(pragma("PRAGMA page_size"), 65536);
    EXPECT_EQ(pragma("PRAGMA application_id"), 0x47504B47);  // 'GPKG'
    sqlite3_close(db);
    EXPECT_EQ(read_dataset(store, "one").table.row_count(), 3u);
}

TEST(Store, BlockReaderReadsEveryDecimalBlockStraightIntoTheCallersMemory) {
    TempDir dir;
    const std::string store = store_with_small_and_large(dir);
    const Dataset large = every_type_dataset("large", 203);

    DatasetBlockReader rows(store, "small");
    EXPECT_FALSE(rows.stored_in_blocks());
    EXPECT_EQ(rows.rows(), 50u);

    DatasetBlockReader r(store, "large");
    ASSERT_TRUE(r.stored_in_blocks());
    EXPECT_EQ(r.rows(), 203u);
    EXPECT_EQ(r.block_rows(), 16u);
    EXPECT_EQ(r.block_count(), 13u);  // 12 x 16 + 11
    EXPECT_EQ(r.rows_in_block(12), 11u);
    EXPECT_EQ(r.rows_in_block(13), 0u);
    EXPECT_EQ(r.column_names(), (std::vector<std::string>{"code", "year", "x", "n", "note"}));
    EXPECT_EQ(r.column_type("x"), ColumnType::kReal);
    EXPECT_EQ(r.column_type("note"), ColumnType::kText);
    EXPECT_FALSE(r.column_type("INW").has_value());
    const Column& x = large.table.column("x");
    std::size_t missing_blocks = 0;
    for (std::size_t b = 0; b < r.block_count(); ++b) {
        std::vector<double> v(r.rows_in_block(b) + 1, -1.0);
        std::vector<std::uint8_t> st(r.rows_in_block(b) + 1, 99);
        const bool some_missing = r.read_real_block("x", b, v.data(), st.data());
        missing_blocks += some_missing ? 1 : 0;
        for (std::size_t i = 0; i < r.rows_in_block(b); ++i) {
            const std::size_t row = b * 16 + i;
            if (x.is_missing(row)) {
                ASSERT_TRUE(some_missing);
                EXPECT_TRUE(std::isnan(v[i])) << row;
                EXPECT_EQ(st[i], static_cast<std::uint8_t>(x.missing_reason(row))) << row;
            } else {
                EXPECT_EQ(v[i], x.real_at(row)) << row;
                if (some_missing) {
                    EXPECT_EQ(st[i], 0) << row;
                }
            }
        }
        EXPECT_EQ(v.back(), -1.0) << "wrote past the block";
        EXPECT_EQ(st.back(), 99) << "wrote past the block";
    }
    EXPECT_EQ(missing_blocks, 13u);  // every 5th row is missing
    double v[16];
    std::uint8_t st[16];
    EXPECT_THROW(r.read_real_block("note", 0, v, st), UsageError);
    EXPECT_THROW(r.read_real_block("nope", 0, v, st), UsageError);
    EXPECT_THROW(DatasetBlockReader(store, "nope"), NotFoundError);
    EXPECT_THROW(DatasetBlockReader(dir.file("absent.gpkg"), "large"), NotFoundError);
}

// read_block: any column's block as a column (text, integer and decimal, with their missing reasons),
// the same column object refilled block after block.
TEST(Store, BlockReaderReadsABlockOfAnyColumnIntoAColumn) {
    TempDir dir;
    const std::string store = store_with_small_and_large(dir);
    const Dataset large = every_type_dataset("large", 203);
    DatasetBlockReader r(store, "large");
    for (const Column& whole : large.table.columns()) {
        Column block(whole.name(), whole.type());
        Table joined;
        Column& all = joined.add_column(Column(whole.name(), whole.type()));
        all.unit = whole.unit;  // the catalogue's, not the block's
        all.description = whole.description;
        for (std::size_t b = 0; b < r.block_count(); ++b) {
            r.read_block(whole.name(), b, block);
            ASSERT_EQ(block.size(), r.rows_in_block(b)) << whole.name() << " block " << b;
            Table one;
            one.add_column(block);
            append_rows(joined, one, 0, block.size());
        }
        Table expected;
        expected.add_column(whole);
        expect_same_table(expected, joined);
    }
    Column text("note", ColumnType::kText), wrong("note", ColumnType::kInt);
    EXPECT_THROW(r.read_block("nope", 0, text), UsageError);
    EXPECT_THROW(r.read_block("note", 0, wrong), std::logic_error);
    EXPECT_THROW(r.read_block("note", 13, text), std::logic_error);
    DatasetBlockReader rows(store, "small");
    EXPECT_THROW(rows.read_block("note", 0, text), std::logic_error);  // stored as rows: read_dataset
}

TEST(Store, FailedBlockUpdateOnTheStoreItselfLeavesItByteForByte) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreOptions o;
    o.block_threshold_rows = 50;
    o.block_rows = 8;
    StoreUpdate u;
    u.run.command = "first";
    u.datasets = {every_type_dataset("a", 120), small_dataset("kwb")};
    apply_to_store(store, u, o);
    const std::string before = test::file_fingerprint(store);
    // Replaces "a" (drops its blocks, writes new ones), then fails on a dataset of unequal columns.
    StoreUpdate bad;
    bad.run.command = "bad";
    bad.datasets.push_back(every_type_dataset("a", 300));
    bad.datasets.push_back(every_type_dataset("b", 80));
    Dataset broken = every_type_dataset("broken", 90);
    const_cast<Column&>(broken.table.columns()[2]).push_real(1.0);
    bad.datasets.push_back(std::move(broken));
    EXPECT_THROW(apply_to_store(store, bad, o), InternalError);
    EXPECT_EQ(test::file_fingerprint(store), before);
    EXPECT_FALSE(std::filesystem::exists(store + "-journal"));
    expect_same_table(read_dataset(store, "a").table, every_type_dataset("a", 120).table);
    EXPECT_THROW(read_dataset(store, "b"), NotFoundError);
}

TEST(Store, OldStoresWithoutTheStorageColumnStillReadAndUpgrade) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreUpdate u;
    u.run.command = "first";
    u.datasets = {small_dataset("kwb")};
    apply_to_store(store, u);
    // Make it look like a store written before block storage: wz_datasets without the new columns.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE wz_blocks; ALTER TABLE wz_datasets DROP COLUMN missing_reasons; "
                           "ALTER TABLE wz_datasets DROP COLUMN storage;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
    const Dataset back = read_dataset(store, "kwb");
    expect_same_table(small_dataset("kwb").table, back.table);
    const auto inv = store_inventory(store);
    EXPECT_EQ(inv["datasets"][0]["storage"], "rows");
    EXPECT_EQ(inv["datasets"][0]["missing_by_reason"]["secret-99997"], 1);
    // The next update adds the columns and can store blocks beside the old dataset.
    StoreOptions o;
    o.block_threshold_rows = 10;
    StoreUpdate u2;
    u2.run.command = "second";
    u2.datasets = {every_type_dataset("big", 40)};
    apply_to_store(store, u2, o);
    EXPECT_EQ(storage_of(store, "big"), "blocks");
    EXPECT_EQ(storage_of(store, "kwb"), "rows");
    expect_same_table(every_type_dataset("big", 40).table, read_dataset(store, "big").table);
    expect_same_table(small_dataset("kwb").table, read_dataset(store, "kwb").table);
}

TEST(Store, ExportCommandWritesABlockDatasetAsCsvAndRejectsUnknownNames) {
    TempDir dir;
    const std::string store = dir.file("s.gpkg");
    StoreOptions o;
    o.block_threshold_rows = 20;
    o.block_rows = 7;
    StoreUpdate u;
    u.run.command = "test";
    u.datasets = {every_type_dataset("big", 30)};
    apply_to_store(store, u, o);
    ASSERT_EQ(storage_of(store, "big"), "blocks");
    const std::string before = test::file_fingerprint(store);
    const std::string csv = dir.file("big.csv");
    const auto ok = test::run_wijkzicht("export --store " + store + " --dataset big --out " + csv);
    ASSERT_EQ(ok.status, 0) << ok.err;
    const Table back = read_table_csv(csv, {"code", "note"});
    ASSERT_EQ(back.row_count(), 30u);
    EXPECT_EQ(back.column("code").text_at(29), "E0029N0000");
    EXPECT_EQ(back.column("year").number_at(7), 2014.0);
    EXPECT_DOUBLE_EQ(back.column("x").number_at(9), 9 * 0.25 - 7.125);
    EXPECT_TRUE(back.column("x").is_missing(8));  // row 8 is missing (reason kept in the store only)
    EXPECT_EQ(back.column("note").text_at(1), "caf\u00e9 \"1\",\nx");
    // An unknown dataset or a missing option: exit 2 with a message, the store untouched, no file.
    const auto bad =
        test::run_wijkzicht("export --store " + store + " --dataset nope --out " + dir.file("n.csv"));
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("no dataset 'nope'"), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("n.csv")));
    EXPECT_EQ(test::run_wijkzicht("export --store " + store + " --dataset big").status, 2);
    EXPECT_EQ(test::file_fingerprint(store), before);
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
    EXPECT_THROW(store_inventory(dir.file("absent.gpkg")), NotFoundError);
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

    // The layer itself, read with GDAL as QGIS would: RD New, two MultiPolygons with their attributes, and
    // geometries where the fixture's corners land in RD. The corners, reprojected with another tool:
    //   printf "6.55 53.21\n6.56 53.21\n6.57 53.21\n6.55 53.22\n6.56 53.22\n6.57 53.22\n" |
    //     gdaltransform -s_srs EPSG:4326 -t_srs EPSG:28992 -output_xy
    struct Xy {
        double x, y;
    };
    const Xy sw{232684.560176641, 581001.469472091}, s{233352.604679102, 581012.301330429},
        se{234020.648111043, 581023.225931839}, nw{232666.59365572, 582114.264958205},
        n{233334.483666302, 582125.095040679}, ne{234002.372606308, 582136.01785102};
    // Shoelace area of a quadrilateral (the importer reprojects vertices; edges stay straight in RD).
    auto area4 = [](Xy a, Xy b, Xy c, Xy d) {
        return std::abs((a.x * b.y - b.x * a.y) + (b.x * c.y - c.x * b.y) + (c.x * d.y - d.x * c.y) +
                        (d.x * a.y - a.x * d.y)) /
               2;
    };
    struct Want {
        const char* code;
        const char* name;
        double area, min_x, max_x, min_y, max_y;
    };
    const Want want[] = {
        {"BU00140000", "West", area4(sw, s, n, nw), nw.x, s.x, sw.y, n.y},
        {"BU00140001", "Oost", area4(s, se, ne, n), n.x, se.x, s.y, ne.y},
    };
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(
        GDALOpenEx(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr) << store;
    OGRLayer* l = ds->GetLayerByName("areas_buurt_2017");
    ASSERT_NE(l, nullptr) << "no layer areas_buurt_2017 in the store";
    ASSERT_NE(l->GetSpatialRef(), nullptr);
    EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "28992");
    EXPECT_EQ(wkbFlatten(l->GetGeomType()), wkbMultiPolygon);
    ASSERT_EQ(l->GetFeatureCount(), 2);
    l->ResetReading();
    for (const Want& w : want) {
        OGRFeatureUniquePtr f(l->GetNextFeature());
        ASSERT_NE(f, nullptr) << w.code;
        EXPECT_STREQ(f->GetFieldAsString("code"), w.code);
        EXPECT_STREQ(f->GetFieldAsString("name"), w.name);
        EXPECT_STREQ(f->GetFieldAsString("wijk"), "WK001400") << w.code;
        EXPECT_STREQ(f->GetFieldAsString("gemeente"), "GM0014") << w.code;
        const OGRGeometry* g = f->GetGeometryRef();
        ASSERT_NE(g, nullptr) << w.code;
        ASSERT_EQ(wkbFlatten(g->getGeometryType()), wkbMultiPolygon) << w.code;
        EXPECT_NEAR(g->toMultiPolygon()->get_Area(), w.area, 1.0) << w.code;  // about 74 ha each
        OGREnvelope e;
        g->getEnvelope(&e);
        EXPECT_NEAR(e.MinX, w.min_x, 0.01) << w.code;
        EXPECT_NEAR(e.MaxX, w.max_x, 0.01) << w.code;
        EXPECT_NEAR(e.MinY, w.min_y, 0.01) << w.code;
        EXPECT_NEAR(e.MaxY, w.max_y, 0.01) << w.code;
    }
    EXPECT_EQ(OGRFeatureUniquePtr(l->GetNextFeature()), nullptr);
    GDALClose(ds);
}

}  // namespace
}  // namespace wz
