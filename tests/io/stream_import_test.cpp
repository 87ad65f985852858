// Streaming imports (issue 19): files read a chunk of whole records at a time, rows written to the store
// a block at a time while the next ones are parsed. Chunk boundaries inside quoted fields, the same stored
// values whatever the chunk and block sizes, a bad row in the last block and a cancel halfway (the store
// byte-identical), and the inputs' SHA-256 taken on the way.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/import_run.hpp"
#include "io/importers.hpp"
#include "io/store.hpp"
#include "io/synth_sources.hpp"
#include "io/text_chunks.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

// All chunks of a file, concatenated, with the line each starts on.
struct Chunked {
    std::string text;
    std::vector<long> first_lines;
    std::vector<std::string> chunks;
    std::string sha;
};
Chunked read_chunked(const std::string& path, std::size_t chunk_bytes,
                     csv::Encoding encoding = csv::Encoding::kAuto) {
    TextChunks chunks(path, encoding, chunk_bytes);
    Chunked out;
    std::string_view t;
    long line = 0;
    while (chunks.next(t, line)) {
        out.text += t;
        out.chunks.emplace_back(t);
        out.first_lines.push_back(line);
    }
    out.sha = chunks.sha256();
    return out;
}

TEST(TextChunks, ChunksEndAtRecordBoundariesEvenInsideQuotedFields) {
    test::TempDir tmp;
    // Quoted fields with line breaks, delimiters and doubled quotes; no final line break.
    const std::string content =
        "code,note,ind001\n"
        "E0001N0001,\"two\nlines, and \"\"quotes\"\"\",1.5\n"
        "E0001N0002,plain,2\n"
        "E0001N0003,\"a,b\",3\n"
        "E0001N0004,\"\n\n\",4";
    test::write_file(tmp.file("q.csv"), "\xEF\xBB\xBF" + content);
    const std::string sha = sha256_of_file(tmp.file("q.csv"));
    for (std::size_t chunk = 1; chunk <= content.size() + 4; ++chunk) {
        const Chunked c = read_chunked(tmp.file("q.csv"), chunk);
        EXPECT_EQ(c.text, content) << chunk;  // the byte-order mark dropped, nothing else changed
        EXPECT_EQ(c.sha, sha) << chunk;       // the raw bytes (with the mark) hashed on the way
        for (std::size_t i = 0; i < c.chunks.size(); ++i) {
            // Every chunk holds whole records: its quotes balance, and it starts on the line it says.
            const auto quotes = std::count(c.chunks[i].begin(), c.chunks[i].end(), '"');
            EXPECT_EQ(quotes % 2, 0) << chunk << " chunk " << i << ": " << c.chunks[i];
            std::size_t before = 0;
            for (std::size_t k = 0; k < i; ++k) before += c.chunks[k].size();
            EXPECT_EQ(c.first_lines[i],
                      1 + std::count(content.begin(), content.begin() + static_cast<long>(before), '\n'))
                << chunk << " chunk " << i;
        }
    }
    // One chunk when it is large enough.
    EXPECT_EQ(read_chunked(tmp.file("q.csv"), 1 << 20).chunks.size(), 1U);
    // SHA-256 of "abc" (FIPS 180-2 example).
    test::write_file(tmp.file("abc"), "abc");
    std::uint64_t bytes = 0;
    EXPECT_EQ(sha256_of_file(tmp.file("abc"), &bytes),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(bytes, 3U);
}

TEST(TextChunks, ABadByteInALaterChunkIsReportedAtItsLineInTheFile) {
    test::TempDir tmp;
    std::string content = "code,ind001\n";
    for (int i = 1; i < 60; ++i) content += fmt::format("E0001N{:04d},{}\n", i, i);  // lines 2-60
    content += "E0002N0001,\xFF\n";                                                  // line 61
    test::write_file(tmp.file("bad.csv"), content);
    try {
        read_chunked(tmp.file("bad.csv"), 64, csv::Encoding::kUtf8);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 61);
        EXPECT_EQ(e.column(), 12);
        EXPECT_NE(e.expected().find("--encoding"), std::string::npos) << e.what();
    }
    // Under auto the encoding is decided at the first non-ASCII byte: here Windows-1252 (ÿ).
    const Chunked c = read_chunked(tmp.file("bad.csv"), 64);
    EXPECT_NE(c.text.find("E0002N0001,\xC3\xBF\n"), std::string::npos);
}

