#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

using test::TempDir;
using test::write_file;

// A StatLine export as CBS writes it: title lines, ';', quoted headers with units, decimal commas,
// padded codes, symbols and a footer.
const char* kExport =
    "\"Kerncijfers wijken en buurten 2017\"\r\n"
    "\"Gemeente Groningen\"\r\n"
    "\r\n"
    "\"Wijken en buurten\";\"Regioaanduiding/Codering (code)\";\"Perioden\";\"Bevolking/Aantal inwoners "
    "(aantal)\";"
    "\"Huishoudens/Gemiddelde huishoudensgrootte (aantal)\";\"Inkomen/Gemiddeld inkomen per inwoner (x 1 000 "
    "euro)\"\r\n"
    "\"Groningen\";\"GM0014  \";\"2017\";\"202810\";\"1,6\";\"22,9\"\r\n"
    "\"Binnenstad-Noord\";\"BU00140000  \";\"2017\";\"4440\";\"1,2\";\".\"\r\n"
    "\"Binnenstad-Zuid\";\"BU00140001  \";\"2017\";\"6600\";\"-\";\"x\"\r\n"
    "\"Kleine buurt\";\"BU00140099  \";\"2017 \";\"15\";\"?\";\"18,25\"\r\n"
    "\"Bron: CBS\"\r\n";

TEST(Statline, TitleLinesSymbolsAndDecimalCommas) {
    TempDir dir;
    const std::string f = dir.file("kwb.csv");
    write_file(f, kExport);
    Dataset ds = import_statline(f, {});
    EXPECT_EQ(ds.name, "kwb");
    EXPECT_EQ(ds.kind, "statline");
    ASSERT_EQ(ds.table.row_count(), 4u);
    const Column& code = ds.table.column("code");
    EXPECT_EQ(code.text_at(0), "GM0014");
    EXPECT_EQ(code.text_at(1), "BU00140000");
    EXPECT_EQ(ds.table.column("year").int_at(3), 2017);
    const Column& inw = ds.table.column("Bevolking/Aantal inwoners");
    EXPECT_EQ(inw.unit, "aantal");
    EXPECT_DOUBLE_EQ(inw.real_at(0), 202810.0);
    EXPECT_DOUBLE_EQ(inw.real_at(3), 15.0);
    const Column& hh = ds.table.column("Huishoudens/Gemiddelde huishoudensgrootte");
    EXPECT_DOUBLE_EQ(hh.real_at(0), 1.6);
    EXPECT_DOUBLE_EQ(hh.real_at(1), 1.2);
    EXPECT_DOUBLE_EQ(hh.real_at(2), 0.0);  // '-' = nil
    EXPECT_EQ(hh.missing_reason(3), Missing::kUncertain);
    const Column& ink = ds.table.column("Inkomen/Gemiddeld inkomen per inwoner");
    EXPECT_EQ(ink.unit, "x 1 000 euro");
    EXPECT_DOUBLE_EQ(ink.real_at(0), 22.9);
    EXPECT_EQ(ink.missing_reason(1), Missing::kNotAvailable);
    EXPECT_EQ(ink.missing_reason(2), Missing::kSecret);
    EXPECT_DOUBLE_EQ(ink.real_at(3), 18.25);
    EXPECT_EQ(ds.meta["title"].size(), 2u);
    EXPECT_FALSE(ds.level.has_value());  // gemeente and buurt rows
}

TEST(Statline, MultiRowHeaderAndCommaSeparated) {
    TempDir dir;
    const std::string f = dir.file("multi.csv");
    write_file(f,
               "\"Bevolking; regio\"\n"
               "\"Regio's\",\"Perioden\",\"Bevolking\",\"Bevolking\"\n"
               "\"Regio's\",\"Perioden\",\"Mannen\",\"Vrouwen\"\n"
               "\"PV20\",\"2020JJ00\",\"292000\",\"294.5\"\n"
               "\"PV21\",\"2020JJ00\",\"323000\",\"326000\"\n");
    Dataset ds = import_statline(f, {});
    ASSERT_EQ(ds.table.row_count(), 2u);
    EXPECT_EQ(ds.level, Level::kProvincie);
    EXPECT_EQ(ds.table.column("year").int_at(0), 2020);
    EXPECT_DOUBLE_EQ(ds.table.column("Bevolking/Mannen").real_at(1), 323000.0);
    EXPECT_DOUBLE_EQ(ds.table.column("Bevolking/Vrouwen").real_at(0), 294.5);
}

TEST(Statline, BadCodesDuplicatesAndShapesAreErrors) {
    TempDir dir;
    const std::string header = "\"Regio\";\"Code\";\"Perioden\";\"Inwoners\"\n";
    auto expect_error = [&](const std::string& body, const std::string& start, const std::string& contains) {
        const std::string f = dir.file("bad.csv");
        write_file(f, header + body);
        try {
            import_statline(f, {});
            FAIL() << "expected an error for: " << body;
        } catch (const InputError& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind(f + start, 0), 0u) << what;
            EXPECT_NE(what.find(contains), std::string::npos) << what;
        }
    };
    expect_error("\"A\";\"GM0014\";\"2017\";\"5\"\n\"B\";\"BU123\";\"2017\";\"6\"\n", ":3:", "'BU123'");
    expect_error("\"A\";\"GM0014\";\"2017\";\"5\"\n\"B\";\"GM0014\";\"2017\";\"6\"\n",
                 ":3:", "each area code once per period");
    expect_error("\"A\";\"GM0014\";\"2017\";\"5\"\n\"B\";\"GM0015\";\"2017\";\"6\";\"7\"\n",
                 ":3:", "expected 4 fields");
    // A column is numeric when the first 1,000 rows say so; a later non-number is an error naming it.
    std::string many;
    for (int i = 0; i < 1000; ++i)
        many += "\"A\";\"BU0014" + std::to_string(1000 + i) + "\";\"2017\";\"5\"\n";
    expect_error(many + "\"B\";\"GM0015\";\"2017\";\"zes\"\n", ":1002:21:", "found 'zes'");
    expect_error("\"A\";\"GM0014\";\"twee\";\"5\"\n", ":2:", "a period starting with a year");
}

TEST(Statline, BuiltInExampleImports) {
    Dataset ds = import_statline(
        std::string(WZ_SOURCE_DIR) + "/share/wijkzicht/examples/kerncijfers_groningen_2017.csv", {});
    EXPECT_EQ(ds.table.row_count(), 108u);
    EXPECT_EQ(ds.level, Level::kBuurt);
    const Column& inw = ds.table.column("Bevolking/Aantal inwoners");
    EXPECT_DOUBLE_EQ(inw.real_at(0), 4440.0);  // Binnenstad-Noord, as in the CBS 2017 buurt file
    EXPECT_DOUBLE_EQ(ds.table.column("Particuliere huishoudens/Gemiddelde huishoudensgrootte").real_at(0),
                     1.2);
    EXPECT_GT(inw.missing_count(Missing::kNotAvailable) +
                  ds.table.column("Bevolking/Migratieachtergrond/Westers totaal")
                      .missing_count(Missing::kNotAvailable),
              0u);
}

}  // namespace
}  // namespace wz
