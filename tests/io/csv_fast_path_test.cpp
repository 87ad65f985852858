// The fast path of typed CSV reading (word-at-a-time field scanning, SWAR number conversion) against
// the general path: the same table, positions and errors for every input, and numbers equal to strtod.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

struct ReadResult {
    Table table;
    RecordPositions positions;
    std::string error;
};

// Reads `data` (records only; its first line is line 2 of the file) with or without the fast path.
ReadResult read_records(const std::string& data, char delim, const std::vector<std::string>& names,
                        TableReadOptions options, bool fast) {
    options.fast_path = fast;
    options.sample_rows = 1;
    csv::Reader reader(data, delim, 2);
    ReadResult out;
    try {
        out.table = read_typed_records(reader, names, options, "f.csv", &out.positions);
    } catch (const InputError& e) {
        out.error = e.what();
    }
    return out;
}

std::uint64_t bits(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

void expect_same_tables(const ReadResult& general, const ReadResult& fast) {
    ASSERT_EQ(general.error, fast.error);
    ASSERT_EQ(general.table.column_count(), fast.table.column_count());
    ASSERT_EQ(general.table.row_count(), fast.table.row_count());
    EXPECT_EQ(general.positions.offsets, fast.positions.offsets);
    EXPECT_EQ(general.positions.lines, fast.positions.lines);
    for (std::size_t c = 0; c < general.table.column_count(); ++c) {
        const Column& a = general.table.columns()[c];
        const Column& b = fast.table.columns()[c];
        ASSERT_EQ(a.type(), b.type()) << a.name();
        ASSERT_EQ(a.size(), b.size()) << a.name();
        EXPECT_EQ(a.status(), b.status()) << a.name();
        EXPECT_EQ(a.ints(), b.ints()) << a.name();
        EXPECT_EQ(std::vector<std::string>(a.texts().begin(), a.texts().end()),
                  std::vector<std::string>(b.texts().begin(), b.texts().end()))
            << a.name();
        ASSERT_EQ(a.reals().size(), b.reals().size());
        for (std::size_t r = 0; r < a.reals().size(); ++r) {
            // Bit patterns: -0 and NaN for missing cells must agree too.
            ASSERT_EQ(bits(a.reals()[r]), bits(b.reals()[r]))
                << a.name() << " row " << r << ": " << a.reals()[r] << " vs " << b.reals()[r];
        }
    }
}

// Random digits, 1..max_digits of them, with a decimal separator somewhere or nowhere.
std::string random_decimal(std::mt19937_64& rng, int max_digits, char separator) {
    const int digits = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_digits));
    std::string t;
    for (int i = 0; i < digits; ++i) t += static_cast<char>('0' + rng() % 10);
    const int at = static_cast<int>(rng() % static_cast<unsigned>(digits + 1));
    if (rng() % 3 != 0 && at < digits) t.insert(t.begin() + at, separator);
    return t;
}

// A field for a real column: plain and long decimals, signs, exponents, spaces, symbols, secrecy codes.
std::string random_real_field(std::mt19937_64& rng, char separator) {
    switch (rng() % 16) {
        case 0:
            return "-99997";
        case 1:
            return "-99998";
        case 2:
            return "";
        case 3:
            return ".";
        case 4:
            return "x";
        case 5:
            return "-";
        case 6:
            return "+" + random_decimal(rng, 12, separator);
        case 7:
            return random_decimal(rng, 6, separator) + "e-" + std::to_string(rng() % 30);
        case 8:
            return " " + random_decimal(rng, 6, separator);
        case 9:
            return random_decimal(rng, 25, separator);  // long: up to 25 digits
        case 10:
            return "-0099997";  // not a secrecy code
        case 11:
            return "-" + random_decimal(rng, 18, separator);
        default:
            return random_decimal(rng, 8, separator);
    }
}

std::string random_int_field(std::mt19937_64& rng) {
    switch (rng() % 10) {
        case 0:
            return "-99997";
        case 1:
            return "";
        case 2:
            return std::to_string(static_cast<std::int64_t>(rng() >> 1));  // up to 19 digits
        case 3:
            return "-" + std::to_string(rng() % 100000000000ULL);
        case 4:
            return "nihil";
        default:
            return std::to_string(rng() % 100000);
    }
}

