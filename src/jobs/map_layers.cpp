#include "jobs/map_layers.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"

namespace wz::jobs {
namespace {

const Dataset* find_ds(const std::vector<Dataset>& datasets, const std::string& name) {
    for (const Dataset& d : datasets) {
        if (d.name == name) return &d;
    }
    return nullptr;
}

std::string when_year(int year, const std::string& what) {
    return fmt::format("CASE WHEN \"year\" = {} THEN {} END", year, what);
}

std::string class_label(std::size_t k, const std::vector<std::string>& names) {
    return k < names.size() ? fmt::format("{} {}", k + 1, names[k]) : std::to_string(k + 1);
}

qgis::LayerStyle class_style(const liveability::ModelPreset& preset, int year, bool is_default) {
    const auto& names = preset.classes.names;
    const auto& colors = preset.classes.colors;
    if (colors.empty()) throw UsageError(fmt::format("the preset {} has no class colours", preset.name));
    std::vector<qgis::Category> cats;
    for (std::size_t k = 0; k < colors.size(); ++k)
        cats.push_back({std::to_string(k + 1), class_label(k, names), colors[k]});
    cats.push_back({"0", "geen oordeel (te weinig inwoners)", "#d9d9d9"});
    return {
        fmt::format("klassen {}", year),
        fmt::format("{}: the nine classes of {} (features of other years are not drawn)", preset.title, year),
        qgis::categorized_qml(when_year(year, "coalesce(\"class\", 0)"), cats), is_default};
}

qgis::LayerStyle development_style(const liveability::ModelPreset& preset, int from, int to) {
    const auto& names = preset.development.names;
    const auto& colors = preset.development.colors;
    std::vector<qgis::Category> cats;
    for (std::size_t k = 0; k < colors.size(); ++k)
        cats.push_back({std::to_string(k + 1), class_label(k, names), colors[k]});
    return {fmt::format("ontwikkeling {}-{}", from, to),
            fmt::format("{}: development classes from {} to {}", preset.title, from, to),
            qgis::categorized_qml(when_year(to, "\"development\""), cats), false};
}

std::string fmt_bound(double v) {
    std::string s = fmt::format("{:.3f}", v);
    return s == "-0.000" ? "0.000" : s;
}

// Dimension scores of the latest year on a diverging ramp around 0: the preset's symmetric dimension
// bounds (LBM 3.0: nine classes) or, without them, seven classes of equal width spanning the largest
// absolute value of the level.
std::optional<qgis::LayerStyle> dimension_style(const liveability::ModelPreset& preset,
                                                const std::string& dim, const std::string& dim_name, int year,
                                                double max_abs) {
    if (!(max_abs > 0) || !std::isfinite(max_abs)) return std::nullopt;
    std::vector<double> edges;  // inner edges, ascending
    const auto& b = preset.dimension_bounds;
    if (!b.empty()) {
        for (auto it = b.rbegin(); it != b.rend(); ++it) edges.push_back(-*it);
        for (double v : b) edges.push_back(v);
    } else {
        const double step = max_abs / 3.5;
        for (double k : {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}) edges.push_back(k * step);
    }
    const double lo = std::min(-max_abs, edges.front() * 1.5), hi = std::max(max_abs, edges.back() * 1.5);
    std::vector<double> bounds = {lo};
    bounds.insert(bounds.end(), edges.begin(), edges.end());
    bounds.push_back(hi);
    const auto colors = qgis::diverging_colors(static_cast<int>(bounds.size() - 1));
    std::vector<qgis::Range> ranges;
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        ranges.push_back({bounds[i], bounds[i + 1],
                          fmt::format("{} tot {}", fmt_bound(bounds[i]), fmt_bound(bounds[i + 1])),
                          colors[i]});
    }
    return qgis::LayerStyle{
        fmt::format("{} {}", dim, year),
        fmt::format("{} ({}): score of the dimension relative to the national mean, {}", dim_name, dim, year),
        qgis::graduated_qml(when_year(year, "\"" + dim + "\""), ranges), false};
}

struct DevKey {
    std::string code;
    std::int64_t from, to;
    bool operator<(const DevKey& o) const {
        return std::tie(code, from, to) < std::tie(o.code, o.from, o.to);
    }
};

MapLayer score_layer(const Dataset& scores, const Dataset* development, const AreaLayer& areas,
                     const liveability::ModelPreset& preset) {
    const Table& t = scores.table;
    std::vector<std::string> dims, dim_names;
    for (const auto& d : preset.dimensions) {
        if (t.find(d.code) != nullptr) {
            dims.push_back(d.code);
            dim_names.push_back(d.name);
        }
    }
    std::unordered_map<std::string, std::size_t> area_of;
    for (std::size_t i = 0; i < areas.areas.size(); ++i) {
        if (!areas.areas[i].wkb.empty()) area_of.emplace(areas.areas[i].code, i);
    }
    std::map<DevKey, std::pair<double, std::int64_t>> dev;
    if (development != nullptr) {
        const Table& d = development->table;
        const Column &code = d.column("code"), &from = d.column("from_year"), &to = d.column("to_year"),
                     &change = d.column("change"), &cls = d.column("development_class");
        for (std::size_t r = 0; r < d.row_count(); ++r) {
            if (cls.is_missing(r)) continue;
            dev[{code.text_at(r), from.int_at(r), to.int_at(r)}] = {change.real_at(r), cls.int_at(r)};
        }
    }
    const Column& code = t.column("code");
    const Column& year = t.column("year");
    std::vector<std::int64_t> years;
    for (std::size_t r = 0; r < t.row_count(); ++r) years.push_back(year.int_at(r));
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());

