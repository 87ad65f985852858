#pragma once
// Presenting the national picture: a readable table on the terminal and JSON rows.
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/table.hpp"

namespace wz::app {

// The table "national picture" per year (from picture_years) and the shares per class.
void print_picture(std::ostream& out, const Table& years, const Table& classes);

// The picture for --json: {"years": [...rows of picture_years...]}.
nlohmann::json picture_json(const Table& years);

}  // namespace wz::app
