#include "jobs/json.hpp"

namespace wz::jobs {

nlohmann::json table_json(const Table& table) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        nlohmann::json row = nlohmann::json::object();
        for (const Column& c : table.columns()) {
            if (c.is_missing(r)) {
                row[c.name()] = nullptr;
                continue;
            }
            switch (c.type()) {
                case ColumnType::kInt:
                    row[c.name()] = c.int_at(r);
                    break;
                case ColumnType::kReal:
                    row[c.name()] = c.real_at(r);
                    break;
                case ColumnType::kText:
                    row[c.name()] = c.text_at(r);
                    break;
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace wz::jobs
