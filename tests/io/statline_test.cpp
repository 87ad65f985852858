#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/area_names.hpp"
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

// ---------------------------------------------------------------------------------------------------
// Tables as the StatLine website downloads them: region names, periods across, title and filter lines.

// Named areas as a boundary layer has them (PDOK names carry no "(gemeente)"; two Bergens told apart
// only by their province link here, and a province Groningen beside the gemeente).
StatlineOptions with_names(std::vector<NamedArea> areas) {
    StatlineOptions o;
    o.area_names = [areas](int) { return std::make_pair(AreaNameIndex(areas), std::string("test areas")); };
    return o;
}
const std::vector<NamedArea> kAreas{{"GM1680", "Aa en Hunze", Level::kGemeente, "PV22"},
                                    {"GM0518", "'s-Gravenhage", Level::kGemeente, "PV28"},
                                    {"GM0796", "'s-Hertogenbosch", Level::kGemeente, "PV30"},
                                    {"GM0373", "Bergen", Level::kGemeente, "PV27"},
                                    {"GM0893", "Bergen", Level::kGemeente, "PV31"},
                                    {"GM1900", "Súdwest-Fryslân", Level::kGemeente, "PV21"},
                                    {"GM0014", "Groningen", Level::kGemeente, "PV20"},
                                    {"PV20", "Groningen", Level::kProvincie, ""}};

// The police table "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente" as downloaded:
// a title, a filter line, three header rows, names (with CBS's suffixes, a typographic apostrophe,
// accents dropped), two topics in two periods each. Hand-read: Aa en Hunze has 1 200 and 1 150
// misdrijven and 540 and 520 aangiften in 2022 and 2023; Bergen (L.) has a secret 2023 aangiften.
const char* kPoliceDownload =
    "\"Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente\"\n"
    "\"Soort misdrijf: Totaal misdrijven\"\n"
    "\"Onderwerp\";\"Geregistreerde misdrijven\";\"Geregistreerde misdrijven\";\"Aangiften\";\"Aangiften\"\n"
    "\"Perioden\";\"2022\";\"2023\";\"2022\";\"2023\"\n"
    "\"Regio's\";\"aantal\";\"aantal\";\"aantal\";\"aantal\"\n"
    "\"Nederland\";\"803860\";\"813010\";\"420105\";\"418230\"\n"
    "\"Aa en Hunze\";\"1200\";\"1150\";\"540\";\"520\"\n"
    "\"'s-Gravenhage (gemeente)\";\"45210\";\"46020\";\"21005\";\"20890\"\n"
    "\"\xE2\x80\x99s-Hertogenbosch\";\"9870\";\"9920\";\"4410\";\"4380\"\n"
    "\"Bergen (NH.)\";\"1005\";\"990\";\"455\";\"470\"\n"
    "\"Bergen (L.)\";\"610\";\"640\";\"280\";\"x\"\n"
    "\"Sudwest-Fryslan\";\"2050\";\"2110\";\"900\";\"915\"\n"
    "\"Groningen\";\"17400\";\"17950\";\"8120\";\"8300\"\n"
    "\"Bron: CBS\"\n";

TEST(StatlineDownload, PoliceTableWithNamesAndPeriodsAcross) {
    TempDir dir;
    const std::string f = dir.file("misdrijven.csv");
    write_file(f, kPoliceDownload);
    const Dataset ds = import_statline(f, with_names(kAreas));
    ASSERT_EQ(ds.table.row_count(), 16u);  // 8 regions x 2 periods
    ASSERT_EQ(ds.table.column_count(), 4u);
    const Column& code = ds.table.column("code");
    const Column& year = ds.table.column("year");
    const Column& mis = ds.table.column("Geregistreerde misdrijven");
    const Column& aan = ds.table.column("Aangiften");
    EXPECT_EQ(mis.unit, "aantal");
    const std::vector<std::string> want{"NL00",   "GM1680", "GM0518", "GM0796",
                                        "GM0373", "GM0893", "GM1900", "GM0014"};
    for (std::size_t r = 0; r < want.size(); ++r) {
        EXPECT_EQ(code.text_at(2 * r), want[r]) << r;
        EXPECT_EQ(code.text_at(2 * r + 1), want[r]) << r;
        EXPECT_EQ(year.int_at(2 * r), 2022);
        EXPECT_EQ(year.int_at(2 * r + 1), 2023);
    }
    EXPECT_DOUBLE_EQ(mis.number_at(2), 1200.0);  // Aa en Hunze 2022
    EXPECT_DOUBLE_EQ(mis.number_at(3), 1150.0);
    EXPECT_DOUBLE_EQ(aan.number_at(2), 540.0);
    EXPECT_DOUBLE_EQ(aan.number_at(3), 520.0);
    EXPECT_DOUBLE_EQ(mis.number_at(0), 803860.0);
    EXPECT_DOUBLE_EQ(aan.number_at(10), 280.0);  // Bergen (L.) 2022
    EXPECT_EQ(aan.missing_reason(11), Missing::kSecret);
    EXPECT_EQ(ds.meta["layout"], "periods across");
    EXPECT_EQ(ds.meta["filters"]["Soort misdrijf"], "Totaal misdrijven");
    ASSERT_EQ(ds.meta["title"].size(), 1u);
    EXPECT_EQ(ds.meta["title"][0], "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente");
    EXPECT_EQ(ds.meta["region_names"], "8 region names matched to codes through the test areas");
}