    Column c_code("code", ColumnType::kText), c_name("name", ColumnType::kText),
        c_year("year", ColumnType::kInt), c_res("residents", ColumnType::kReal),
        c_score("score", ColumnType::kReal), c_rel("rel", ColumnType::kReal),
        c_cls("class", ColumnType::kInt), c_cname("class_name", ColumnType::kText),
        c_prev("previous_year", ColumnType::kInt), c_change("change", ColumnType::kReal),
        c_dev("development", ColumnType::kInt), c_dname("development_name", ColumnType::kText);
    std::vector<Column> c_dims;
    for (const auto& d : dims) c_dims.emplace_back(d, ColumnType::kReal);
    std::vector<std::vector<std::uint8_t>> geoms;
    std::vector<double> max_abs(dims.size(), 0.0);
    const auto copy_real = [](Column& out, const Column& in, std::size_t r) {
        if (in.is_missing(r)) {
            out.push_missing(in.missing_reason(r));
        } else {
            out.push_real(in.number_at(r));
        }
    };
    const Column& cls = t.column("class");
    std::size_t without_polygon = 0;
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        const auto at = area_of.find(code.text_at(r));
        if (at == area_of.end()) {
            ++without_polygon;
            continue;
        }
        const Area& a = areas.areas[at->second];
        const std::int64_t y = year.int_at(r);
        c_code.push_text(a.code);
        c_name.push_text(a.name);
        c_year.push_int(y);
        copy_real(c_res, t.column("residents"), r);
        copy_real(c_score, t.column("score"), r);
        copy_real(c_rel, t.column("rel"), r);
        for (std::size_t d = 0; d < dims.size(); ++d) {
            const Column& in = t.column(dims[d]);
            copy_real(c_dims[d], in, r);
            if (y == years.back() && !in.is_missing(r))
                max_abs[d] = std::max(max_abs[d], std::abs(in.number_at(r)));
        }
        if (cls.is_missing(r)) {
            c_cls.push_missing(cls.missing_reason(r));
            c_cname.push_missing(cls.missing_reason(r));
        } else {
            const auto k = cls.int_at(r);
            c_cls.push_int(k);
            const auto& names = preset.classes.names;
            if (k >= 1 && static_cast<std::size_t>(k) <= names.size()) {
                c_cname.push_text(names[static_cast<std::size_t>(k - 1)]);
            } else {
                c_cname.push_missing(Missing::kEmpty);
            }
        }
        const auto yi = std::lower_bound(years.begin(), years.end(), y);
        const auto found = yi != years.begin() ? dev.find({a.code, *(yi - 1), y}) : dev.end();
        if (yi != years.begin()) {
            c_prev.push_int(*(yi - 1));
        } else {
            c_prev.push_missing(Missing::kEmpty);
        }
        if (found != dev.end()) {
            c_change.push_real(found->second.first);
            const auto k = found->second.second;
            c_dev.push_int(k);
            const auto& names = preset.development.names;
            if (k >= 1 && static_cast<std::size_t>(k) <= names.size()) {
                c_dname.push_text(names[static_cast<std::size_t>(k - 1)]);
            } else {
                c_dname.push_missing(Missing::kEmpty);
            }
        } else {
            c_change.push_missing(Missing::kEmpty);
            c_dev.push_missing(Missing::kEmpty);
            c_dname.push_missing(Missing::kEmpty);
        }
        geoms.push_back(a.wkb);
    }
    const std::string level = std::string(level_name(areas.level));
    if (without_polygon > 0) {
        spdlog::warn("map_{}_{}: {} rows of {} have no polygon in areas_{}_{}: left out of the map", level,
                     areas.vintage, without_polygon, scores.name, level, areas.vintage);
    }
    MapLayer m;
    m.name = fmt::format("map_{}_{}", level, areas.vintage);
    m.kind = "score";
    m.level = areas.level;
    m.vintage = areas.vintage;
    m.description = fmt::format("wijkzicht map: {} scores per {} and year on the boundaries of {} ({})",
                                preset.title, level, areas.vintage, scores.name);
    for (Column* c : {&c_code, &c_name, &c_year, &c_res, &c_score, &c_rel, &c_cls, &c_cname})
        m.table.add_column(std::move(*c));
    for (Column& c : c_dims) m.table.add_column(std::move(c));
    for (Column* c : {&c_prev, &c_change, &c_dev, &c_dname}) m.table.add_column(std::move(*c));
    m.geometries = std::move(geoms);
    if (years.empty()) return m;
    const int latest = static_cast<int>(years.back());
    m.styles.push_back(class_style(preset, latest, true));
    if (years.size() > 1 && !preset.development.colors.empty())
        m.styles.push_back(development_style(preset, static_cast<int>(years[years.size() - 2]), latest));
    for (std::size_t d = 0; d < dims.size(); ++d) {
        if (auto s = dimension_style(preset, dims[d], dim_names[d], latest, max_abs[d]))
            m.styles.push_back(*s);
    }
    for (auto it = years.rbegin() + 1; it < years.rend(); ++it)
        m.styles.push_back(class_style(preset, static_cast<int>(*it), false));
    return m;
}

}  // namespace

