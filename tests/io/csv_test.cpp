#include "io/csv.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

std::vector<std::string> texts(const std::vector<csv::Field>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) out.emplace_back(f.text);
    return out;
}

TEST(CsvReader, QuotesEscapesLineBreaksAndPositions) {
    const std::string data = "a;\"b;c\";\"say \"\"hi\"\"\"\r\n1;\"two\nlines\";3\n\nlast;;\n";
    csv::Reader r(data, ';');
    std::vector<csv::Field> f;
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(texts(f), (std::vector<std::string>{"a", "b;c", "say \"hi\""}));
    EXPECT_EQ(r.line(), 1);
    EXPECT_EQ(f[1].column, 3u);
    EXPECT_EQ(f[2].column, 9u);
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(texts(f), (std::vector<std::string>{"1", "two\nlines", "3"}));
    EXPECT_EQ(r.line(), 2);
    ASSERT_TRUE(r.next(f));  // blank line
    EXPECT_EQ(texts(f), (std::vector<std::string>{""}));
    EXPECT_EQ(r.line(), 4);
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(texts(f), (std::vector<std::string>{"last", "", ""}));
    EXPECT_EQ(r.line(), 5);
    EXPECT_FALSE(r.next(f));
}

TEST(CsvReader, LastLineWithoutNewlineAndLoneCr) {
    csv::Reader r("x,y\r1,2", ',');
    std::vector<csv::Field> f;
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(texts(f), (std::vector<std::string>{"x", "y"}));
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(texts(f), (std::vector<std::string>{"1", "2"}));
    EXPECT_FALSE(r.next(f));
}

TEST(CsvNumbers, PlainAndDutchForms) {
    EXPECT_DOUBLE_EQ(*csv::parse_number("12", false), 12.0);
    EXPECT_DOUBLE_EQ(*csv::parse_number("-3.5", false), -3.5);
    EXPECT_DOUBLE_EQ(*csv::parse_number("+7", false), 7.0);
    EXPECT_DOUBLE_EQ(*csv::parse_number(" 7 ", false), 7.0);
    EXPECT_DOUBLE_EQ(*csv::parse_number("1e-3", false), 0.001);
    EXPECT_DOUBLE_EQ(*csv::parse_number("3,25", true), 3.25);
    EXPECT_DOUBLE_EQ(*csv::parse_number("3.25", true), 3.25);  // point still accepted
    EXPECT_FALSE(csv::parse_number("3,25", false));
    EXPECT_FALSE(csv::parse_number("1.234,5", true));  // thousands separators are not guessed
    EXPECT_FALSE(csv::parse_number("12a", false));
    EXPECT_FALSE(csv::parse_number("", false));
    EXPECT_EQ(csv::parse_integer("2014"), 2014);
    EXPECT_FALSE(csv::parse_integer("20.5"));
}

TEST(CsvDelimiter, Sniffed) {
    EXPECT_EQ(csv::sniff_delimiter("a;b;c\n1;2;3\n"), ';');
    EXPECT_EQ(csv::sniff_delimiter("a,b,c\n1,2,3\n"), ',');
    EXPECT_EQ(csv::sniff_delimiter("\"a,b\";c\n\"1,2\";3\n"), ';');
    EXPECT_EQ(csv::sniff_delimiter("a\tb\n1\t2\n"), '\t');
}

