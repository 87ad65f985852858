// wijkzicht report on the small synthetic country (scored with the true weights, one typology run): the
// area reports of a gemeente and a buurt and the national report render as self-contained HTML whose
// numbers — the data block and the chart points — equal the store's own rows (read with read_dataset);
// unknown codes and bad options fail with the right kind; the PDF printed by headless Chromium holds the
// charts (text and coloured pixels); a report on real boundaries renders what that store holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "io/store.hpp"
#include "monitor/synth_country.hpp"
#include "report/svg.hpp"

namespace wz {
namespace {

namespace fs = std::filesystem;

const test::SynthCountry& country() {
    static const test::SynthCountry c = [] {
        test::SynthCountry k = test::make_synth_country(
            "0.01", 1, {"boundaries", "grid-stats", "statline", "indicators"},
            "score --store {store} --weights {weights} ; analyse tenure --store {store}");
        const auto t = test::run_wijkzicht("-q typology --store " + k.store +
                                           " --rules lbm2018-type2 --level buurt --year 2022");
        EXPECT_EQ(t.status, 0) << t.err;
        return k;
    }();
    return c;
}

// The JSON of the report's data block.
nlohmann::json data_of(const std::string& html) {
    const std::string open = "<script type=\"application/json\" id=\"wz-data\">";
    const auto a = html.find(open);
    EXPECT_NE(a, std::string::npos);
    if (a == std::string::npos) return {};
    const auto b = html.find("</script>", a);
    return nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
}

// The value of attribute `name` in `tag` ("" when absent).
std::string attribute(const std::string& tag, const std::string& name) {
    const std::string key = " " + name + "=\"";
    const auto a = tag.find(key);
    if (a == std::string::npos) return "";
    const auto b = tag.find('"', a + key.size());
    return tag.substr(a + key.size(), b - a - key.size());
}

// The points of one chart: (series, x, y) from the data- attributes of its elements.
std::vector<std::tuple<std::string, std::string, double>> chart_points(const std::string& html,
                                                                       const std::string& id) {
    std::vector<std::tuple<std::string, std::string, double>> out;
    const auto a = html.find("<svg id=\"" + id + "\"");
    EXPECT_NE(a, std::string::npos) << "no chart " << id;
    if (a == std::string::npos) return out;
    const auto end = html.find("</svg>", a);
    for (auto at = html.find('<', a + 1); at < end; at = html.find('<', at + 1)) {
        const std::string tag = html.substr(at, html.find('>', at) - at);
        if (tag.find("data-series=") == std::string::npos) continue;
        const std::string y = attribute(tag, "data-y");
        out.emplace_back(attribute(tag, "data-series"), attribute(tag, "data-x"),
                         y.empty() ? std::nan("") : std::stod(y));
    }
    return out;
}

void expect_self_contained(const std::string& html) {
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    // The only http:// is the SVG namespace name (an identifier, never fetched).
    std::string rest = html;
    for (auto at = rest.find("http://www.w3.org/2000/svg"); at != std::string::npos;
         at = rest.find("http://www.w3.org/2000/svg"))
        rest.erase(at, 26);
    EXPECT_EQ(rest.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos) << "no executable scripts";
}

std::string report(const std::string& args, const std::string& out) {
    const auto r = test::run_wijkzicht("-q report " + args + " --store " + country().store + " --out " + out);
    EXPECT_EQ(r.status, 0) << r.err;
    return test::read_all(out);
}

std::string first_code(const std::string& dataset) {
    const Dataset d = read_dataset(country().store, dataset, {"code"});
    std::set<std::string> codes;
    for (std::size_t r = 0; r < d.table.row_count(); ++r) codes.insert(d.table.column("code").to_text(r));
    return *codes.begin();
}

// The report's profile scores equal score_<level>'s rows, and so do the points of the score chart.
void expect_scores_equal_store(const std::string& html, const std::string& level, const std::string& code) {
    const nlohmann::json data = data_of(html);
    ASSERT_EQ(data["kind"], "area");
    const nlohmann::json& p = data["profile"];
    EXPECT_EQ(p["code"], code);
    EXPECT_EQ(p["level"], level);
    const Dataset s = read_dataset(country().store, "score_" + level);
    const Table& t = s.table;
    std::map<int, std::size_t> rows;
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (t.column("code").to_text(r) == code) rows[static_cast<int>(t.column("year").number_at(r))] = r;
    }
    ASSERT_EQ(rows.size(), 6u);
    ASSERT_EQ(p["scores"].size(), rows.size());
    const auto points = chart_points(html, "chart-score");
    std::map<std::string, double> area_points, country_points;
    for (const auto& [series, x, y] : points) (series == "Nederland" ? country_points : area_points)[x] = y;
    std::size_t i = 0;
    for (const auto& [year, r] : rows) {
        const nlohmann::json& row = p["scores"][i++];
        EXPECT_EQ(row["year"], year);
        EXPECT_DOUBLE_EQ(row["score"].get<double>(), t.column("score").number_at(r));
        EXPECT_DOUBLE_EQ(row["rel"].get<double>(), t.column("rel").number_at(r));
        EXPECT_EQ(row["class"].get<double>(), t.column("class").number_at(r));
        EXPECT_DOUBLE_EQ(row["residents"].get<double>(), t.column("residents").number_at(r));
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"})
            EXPECT_DOUBLE_EQ(row["dimensions"][d].get<double>(), t.column(d).number_at(r)) << d;
        // The chart's point of that year is the same number (shortest round-trip text).
        ASSERT_EQ(area_points.count(std::to_string(year)), 1u) << year;
        EXPECT_EQ(area_points[std::to_string(year)], t.column("score").number_at(r)) << year;
        // And the table shows it in Dutch notation.
        EXPECT_NE(html.find(">" + report::dutch(t.column("score").number_at(r), 3) + "<"), std::string::npos);
    }
    // The country line is score_nederland.
    const Dataset nl = read_dataset(country().store, "score_nederland");
    ASSERT_EQ(country_points.size(), nl.table.row_count());
    for (std::size_t r = 0; r < nl.table.row_count(); ++r) {
        EXPECT_EQ(country_points[nl.table.column("year").to_text(r)], nl.table.column("score").number_at(r));
    }
    // The dimension bars are the latest year's dimension scores.
    const auto bars = chart_points(html, "chart-dimensions");
    std::size_t bars_checked = 0;
    for (const auto& [series, x, y] : bars) {
        if (series == "Nederland") continue;
        ++bars_checked;
        bool found = false;
        for (const char* d : {"won", "bev", "vrz", "vei", "fys"})
            found = found || y == t.column(d).number_at(rows.rbegin()->second);
        EXPECT_TRUE(found) << x << " " << y;
    }
    EXPECT_EQ(bars_checked, 5u);
}

TEST(Report, GemeenteReportNumbersEqualTheStore) {
    test::TempDir dir;
    const std::string code = first_code("score_gemeente");
    const std::string html = report("--area " + code, dir.file("gemeente.html"));
    expect_self_contained(html);
    expect_scores_equal_store(html, "gemeente", code);
    EXPECT_NE(html.find("Vergelijkbare gebieden"), std::string::npos);
    EXPECT_NE(html.find("id=\"table-comparable\""), std::string::npos);
    // Provenance: every run of the store with the SHA-256 of its inputs.
    const nlohmann::json inv = store_inventory(country().store);
    const nlohmann::json data = data_of(html);
    ASSERT_EQ(data["provenance"]["runs"].size(), inv["runs"].size());
    std::size_t hashes = 0;
    for (const auto& run : inv["runs"]) {
        for (const auto& in : run["inputs"]) {
            EXPECT_NE(html.find("data-sha256=\"" + in["sha256"].get<std::string>() + "\""),
                      std::string::npos);
            ++hashes;
        }
    }
    EXPECT_GT(hashes, 5u);
    EXPECT_FALSE(data["provenance"]["program_version"].get<std::string>().empty());
}

TEST(Report, BuurtReportShowsDesignationsAndComparableAreas) {
    test::TempDir dir;
    // A designated buurt of the stored typology, so the report shows a designation with its reasons.
    const Dataset t = read_dataset(country().store, "typology_lbm2018_type2_buurt_2022");
    std::string code, reasons;
    for (std::size_t r = 0; r < t.table.row_count() && code.empty(); ++r) {
        if (t.table.column("designated").number_at(r) == 1) {
            code = t.table.column("code").to_text(r);
            reasons = t.table.column("reasons").to_text(r);
        }
    }
    ASSERT_FALSE(code.empty()) << "the synthetic country plants type-2 buurten";
    const std::string html = report("--area " + code, dir.file("buurt.html"));
    expect_self_contained(html);
    const nlohmann::json data = data_of(html);
    ASSERT_EQ(data["profile"]["designations"].size(), 1u);
    EXPECT_EQ(data["profile"]["designations"][0]["reasons"], reasons);
    EXPECT_NE(html.find(report::escape(reasons)), std::string::npos);
    EXPECT_EQ(data["profile"]["comparable"].size(), 5u);
    for (const auto& c : data["profile"]["comparable"])
        EXPECT_NE(html.find(">" + c["code"].get<std::string>() + "<"), std::string::npos);
    if (data["profile"]["scores"].size() == 6 && !data["profile"]["scores"][5]["score"].is_null()) {
        expect_scores_equal_store(html, "buurt", code);
    }
}

TEST(Report, NationalReportNumbersEqualTheStoredPicture) {
    test::TempDir dir;
    const std::string html = report("--national", dir.file("nl.html"));
    expect_self_contained(html);
    const nlohmann::json data = data_of(html);
    ASSERT_EQ(data["kind"], "national");
    for (const char* name : {"years", "classes", "groups", "regions"}) {
        const Dataset d = read_dataset(country().store, std::string("picture_") + name);
        const nlohmann::json& rows = data[name];
        ASSERT_EQ(rows.size(), d.table.row_count()) << name;
        ASSERT_GT(rows.size(), 0u) << name;
        for (std::size_t r = 0; r < d.table.row_count(); ++r) {
            for (const Column& c : d.table.columns()) {
                const nlohmann::json& v = rows[r][c.name()];
                if (c.is_missing(r)) {
                    EXPECT_TRUE(v.is_null()) << name << " " << c.name();
                } else if (c.type() == ColumnType::kText) {
                    EXPECT_EQ(v, c.text_at(r)) << name << " " << c.name();
                } else {
                    EXPECT_EQ(v.get<double>(), c.number_at(r)) << name << " " << r << " " << c.name();
                }
            }
        }
    }
    // The stacked chart holds the residents per class and year.
    const Dataset classes = read_dataset(country().store, "picture_classes");
    const auto points = chart_points(html, "chart-classes");
    ASSERT_EQ(points.size(), classes.table.row_count());
    std::map<std::pair<std::string, std::string>, double> chart;
    for (const auto& [series, x, y] : points) chart[{series, x}] = y;
    for (std::size_t r = 0; r < classes.table.row_count(); ++r) {
        const auto key =
            std::pair(classes.table.column("name").to_text(r), classes.table.column("year").to_text(r));
        ASSERT_EQ(chart.count(key), 1u) << key.first << " " << key.second;
        EXPECT_EQ(chart[key], classes.table.column("residents").number_at(r));
    }
    // The onvoldoende buurten over time.
    const Dataset years = read_dataset(country().store, "picture_years");
    const auto areas = chart_points(html, "chart-onvoldoende-areas");
    ASSERT_EQ(areas.size(), years.table.row_count());
    for (std::size_t r = 0; r < years.table.row_count(); ++r) {
        EXPECT_EQ(std::get<1>(areas[r]), years.table.column("year").to_text(r));
        EXPECT_EQ(std::get<2>(areas[r]), years.table.column("onvoldoende_areas").number_at(r));
    }
    EXPECT_NE(html.find("Woningbezit"), std::string::npos);
    // The stored tenure curve: binned means and the fitted line, with the breakpoint and its interval.
    const Dataset tenure = read_dataset(country().store, "picture_tenure");
    const auto curve = chart_points(html, "chart-tenure");
    ASSERT_EQ(curve.size(), 2 * tenure.table.row_count());
    std::size_t on_line = 0;
    for (const auto& [series, x, y] : curve) {
        for (std::size_t r = 0; r < tenure.table.row_count(); ++r) {
            if (std::abs(std::stod(x) - tenure.table.column("share").number_at(r)) > 1e-9) continue;
            if (series == "gesegmenteerde regressie") {
                EXPECT_EQ(y, tenure.table.column("fitted").number_at(r));
                ++on_line;
            } else {
                EXPECT_EQ(y, tenure.table.column("outcome_mean").number_at(r));
            }
        }
    }
    EXPECT_EQ(on_line, tenure.table.row_count());
    const auto bp = html.find("id=\"tenure-breakpoint\"");
    ASSERT_NE(bp, std::string::npos);
    const std::string tag = html.substr(bp, html.find('>', bp) - bp);
    EXPECT_EQ(std::stod(attribute(tag, "data-breakpoint")), tenure.meta["breakpoint"].get<double>());
    EXPECT_EQ(std::stod(attribute(tag, "data-lower")), tenure.meta["lower"].get<double>());
}

TEST(Report, ErrorsNameWhatIsWrong) {
    test::TempDir dir;
    const std::string store = " --store " + country().store;
    auto r = test::run_wijkzicht("report --area BU99999999" + store + " --out " + dir.file("x.html"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("BU99999999"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("buurt"), std::string::npos) << r.err;  // names what exists
    EXPECT_FALSE(fs::exists(dir.file("x.html")));
    r = test::run_wijkzicht("report --national --area GM0001" + store + " --out " + dir.file("x.html"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("exactly one"), std::string::npos) << r.err;
    r = test::run_wijkzicht("report" + store + " --out " + dir.file("x.html"));
    EXPECT_EQ(r.status, 2);
    r = test::run_wijkzicht("report --national" + store + " --out " + dir.file("x.pdf"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(".html"), std::string::npos) << r.err;
    r = test::run_wijkzicht("report --national --store " + dir.file("none.gpkg") + " --out " +
                            dir.file("x.html"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("no store"), std::string::npos) << r.err;
    r = test::run_wijkzicht("report --national" + store + " --out " + dir.file("x.html") + " --pdf " +
                            dir.file("x.pdf") + " --chromium /nonexistent/chromium");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("Chromium"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("x.html"))) << "the HTML is written before the PDF";
    EXPECT_FALSE(fs::exists(dir.file("x.pdf")));
}

// Pixels of a binary PPM (P6) written by pdftoppm.
struct Image {
    int w = 0, h = 0;
    std::string rgb;
};
Image read_ppm(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string magic;
    int maxval = 0;
    Image im;
    in >> magic >> im.w >> im.h >> maxval;
    in.get();
    im.rgb.resize(static_cast<std::size_t>(im.w) * static_cast<std::size_t>(im.h) * 3);
    in.read(im.rgb.data(), static_cast<std::streamsize>(im.rgb.size()));
    EXPECT_EQ(magic, "P6");
    return im;
}

TEST(Report, PdfHoldsTheCharts) {
    if (!fs::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed: no PDF check";
    if (!fs::exists("/usr/bin/pdftoppm")) GTEST_SKIP() << "pdftoppm (poppler-utils) is not installed";
    test::TempDir dir;
    const std::string code = first_code("score_gemeente");
    const auto r = test::run_wijkzicht("-q report --area " + code + " --store " + country().store +
                                       " --out " + dir.file("g.html") + " --pdf " + dir.file("g.pdf"));
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir.file("g.pdf")));
    ASSERT_EQ(std::system(("pdftotext -layout " + dir.file("g.pdf") + " " + dir.file("g.txt")).c_str()), 0);
    const std::string text = test::read_all(dir.file("g.txt"));
    for (const char* label : {"Score per meetjaar", "Dimensiescores", "Vergelijkbare gebieden", "Herkomst"})
        EXPECT_NE(text.find(label), std::string::npos) << label;
    // Page 1 holds the score chart: the area's line (#1f5fa8) is drawn in blue.
    ASSERT_EQ(std::system(("pdftoppm -r 60 -f 1 -l 1 " + dir.file("g.pdf") + " " + dir.file("page")).c_str()),
              0);
    std::string ppm;
    for (const auto& e : fs::directory_iterator(dir.path())) {
        if (e.path().extension() == ".ppm") ppm = e.path().string();
    }
    ASSERT_FALSE(ppm.empty());
    const Image im = read_ppm(ppm);
    std::size_t non_white = 0, blue = 0;
    for (std::size_t i = 0; i + 2 < im.rgb.size(); i += 3) {
        const int red = static_cast<unsigned char>(im.rgb[i]), g = static_cast<unsigned char>(im.rgb[i + 1]),
                  b = static_cast<unsigned char>(im.rgb[i + 2]);
        if (red < 240 || g < 240 || b < 240) ++non_white;
        if (b > red + 60 && b > g + 30) ++blue;
    }
    std::cout << "[ pdf ] page 1: " << im.w << "x" << im.h << ", " << non_white << " non-white pixels, "
              << blue << " blue (chart line) pixels\n";
    EXPECT_GT(non_white, 2000u);
    EXPECT_GT(blue, 100u);
}

TEST(Report, RealGemeenteFromRealBoundaries) {
    WZ_REQUIRE_REAL_DATA();
    const std::string geojson = test::real_data("gemeenten-2022-kwb2021/gemeenten_2022.geojson");
    if (!fs::exists(geojson)) GTEST_SKIP() << geojson << " is absent";
    test::TempDir dir;
    const std::string store = dir.file("real.gpkg");
    auto r = test::run_wijkzicht("-q import boundaries " + geojson +
                                 " --level gemeente --vintage 2022 --id-field statcode --store " + store);
    ASSERT_EQ(r.status, 0) << r.err;
    // The real data hold no cell indicators, so the store has areas but no scores: the report says so.
    r = test::run_wijkzicht("-q report --area GM0014 --store " + store + " --out " + dir.file("gm0014.html"));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string html = test::read_all(dir.file("gm0014.html"));
    expect_self_contained(html);
    const nlohmann::json data = data_of(html);
    const AreaLayer layer = read_area_layer(store, Level::kGemeente, 2022);
    const auto g = std::find_if(layer.areas.begin(), layer.areas.end(),
                                [](const Area& a) { return a.code == "GM0014"; });
    ASSERT_NE(g, layer.areas.end());
    EXPECT_EQ(data["profile"]["name"], g->name);
    EXPECT_EQ(g->name, "Groningen");
    EXPECT_EQ(data["profile"]["vintage"], 2022);
    EXPECT_TRUE(data["profile"]["scores"].empty());
    EXPECT_NE(html.find("geen scores"), std::string::npos);
    // Provenance: the import with the SHA-256 of the real file.
    const InputFile in = describe_input(geojson);
    EXPECT_NE(html.find(in.sha256), std::string::npos);
    std::cout << "[ real ] GM0014 " << g->name << ": report of " << html.size() << " bytes (areas only)\n";
}

}  // namespace
}  // namespace wz
