#pragma once
// QGIS layer styles (QML) for the map layers: a categorised renderer (the nine Leefbaarometer classes,
// development classes, typology designations) or a graduated one (dimension scores on a diverging ramp),
// each on a QGIS expression, so that a layer holding every year draws one year by default
// ("CASE WHEN "year" = 2022 THEN "class" END": features of other years match no category and are not
// drawn). The QML is what QGIS 3.22 reads from a GeoPackage's or a PostgreSQL database's `layer_styles`
// table (docs/maps.md).
#include <string>
#include <string_view>
#include <vector>

namespace wz::qgis {

struct Category {
    std::string value;  // the value of the expression, as text ("3")
    std::string label;  // the legend entry ("3 onvoldoende")
    std::string color;  // "#rrggbb"
};

struct Range {
    double lower = 0, upper = 0;  // lower < value <= upper (the first range includes its lower bound)
    std::string label;
    std::string color;  // "#rrggbb"
};

// A style of a polygon layer with its name and whether QGIS applies it when the layer is opened.
struct LayerStyle {
    std::string name;  // at most 30 characters in QGIS's own tables: kept short
    std::string description;
    std::string qml;
    bool use_as_default = false;
};

// "#a50026" -> "165,0,38,255" (QGIS's colour notation). UsageError for anything but #rrggbb.
std::string qgis_color(std::string_view hex);
// Escapes &, <, >, " and ' for an XML attribute.
std::string xml_escape(std::string_view text);

// QML of a categorised fill renderer on `expression` (a field name or any QGIS expression).
std::string categorized_qml(const std::string& expression, const std::vector<Category>& categories);
// QML of a graduated fill renderer on `expression`.
std::string graduated_qml(const std::string& expression, const std::vector<Range>& ranges);

// A diverging ramp of n colours from red (low) through pale yellow to green (high) (ColorBrewer
// RdYlGn; n = 7 or 9, else UsageError), for dimension scores around zero.
std::vector<std::string> diverging_colors(int n);

}  // namespace wz::qgis