// Indicator files: 2 years x `rows` cells, 3 indicators, some values missing, a quoted code.
struct IndicatorFiles {
    test::TempDir tmp;
    std::vector<std::string> paths;
    explicit IndicatorFiles(int rows, const std::string& last_line = "") {
        paths = write("ind", rows, last_line);
    }
    // Another pair of files in the same folder.
    std::vector<std::string> write(const std::string& prefix, int rows,
                                   const std::string& last_line = "") const {
        std::vector<std::string> out;
        for (int year : {2018, 2020}) {
            std::string s = "code,ind001,ind002,ind003\n";
            for (int r = 0; r < rows; ++r) {
                const std::string code = fmt::format("E{:04d}N{:04d}", 1000 + r % 97, 3000 + r / 97);
                s += fmt::format("{},{},{},{}\n", r % 5 == 0 ? "\"" + code + "\"" : code, r + year * 0.001,
                                 r % 7 == 0 ? "" : fmt::format("{:.3f}", 0.5 * r), year - r);
            }
            if (year == 2020) s += last_line;
            out.push_back(tmp.file(fmt::format("{}_{}.csv", prefix, year)));
            test::write_file(out.back(), s);
        }
        return out;
    }
};

StoreUpdate import_update(Dataset ds) {
    StoreUpdate u;
    u.run.command = "import indicators";
    u.datasets.push_back(std::move(ds));
    return u;
}

TEST(StreamImport, TheSameStoredValuesFromOneChunkAndFromMany) {
    IndicatorFiles f(1000);
    StoreOptions many;
    many.block_threshold_rows = 50;
    many.block_rows = 64;
    const std::string one = f.tmp.file("one.gpkg"), lots = f.tmp.file("many.gpkg");
    apply_to_store(one, import_update(stream_indicators(f.paths, {}, std::size_t{1} << 24)));
    apply_to_store(lots, import_update(stream_indicators(f.paths, {}, 37)), many);
    const nlohmann::json inv = store_inventory(lots);
    bool blocks = false;
    for (const auto& d : inv["datasets"]) {
        if (d["name"] == "indicators") blocks = d["storage"] == "blocks";
    }
    EXPECT_TRUE(blocks) << "2000 rows over a threshold of 50 are stored in blocks";
    const Table a = read_dataset(one, "indicators").table, b = read_dataset(lots, "indicators").table;
    ASSERT_EQ(a.row_count(), 2000U);
    ASSERT_EQ(b.row_count(), 2000U);
    ASSERT_EQ(a.column_count(), 5U);
    for (std::size_t c = 0; c < a.column_count(); ++c) {
        for (std::size_t r = 0; r < a.row_count(); ++r) {
            ASSERT_EQ(a.columns()[c].to_text(r), b.columns()[c].to_text(r)) << c << " " << r;
            ASSERT_EQ(a.columns()[c].is_missing(r), b.columns()[c].is_missing(r)) << c << " " << r;
        }
    }
    // Against the files: row 1007 is 2020's cell 7: ind001 7.02, ind002 missing (7 % 7), ind003 2013.
    const std::size_t r = 1007;
    EXPECT_EQ(b.column("code").text_at(r), "E1007N3000");
    EXPECT_EQ(b.column("year").int_at(r), 2020);
    EXPECT_DOUBLE_EQ(b.column("ind001").real_at(r), 7 + 2.02);
    EXPECT_TRUE(b.column("ind002").is_missing(r));
    EXPECT_DOUBLE_EQ(b.column("ind003").real_at(r), 2013);
    EXPECT_EQ(b.column("code").text_at(5), "E1005N3000");  // the quoted code
    // The catalogue counts the missing values (1000 / 7 rounded up, per year) and the years.
    for (const auto& d : inv["datasets"]) {
        if (d["name"] != "indicators") continue;
        EXPECT_EQ(d["years"], nlohmann::json::array({2018, 2020}));
        EXPECT_EQ(d["level"], "grid");
        for (const auto& col : d["columns"]) {
            if (col["name"] == "ind002") {
                EXPECT_EQ(col["missing"], 2 * 143);
            }
        }
    }
    // The in-memory form of the same import agrees.
    const Table m = import_indicators(f.paths, {}).table;
    ASSERT_EQ(m.row_count(), 2000U);
    EXPECT_EQ(m.column("ind003").to_text(1999), b.column("ind003").to_text(1999));
}