std::vector<MapLayer> score_map_layers(const std::vector<Dataset>& datasets,
                                       const std::vector<AreaLayer>& areas,
                                       const liveability::ModelPreset& preset) {
    std::vector<MapLayer> out;
    for (const AreaLayer& layer : areas) {
        const std::string level = std::string(level_name(layer.level));
        const Dataset* scores = find_ds(datasets, "score_" + level);
        if (scores == nullptr) continue;
        out.push_back(score_layer(*scores, find_ds(datasets, "development_" + level), layer, preset));
    }
    return out;
}

void add_score_map_layers(StoreUpdate& update, const std::string& store,
                          const liveability::ModelPreset& preset, const AreaLayer& buurten) {
    std::vector<AreaLayer> owned;
    for (const Level level :
         {Level::kWijk, Level::kGemeente, Level::kCoropPlus, Level::kCorop, Level::kProvincie}) {
        if (find_ds(update.datasets, "score_" + std::string(level_name(level))) == nullptr) continue;
        const std::vector<int> v = area_vintages(store, level);
        if (v.empty()) continue;
        int vintage = v.back();
        if (std::find(v.begin(), v.end(), buurten.vintage) != v.end()) {
            vintage = buurten.vintage;
        } else if (v.front() < buurten.vintage) {
            vintage = *(std::lower_bound(v.begin(), v.end(), buurten.vintage) - 1);
        }
        owned.push_back(read_area_layer(store, level, vintage));
    }
    // The buurt layer is the caller's: copy only the references needed (the vector holds values).
    std::vector<AreaLayer> layers;
    layers.reserve(owned.size() + 1);
    layers.push_back(buurten);
    for (AreaLayer& l : owned) layers.push_back(std::move(l));
    for (MapLayer& m : score_map_layers(update.datasets, layers, preset))
        update.map_layers.push_back(std::move(m));
}

