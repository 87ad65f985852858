#include "io/id_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "io/csv.hpp"

namespace wz {
namespace {

// Values per area (NaN = missing) from the id,value file, checked against the area ids.
IdValues read_values(const std::string& path, const std::vector<std::string>& ids, bool ids_from_values) {
    IdValues out;
    std::vector<std::string>* value_ids = &out.ids;
    const std::string text = csv::decode_text(csv::read_file(path), csv::Encoding::kAuto, path);
    const char delim = csv::sniff_delimiter(text);
    csv::Reader reader(text, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header 'id,value'", "an empty file");
    std::optional<std::size_t> id_col;
    std::optional<std::size_t> value_col;
    for (std::size_t c = 0; c < fields.size(); ++c) {
        const std::string name = to_lower(trim(fields[c].text));
        if (name == "id" && !id_col) id_col = c;
        if (name == "value" && !value_col) value_col = c;
    }
    if (!id_col || !value_col) {
        std::string found;
        for (const auto& f : fields) found += (found.empty() ? "" : ",") + std::string(f.text);
        throw InputError(path, 1, 1, "a header with columns 'id' and 'value'", quote_found(found));
    }
    std::unordered_map<std::string, std::size_t> index;
    std::vector<double>& values = out.values;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!ids_from_values) {
        index.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
        values.assign(ids.size(), nan);
    }
    std::unordered_map<std::string, long> seen_line;
    const bool decimal_comma = delim != ',';
    while (reader.next(fields)) {
        const long line = reader.line();
        if (fields.size() == 1 && trim(fields[0].text).empty()) continue;  // blank line
        if (fields.size() <= std::max(*id_col, *value_col)) {
            throw InputError(path, line, 1,
                             fmt::format("at least {} fields", std::max(*id_col, *value_col) + 1),
                             fmt::format("{}", fields.size()));
        }
        const std::string id(trim(fields[*id_col].text));
        const csv::Field& vf = fields[*value_col];
        const std::string_view vt = trim(vf.text);
        const auto [it, inserted] = seen_line.emplace(id, line);
        if (!inserted) {
            throw InputError(path, line, fields[*id_col].column, "each id once",
                             fmt::format("'{}' again (first on line {})", id, it->second));
        }
        double v = nan;
        if (!(vt.empty() || vt == "NA" || vt == "na" || vt == "NaN")) {
            const auto parsed = csv::parse_number(vt, decimal_comma);
            if (!parsed || !std::isfinite(*parsed)) {
                throw InputError(path, line, vf.column, "a number (or empty / NA for a missing value)",
                                 quote_found(vt));
            }
            v = *parsed;
        }
        if (ids_from_values) {
            value_ids->push_back(id);
            values.push_back(v);
            continue;
        }
        const auto found = index.find(id);
        if (found == index.end()) {
            throw InputError(path, line, fields[*id_col].column,
                             "the id of an area in --areas (field --id-field)", quote_found(id));
        }
        values[found->second] = v;
    }
    return out;
}

}  // namespace

IdValues read_values_for_ids(const std::string& path, const std::vector<std::string>& ids) {
    return read_values(path, ids, false);
}

IdValues read_id_values(const std::string& path) {
    return read_values(path, {}, true);
}

}  // namespace wz