TEST(StreamImport, InputsAreHashedWhileTheyAreRead) {
    IndicatorFiles f(300);
    const std::string store = f.tmp.file("s.gpkg");
    store_import(store, ImportRun{"import indicators", {}, f.paths}, {stream_indicators(f.paths, {}, 100)});
    const nlohmann::json inv = store_inventory(store);
    ASSERT_EQ(inv["runs"].size(), 1U);
    const auto& inputs = inv["runs"][0]["inputs"];
    ASSERT_EQ(inputs.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        std::uint64_t bytes = 0;
        EXPECT_EQ(inputs[i]["sha256"], sha256_of_file(f.paths[i], &bytes));
        EXPECT_EQ(inputs[i]["bytes"], bytes);
    }
}

TEST(StreamImport, ABadRowInTheLastBlockLeavesTheStoreByteIdentical) {
    IndicatorFiles f(1000, "E0001N0001,1,two,3\n");  // line 1002 of the 2020 file
    StoreOptions small;
    small.block_threshold_rows = 50;
    small.block_rows = 64;
    const std::string store = f.tmp.file("s.gpkg");
    apply_to_store(store, import_update(stream_indicators(f.write("first", 10), {}, 1 << 20)));
    const std::string before = test::file_fingerprint(store);
    try {
        apply_to_store(store, import_update(stream_indicators(f.paths, {}, 512)), small);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.source(), f.paths[1]);
        EXPECT_EQ(e.line(), 1002);
        EXPECT_EQ(e.column(), 14);
        EXPECT_NE(std::string(e.what()).find("ind002"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::file_fingerprint(store), before);
    EXPECT_EQ(read_dataset(store, "indicators").table.row_count(), 20U);
    // The command line: exit 2, FILE:LINE:COL, the store unchanged.
    const auto r =
        test::run_wijkzicht("import indicators " + f.paths[0] + " " + f.paths[1] + " --store " + store);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(f.paths[1] + ":1002:14"), std::string::npos) << r.err;
    EXPECT_EQ(test::file_fingerprint(store), before);
}

// Cancels the job after `after` blocks have been handed to the store.
class CancelAfter final : public RowBlocks {
  public:
    CancelAfter(std::shared_ptr<RowBlocks> inner, CancelToken& token, int after)
        : inner_(std::move(inner)), token_(token), after_(after) {}
    bool next(Table& block, std::size_t max_rows) override {
        if (++blocks_ > after_) token_.cancel();
        return inner_->next(block, max_rows);
    }
    int blocks() const { return blocks_; }

  private:
    std::shared_ptr<RowBlocks> inner_;
    CancelToken& token_;
    int after_;
    int blocks_ = 0;
};

TEST(StreamImport, AnImportCancelledHalfwayLeavesTheStoreByteIdentical) {
    IndicatorFiles f(1000);
    StoreOptions small;
    small.block_threshold_rows = 50;
    small.block_rows = 64;
    const std::string store = f.tmp.file("s.gpkg");
    apply_to_store(store, import_update(stream_indicators(f.write("first", 10), {}, 1 << 20)));
    const std::string before = test::file_fingerprint(store);
    CancelToken token;
    const JobScope scope({nullptr, &token});
    Dataset ds = stream_indicators(f.paths, {}, 256);
    auto cancelling = std::make_shared<CancelAfter>(ds.rows, token, 16);  // 2000 rows: 32 blocks of 64
    ds.rows = cancelling;
    EXPECT_THROW(apply_to_store(store, import_update(std::move(ds)), small), CancelledError);
    EXPECT_GT(cancelling->blocks(), 16);
    EXPECT_LT(cancelling->blocks(), 32);
    EXPECT_EQ(test::file_fingerprint(store), before);
    token.reset();
    EXPECT_EQ(read_dataset(store, "indicators").table.row_count(), 20U);
}

