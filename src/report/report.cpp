#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

#include "report/svg.hpp"

namespace wz::report {
namespace {

constexpr const char* kAreaColor = "#1f5fa8";
constexpr const char* kCountryColor = "#888888";
constexpr const char* kPalette[] = {"#1f5fa8", "#d95f02", "#1b9e77", "#7570b3",
                                    "#e7298a", "#66a61e", "#a6761d"};

const char* kStyle = R"(
body { font-family: sans-serif; color: #222; margin: 0 auto; max-width: 60em; padding: 1em 2em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0.2em 0.6em; border-radius: 0.3em; border: 1px solid #999; }
.note { color: #555; font-size: 0.9em; }
.hash { font-family: monospace; font-size: 0.8em; word-break: break-all; }
svg.chart { display: block; margin: 0.6em 0; max-width: 100%; height: auto; }
section { break-inside: avoid; }
@page { size: A4; margin: 15mm; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } }
)";

std::string json_or(const nlohmann::json& j, const std::string& fallback = "–") {
    if (j.is_null()) return fallback;
    if (j.is_string()) return j.get<std::string>();
    return j.dump();
}

double num(const nlohmann::json& j) {
    return j.is_number() ? j.get<double>() : std::nan("");
}

std::string name_of(const std::vector<std::string>& names, const nlohmann::json& cls) {
    if (!cls.is_number_integer()) return "–";
    const auto k = cls.get<long>();
    if (k < 1 || static_cast<std::size_t>(k) > names.size()) return std::to_string(k);
    return names[static_cast<std::size_t>(k - 1)];
}

// Black or white text on a background colour "#rrggbb".
std::string text_on(const std::string& color) {
    if (color.size() != 7) return "#000000";
    const auto channel = [&](std::size_t at) { return std::stoi(color.substr(at, 2), nullptr, 16); };
    const double l = 0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5);
    return l < 140 ? "#ffffff" : "#000000";
}

std::string class_badge(const Legend& legend, const nlohmann::json& cls,
                        const std::vector<std::string>& names, const std::vector<std::string>& colors) {
    if (!cls.is_number_integer()) return "<span class=\"badge\">geen klasse</span>";
    const auto k = cls.get<long>();
    const std::string color = k >= 1 && static_cast<std::size_t>(k) <= colors.size()
                                  ? colors[static_cast<std::size_t>(k - 1)]
                                  : "#ffffff";
    (void)legend;
    return fmt::format(
        "<span class=\"badge\" style=\"background:{};color:{}\" "
        "data-class=\"{}\">{} ({})</span>",
        escape(color), text_on(color), k, escape(name_of(names, cls)), k);
}

// A table: header cells and rows of already escaped cells; a cell starting with
// '\x01' is numeric.
std::string html_table(const std::vector<std::string>& head,
                       const std::vector<std::vector<std::string>>& rows, const std::string& id = "") {
    std::string out =
        id.empty() ? "<table>\n<thead><tr>" : fmt::format("<table id=\"{}\">\n<thead><tr>", escape(id));
    for (const auto& h : head) out += "<th>" + escape(h) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& r : rows) {
        out += "<tr>";
        for (const auto& c : r) {
            if (!c.empty() && c[0] == '\x01') {
                out += "<td class=\"n\">" + c.substr(1) + "</td>";
            } else {
                out += "<td>" + c + "</td>";
            }
        }
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    return out;
}
std::string n(const std::string& s) {
    return "\x01" + s;
}

std::string dimension_name(const Legend& legend, const std::string& code) {
    for (std::size_t i = 0; i < legend.dimension_codes.size() && i < legend.dimension_names.size(); ++i) {
        if (legend.dimension_codes[i] == code) return legend.dimension_names[i];
    }
    return code;
}

// The data block: JSON inside a script element (never executed: type
// application/json), "</" escaped.
std::string data_block(const nlohmann::json& data) {
    std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += text[i];
        }
    }
    return "<script type=\"application/json\" id=\"wz-data\">" + out + "</script>\n";
}

std::string page(const std::string& title, const std::string& body, const nlohmann::json& data) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<title>{}</title>\n"
        "<style>{}</style>\n</head>\n<body>\n{}{}</body>\n</html>\n",
        escape(title), kStyle, body, data_block(data));
}

