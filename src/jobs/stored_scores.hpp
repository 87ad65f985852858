#pragma once
// Reading what `wijkzicht score` stored, shared by the commands that work on it (score, picture, analyse).
#include <map>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz::jobs {

// The dimension columns of a score_<level> table: the columns between `rel` and `class`.
std::vector<std::string> score_dimensions(const Table& scores);

// code -> value of COLUMN from a "DATASET:COLUMN" spec (city group per gemeente, region type per COROP-plus
// region). An empty spec gives an empty map; so does an absent dataset (logged: that part of the picture is
// left out). A spec without ':' or an unknown column is a UsageError.
std::map<std::string, std::string> values_by_code(const std::string& store, const std::string& spec);

}  // namespace wz::jobs
