#include "io/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace wz {

std::size_t AreaLayer::empty_geometries() const {
    return static_cast<std::size_t>(
        std::count_if(areas.begin(), areas.end(), [](const Area& a) { return a.wkb.empty(); }));
}

std::size_t AreaLayer::parent_links(std::string_view parent) const {
    auto field = [&](const Area& a) -> const std::string& {
        if (parent == "wijk") return a.wijk;
        if (parent == "gemeente") return a.gemeente;
        if (parent == "corop") return a.corop;
        if (parent == "corop_plus") return a.corop_plus;
        return a.provincie;
    };
    return static_cast<std::size_t>(
        std::count_if(areas.begin(), areas.end(), [&](const Area& a) { return !field(a).empty(); }));
}

std::string area_layer_name(Level level, int vintage) {
    return fmt::format("areas_{}_{}", level_name(level), vintage);
}

std::string sanitize_dataset_name(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0) {
            out.push_back(static_cast<char>(std::tolower(u)));
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0) out = "d_" + out;
    return out;
}

std::vector<std::int64_t> dataset_years(const Table& table) {
    std::set<std::int64_t> years;
    for (const char* name : {"year", "from_year", "to_year"}) {
        const Column* c = table.find(name);
        if (c == nullptr || c->type() != ColumnType::kInt) continue;
        for (std::size_t i = 0; i < c->size(); ++i) {
            if (!c->is_missing(i)) years.insert(c->int_at(i));
        }
    }
    return {years.begin(), years.end()};
}

Dataset collect_rows(Dataset ds, std::size_t block_rows) {
    if (!ds.rows) return ds;
    Table block = ds.table;
    for (;;) {
        block.clear_rows();
        if (!ds.rows->next(block, block_rows)) break;
        append_rows(ds.table, block, 0, block.row_count());
    }
    ds.rows->finish(ds);
    ds.rows.reset();
    return ds;
}

}  // namespace wz