std::string provenance_section(const Provenance& p) {
    std::string out = "<section id=\"herkomst\">\n<h2>Herkomst</h2>\n";
    out += fmt::format(
        "<p>Gemaakt door wijkzicht {} uit de resultatenopslag "
        "<code>{}</code>. Hieronder elke stap die de "
        "opslag vulde, met zijn parameters en zijn "
        "invoerbestanden (SHA-256). Dezelfde invoer en dezelfde "
        "parameters geven dezelfde cijfers.</p>\n",
        escape(p.program_version), escape(p.store));
    std::vector<std::vector<std::string>> rows;
    for (const auto& run : p.runs) {
        std::string inputs;
        for (const auto& in : run.value("inputs", nlohmann::json::array())) {
            inputs += fmt::format(
                "{}<br><span class=\"hash\" data-sha256=\"{}\">{}</span> ({} "
                "bytes)<br>",
                escape(in.value("path", "")), escape(in.value("sha256", "")), escape(in.value("sha256", "")),
                dutch_count(in.value("bytes", 0.0)));
        }
        std::string datasets;
        for (const auto& d : run.value("datasets", nlohmann::json::array())) {
            datasets += (datasets.empty() ? "" : ", ") + escape(d.get<std::string>());
        }
        rows.push_back({n(escape(json_or(run["id"]))), escape(json_or(run["command"])),
                        escape(json_or(run.value("program_version", nlohmann::json()))),
                        escape(json_or(run.value("started", nlohmann::json()))),
                        "<span class=\"hash\">" +
                            escape(run.value("parameters", nlohmann::json::object()).dump()) + "</span>",
                        inputs.empty() ? "–" : inputs, datasets.empty() ? "–" : datasets});
    }
    out +=
        html_table({"run", "stap", "versie", "gestart", "parameters", "invoer", "resultaten"}, rows, "runs");
    out += "</section>\n";
    return out;
}

nlohmann::json provenance_json(const Provenance& p) {
    return {{"program_version", p.program_version}, {"store", p.store}, {"runs", p.runs}};
}

std::string method_notes_area(const Legend& legend) {
    return fmt::format(
        "<section id=\"methode\">\n<h2>Methode</h2>\n<ul>\n"
        "<li>De scores volgen het model {} ({}): elke 100-metercel krijgt per "
        "meetjaar een score uit de "
        "indicatoren en de gewichten van het model; een gebied krijgt het met "
        "het aantal bewoners gewogen gemiddelde "
        "van zijn cellen. De dimensiescores (afwijking van het landelijk "
        "gemiddelde) tellen op tot de relatieve "
        "score.</li>\n"
        "<li>Een gebied met minder dan 100 bewoners krijgt geen score en geen "
        "klasse (geheim).</li>\n"
        "<li>De negen klassen en de zeven ontwikkelingsklassen zijn die van het "
        "model; de ontwikkeling is de "
        "verandering van de score tussen twee meetjaren.</li>\n"
        "<li>Aanwijzingen komen uit de opgeslagen typologieën (regelsets met hun "
        "drempels); de redenen noemen "
        "elk criterium met de waarde en de drempel.</li>\n"
        "<li>Vergelijkbare gebieden: de vijf gebieden van hetzelfde niveau "
        "waarvan de dimensiescores in het laatste "
        "meetjaar het dichtst bij liggen (euclidische afstand; bij gelijke "
        "afstand de laagste code).</li>\n"
        "<li>Ontbrekende waarden staan als –; er wordt niets "
        "aangevuld.</li>\n</ul>\n</section>\n",
        escape(legend.model_title.empty() ? legend.model : legend.model_title), escape(legend.model));
}

}  // namespace