std::string random_text_field(std::mt19937_64& rng) {
    switch (rng() % 12) {
        case 0:
            return "";
        case 1:
            return "-99997";
        case 2:
            return "geheim";
        case 3:
            return "  ";
        case 4:
            return std::string(1 + rng() % 70, 'a');  // across several 16-byte blocks
        case 5:
            return "\"quoted; with\"\"quotes\"\"\"";
        case 6:
            return "\"two\nlines\"";
        default: {
            std::string t = "E";
            t += std::to_string(1000 + rng() % 9000);
            t += 'N';
            t += std::to_string(rng() % 100000);
            return t;
        }
    }
}

// Records of a text, an int and three real columns with every kind of field at every alignment.
std::string random_records(std::mt19937_64& rng, std::size_t rows, char delim, char separator, bool crlf) {
    std::string data =
        "E1000N3000" + std::string(1, delim) + "7" + delim + "1.5" + delim + "2" + delim + "3\n";
    for (std::size_t r = 0; r < rows; ++r) {
        data += random_text_field(rng);
        data += delim;
        data += random_int_field(rng);
        for (int c = 0; c < 3; ++c) {
            data += delim;
            data += random_real_field(rng, separator);
        }
        data += crlf ? "\r\n" : "\n";
        if (rng() % 50 == 0) data += "\n";  // blank line
    }
    return data;
}

TableReadOptions grid_options() {
    TableReadOptions o;
    o.cells = CellRules{false, true, true};
    o.text_columns = {"code"};
    o.int_columns = {"n"};
    return o;
}

const std::vector<std::string> kNames{"code", "n", "a", "b", "c"};

TEST(CsvFastPath, RandomRecordsGiveTheSameTableAsTheGeneralPath) {
    std::mt19937_64 rng(7);
    for (const bool crlf : {false, true}) {
        const std::string data = random_records(rng, 3000, ',', '.', crlf);
        const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
        const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
        ASSERT_EQ(general.error, "");
        expect_same_tables(general, fast);
        EXPECT_EQ(general.positions.fast_records, 0u);
        // Most records are plain enough for the fast path.
        EXPECT_GT(fast.positions.fast_records, 100u);
    }
}

// A streaming importer hands the table of one chunk back for the next: the same table as a fresh read,
// whether the columns keep their types (reused) or not (a new table).
TEST(CsvFastPath, RecycledTableGivesTheSameTableAsAFreshRead) {
    std::mt19937_64 rng(5);
    const std::vector<std::string> names{"code", "name", "inw"};
    TableReadOptions o;
    o.text_columns = {"code", "name"};
    std::string first, second, third;
    for (int i = 0; i < 500; ++i) {
        first += "E" + std::to_string(1000 + i) + ",a name long enough for the heap " + std::to_string(i) +
                 "," + std::to_string(rng() % 1000) + "\n";
        second += "E" + std::to_string(2000 + i) + "," + (i % 7 == 0 ? "" : "kort") + "," +
                  std::to_string(rng() % 1000) + "\n";
        third += "E" + std::to_string(3000 + i) + ",x," + (i == 0 ? "tekst" : std::to_string(i)) + "\n";
    }
    ReadResult a = read_records(first, ',', names, o, true);
    ASSERT_EQ(a.error, "");
    for (const std::string* data : {&second, &third}) {
        const ReadResult fresh = read_records(*data, ',', names, o, true);
        ASSERT_EQ(fresh.error, "");
        TableReadOptions r = o;
        r.sample_rows = 1;
        csv::Reader reader(*data, ',', 2);
        ReadResult recycled;
        recycled.table = read_typed_records(reader, names, r, "f.csv", &recycled.positions, &a.table);
        expect_same_tables(fresh, recycled);
        a.table = std::move(recycled.table);
    }
    // The third chunk's "tekst" made inw a text column: its table was made anew.
    EXPECT_EQ(a.table.column("inw").type(), ColumnType::kText);
    EXPECT_EQ(a.table.column("name").text_at(0), "x");
}

