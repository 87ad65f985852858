#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "core/error.hpp"
#include "geo/vector.hpp"
#include "io/importers.hpp"

namespace wz {
namespace {

// Attribute names that carry a parent code, per parent level.
const std::vector<std::pair<std::string, std::vector<std::string>>> kParentFields{
    {"wijk", {"wk_code", "wijkcode", "wijk_code"}},
    {"gemeente", {"gm_code", "gemeentecode", "gemeente_code"}},
    {"corop", {"corop_gebied", "corop", "coropgebied", "corop_code"}},
    {"corop_plus", {"corop_plus_gebied", "coropplus", "corop_plus"}},
    {"provincie", {"provincie", "pv_code", "provinciecode", "provincie_code"}},
};

Level level_of_parent(const std::string& parent) {
    if (parent == "wijk") return Level::kWijk;
    if (parent == "gemeente") return Level::kGemeente;
    if (parent == "corop") return Level::kCorop;
    if (parent == "corop_plus") return Level::kCoropPlus;
    return Level::kProvincie;
}

std::string& parent_slot(Area& a, const std::string& parent) {
    if (parent == "wijk") return a.wijk;
    if (parent == "gemeente") return a.gemeente;
    if (parent == "corop") return a.corop;
    if (parent == "corop_plus") return a.corop_plus;
    return a.provincie;
}

// Name fields to try, per level ("statnaam" in PDOK layers, "buurtnaam" in CBS wijk-en-buurtkaarten).
std::vector<std::string> name_field_candidates(Level level) {
    switch (level) {
        case Level::kBuurt:
            return {"statnaam", "buurtnaam", "bu_naam", "naam", "name"};
        case Level::kWijk:
            return {"statnaam", "wijknaam", "wk_naam", "naam", "name"};
        case Level::kGemeente:
            return {"statnaam", "gemeentenaam", "gm_naam", "naam", "name"};
        default:
            return {"statnaam", "naam", "name"};
    }
}

}  // namespace

AreaLayer import_boundaries(const std::string& path, const BoundaryOptions& options) {
    if (!is_plausible_year(options.vintage)) {
        throw UsageError(fmt::format("--vintage: expected a year such as 2014, found {}", options.vintage));
    }
    geo::VectorLayer layer = geo::read_polygon_layer(path, {options.layer, options.src_srs});
    const auto id = layer.field_index(options.id_field);
    if (!id) {
        throw InputError(fmt::format("{}:layer {}", path, layer.layer_name), 0, 0,
                         fmt::format("an id field '{}'", options.id_field),
                         fmt::format("fields {}", fmt::join(layer.field_names, ", ")));
    }
    std::optional<std::size_t> name;
    if (!options.name_field.empty()) {
        name = layer.field_index(options.name_field);
        if (!name) {
            throw InputError(fmt::format("{}:layer {}", path, layer.layer_name), 0, 0,
                             fmt::format("a name field '{}'", options.name_field),
                             fmt::format("fields {}", fmt::join(layer.field_names, ", ")));
        }
    } else {
        for (const std::string& guess : name_field_candidates(options.level)) {
            if (auto i = layer.field_index(guess)) {
                name = i;
                break;
            }
        }
    }
    std::vector<std::pair<std::string, std::size_t>> parent_fields;
    for (const auto& [parent, candidates] : kParentFields) {
        if (level_of_parent(parent) <= options.level) continue;
        for (const auto& c : candidates) {
            if (auto i = layer.field_index(c)) {
                parent_fields.emplace_back(parent, *i);
                break;
            }
        }
    }

    AreaLayer out;
    out.level = options.level;
    out.vintage = options.vintage;
    out.source_crs = layer.source_crs;
    out.source_driver = layer.driver;
    out.areas.reserve(layer.features.size());
    std::unordered_set<std::string> seen;
    for (auto& f : layer.features) {
        const std::string where = fmt::format("{}:layer {}:feature {}", path, layer.layer_name, f.fid);
        std::string code(trim(f.values[*id]));
        if (options.level == Level::kGrid) {
            if (auto cell = parse_grid_cell(code)) code = cell->code();
        }
        if (!is_code_of_level(options.level, code)) {
            throw InputError(where, 0, 0,
                             fmt::format("a {} code like {} in field '{}'", level_name(options.level),
                                         level_example(options.level), layer.field_names[*id]),
                             quote_found(code));
        }
        if (!seen.insert(code).second) {
            throw InputError(where, 0, 0, fmt::format("each {} code once", level_name(options.level)),
                             quote_found(code) + " again");
        }
        Area a;
        a.code = code;
        if (name) a.name = std::string(trim(f.values[*name]));
        for (const char* parent : {"wijk", "gemeente"}) {
            if (level_of_parent(parent) > options.level) {
                if (auto p = parent_code_from_code(code, level_of_parent(parent)))
                    parent_slot(a, parent) = *p;
            }
        }
        for (const auto& [parent, idx] : parent_fields) {
            const std::string value(trim(f.values[idx]));
            if (value.empty()) continue;
            if (!is_code_of_level(level_of_parent(parent), value)) {
                throw InputError(where, 0, 0,
                                 fmt::format("a {} code like {} in field '{}'", parent,
                                             level_example(level_of_parent(parent)), layer.field_names[idx]),
                                 quote_found(value));
            }
            std::string& slot = parent_slot(a, parent);
            if (!slot.empty() && slot != value) {
                throw InputError(where, 0, 0,
                                 fmt::format("field '{}' to agree with the code {} ({})",
                                             layer.field_names[idx], code, slot),
                                 quote_found(value));
            }
            slot = value;
        }
        a.wkb = std::move(f.wkb);
        out.areas.push_back(std::move(a));
    }
    if (out.areas.empty())
        throw InputError(fmt::format("{}:layer {}", path, layer.layer_name), 0, 0, "at least one area",
                         "an empty layer");
    return out;
}

}  // namespace wz