nlohmann::json table_rows(const Table& table) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        nlohmann::json row = nlohmann::json::object();
        for (const Column& c : table.columns()) {
            if (c.is_missing(r)) {
                row[c.name()] = nullptr;
            } else if (c.type() == ColumnType::kText) {
                row[c.name()] = c.text_at(r);
            } else if (c.type() == ColumnType::kInt) {
                row[c.name()] = c.int_at(r);
            } else {
                row[c.name()] = std::isfinite(c.real_at(r)) ? nlohmann::json(c.real_at(r)) : nlohmann::json();
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string area_report(const nlohmann::json& p, const Legend& legend, const Provenance& provenance) {
    const std::string code = p.value("code", "");
    const std::string name = p["name"].is_string() ? p["name"].get<std::string>() : code;
    const std::string level = p.value("level", "");
    std::string body;
    body += fmt::format("<header>\n<h1>{} <small>({})</small></h1>\n", escape(name), escape(code));
    std::string where;
    for (const char* parent : {"wijk", "gemeente", "provincie"}) {
        const auto& pc = p["parents"][parent];
        if (!pc.is_string()) continue;
        const auto& pn = p["parent_names"].value(parent, nlohmann::json());
        where += fmt::format("{}{} {} ({})", where.empty() ? "" : ", ", parent, escape(json_or(pn, "")),
                             escape(pc.get<std::string>()));
    }
    static const std::map<std::string, std::string> kLevelText = {
        {"buurt", "de buurt"},          {"wijk", "de wijk"},
        {"gemeente", "de gemeente"},    {"corop_plus", "het COROP-plusgebied"},
        {"corop", "het COROP-gebied"},  {"provincie", "de provincie"},
        {"nederland", "heel Nederland"}};
    const auto lt = kLevelText.find(level);
    body += fmt::format("<p class=\"sub\">Leefbaarheidsprofiel van {}{}{}. Grenzen van {}.</p>\n</header>\n",
                        escape(lt == kLevelText.end() ? level : lt->second), where.empty() ? "" : " in ",
                        where, escape(json_or(p["vintage"], "onbekend jaar")));

    const nlohmann::json& scores = p["scores"];
    const nlohmann::json& country = p["country"];
    std::vector<std::string> dims;
    for (const auto& d : p["dimensions"]) dims.push_back(d.get<std::string>());

    // Summary: the latest class and the development from the first to the last
    // year.
    body += "<section id=\"samenvatting\">\n<h2>Samenvatting</h2>\n";
    if (scores.empty()) {
        body += "<p>De opslag heeft voor dit gebied geen scores.</p>\n";
    } else {
        const nlohmann::json& last = scores.back();
        body += fmt::format("<p>Score {} in {}: <strong data-score=\"{}\">{}</strong> {}</p>\n",
                            escape(legend.model_title), json_or(last["year"]), machine(num(last["score"])),
                            dutch(num(last["score"]), 3),
                            class_badge(legend, last["class"], legend.class_names, legend.class_colors));
        const nlohmann::json* longest = nullptr;
        for (const auto& d : p["development"]) {
            if (longest == nullptr || d["to"].get<int>() - d["from"].get<int>() >
                                          (*longest)["to"].get<int>() - (*longest)["from"].get<int>())
                longest = &d;
        }
        if (longest != nullptr) {
            body += fmt::format("<p>Ontwikkeling {}–{}: {} {}</p>\n", json_or((*longest)["from"]),
                                json_or((*longest)["to"]), dutch(num((*longest)["change"]), 3),
                                class_badge(legend, (*longest)["class"], legend.development_names,
                                            legend.development_colors));
        }
    }
    body += "</section>\n";

    // Score over time against the country.
    body += "<section id=\"score\">\n<h2>Score door de tijd</h2>\n";
    {
        Series area{name, kAreaColor, {}, {}, false};
        for (const auto& s : scores) {
            area.x.push_back(num(s["year"]));
            area.y.push_back(num(s["score"]));
        }
        Series nl{"Nederland", kCountryColor, {}, {}, true};
        for (const auto& s : country) {
            nl.x.push_back(num(s["year"]));
            nl.y.push_back(num(s["score"]));
        }
        std::vector<Series> series{area};
        if (!nl.x.empty() && level != "nederland") series.push_back(nl);
        body += line_chart(series, {"chart-score", "Score per meetjaar", "score", 3});
        std::vector<std::string> head = {"jaar", "score", "relatief", "klasse", "bewoners"};
        for (const auto& d : dims) head.push_back(dimension_name(legend, d));
        std::vector<std::vector<std::string>> rows;
        for (const auto& s : scores) {
            std::vector<std::string> row = {
                n(json_or(s["year"])), n(dutch(num(s["score"]), 3)), n(dutch(num(s["rel"]), 3)),
                escape(s["class"].is_null()
                           ? "–"
                           : fmt::format("{} {}", json_or(s["class"]), json_or(s["class_name"], ""))),
                n(dutch_count(num(s["residents"])))};
            for (const auto& d : dims)
                row.push_back(n(dutch(num(s["dimensions"].value(d, nlohmann::json())), 3)));
            rows.push_back(std::move(row));
        }
        body += html_table(head, rows, "table-scores");
    }
    body += "</section>\n";

    // Dimensions in the latest year against the country.
    body +=
        "<section id=\"dimensies\">\n<h2>Dimensies vergeleken met "
        "Nederland</h2>\n";
    if (!scores.empty()) {
        const nlohmann::json& last = scores.back();
        const nlohmann::json* nl = nullptr;
        for (const auto& c : country) {
            if (c["year"] == last["year"]) nl = &c;
        }
        std::vector<Bar> bars;
        for (const auto& d : dims) {
            Bar b;
            b.label = dimension_name(legend, d);
            b.value = num(last["dimensions"].value(d, nlohmann::json()));
            if (nl != nullptr) b.reference = num((*nl)["dimensions"].value(d, nlohmann::json()));
            b.color = std::isfinite(b.value) && b.value < 0 ? "#d95f02" : kAreaColor;
            bars.push_back(b);
        }
        body += bar_chart(bars, {"chart-dimensions", fmt::format("Dimensiescores {}", json_or(last["year"])),
                                 name, "Nederland", 3});
        body +=
            "<p class=\"note\">Een dimensiescore is de bijdrage van die "
            "dimensie aan de afwijking van het "
            "landelijk gemiddelde; Nederland ligt per definitie rond 0.</p>\n";
    } else {
        body += "<p>Geen scores.</p>\n";
    }
    body += "</section>\n";

    // Development.
    body += "<section id=\"ontwikkeling\">\n<h2>Ontwikkeling</h2>\n";
    {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : p["development"]) {
            rows.push_back(
                {n(json_or(d["from"])), n(json_or(d["to"])), n(dutch(num(d["change"]), 4)),
                 class_badge(legend, d["class"], legend.development_names, legend.development_colors)});
        }
        body += rows.empty() ? "<p>Geen ontwikkeling opgeslagen.</p>\n"
                             : html_table({"van", "tot", "verandering", "ontwikkelingsklasse"}, rows,
                                          "table-development");
    }
    body += "</section>\n";

    // Designations.
    body += "<section id=\"aanwijzingen\">\n<h2>Aanwijzingen (typologieën)</h2>\n";
    {
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : p["designations"]) {
            rows.push_back({escape(json_or(d["rules"])), n(json_or(d["year"])),
                            escape(json_or(d["designation"])), escape(json_or(d["reasons"])),
                            escape(json_or(d["dataset"]))});
        }
        body += rows.empty() ? "<p>Dit gebied is in geen enkele opgeslagen "
                               "typologie aangewezen.</p>\n"
                             : html_table({"regelset", "jaar", "aanwijzing", "redenen", "dataset"}, rows,
                                          "table-designations");
    }
    body += "</section>\n";

    // Hotspots.
    body += "<section id=\"hotspots\">\n<h2>Hotspots</h2>\n";
    {
        std::vector<std::vector<std::string>> rows;
        for (const auto& h : p["hotspots"]) {
            const std::string sig =
                h["significant"].is_null() ? "–" : (h["significant"].get<bool>() ? "ja" : "nee");
            rows.push_back({escape(json_or(h["dataset"])), escape(json_or(h["quadrant"])),
                            n(dutch(num(h["p"]), 4)), sig});
        }
        body += rows.empty()
                    ? "<p>De opslag heeft geen hotspotresultaten voor dit gebied.</p>\n"
                    : html_table({"dataset", "kwadrant", "p", "significant"}, rows, "table-hotspots");
    }
    body += "</section>\n";

    // Comparable areas.
    body += "<section id=\"vergelijkbaar\">\n<h2>Vergelijkbare gebieden</h2>\n";
    {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : p["comparable"]) {
            rows.push_back({escape(json_or(c["code"])), escape(json_or(c["name"])),
                            n(dutch(num(c["distance"]), 4)), n(dutch(num(c["score"]), 3)),
                            class_badge(legend, c["class"], legend.class_names, legend.class_colors)});
        }
        body += rows.empty()
                    ? "<p>Geen vergelijkbare gebieden (geen volledige "
                      "dimensiescores).</p>\n"
                    : html_table({"code", "naam", "afstand", "score", "klasse"}, rows, "table-comparable");
    }
    body += "</section>\n";

    body += method_notes_area(legend);
    body += provenance_section(provenance);
    nlohmann::json data = {{"kind", "area"}, {"profile", p}, {"provenance", provenance_json(provenance)}};
    return page(fmt::format("Leefbaarheid {} ({})", name, code), body, data);
}

