#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "INW2000" -> ("INW", 2000); "I2011_014" -> ("I_014", 2011); "MAN_2011" -> ("MAN", 2011).
std::optional<std::pair<std::string, int>> split_year(const std::string& name) {
    for (std::size_t i = 0; i + 4 <= name.size(); ++i) {
        if (!(name.compare(i, 2, "19") == 0 || name.compare(i, 2, "20") == 0)) continue;
        if (!is_digit(name[i + 2]) || !is_digit(name[i + 3])) continue;
        if (i > 0 && is_digit(name[i - 1])) continue;
        if (i + 4 < name.size() && is_digit(name[i + 4])) continue;
        std::string var = name.substr(0, i) + name.substr(i + 4);
        std::string clean;
        for (char c : var) {
            if (c == '_' && (clean.empty() || clean.back() == '_')) continue;
            clean.push_back(c);
        }
        while (!clean.empty() && clean.back() == '_') clean.pop_back();
        if (clean.empty()) return std::nullopt;
        return std::make_pair(clean, std::stoi(name.substr(i, 4)));
    }
    return std::nullopt;
}

bool is_dropped_column(const std::string& name) {
    const std::string n = to_lower(name);
    return n.empty() || n.rfind("column_", 0) == 0 || n == "objectid" || n == "fid" || n == "geometry" ||
           n == "wkt" || n == "geom" || n == "x" || n == "y" || n == "shape_area" || n == "shape_length";
}

}  // namespace

