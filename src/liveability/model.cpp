#include "liveability/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <toml.hpp>

#include "core/error.hpp"

namespace wz::liveability {

int ClassRule::classify(double value) const {
    return 1 + static_cast<int>(std::upper_bound(edges.begin(), edges.end(), value) - edges.begin());
}

double ClassRule::distance_to_edge(double value) const {
    double best = INFINITY;
    for (double e : edges) best = std::min(best, std::abs(value - e));
    return best;
}

std::optional<double> ModelPreset::to_absolute(double relative, int year) const {
    if (absolute == Absolute::kNationalMeanPerYear) {
        auto it = absolute_values.find(year);
        if (it == absolute_values.end()) return std::nullopt;
        return relative + it->second;
    }
    auto it = absolute_values.find(edition);
    if (it == absolute_values.end()) return std::nullopt;
    return relative + it->second;
}

std::optional<double> ModelPreset::class_score(double relative, int year) const {
    if (!classes_on_absolute) return relative;
    return to_absolute(relative, year);
}

int symmetric_dimension_class(double value, const std::vector<double>& bounds) {
    const double a = std::abs(value);
    int steps = 0;
    while (steps < static_cast<int>(bounds.size()) && a > bounds[static_cast<std::size_t>(steps)]) ++steps;
    return value >= 0 ? 5 + steps : 5 - steps;
}

namespace {

[[noreturn]] void fail(const std::string& source, const toml::value& where, const std::string& expected,
                       const std::string& found) {
    const auto& loc = where.location();
    throw InputError(source, static_cast<long>(loc.line()), static_cast<long>(loc.column()), expected, found);
}

ClassRule parse_class_rule(const toml::value& table, const std::string& source, const std::string& what) {
    ClassRule rule;
    if (!table.is_table() || !table.contains("edges"))
        fail(source, table, what + " with 'edges'", "no edges");
    const auto& edges = toml::find(table, "edges");
    if (!edges.is_array()) fail(source, edges, "an array of numbers for " + what + ".edges", "another value");
    for (const auto& e : edges.as_array()) {
        if (!e.is_floating() && !e.is_integer())
            fail(source, e, "a number in " + what + ".edges", toml::format(e));
        rule.edges.push_back(e.is_floating() ? e.as_floating() : static_cast<double>(e.as_integer()));
    }
    for (std::size_t i = 1; i < rule.edges.size(); ++i) {
        if (!(rule.edges[i] > rule.edges[i - 1])) {
            fail(source, edges, "increasing edges in " + what,
                 fmt::format("{} after {}", rule.edges[i], rule.edges[i - 1]));
        }
    }
    if (table.contains("names")) {
        rule.names = toml::find<std::vector<std::string>>(table, "names");
        if (rule.names.size() != rule.edges.size() + 1) {
            fail(source, toml::find(table, "names"),
                 fmt::format("{} names for {} edges in {}", rule.edges.size() + 1, rule.edges.size(), what),
                 fmt::format("{} names", rule.names.size()));
        }
    }
    if (table.contains("colors")) {
        rule.colors = toml::find<std::vector<std::string>>(table, "colors");
        if (rule.colors.size() != rule.edges.size() + 1) {
            fail(source, toml::find(table, "colors"),
                 fmt::format("{} colors for {} edges in {}", rule.edges.size() + 1, rule.edges.size(), what),
                 fmt::format("{} colors", rule.colors.size()));
        }
        for (const auto& c : rule.colors) {
            const bool hex = c.size() == 7 && c[0] == '#' &&
                             c.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
            if (!hex) fail(source, toml::find(table, "colors"), "colors as \"#rrggbb\" in " + what, c);
        }
    }
    return rule;
}

}  // namespace

ModelPreset parse_model_preset(std::string_view toml_text, const std::string& source) {
    toml::value root;
    try {
        std::istringstream in{std::string(toml_text)};
        root = toml::parse(in, source);
    } catch (const toml::syntax_error& e) {
        // toml11 puts "--> file\n line | ..." in what(); keep its first line.
        std::string msg = e.what();
        const auto nl = msg.find('\n');
        throw InputError(source, 0, 0, "a TOML model preset", msg.substr(0, nl));
    }
    ModelPreset p;
    try {
        p.name = toml::find<std::string>(root, "name");
        p.title = toml::find_or<std::string>(root, "title", p.name);
        p.total = toml::find<std::string>(root, "total");
        p.published_class = toml::find_or<std::string>(root, "published_class", "");
        p.published_development = toml::find_or<std::string>(root, "published_development", "");
        for (const auto& d : toml::find(root, "dimensions").as_array()) {
            p.dimensions.push_back({toml::find<std::string>(d, "key"), toml::find<std::string>(d, "code"),
                                    toml::find_or<std::string>(d, "name", "")});
        }
        const auto& absolute = toml::find(root, "absolute");
        const auto kind = toml::find<std::string>(absolute, "kind");
        if (kind == "national_mean_per_year") {
            p.absolute = ModelPreset::Absolute::kNationalMeanPerYear;
        } else if (kind == "edition_constant") {
            p.absolute = ModelPreset::Absolute::kEditionConstant;
            p.edition = static_cast<int>(toml::find<toml::integer>(absolute, "edition"));
        } else {
            fail(source, toml::find(absolute, "kind"),
                 "absolute.kind national_mean_per_year or edition_constant", kind);
        }
        for (const auto& [year, value] : toml::find(absolute, "values").as_table()) {
            p.absolute_values[std::stoi(year)] =
                value.is_floating() ? value.as_floating() : static_cast<double>(value.as_integer());
        }
        const auto& classes = toml::find(root, "classes");
        p.classes = parse_class_rule(classes, source, "classes");
        const auto on = toml::find_or<std::string>(classes, "on", "absolute");
        if (on != "absolute" && on != "relative")
            fail(source, toml::find(classes, "on"), "classes.on absolute or relative", on);
        p.classes_on_absolute = on == "absolute";
        p.development = parse_class_rule(toml::find(root, "development"), source, "development");
        p.development_assumed = toml::find_or<bool>(toml::find(root, "development"), "assumed", false);
        if (root.contains("dimension_classes")) {
            p.dimension_bounds =
                toml::find<std::vector<double>>(toml::find(root, "dimension_classes"), "symmetric_bounds");
        }
    } catch (const std::out_of_range& e) {
        std::string msg = e.what();
        throw InputError(source, 0, 0,
                         "a complete model preset (name, total, dimensions, absolute, classes, development)",
                         msg.substr(0, msg.find('\n')));
    } catch (const toml::type_error& e) {
        std::string msg = e.what();
        throw InputError(source, 0, 0, "values of the right type in the model preset",
                         msg.substr(0, msg.find('\n')));
    }
    return p;
}

}  // namespace wz::liveability
