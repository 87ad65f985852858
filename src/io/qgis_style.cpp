#include "io/qgis_style.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace wz::qgis {
namespace {

// One solid fill with a thin grey outline, as QGIS 3.22 writes it.
std::string fill_symbol(std::size_t index, const std::string& color) {
    return fmt::format(
        R"(      <symbol type="fill" name="{}" alpha="1" clip_to_extent="1" force_rhr="0">
        <data_defined_properties><Option type="Map"><Option type="QString" name="name" value=""/><Option name="properties"/><Option type="QString" name="type" value="collection"/></Option></data_defined_properties>
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="border_width_map_unit_scale" value="3x:0,0,0,0,0,0"/>
            <Option type="QString" name="color" value="{}"/>
            <Option type="QString" name="joinstyle" value="bevel"/>
            <Option type="QString" name="offset" value="0,0"/>
            <Option type="QString" name="offset_map_unit_scale" value="3x:0,0,0,0,0,0"/>
            <Option type="QString" name="offset_unit" value="MM"/>
            <Option type="QString" name="outline_color" value="110,110,110,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.06"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
)",
        index, qgis_color(color));
}

std::string document(const std::string& renderer) {
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<qgis version=\"3.22.16\" styleCategories=\"Symbology\">\n" +
           renderer + "  <layerGeometryType>2</layerGeometryType>\n</qgis>\n";
}

}  // namespace

std::string qgis_color(std::string_view hex) {
    const auto digit = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (hex.size() != 7 || hex[0] != '#' || !std::all_of(hex.begin() + 1, hex.end(), digit))
        throw UsageError(fmt::format("a colour must be #rrggbb, found '{}'", hex));
    const auto byte = [&](std::size_t at) { return std::stoi(std::string(hex.substr(at, 2)), nullptr, 16); };
    return fmt::format("{},{},{},255", byte(1), byte(3), byte(5));
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string categorized_qml(const std::string& expression, const std::vector<Category>& categories) {
    std::string r = fmt::format(
        "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" forceraster=\"0\" "
        "enableorderby=\"0\" referencescale=\"-1\">\n    <categories>\n",
        xml_escape(expression));
    for (std::size_t i = 0; i < categories.size(); ++i) {
        r += fmt::format(
            "      <category render=\"true\" symbol=\"{}\" value=\"{}\" type=\"string\" label=\"{}\"/>\n", i,
            xml_escape(categories[i].value), xml_escape(categories[i].label));
    }
    r += "    </categories>\n    <symbols>\n";
    for (std::size_t i = 0; i < categories.size(); ++i) r += fill_symbol(i, categories[i].color);
    r += "    </symbols>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n";
    return document(r);
}

std::string graduated_qml(const std::string& expression, const std::vector<Range>& ranges) {
    std::string r = fmt::format(
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" graduatedMethod=\"GraduatedColor\" "
        "symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\">\n    <ranges>\n",
        xml_escape(expression));
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        r += fmt::format(
            "      <range render=\"true\" symbol=\"{}\" lower=\"{:.6f}\" upper=\"{:.6f}\" label=\"{}\"/>\n",
            i, ranges[i].lower, ranges[i].upper, xml_escape(ranges[i].label));
    }
    r += "    </ranges>\n    <symbols>\n";
    for (std::size_t i = 0; i < ranges.size(); ++i) r += fill_symbol(i, ranges[i].color);
    r += "    </symbols>\n    <mode name=\"manual\"/>\n    <symmetricMode enabled=\"false\" "
         "symmetryPoint=\"0\" "
         "astride=\"false\"/>\n    <rotation/>\n    <sizescale/>\n    <labelformat format=\"%1 - %2\" "
         "decimalplaces=\"3\" trimtrailingzeroes=\"false\"/>\n  </renderer-v2>\n";
    return document(r);
}

std::vector<std::string> diverging_colors(int n) {
    if (n == 7) return {"#d73027", "#fc8d59", "#fee08b", "#ffffbf", "#d9ef8b", "#91cf60", "#1a9850"};
    if (n == 9)
        return {"#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf",
                "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850"};
    throw UsageError(fmt::format("diverging_colors: 7 or 9 colours, not {}", n));
}

}  // namespace wz::qgis