Dataset import_grid_stats(const std::string& path, const GridStatsOptions& options) {
    const std::string data = load_text(path, options.encoding);
    const char delim = csv::sniff_delimiter(data);
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields) || fields.size() < 2) {
        throw InputError(path, 1, 1, "a header row of CBS grid statistics (C28992R100, INW2014, ...)",
                         "no header");
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string n(trim(fields[i].text));
        names.push_back(n.empty() ? fmt::format("column_{}", i + 1) : n);
    }
    // The cell code column.
    std::size_t code_col = names.size();
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string n = to_lower(names[i]);
        if (n == "c28992r100" || n == "vierkant" || n == "crs28992res100m" || n == "code" || n == "cell") {
            code_col = i;
            break;
        }
    }
    if (code_col == names.size()) {
        throw InputError(path, 1, 1, "a cell code column (C28992R100, crs28992res100m, vierkant or code)",
                         fmt::format("columns {}", fmt::join(names, ", ")));
    }
    TableReadOptions read;
    read.cells = CellRules{false, false, true};
    read.text_columns = {names[code_col]};
    for (const auto& n : names) {
        if (is_dropped_column(n)) read.text_columns.push_back(n);
    }
    RecordPositions pos;
    Table raw = read_typed_records(reader, names, read, path, &pos);

    // Variables and years from the column names.
    struct Source {
        std::size_t column;
        std::string var;
        int year;
    };
    std::vector<Source> sources;
    std::vector<std::string> static_columns;
    std::vector<std::string> dropped;
    int max_year = 0;
    for (std::size_t c = 0; c < names.size(); ++c) {
        if (c == code_col) continue;
        if (is_dropped_column(names[c])) {
            dropped.push_back(names[c]);
            continue;
        }
        if (auto split = split_year(names[c])) {
            sources.push_back({c, split->first, split->second});
            max_year = std::max(max_year, split->second);
        } else {
            sources.push_back({c, names[c], -1});
            static_columns.push_back(names[c]);
        }
    }
    if (max_year == 0 && !options.static_year) {
        throw InputError(path, 1, 0, "columns with a year in their name (INW2014) or --year",
                         "no year in any column name");
    }
    const int static_year = options.static_year.value_or(max_year);
    for (auto& s : sources) {
        if (s.year < 0) s.year = static_year;
    }
    std::vector<std::string> vars;
    std::vector<int> years;
    for (const auto& s : sources) {
        if (std::find(vars.begin(), vars.end(), s.var) == vars.end()) vars.push_back(s.var);
        if (std::find(years.begin(), years.end(), s.year) == years.end()) years.push_back(s.year);
    }
    std::sort(years.begin(), years.end());
    // (var index, year index) -> source column
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> where;
    for (const auto& s : sources) {
        const auto vi = static_cast<std::size_t>(std::find(vars.begin(), vars.end(), s.var) - vars.begin());
        const auto yi =
            static_cast<std::size_t>(std::find(years.begin(), years.end(), s.year) - years.begin());
        if (!where.emplace(std::make_pair(vi, yi), s.column).second) {
            throw InputError(path, 1, 0, fmt::format("one column for {} in {}", s.var, s.year),
                             fmt::format("two ({} and {})", names[where[{vi, yi}]], names[s.column]));
        }
    }

    // Cells: checked and unique.
    const Column& code_in = raw.columns()[code_col];
    std::vector<std::string> cells(raw.row_count());
    std::unordered_set<std::string> seen;
    for (std::size_t r = 0; r < raw.row_count(); ++r) {
        const std::string_view t = code_in.is_missing(r) ? std::string_view() : trim(code_in.text_at(r));
        auto cell = parse_grid_cell(t);
        if (!cell) {
            throw field_error(path, data, delim, pos.offsets[r], code_col,
                              "a 100 m cell code like E2269N5800", quote_found(t));
        }
        cells[r] = cell->code();
        if (!seen.insert(cells[r]).second) {
            throw field_error(path, data, delim, pos.offsets[r], code_col, "each cell once",
                              quote_found(t) + " again");
        }
    }

    Dataset ds;
    ds.kind = "grid-stats";
    ds.name = sanitize_dataset_name(options.name);
    ds.level = Level::kGrid;
    const std::size_t rows = raw.row_count() * years.size();
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    code.reserve(rows);
    year.reserve(rows);
    std::vector<Column> out;
    out.reserve(vars.size());
    for (std::size_t vi = 0; vi < vars.size(); ++vi) {
        // A variable published as categories ("40% tot 60%") is text; counts and amounts are numbers.
        bool text = false;
        for (const auto& [key, col] : where)
            text = text || (key.first == vi && raw.columns()[col].type() == ColumnType::kText);
        out.emplace_back(vars[vi], text ? ColumnType::kText : ColumnType::kReal);
        out.back().reserve(rows);
    }
    for (std::size_t r = 0; r < raw.row_count(); ++r) {
        for (std::size_t yi = 0; yi < years.size(); ++yi) {
            code.push_text(cells[r]);
            year.push_int(years[yi]);
            for (std::size_t vi = 0; vi < vars.size(); ++vi) {
                auto it = where.find({vi, yi});
                if (it == where.end()) {
                    out[vi].push_missing(Missing::kEmpty);
                    continue;
                }
                const Column& src = raw.columns()[it->second];
                if (src.is_missing(r)) {
                    out[vi].push_missing(src.missing_reason(r));
                } else if (out[vi].type() == ColumnType::kText) {
                    out[vi].push_text(src.to_text(r));
                } else {
                    out[vi].push_real(src.number_at(r));
                }
            }
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (auto& c : out) ds.table.add_column(std::move(c));
    ds.meta["cells"] = raw.row_count();
    ds.meta["dropped_columns"] = dropped;
    ds.meta["static_columns"] = static_columns;
    ds.meta["static_columns_year"] = static_year;
    nlohmann::json missing = nlohmann::json::object();
    for (int k = 1; k < kMissingKinds; ++k) {
        std::size_t n = 0;
        for (std::size_t c = 2; c < ds.table.columns().size(); ++c)
            n += ds.table.columns()[c].missing_count(static_cast<Missing>(k));
        if (n > 0) missing[std::string(missing_name(static_cast<Missing>(k)))] = n;
    }
    ds.meta["missing"] = missing;
    return ds;
}

}  // namespace wz