TEST(CsvFastPath, DecimalCommaWithSemicolons) {
    std::mt19937_64 rng(11);
    TableReadOptions o = grid_options();
    o.cells.decimal_comma = true;
    const std::string data = random_records(rng, 3000, ';', ',', false);
    const ReadResult general = read_records(data, ';', kNames, o, false);
    const ReadResult fast = read_records(data, ';', kNames, o, true);
    ASSERT_EQ(general.error, "");
    expect_same_tables(general, fast);
    EXPECT_GT(fast.positions.fast_records, 100u);
}

TEST(CsvFastPath, PlainRecordsAllTakeTheFastPathAtEveryAlignment) {
    // Numbers of 1..8 bytes (with and without fraction and sign) shifted through all positions of the
    // 8- and 16-byte words; only the records in the last 40 bytes are left to the general path.
    std::string data;
    std::size_t rows = 0;
    for (int shift = 0; shift < 17; ++shift) {
        for (const char* number : {"1", "12.5", "3", "1234567", "12345.6", ".5", "0.0000001", "99997"}) {
            data += std::string(static_cast<std::size_t>(1 + shift), 'T') + "," + std::to_string(shift) +
                    "," + number + ",-" + number + "," + number + "\n";
            ++rows;
        }
    }
    data += std::string(60, 'e') + ",0,0,0,0\n";  // long enough to keep the record before it off the tail
    ++rows;
    const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
    const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
    ASSERT_EQ(general.error, "");
    expect_same_tables(general, fast);
    EXPECT_EQ(fast.positions.fast_records, rows - 2);  // the first (sample) and the last record
    const Column& a = fast.table.column("a");
    EXPECT_EQ(a.real_at(1), 12.5);
    EXPECT_EQ(a.real_at(5), 0.5);
    EXPECT_EQ(a.real_at(6), 1e-7);
    EXPECT_EQ(a.real_at(7), 99997.0);
    const Column& b = fast.table.column("b");
    EXPECT_EQ(b.real_at(12), -12345.6);
    EXPECT_EQ(b.missing_reason(15), Missing::kSecret99997);
    EXPECT_TRUE(std::isnan(b.reals()[15]));  // missing reals hold NaN, as push_missing writes
}

TEST(CsvFastPath, LastLineWithoutNewlineLoneCrAndLongFields) {
    const std::string long_text(100, 'w');
    std::string data = "a,1,2,3,4\r\n";
    for (int i = 0; i < 20; ++i) data += long_text + ",12345678901234,1234567890.123456,+7,00000000012.5\r";
    data += "b,2,3,4,5";
    const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
    const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
    ASSERT_EQ(general.error, "");
    expect_same_tables(general, fast);
    EXPECT_GE(fast.positions.fast_records, 19u);
    ASSERT_EQ(fast.table.row_count(), 22u);
    EXPECT_EQ(fast.table.column("n").int_at(3), 12345678901234);
    EXPECT_EQ(fast.table.column("a").real_at(3), 1234567890.123456);
    EXPECT_EQ(fast.table.column("b").real_at(3), 7.0);
    EXPECT_EQ(fast.table.column("c").real_at(3), 12.5);
    EXPECT_EQ(fast.positions.lines.back(), 23);  // lone CRs end lines too
}