MapLayer typology_map_layer(const std::string& dataset, const Table& summary, const AreaLayer& layer) {
    std::unordered_map<std::string, std::size_t> area_of;
    for (std::size_t i = 0; i < layer.areas.size(); ++i) {
        if (!layer.areas[i].wkb.empty()) area_of.emplace(layer.areas[i].code, i);
    }
    const Column& code = summary.column("code");
    std::vector<std::size_t> rows, at;
    for (std::size_t r = 0; r < summary.row_count(); ++r) {
        const auto it = area_of.find(code.text_at(r));
        if (it == area_of.end()) continue;
        rows.push_back(r);
        at.push_back(it->second);
    }
    MapLayer m;
    m.name = "map_" + dataset;
    m.kind = "typology:" + dataset;
    m.level = layer.level;
    m.vintage = layer.vintage;
    m.description = fmt::format("wijkzicht map: typology {} on the {} boundaries of {}", dataset,
                                level_name(layer.level), layer.vintage);
    Column name("name", ColumnType::kText);
    for (std::size_t i : at) name.push_text(layer.areas[i].name);
    std::string designation;
    for (const std::string col :
         {"code", "designated", "designation", "criteria_met", "criteria_unknown", "reasons", "group"}) {
        const Column* c = summary.find(col);
        if (c == nullptr) continue;
        // Integers stay integers; everything else is written as text, as the CSV shows it.
        Column out(col, c->type() == ColumnType::kInt ? ColumnType::kInt : ColumnType::kText);
        for (std::size_t r : rows) {
            if (c->is_missing(r)) {
                out.push_missing(c->missing_reason(r));
            } else if (c->type() == ColumnType::kInt) {
                out.push_int(c->int_at(r));
            } else {
                out.push_text(c->to_text(r));
                if (col == "designation" && designation.empty()) designation = c->to_text(r);
            }
        }
        m.table.add_column(std::move(out));
        if (col == "code") m.table.add_column(std::move(name));
    }
    for (std::size_t i : at) m.geometries.push_back(layer.areas[i].wkb);
    const std::vector<qgis::Category> cats = {
        {"1", designation.empty() ? "aangewezen" : "aangewezen: " + designation, "#d7301f"},
        {"0", "niet aangewezen", "#f0f0f0"},
        {"", "onbepaald (gegevens ontbreken)", "#bdbdbd"}};
    m.styles.push_back({"aanwijzing", fmt::format("designated areas of {}", dataset),
                        qgis::categorized_qml("\"designated\"", cats), true});
    return m;
}

MapLayer hotspot_map_layer(const std::string& dataset, const std::string& variable, const Table& table,
                           const AreaLayer& layer) {
    std::unordered_map<std::string, std::size_t> area_of;
    for (std::size_t i = 0; i < layer.areas.size(); ++i)
        if (!layer.areas[i].wkb.empty()) area_of.emplace(layer.areas[i].code, i);
    const Column& code = table.column("code");
    std::vector<std::size_t> rows, at;
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        const auto it = area_of.find(code.text_at(r));
        if (it == area_of.end()) continue;
        rows.push_back(r);
        at.push_back(it->second);
    }
    MapLayer m;
    m.name = "map_" + dataset;
    m.kind = "hotspots:" + dataset;
    m.level = layer.level;
    m.vintage = layer.vintage;
    m.description = fmt::format("wijkzicht map: hot spots {} on the {} boundaries of {}", dataset,
                                level_name(layer.level), layer.vintage);
    Column name("name", ColumnType::kText);
    for (std::size_t i : at) name.push_text(layer.areas[i].name);
    for (const std::string col : {"code", "value", "neighbours", "lag", "I", "I_z", "I_p", "quadrant",
                                  "I_sig_fdr", "cluster", "Gstar_z", "Gstar_p", "hotspot", "significant"}) {
        const Column* c = table.find(col);
        if (c == nullptr) continue;
        Column out(col, c->type());
        for (std::size_t r : rows) {
            if (c->is_missing(r))
                out.push_missing(c->missing_reason(r));
            else if (c->type() == ColumnType::kInt)
                out.push_int(c->int_at(r));
            else if (c->type() == ColumnType::kReal)
                out.push_real(c->real_at(r));
            else
                out.push_text(c->text_at(r));
        }
        m.table.add_column(std::move(out));
        if (col == "code") m.table.add_column(std::move(name));
    }
    for (std::size_t i : at) m.geometries.push_back(layer.areas[i].wkb);
    const std::vector<qgis::Category> lisa = {{"HH", "hoog, omringd door hoog (significant)", "#d7191c"},
                                              {"LL", "laag, omringd door laag (significant)", "#2c7bb6"},
                                              {"HL", "hoog, omringd door laag (significant)", "#fdae61"},
                                              {"LH", "laag, omringd door hoog (significant)", "#abd9e9"},
                                              {"ns", "niet significant", "#f0f0f0"},
                                              {"", "geen waarde of geen buren", "#bdbdbd"}};
    m.styles.push_back({"clusters (lokale Moran)",
                        fmt::format("{}: significant local Moran clusters (FDR) of {}", dataset, variable),
                        qgis::categorized_qml("\"cluster\"", lisa), true});
    const std::vector<qgis::Category> gi = {{"hot", "hot spot (Gi*, significant)", "#b2182b"},
                                            {"cold", "cold spot (Gi*, significant)", "#2166ac"},
                                            {"ns", "niet significant", "#f0f0f0"},
                                            {"", "geen waarde of geen buren", "#bdbdbd"}};
    m.styles.push_back(
        {"hot en cold spots (Gi*)",
         fmt::format("{}: significant Getis-Ord Gi* hot and cold spots (FDR) of {}", dataset, variable),
         qgis::categorized_qml("\"hotspot\"", gi), false});
    return m;
}

}  // namespace wz::jobs