std::string national_report(const NationalPicture& pic, const Legend& legend, const Provenance& provenance) {
    std::string body;
    body += "<header>\n<h1>Leefbaarheid in Nederland</h1>\n";
    body += fmt::format("<p class=\"sub\">Het landelijk beeld volgens {} ({}).</p>\n</header>\n",
                        escape(legend.model_title.empty() ? legend.model : legend.model_title),
                        escape(legend.model));

    // Residents per class per year.
    body += "<section id=\"klassen\">\n<h2>Bewoners per klasse</h2>\n";
    if (pic.classes.column_count() > 0) {
        const Table& t = pic.classes;
        std::map<int, std::vector<double>> by_year;
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const int y = static_cast<int>(t.column("year").number_at(r));
            const auto k = static_cast<std::size_t>(t.column("class").number_at(r));
            auto& parts = by_year[y];
            if (parts.size() < k) parts.resize(k, 0.0);
            if (k >= 1) parts[k - 1] = t.column("residents").number_at(r);
        }
        std::vector<Stack> stacks;
        for (const auto& [y, parts] : by_year) stacks.push_back({std::to_string(y), parts});
        std::vector<std::string> names = legend.class_names;
        body += stacked_chart(stacks,
                              {"chart-classes", "Aandeel bewoners per klasse", names, legend.class_colors});
        std::vector<std::string> head = {"jaar"};
        for (std::size_t k = 0; k < names.size(); ++k) head.push_back(names[k]);
        std::vector<std::vector<std::string>> rows;
        for (const auto& [y, parts] : by_year) {
            double total = 0;
            for (double v : parts) total += v;
            std::vector<std::string> row = {n(std::to_string(y))};
            for (std::size_t k = 0; k < names.size(); ++k) {
                const double v = k < parts.size() ? parts[k] : 0;
                row.push_back(
                    n(fmt::format("{} ({})", dutch_count(v), dutch_percent(total > 0 ? v / total : 0))));
            }
            rows.push_back(std::move(row));
        }
        body += html_table(head, rows, "table-classes");
    } else {
        body +=
            "<p>Niet opgeslagen (picture_classes ontbreekt: draai "
            "<code>wijkzicht score</code>).</p>\n";
    }
    body += "</section>\n";

    // Mean score, onvoldoende share and onvoldoende areas over time.
    body +=
        "<section id=\"onvoldoende\">\n<h2>Onvoldoende: aandeel bewoners en "
        "aantal buurten</h2>\n";
    if (pic.years.column_count() > 0) {
        const Table& t = pic.years;
        Series share{"aandeel bewoners onvoldoende (%)", "#d73027", {}, {}, false};
        Series areas{"buurten onvoldoende", "#7570b3", {}, {}, false};
        Series mean{"gemiddelde score", kAreaColor, {}, {}, false};
        std::vector<std::vector<std::string>> rows;
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const double y = t.column("year").number_at(r);
            share.x.push_back(y);
            share.y.push_back(100.0 * t.column("onvoldoende_share").number_at(r));
            areas.x.push_back(y);
            areas.y.push_back(t.column("onvoldoende_areas").number_at(r));
            mean.x.push_back(y);
            mean.y.push_back(t.column("mean_score").number_at(r));
            const Column* driver = t.find("driver");
            rows.push_back({n(machine(y)), n(dutch_count(t.column("residents").number_at(r))),
                            n(dutch(t.column("mean_score").number_at(r), 4)),
                            n(dutch_percent(t.column("onvoldoende_share").number_at(r), 2)),
                            n(dutch_count(t.column("onvoldoende_areas").number_at(r))),
                            n(dutch_count(t.column("areas_populated").number_at(r))),
                            driver == nullptr || driver->is_missing(r) ? "–" : escape(driver->to_text(r))});
        }
        body += line_chart({share},
                           {"chart-onvoldoende-share", "Aandeel bewoners in onvoldoende cellen", "%", 2});
        body += line_chart({areas},
                           {"chart-onvoldoende-areas", "Buurten met onvoldoende leefbaarheid", "buurten", 0});
        body += line_chart({mean}, {"chart-mean-score", "Gemiddelde score", "score", 4});
        body += html_table({"jaar", "bewoners", "gemiddelde score", "onvoldoende", "buurten onvoldoende",
                            "buurten bewoond", "grootste verandering"},
                           rows, "table-years");
    } else {
        body += "<p>Niet opgeslagen (picture_years ontbreekt).</p>\n";
    }
    body += "</section>\n";

    // Development by city group.
    body +=
        "<section id=\"stedenklasse\">\n<h2>Ontwikkeling naar "
        "stedelijkheid</h2>\n";
    if (pic.groups.column_count() > 0 && pic.groups.row_count() > 0) {
        const Table& t = pic.groups;
        std::vector<Bar> bars;
        std::vector<std::vector<std::string>> rows;
        std::string span;
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const std::string group = t.column("group").to_text(r);
            const bool gap = t.column("start_class").is_missing(r);
            const std::string label =
                gap ? group + " · zwak − sterk" : group + " · klasse " + t.column("start_class").to_text(r);
            if (span.empty() && t.find("from_year") != nullptr)
                span = t.column("from_year").to_text(r) + "–" + t.column("to_year").to_text(r);
            if (!gap) {
                Bar b;
                b.label = label;
                b.value = t.column("mean_change").number_at(r);
                b.color = b.value < 0 ? "#d95f02" : kAreaColor;
                bars.push_back(b);
            }
            rows.push_back({escape(group),
                            gap ? "zwak (≤ 4) − sterk (≥ 7)" : escape(t.column("start_class").to_text(r)),
                            n(dutch_count(t.column("areas").number_at(r))),
                            n(dutch(t.column("mean_start_score").number_at(r), 3)),
                            n(dutch(t.column("mean_change").number_at(r), 4))});
        }
        body +=
            bar_chart(bars, {"chart-groups", "Gemiddelde verandering " + span + " per groep en beginklasse",
                             "verandering", "", 3});
        body += html_table({"groep", "beginklasse", "buurten", "beginscore", "verandering"}, rows,
                           "table-groups");
        body +=
            "<p class=\"note\">De regel 'zwak − sterk' geeft per groep de "
            "gemiddelde verandering van zwakke min "
            "die van sterke buurten: positief betekent dat zwakke buurten "
            "inlopen.</p>\n";
    } else {
        body +=
            "<p>Niet opgeslagen (picture_groups ontbreekt of is leeg: de "
            "stedenklasse per gemeente ontbrak).</p>\n";
    }
    body += "</section>\n";

    // Regions against the country.
    body += "<section id=\"regios\">\n<h2>Regio's met bevolkingsdaling</h2>\n";
    if (pic.regions.column_count() > 0 && pic.regions.row_count() > 0) {
        const Table& t = pic.regions;
        std::map<std::string, Series> by_type;
        std::vector<std::vector<std::string>> rows;
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const std::string type = t.column("region_type").to_text(r);
            Series& s = by_type[type];
            s.label = type;
            s.x.push_back(t.column("year").number_at(r));
            s.y.push_back(t.column("mean_score").number_at(r));
            rows.push_back({escape(type), n(t.column("year").to_text(r)),
                            n(dutch_count(t.column("regions").number_at(r))),
                            n(dutch_count(t.column("residents").number_at(r))),
                            n(dutch(t.column("mean_score").number_at(r), 4)),
                            n(dutch_percent(t.column("onvoldoende_share").number_at(r), 2)),
                            n(dutch(t.column("change_since_first").number_at(r), 4))});
        }
        std::vector<Series> series;
        std::size_t i = 0;
        for (auto& [type, s] : by_type) {
            s.color = kPalette[i++ % std::size(kPalette)];
            series.push_back(s);
        }
        body += line_chart(series, {"chart-regions", "Gemiddelde score per regiotype", "score", 4});
        body += html_table({"regiotype", "jaar", "regio's", "bewoners", "gemiddelde score", "onvoldoende",
                            "verandering sinds eerste jaar"},
                           rows, "table-regions");
    } else {
        body += "<p>Niet opgeslagen (picture_regions ontbreekt of is leeg).</p>\n";
    }
    body += "</section>\n";

    // Tenure.
    body += "<section id=\"eigendom\">\n<h2>Woningbezit en ontwikkeling</h2>\n";
    if (pic.tenure && pic.tenure->find("fitted") != nullptr && pic.tenure_meta.contains("breakpoint")) {
        // The stored curve (wijkzicht analyse tenure): binned means and the fitted segmented line.
        const nlohmann::json& m = pic.tenure_meta;
        const Table& t = *pic.tenure;
        Series observed{"gemiddelde per klasse van 5 procentpunt", "#1f4e79", {}, {}};
        Series fitted{"gesegmenteerde regressie", "#d73027", {}, {}, true};
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            observed.x.push_back(t.column("share").number_at(r));
            observed.y.push_back(t.column("outcome_mean").number_at(r));
            fitted.x.push_back(observed.x.back());
            fitted.y.push_back(t.column("fitted").number_at(r));
        }
        LineChartOptions o;
        o.id = "chart-tenure";
        o.title = "Ontwikkeling naar aandeel corporatiewoningen (%)";
        o.y_label = m.value("outcome", "") == "score" ? "score" : "ontwikkeling";
        o.y_decimals = 3;
        body += line_chart({observed, fitted}, o);
        const auto num = [&](const char* k) {
            return m.contains(k) && m[k].is_number() ? m[k].get<double>() : std::nan("");
        };
        body += fmt::format(
            "<p id=\"tenure-breakpoint\" data-breakpoint=\"{}\" data-lower=\"{}\" "
            "data-upper=\"{}\">Omslagpunt bij "
            "{}% corporatiewoningen, {}-interval {}{}% tot {}%{} ({}); helling vóór {} en na {} per "
            "procentpunt, "
            "{} gebieden, {} tot {}.</p>\n",
            machine(num("breakpoint")), machine(num("lower")), machine(num("upper")),
            dutch(num("breakpoint"), 1),
            m.value("confidence_level", 0.95) == 0.95 ? "95%"
                                                      : dutch_percent(m.value("confidence_level", 0.95), 0),
            m.value("lower_open", false) ? "&lt;" : "", dutch(num("lower"), 1), dutch(num("upper"), 1),
            m.value("upper_open", false) ? "&gt;" : "", escape(m.value("interval", "")),
            dutch(num("slope_before"), 5), dutch(num("slope_after"), 5), dutch_count(num("areas")),
            m.value("from_year", 0), m.value("to_year", 0));
    } else if (pic.tenure) {
        std::vector<std::string> head;
        for (const Column& c : pic.tenure->columns()) head.push_back(c.name());
        std::vector<std::vector<std::string>> rows;
        for (std::size_t r = 0; r < pic.tenure->row_count(); ++r) {
            std::vector<std::string> row;
            for (const Column& c : pic.tenure->columns()) {
                row.push_back(c.type() == ColumnType::kText ? escape(c.to_text(r))
                                                            : n(machine(c.number_at(r))));
            }
            rows.push_back(std::move(row));
        }
        body += fmt::format("<p>Uit de dataset <code>{}</code>.</p>\n", escape(pic.tenure_dataset));
        body += html_table(head, rows, "table-tenure");
    } else {
        body +=
            "<p>Niet opgeslagen: <code>wijkzicht analyse tenure --store S</code> "
            "slaat de curve op (picture_tenure).</p>\n";
    }
    body += "</section>\n";

    body += fmt::format(
        "<section id=\"methode\">\n<h2>Methode</h2>\n<ul>\n"
        "<li>Alle aandelen zijn aandelen bewoners in 100-metercellen van elke "
        "klasse (model {}).</li>\n"
        "<li>Onvoldoende: klassen 1–3; zwak: klasse 4; ruim voldoende of beter: "
        "klassen 6–9. Een buurt telt als "
        "onvoldoende wanneer ten minste 100 bewoners in onvoldoende cellen "
        "wonen.</li>\n"
        "<li>De ontwikkeling per groep vergelijkt buurten die in beide jaren een "
        "score hebben, naar hun klasse in het "
        "beginjaar.</li>\n"
        "<li>Regio's: COROP-plusgebieden naar hun type (krimp-, anticipeerregio) "
        "tegen het hele land.</li>\n"
        "</ul>\n</section>\n",
        escape(legend.model_title.empty() ? legend.model : legend.model_title));
    body += provenance_section(provenance);
    nlohmann::json data = {{"kind", "national"},
                           {"years", table_rows(pic.years)},
                           {"classes", table_rows(pic.classes)},
                           {"groups", table_rows(pic.groups)},
                           {"regions", table_rows(pic.regions)},
                           {"country", pic.country},
                           {"provenance", provenance_json(provenance)}};
    if (pic.tenure) data["tenure"] = table_rows(*pic.tenure);
    return page("Leefbaarheid in Nederland", body, data);
}

}  // namespace wz::report
