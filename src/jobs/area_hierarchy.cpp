#include "jobs/area_hierarchy.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <unordered_map>

#include "io/store.hpp"

namespace wz::jobs {

monitor::AreaHierarchy area_hierarchy(const std::string& store, const AreaLayer& buurten,
                                      std::size_t* unlinked) {
    // Gemeente parents from the gemeente layers (newest vintage wins).
    struct Up {
        std::string corop_plus, corop, provincie;
    };
    std::unordered_map<std::string, Up> gemeente_up;
    for (const Level level : {Level::kGemeente}) {
        for (const int v : area_vintages(store, level)) {
            for (const Area& a : read_area_layer(store, level, v).areas) {
                gemeente_up[a.code] = Up{a.corop_plus, a.corop, a.provincie};
            }
        }
    }
    // Per buurt its code at every level.
    const std::vector<Level> levels = {Level::kBuurt, Level::kWijk,      Level::kGemeente, Level::kCoropPlus,
                                       Level::kCorop, Level::kProvincie, Level::kNederland};
    const std::size_t nb = buurten.areas.size();
    std::vector<std::vector<std::string>> chain(nb, std::vector<std::string>(levels.size()));
    std::size_t missing_links = 0;
    for (std::size_t b = 0; b < nb; ++b) {
        const Area& a = buurten.areas[b];
        auto& c = chain[b];
        c[0] = a.code;
        c[1] = !a.wijk.empty() ? a.wijk : parent_code_from_code(a.code, Level::kWijk).value_or("");
        c[2] =
            !a.gemeente.empty() ? a.gemeente : parent_code_from_code(a.code, Level::kGemeente).value_or("");
        const auto up = gemeente_up.find(c[2]);
        if (up != gemeente_up.end()) {
            c[3] = up->second.corop_plus;
            c[4] = up->second.corop;
            c[5] = up->second.provincie;
        }
        c[6] = "NL01";
        for (std::size_t l = 1; l + 1 < levels.size(); ++l) {
            if (c[l].empty()) {
                ++missing_links;
                break;
            }
        }
    }
    monitor::AreaHierarchy h;
    std::vector<std::size_t> included;
    for (std::size_t l = 0; l < levels.size(); ++l) {
        bool any = false;
        for (const auto& c : chain) any = any || !c[l].empty();
        if (any) included.push_back(l);
    }
    std::vector<std::map<std::string, std::int32_t>> index(included.size());
    for (std::size_t i = 0; i < included.size(); ++i) {
        h.levels.push_back(levels[included[i]]);
        if (i == 0) {
            // The first level keeps the buurt layer's order (cell assignment indexes into it).
            for (std::size_t b = 0; b < nb; ++b) index[0][chain[b][0]] = static_cast<std::int32_t>(b);
            std::vector<std::string> codes(nb);
            for (std::size_t b = 0; b < nb; ++b) codes[b] = chain[b][0];
            h.codes.push_back(std::move(codes));
            continue;
        }
        std::map<std::string, std::int32_t>& m = index[i];
        for (const auto& c : chain) {
            if (!c[included[i]].empty()) m.emplace(c[included[i]], 0);
        }
        std::vector<std::string> codes;
        for (auto& [code, at] : m) {
            at = static_cast<std::int32_t>(codes.size());
            codes.push_back(code);
        }
        h.codes.push_back(std::move(codes));
    }
    for (std::size_t i = 0; i + 1 < included.size(); ++i) {
        std::vector<std::int32_t> parent(h.codes[i].size(), -1);
        for (const auto& c : chain) {
            const std::string& self = c[included[i]];
            const std::string& up = c[included[i + 1]];
            if (self.empty() || up.empty()) continue;
            parent[static_cast<std::size_t>(index[i].at(self))] = index[i + 1].at(up);
        }
        h.parent.push_back(std::move(parent));
    }
    if (unlinked != nullptr) *unlinked = missing_links;
    return h;
}

}  // namespace wz::jobs