// Two tables hold the same values, column by column.
void expect_same_values(const Table& a, const Table& b) {
    ASSERT_EQ(a.row_count(), b.row_count());
    ASSERT_EQ(a.column_count(), b.column_count());
    for (std::size_t c = 0; c < a.column_count(); ++c) {
        ASSERT_EQ(a.columns()[c].name(), b.columns()[c].name());
        ASSERT_EQ(a.columns()[c].type(), b.columns()[c].type()) << a.columns()[c].name();
        for (std::size_t r = 0; r < a.row_count(); ++r) {
            ASSERT_EQ(a.columns()[c].to_text(r), b.columns()[c].to_text(r))
                << a.columns()[c].name() << " " << r;
            ASSERT_EQ(a.columns()[c].missing_reason(r), b.columns()[c].missing_reason(r)) << c << " " << r;
        }
    }
}

TEST(StreamImport, IncidentsStoreTheSameFromOneChunkAndFromMany) {
    test::TempDir tmp;
    std::string csv =
        "Incident Identificatie;Begin-pleegdatum/tijd;Eind-pleegdatum/tijd;Incidentsoort;"
        "Pleegstraatnaam;X;Y\n";
    for (int i = 0; i < 400; ++i) {
        // Every 7th type has a Windows-1252 byte (é): those chunks are decoded, the others handed on as read.
        csv += fmt::format("{};{}-{}-2017 {}:30;{};\"{}; {}\";Straat {};{};{}\n", 1000 + i, 1 + i % 28,
                           1 + i % 12, i % 24, i % 3 == 0 ? "" : "1-1-2018 10:00",
                           i % 7 == 0 ? "Caf\xE9" : "Fiets", i % 5, i,
                           i % 50 == 0 ? "" : std::to_string(230000 + 37 * i), 580000 + 11 * i);
    }
    test::write_file(tmp.file("inc.csv"), csv);
    StoreOptions small;
    small.block_threshold_rows = 40;
    small.block_rows = 16;
    apply_to_store(tmp.file("one.gpkg"), import_update(stream_incidents(tmp.file("inc.csv"), {}, 1 << 24)));
    apply_to_store(tmp.file("many.gpkg"), import_update(stream_incidents(tmp.file("inc.csv"), {}, 300)),
                   small);
    const Table a = read_dataset(tmp.file("one.gpkg"), "incidents").table;
    const Table b = read_dataset(tmp.file("many.gpkg"), "incidents").table;
    expect_same_values(a, b);
    ASSERT_EQ(b.row_count(), 400U);
    // Row 101: 18-6-2017 5:30, no end date missing (101 % 3 != 0), cell of (233737, 581111).
    EXPECT_EQ(b.column("begin").text_at(101), "2017-06-18T05:30");
    EXPECT_EQ(b.column("year").int_at(101), 2017);
    EXPECT_EQ(b.column("code").text_at(101), "E2337N5811");
    EXPECT_EQ(b.column("type").text_at(101), "Fiets; 1");      // a quoted field with the delimiter
    EXPECT_EQ(b.column("type").text_at(105), "Caf\u00e9; 0");  // decoded from Windows-1252
    EXPECT_TRUE(b.column("code").is_missing(100));             // no X
    EXPECT_EQ(b.find("Pleegstraatnaam"), nullptr);             // protected: dropped
    EXPECT_EQ(b.find("street"), nullptr);
    const auto inv = store_inventory(tmp.file("many.gpkg"));
    for (const auto& d : inv["datasets"]) {
        if (d["name"] == "incidents") {
            EXPECT_EQ(d["storage"], "blocks");
        }
    }
}

