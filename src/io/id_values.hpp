#pragma once
// Reading one value per area from a CSV with header id,value (',' or ';' separated; empty or NA =
// missing): the input of `wijkzicht hotspots`.
#include <string>
#include <vector>

namespace wz {

struct IdValues {
    std::vector<std::string> ids;  // the file's ids in file order (only when read without known ids)
    std::vector<double> values;    // NaN = missing
};

// Values for the areas `ids` (in that order; NaN where the file has none). Every id in the file must be
// one of `ids` and appear once, else an InputError naming file, line and column.
IdValues read_values_for_ids(const std::string& path, const std::vector<std::string>& ids);
// The file's ids and values as they are (each id once).
IdValues read_id_values(const std::string& path);

}  // namespace wz