TEST(CsvFastPath, ErrorsAreTheSameAsOnTheGeneralPath) {
    // A bad record after 300 plain ones: the same message, naming the file, line and column.
    const std::string plain = [] {
        std::string s;
        for (int i = 0; i < 300; ++i) s += "E1000N" + std::to_string(i) + ",12,1.5,2,3\n";
        return s;
    }();
    const std::vector<std::pair<std::string, std::string>> cases{
        {"E1,1,2,3x,4\n", "f.csv:302:8: expected a number or a CBS symbol (. x ? -) in column 'b'"},
        {"E1,+5,2,3,4\n", "f.csv:302:4: expected an integer in column 'n'"},
        {"E1,1.5,2,3,4\n", "f.csv:302:4: expected an integer in column 'n'"},
        {"E1,1,2,3,4,5\n", "f.csv:302:12: expected 5 fields (as in the header), found 6 fields"},
        {"E1,1,2,3\n", "f.csv:302: expected 5 fields (as in the header), found 4 fields"},
        {"E1,1,2,3,1e5000x\n", "f.csv:302:10: expected a number or a CBS symbol (. x ? -) in column 'c'"},
    };
    for (const auto& [bad, message] : cases) {
        const std::string data = plain + bad + plain;
        const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
        const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
        EXPECT_EQ(general.error.rfind(message, 0), 0u) << general.error;
        EXPECT_EQ(fast.error, general.error);
    }
}

TEST(CsvFastPath, DecimalsEqualStrtod) {
    // Random decimals of 1..19 digits read through the fast path equal what strtod gives.
    std::mt19937_64 rng(3);
    std::string data;
    std::vector<std::string> texts;
    for (int i = 0; i < 20000; ++i) {
        std::string t = random_decimal(rng, 19, '.');
        if (rng() % 4 == 0) t = "-" + t;
        texts.push_back(t);
        data += "E" + std::to_string(i) + ",1," + t + ",0,0\n";
    }
    data += "end,1,0,0,0\n";
    const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
    ASSERT_EQ(fast.error, "");
    EXPECT_GT(fast.positions.fast_records, 15000u);  // mantissas above 2^53 with a fraction: general path
    const Column& a = fast.table.column("a");
    for (std::size_t i = 0; i < texts.size(); ++i) {
        ASSERT_EQ(bits(a.real_at(i)), bits(std::strtod(texts[i].c_str(), nullptr))) << texts[i];
    }
}

TEST(CsvFastPath, SeparatorIndexScansAgree) {
    // Every scan (scalar, SSE2, SSSE3 table lookup, AVX2) finds the same separators, for every start
    // alignment and length, with the usual delimiters and one whose low nibble is that of '\n' (':',
    // which the table lookup cannot tell apart and leaves to the compares).
    std::mt19937_64 rng(13);
    const std::string alphabet = "0123456789.,;\t|:\"\r\nabcE-+ \xC3\xA9\xFF";
    std::string data(5000, ' ');
    for (char& c : data) c = alphabet[rng() % alphabet.size()];
    std::vector<std::uint32_t> want(data.size() + detail::kSeparatorSlack);
    std::vector<std::uint32_t> got(data.size() + detail::kSeparatorSlack);
    for (const char delim : {',', ';', '\t', '|', ':'}) {
        for (int trial = 0; trial < 300; ++trial) {
            const std::size_t from = rng() % 200;
            const std::size_t to = from + rng() % (data.size() - from);
            const std::size_t n = detail::find_separators(data.data(), from, to, delim, want.data(),
                                                          detail::SeparatorScan::kScalar);
            for (const auto scan : {detail::SeparatorScan::kSse2, detail::SeparatorScan::kSsse3,
                                    detail::SeparatorScan::kAvx2, detail::SeparatorScan::kBest}) {
                ASSERT_EQ(detail::find_separators(data.data(), from, to, delim, got.data(), scan), n)
                    << "delimiter " << delim << " scan " << static_cast<int>(scan);
                for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], want[i]) << i;
            }
            for (std::size_t i = 0; i < n; ++i) {
                const char c = data[from + want[i]];
                ASSERT_TRUE(c == delim || c == '\n' || c == '\r' || c == '"');
            }
        }
    }
}