TEST(StatlineDownload, RepeatedTopicsPeriodsDownAndCodes) {
    TempDir dir;
    // the same topic name twice under one period: two topics
    const std::string f = dir.file("twice.csv");
    write_file(f,
               "\"Onderwerp\";\"Misdrijven\";\"Misdrijven\"\n\"Perioden\";\"2022\";\"2022\"\n"
               "\"Regio's\";\"aantal\";\"per 1 000 inwoners\"\n\"Aa en Hunze\";\"1200\";\"47,5\"\n");
    Dataset ds = import_statline(f, with_names(kAreas));
    ASSERT_EQ(ds.table.row_count(), 1u);
    EXPECT_DOUBLE_EQ(ds.table.column("Misdrijven").number_at(0), 1200.0);
    EXPECT_DOUBLE_EQ(ds.table.column("Misdrijven_2").number_at(0), 47.5);
    EXPECT_EQ(ds.table.column("Misdrijven_2").unit, "per 1 000 inwoners");
    // periods down with names: one row per region and period
    const std::string g = dir.file("down.csv");
    write_file(g,
               "\"Regio's\";\"Perioden\";\"Inwoners (aantal)\"\n\"Aa en Hunze\";\"2021\";\"25390\"\n"
               "\"Aa en Hunze\";\"2022\";\"25520\"\n\"Groningen (gemeente)\";\"2022JJ00\";\"234649\"\n");
    ds = import_statline(g, with_names(kAreas));
    ASSERT_EQ(ds.table.row_count(), 3u);
    EXPECT_EQ(ds.table.column("code").text_at(2), "GM0014");
    EXPECT_EQ(ds.table.column("year").int_at(2), 2022);
    EXPECT_EQ(ds.meta["layout"], "periods down");
    // periods across with codes: no names needed
    const std::string h = dir.file("codes.csv");
    write_file(h,
               "\"Onderwerp\";\"Inwoners\";\"Inwoners\"\n\"Perioden\";\"2021\";\"2022\"\n"
               "\"Regio's\";\"aantal\";\"aantal\"\n\"GM1680  \";\"25390\";\"25520\"\n");
    ds = import_statline(h, {});
    ASSERT_EQ(ds.table.row_count(), 2u);
    EXPECT_EQ(ds.table.column("code").text_at(1), "GM1680");
    EXPECT_DOUBLE_EQ(ds.table.column("Inwoners").number_at(1), 25520.0);
}

