#pragma once
// JSON helpers shared by the jobs' reports.
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/table.hpp"

namespace wz::jobs {

// A number, or null when it is not finite (JSON has no NaN).
inline nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// Rows of a table as JSON objects (missing values as null).
nlohmann::json table_json(const Table& table);

}  // namespace wz::jobs