// Incidents are converted on both cores, a few chunks ahead of the store: the error reported is the
// first bad row in the file (not the first found), a cancel still stops the import, and either leaves
// the store byte-identical with no conversion left running.
TEST(StreamImport, IncidentChunksConvertedAheadReportTheFirstBadRowInTheFile) {
    test::TempDir tmp;
    const auto file = [&](int bad_early, int bad_late) {
        std::string csv = "Incident Identificatie;Begin-pleegdatum/tijd;Incidentsoort;X;Y\n";
        for (int i = 0; i < 2000; ++i) {
            const std::string date = i == bad_early || i == bad_late ? "31-2-2017 10:00" : "3-4-2017 10:00";
            csv += fmt::format("{};{};Fiets {};{};{}\n", i, date, i % 7, 230000 + i, 580000 + i);
        }
        return csv;
    };
    const std::string store = tmp.file("s.gpkg");
    test::write_file(tmp.file("ok.csv"), file(-1, -1));
    StoreOptions small;
    small.block_threshold_rows = 40;
    small.block_rows = 64;
    apply_to_store(store, import_update(stream_incidents(tmp.file("ok.csv"), {}, 1 << 24)), small);
    const std::string before = test::file_fingerprint(store);
    // Bad rows at lines 1202 and 1902: with 256-byte chunks the later one is converted as early as the
    // first, often sooner. Ten times, for the orders the threads may take.
    test::write_file(tmp.file("bad.csv"), file(1200, 1900));
    for (int run = 0; run < 10; ++run) {
        try {
            apply_to_store(store, import_update(stream_incidents(tmp.file("bad.csv"), {}, 256)), small);
            FAIL() << "no error";
        } catch (const InputError& e) {
            EXPECT_EQ(e.line(), 1202) << e.what();
            EXPECT_EQ(e.source(), tmp.file("bad.csv"));
        }
        ASSERT_EQ(test::file_fingerprint(store), before);
    }
    // Cancelled after 5 of 32 blocks.
    CancelToken token;
    const JobScope scope({nullptr, &token});
    Dataset ds = stream_incidents(tmp.file("ok.csv"), {}, 256);
    auto cancelling = std::make_shared<CancelAfter>(ds.rows, token, 5);
    ds.rows = cancelling;
    EXPECT_THROW(apply_to_store(store, import_update(std::move(ds)), small), CancelledError);
    EXPECT_LT(cancelling->blocks(), 32);
    EXPECT_EQ(test::file_fingerprint(store), before);
    token.reset();
    // And the whole file, converted ahead in 256-byte chunks, stores what one chunk stores.
    apply_to_store(tmp.file("many.gpkg"), import_update(stream_incidents(tmp.file("ok.csv"), {}, 256)),
                   small);
    expect_same_values(read_dataset(store, "incidents").table,
                       read_dataset(tmp.file("many.gpkg"), "incidents").table);
}