TEST(CsvFastPath, RecordsAcrossWindowsAndLongerThanAWindow) {
    // The fast path indexes the data in windows of 64 KiB: records that straddle a window's end (also
    // with a CRLF split between two windows) and a record longer than a window (left to the general
    // path) give the same table as the general path.
    std::mt19937_64 rng(17);
    for (const bool crlf : {false, true}) {
        std::string data = "E1,1,2,3,4\n";
        for (int r = 0; r < 9000; ++r) {
            if (r == 4000) data += std::string(70000, 'L') + ",1,2,3,4\n";
            std::string code = "E" + std::to_string(rng() % 100000);
            code += std::string(rng() % 40, 'p');  // records of varying length
            data += code + "," + std::to_string(rng() % 1000) + "," + random_decimal(rng, 8, '.') + ",-" +
                    random_decimal(rng, 5, '.') + "," + std::to_string(rng() % 100000000) +
                    (crlf ? "\r\n" : "\n");
        }
        const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
        const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
        ASSERT_EQ(general.error, "");
        expect_same_tables(general, fast);
        ASSERT_EQ(fast.table.row_count(), 9002u);
        EXPECT_GE(fast.positions.fast_records, 8990u);
        EXPECT_EQ(fast.table.column("code").text_at(4001), std::string(70000, 'L'));
    }
}

TEST(CsvFastPath, EightDigitNumbersAndBytesAboveAscii) {
    // Numbers of exactly 8 bytes (the widest one word holds) and non-ASCII bytes in number fields.
    const std::string data =
        "E1,12345678,12345678,1234567.8,-1.234567\n"
        "E2,99999999,+9999999,.1234567,-99997\n"
        "E3,1,1\xC3\xA9,2,3\n"
        "E4,00000000,0000000.0,3,4\n"
        "E5,1,2,3,4\n"
        "E6,1,2,3,4\n";
    const ReadResult general = read_records(data, ',', kNames, grid_options(), false);
    const ReadResult fast = read_records(data, ',', kNames, grid_options(), true);
    EXPECT_EQ(fast.error, general.error);
    EXPECT_EQ(general.error.rfind("f.csv:4:6: expected a number or a CBS symbol", 0), 0u) << general.error;
    const std::string ok = data.substr(0, data.find("E3")) + data.substr(data.find("E4"));
    const ReadResult general_ok = read_records(ok, ',', kNames, grid_options(), false);
    const ReadResult fast_ok = read_records(ok, ',', kNames, grid_options(), true);
    ASSERT_EQ(general_ok.error, "");
    expect_same_tables(general_ok, fast_ok);
    EXPECT_EQ(fast_ok.table.column("n").int_at(1), 99999999);
    EXPECT_EQ(fast_ok.table.column("a").real_at(0), 12345678.0);
    EXPECT_EQ(fast_ok.table.column("a").real_at(1), 9999999.0);
    EXPECT_EQ(fast_ok.table.column("b").real_at(1), 0.1234567);
    EXPECT_EQ(fast_ok.table.column("c").missing_reason(1), Missing::kSecret99997);
    EXPECT_EQ(fast_ok.table.column("c").real_at(0), -1.234567);
}

TEST(CsvNumbers, ParseNumberEqualsStrtod) {
    // Includes mantissas above 2^53 with a fraction (16 to 19 digits), where a division after
    // rounding the mantissa would round twice.
    std::mt19937_64 rng(5);
    for (int i = 0; i < 200000; ++i) {
        std::string t = random_decimal(rng, 22, '.');
        if (rng() % 4 == 0) t = "-" + t;
        if (rng() % 8 == 0) t += "e" + std::to_string(static_cast<int>(rng() % 40) - 20);
        const auto v = csv::parse_number(t, false);
        ASSERT_TRUE(v.has_value()) << t;
        ASSERT_EQ(bits(*v), bits(std::strtod(t.c_str(), nullptr))) << t;
        std::string comma = t;
        std::replace(comma.begin(), comma.end(), '.', ',');
        const auto w = csv::parse_number(comma, true);
        ASSERT_TRUE(w.has_value()) << comma;
        ASSERT_EQ(bits(*w), bits(*v)) << comma;
    }
    // A mantissa above 2^53 (17 digits): rounding it to double and then dividing by 10^7 rounded twice
    // and gave 7337923056.7179852.
    EXPECT_EQ(bits(*csv::parse_number("7337923056.7179861", false)), bits(7337923056.7179861));
}

}  // namespace
}  // namespace wz