TEST(CsvEncoding, Utf8CheckedCp1252Detected) {
    // Valid UTF-8 with a BOM: the BOM is removed.
    EXPECT_EQ(csv::decode_text("\xEF\xBB\xBF"
                               "na\xC3\xAF"
                               "ef",
                               csv::Encoding::kAuto, "f"),
              "na\xC3\xAF"
              "ef");
    // Windows-1252 'ë' (0xEB) and the euro sign (0x80): detected under auto, converted to UTF-8.
    csv::Encoding used = csv::Encoding::kUtf8;
    EXPECT_EQ(csv::decode_text("Pi\xEBt \x80", csv::Encoding::kAuto, "f", &used), "Pi\xC3\xABt \xE2\x82\xAC");
    EXPECT_EQ(used, csv::Encoding::kCp1252);
    // Strict UTF-8: an error with line, column and the byte.
    try {
        csv::decode_text("ok\nab\xEB", csv::Encoding::kUtf8, "f.csv");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 2);
        EXPECT_EQ(e.column(), 3);
        EXPECT_EQ(e.found(), "byte 0xEB");
    }
    // A file mixing UTF-8 and other bytes is no consistent encoding.
    EXPECT_THROW(csv::decode_text("\xC3\xAB and \xEB", csv::Encoding::kAuto, "f"), InputError);
    // Bytes undefined in Windows-1252 and NUL bytes are errors.
    EXPECT_THROW(csv::decode_text("a\x81", csv::Encoding::kAuto, "f"), InputError);
    EXPECT_THROW(csv::decode_text(std::string("a\0b", 3), csv::Encoding::kAuto, "f"), InputError);
    // Latin-1 on request.
    EXPECT_EQ(csv::decode_text("\xE9", csv::Encoding::kLatin1, "f"), "\xC3\xA9");
}

TEST(TypedRecords, SymbolsSecrecyAndTypes) {
    const std::string data = "7,.,x,abc\n-,1.5,?,def\n-99997,geheim,-99998,nihil\n";
    csv::Reader r(data, ',');
    TableReadOptions o;
    o.cells = CellRules{false, true, true};
    Table t = read_typed_records(r, {"a", "b", "c", "d"}, o, "t.csv");
    ASSERT_EQ(t.row_count(), 3u);
    const Column& a = t.column("a");
    EXPECT_EQ(a.type(), ColumnType::kReal);
    EXPECT_DOUBLE_EQ(a.real_at(0), 7.0);
    EXPECT_DOUBLE_EQ(a.real_at(1), 0.0);  // '-' is nil
    EXPECT_EQ(a.missing_reason(2), Missing::kSecret99997);
    const Column& b = t.column("b");
    EXPECT_EQ(b.missing_reason(0), Missing::kNotAvailable);
    EXPECT_DOUBLE_EQ(b.real_at(1), 1.5);
    EXPECT_EQ(b.missing_reason(2), Missing::kGeheim);
    const Column& c = t.column("c");
    EXPECT_EQ(c.missing_reason(0), Missing::kSecret);
    EXPECT_EQ(c.missing_reason(1), Missing::kUncertain);
    EXPECT_EQ(c.missing_reason(2), Missing::kSecret99998);
    EXPECT_EQ(t.column("d").type(), ColumnType::kText);
}

TEST(TypedRecords, ErrorsNameLineColumnAndField) {
    TableReadOptions o;
    o.sample_rows = 1;
    {
        const std::string data = "1,2\n3,4x\n";
        csv::Reader r(data, ',');
        try {
            read_typed_records(r, {"a", "b"}, o, "t.csv");
            FAIL();
        } catch (const InputError& e) {
            EXPECT_EQ(std::string(e.what()).rfind("t.csv:2:3: expected a number", 0), 0u) << e.what();
            EXPECT_NE(std::string(e.what()).find("'4x'"), std::string::npos);
        }
    }
    {
        const std::string data = "1,2\n3,4,5\n";
        csv::Reader r(data, ',');
        try {
            read_typed_records(r, {"a", "b"}, o, "t.csv");
            FAIL();
        } catch (const InputError& e) {
            EXPECT_STREQ(e.what(), "t.csv:2:5: expected 2 fields (as in the header), found 3 fields");
        }
    }
    {
        const std::string data = "1,2\n3\n";
        csv::Reader r(data, ',');
        EXPECT_THROW(read_typed_records(r, {"a", "b"}, o, "t.csv"), InputError);
        csv::Reader r2(data, ',');
        o.allow_short_rows = true;
        Table t = read_typed_records(r2, {"a", "b"}, o, "t.csv");
        EXPECT_EQ(t.column("b").missing_reason(1), Missing::kEmpty);
    }
}

}  // namespace
}  // namespace wz