TEST(StatlineDownload, UnknownAndAmbiguousNamesAreErrorsNamingTheClosest) {
    TempDir dir;
    const std::string head = "\"Onderwerp\";\"Inwoners\"\n\"Perioden\";\"2022\"\n\"Regio's\";\"aantal\"\n";
    auto message = [&](const std::string& body, const StatlineOptions& o) {
        const std::string f = dir.file("n.csv");
        write_file(f, head + body);
        try {
            import_statline(f, o);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        ADD_FAILURE() << "no error for " << body;
        return std::string();
    };
    const std::string f = dir.file("n.csv");
    std::string m = message("\"Aa en Hunze\";\"1\"\n\"Bergum\";\"2\"\n", with_names(kAreas));
    EXPECT_EQ(m.rfind(f + ":5:1: expected a region name of the test areas or an area code, found 'Bergum'; "
                          "closest: Bergen (GM0373), Bergen (GM0893)",
                      0),
              0u)
        << m;
    // two gemeenten Bergen and no suffix to tell them apart: never a guess
    m = message("\"Bergen\";\"1\"\n", with_names(kAreas));
    EXPECT_EQ(m.rfind(f + ":4:1: expected a region name that means one area", 0), 0u) << m;
    EXPECT_NE(m.find("Bergen (GM0373, gemeente); Bergen (GM0893, gemeente)"), std::string::npos) << m;
    // names without the store's areas
    m = message("\"Aa en Hunze\";\"1\"\n", {});
    EXPECT_EQ(m.rfind(f + ":4:1: expected an area code like NL00", 0), 0u) << m;
    EXPECT_NE(m.find("region names are matched through the area layers of a store"), std::string::npos) << m;
}

TEST(StatlineDownload, NameMatchingRules) {
    const AreaNameIndex index(kAreas);
    auto codes = [&](std::string_view name) {
        std::vector<std::string> out;
        for (std::size_t i : index.candidates(name)) out.push_back(index.areas()[i].code);
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(codes("nederland"), V{"NL00"});
    EXPECT_EQ(codes("AA EN  HUNZE "), V{"GM1680"});
    EXPECT_EQ(codes("\xE2\x80\x98s-Gravenhage (gemeente)"), V{"GM0518"});
    EXPECT_EQ(codes("Bergen (NH.)"), V{"GM0373"});
    EXPECT_EQ(codes("Bergen (L.)"), V{"GM0893"});
    EXPECT_EQ(codes("Bergen (LB.)"), V{"GM0893"});
    EXPECT_EQ(codes("Bergen (Z-H.)"), V{});
    EXPECT_EQ(codes("Groningen (PV)"), V{"PV20"});
    EXPECT_EQ(codes("Groningen (gemeente)"), V{"GM0014"});
    EXPECT_EQ(codes("Groningen"), (V{"GM0014", "PV20"}));
    EXPECT_EQ(codes("S\xC3\xBA"
                    "dwest-Frysl\xC3\xA2n"),
              V{"GM1900"});
    EXPECT_EQ(codes("Sudwest-Fryslan"), V{"GM1900"});
    EXPECT_EQ(normalise_area_name(" \xC3\x89\xC3\xA9n  \xC3\x9F `t "), "een s 't");
}

TEST(StatlineDownload, OpenDataJson) {
    TempDir dir;
    const std::string f = dir.file("85039NED_TypedDataSet.json");
    write_file(
        f,
        R"({"odata.metadata": "https://opendata.cbs.nl/ODataApi/odata/85039NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
  "value": [
    {"ID": 0, "WijkenEnBuurten": "GM0014    ", "Perioden": "2021JJ00", "AantalInwoners_5": 233273, "GemiddeldInkomen_66": 26.1, "Gemeentenaam_1": "Groningen  "},
    {"ID": 1, "WijkenEnBuurten": "BU00140000", "Perioden": "2021JJ00", "AantalInwoners_5": 4455, "GemiddeldInkomen_66": null, "Gemeentenaam_1": "Groningen  "}
  ]})");
    const Dataset ds = import_statline(f, {});
    ASSERT_EQ(ds.table.row_count(), 2u);
    EXPECT_EQ(ds.table.column("code").text_at(0), "GM0014");
    EXPECT_EQ(ds.table.column("code").text_at(1), "BU00140000");
    EXPECT_EQ(ds.table.column("year").int_at(1), 2021);
    EXPECT_EQ(ds.table.column("AantalInwoners_5").int_at(0), 233273);
    EXPECT_DOUBLE_EQ(ds.table.column("GemiddeldInkomen_66").real_at(0), 26.1);
    EXPECT_EQ(ds.table.column("GemiddeldInkomen_66").missing_reason(1), Missing::kNotAvailable);
    EXPECT_EQ(ds.table.column("Gemeentenaam_1").text_at(0), "Groningen");
    EXPECT_EQ(ds.table.find("ID"), nullptr);
    EXPECT_EQ(ds.meta["layout"], "CBS open data (TypedDataSet JSON)");
    // a record without a period: an error naming the record
    write_file(f, R"({"value": [{"ID": 0, "RegioS": "GM0014", "Perioden": "later", "A": 1}]})");
    try {
        import_statline(f, {});
        ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind(f + ":record 1: expected a period in 'Perioden'", 0), 0u)
            << e.what();
    }
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