TEST(StreamImport, GridStatisticsTypesComeFromTheFirstChunkAndALaterTextIsAnError) {
    test::TempDir tmp;
    std::string csv = "crs28992res100m,INW2014,INW2015,WOZ2015,klasse2015\n";
    for (int i = 0; i < 300; ++i)
        csv += fmt::format("E{:04d}N{:04d},{},{},{},{}\n", 1200 + i % 30, 4000 + i / 30, i,
                           i % 11 == 0 ? "-99997" : std::to_string(i + 1), 100 + i,
                           i % 2 ? "\"40% tot 60%\"" : "\"0% tot 20%\"");
    test::write_file(tmp.file("g.csv"), csv);
    StoreOptions small;
    small.block_threshold_rows = 40;
    small.block_rows = 32;
    apply_to_store(tmp.file("one.gpkg"), import_update(stream_grid_stats(tmp.file("g.csv"), {}, 1 << 24)));
    apply_to_store(tmp.file("many.gpkg"), import_update(stream_grid_stats(tmp.file("g.csv"), {}, 200)),
                   small);
    const Table a = read_dataset(tmp.file("one.gpkg"), "grid_stats").table;
    const Table b = read_dataset(tmp.file("many.gpkg"), "grid_stats").table;
    expect_same_values(a, b);
    ASSERT_EQ(b.row_count(), 600U);  // 300 cells x 2 years
    EXPECT_EQ(b.column("klasse").type(), ColumnType::kText);
    EXPECT_EQ(b.column("INW").type(), ColumnType::kReal);
    EXPECT_EQ(b.column("INW").missing_reason(3), Missing::kNone);  // cell 1, 2015
    EXPECT_DOUBLE_EQ(b.column("INW").real_at(3), 2);
    EXPECT_EQ(b.column("INW").missing_reason(2 * 11 + 1), Missing::kSecret99997);
    EXPECT_TRUE(b.column("WOZ").is_missing(0));  // no WOZ in 2014
    // A number column that turns to text after the first chunk: an error at the field, the store as it was.
    test::write_file(tmp.file("bad.csv"), csv + "E1300N4100,5,6,n.b.,\"0% tot 20%\"\n");  // line 302
    const std::string before = test::file_fingerprint(tmp.file("one.gpkg"));
    try {
        apply_to_store(tmp.file("one.gpkg"), import_update(stream_grid_stats(tmp.file("bad.csv"), {}, 200)),
                       small);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 302);
        EXPECT_EQ(e.column(), 16);
        EXPECT_NE(std::string(e.what()).find("WOZ2015"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::file_fingerprint(tmp.file("one.gpkg")), before);
}

TEST(StreamImport, SalesStoreTheSameFromOneChunkAndFromManyAndADuplicateLateIsAnError) {
    test::TempDir tmp;
    std::string csv = "sale,year,month,code,price,dwelling_type,garden\n";
    for (int i = 0; i < 500; ++i)
        csv += fmt::format("S{},{},{},E{:04d}N{:04d},{},{},{}\n", i, 2014 + 2 * (i % 5), 1 + i % 12,
                           1500 + i % 40, 4200 + i / 40, 150000 + 1000 * i,
                           i % 3 == 0 ? "\"rij, hoek\"" : "appartement",
                           i % 4 == 0 ? "" : std::to_string(i % 50));
    test::write_file(tmp.file("sales.csv"), csv);
    StoreOptions small;
    small.block_threshold_rows = 60;
    small.block_rows = 32;
    apply_to_store(tmp.file("one.gpkg"), import_update(stream_sales(tmp.file("sales.csv"), "sales",
                                                                    csv::Encoding::kAuto, 1 << 24)));
    apply_to_store(tmp.file("many.gpkg"),
                   import_update(stream_sales(tmp.file("sales.csv"), "sales", csv::Encoding::kAuto, 300)),
                   small);
    const Table a = read_dataset(tmp.file("one.gpkg"), "sales").table;
    const Table b = read_dataset(tmp.file("many.gpkg"), "sales").table;
    expect_same_values(a, b);
    ASSERT_EQ(b.row_count(), 500U);
    // code and year first, then the file's other columns in its order, typed by its first records.
    std::vector<std::string> names;
    for (const Column& c : b.columns()) names.push_back(c.name());
    EXPECT_EQ(names, (std::vector<std::string>{"code", "year", "sale", "month", "price", "dwelling_type",
                                               "garden"}));
    EXPECT_EQ(b.column("garden").type(), ColumnType::kReal);  // numbers not named as integers are decimals
    EXPECT_EQ(b.column("dwelling_type").text_at(3), "rij, hoek");
    EXPECT_EQ(b.column("code").text_at(41), "E1501N4201");
    EXPECT_EQ(b.column("year").int_at(41), 2016);
    EXPECT_TRUE(b.column("garden").is_missing(40));
    // A sale again in the last line (502): an error at its field, the store as it was.
    test::write_file(tmp.file("dup.csv"), csv + "S7,2020,5,E1500N4200,1,appartement,3\n");
    const std::string before = test::file_fingerprint(tmp.file("many.gpkg"));
    try {
        apply_to_store(tmp.file("many.gpkg"),
                       import_update(stream_sales(tmp.file("dup.csv"), "sales", csv::Encoding::kAuto, 300)),
                       small);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 502);
        EXPECT_EQ(e.column(), 1);
        EXPECT_NE(std::string(e.what()).find("a unique 'sale'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::file_fingerprint(tmp.file("many.gpkg")), before);
}

}  // namespace
}  // namespace wz
