// A geocoded resident survey and house sales (cell code, year and values), checked row by row.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/synth_sources.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

struct Spec {
    std::string name;
    ColumnType type;
    bool required;
    double lo, hi;  // allowed range for numbers
};

Dataset read_records(const std::string& path, const std::string& name, const std::string& kind, const std::string& id_column,
                     const std::vector<Spec>& specs, csv::Encoding encoding) {
    const std::string data = load_text(path, encoding);
    const char delim = csv::sniff_delimiter(data);
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
    std::vector<std::string> header;
    for (const auto& f : fields) header.emplace_back(trim(f.text));
    auto index = [&](const std::string& n) -> std::optional<std::size_t> {
        auto it = std::find(header.begin(), header.end(), n);
        if (it == header.end()) return std::nullopt;
        return static_cast<std::size_t>(it - header.begin());
    };
    for (const char* req : {"code", "year"}) {
        if (!index(req)) throw InputError(path, 1, 0, fmt::format("a column '{}'", req), fmt::format("columns {}", fmt::join(header, ",")));
    }
    if (!index(id_column)) throw InputError(path, 1, 0, fmt::format("a column '{}'", id_column), fmt::format("columns {}", fmt::join(header, ",")));
    TableReadOptions read;
    read.cells = CellRules{delim == ';', false, false};
    for (const auto& h : header) {
        auto sp = std::find_if(specs.begin(), specs.end(), [&](const Spec& s) { return s.name == h; });
        if (h == "code" || h == id_column || (sp != specs.end() && sp->type == ColumnType::kText)) read.text_columns.push_back(h);
        if (h == "year" || (sp != specs.end() && sp->type == ColumnType::kInt)) read.int_columns.push_back(h);
    }
    for (const auto& s : specs) {
        if (s.required && !index(s.name)) {
            throw InputError(path, 1, 0, fmt::format("a column '{}'", s.name), fmt::format("columns {}", fmt::join(header, ",")));
        }
    }
    RecordPositions pos;
    Table raw = read_typed_records(reader, header, read, path, &pos);
    const std::size_t n = raw.row_count();
    Dataset ds;
    ds.kind = kind;
    ds.name = sanitize_dataset_name(name);
    ds.level = Level::kGrid;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    const std::size_t ci = *index("code"), yi = *index("year"), ii = *index(id_column);
    std::unordered_set<std::string> ids;
    for (std::size_t r = 0; r < n; ++r) {
        const Column& cc = raw.columns()[ci];
        auto cell = cc.is_missing(r) ? std::nullopt : parse_grid_cell(trim(cc.text_at(r)));
        if (!cell) {
            throw field_error(path, data, delim, pos.offsets[r], ci, "a 100 m cell code like E1993N3660",
                              quote_found(cc.is_missing(r) ? "" : cc.text_at(r)));
        }
        code.push_text(cell->code());
        const Column& yc = raw.columns()[yi];
        if (yc.is_missing(r) || yc.type() != ColumnType::kInt || !is_plausible_year(static_cast<long>(yc.int_at(r)))) {
            throw field_error(path, data, delim, pos.offsets[r], yi, "a year such as 2018", quote_found(yc.is_missing(r) ? "" : yc.to_text(r)));
        }
        year.push_int(yc.int_at(r));
        const Column& idc = raw.columns()[ii];
        if (idc.is_missing(r) || !ids.insert(idc.text_at(r)).second) {
            throw field_error(path, data, delim, pos.offsets[r], ii, fmt::format("a unique '{}'", id_column),
                              idc.is_missing(r) ? std::string("an empty field") : quote_found(idc.text_at(r)) + " again");
        }
    }
    for (const auto& s : specs) {
        auto at = index(s.name);
        if (!at || s.type == ColumnType::kText) continue;
        const Column& col = raw.columns()[*at];
        for (std::size_t r = 0; r < n; ++r) {
            if (col.is_missing(r)) {
                if (s.required) throw field_error(path, data, delim, pos.offsets[r], *at, fmt::format("a value for '{}'", s.name), "an empty field");
                continue;
            }
            const double v = col.number_at(r);
            if (col.type() == ColumnType::kText || !(v >= s.lo && v <= s.hi)) {
                throw field_error(path, data, delim, pos.offsets[r], *at, fmt::format("'{}' between {} and {}", s.name, s.lo, s.hi),
                                  quote_found(col.to_text(r)));
            }
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (c == ci || c == yi) continue;
        ds.table.add_column(std::move(raw.columns()[c]));
    }
    ds.meta["source"] = path;
    ds.meta["rows"] = n;
    return ds;
}

}  // namespace

Dataset import_survey(const std::string& path, const std::string& name, csv::Encoding encoding) {
    return read_records(path, name, "survey", "respondent",
                        {{"rating", ColumnType::kInt, true, 1, 10}, {"age", ColumnType::kInt, false, 0, 120}, {"owner", ColumnType::kInt, false, 0, 1}},
                        encoding);
}

Dataset import_sales(const std::string& path, const std::string& name, csv::Encoding encoding) {
    return read_records(path, name, "sales", "sale",
                        {{"price", ColumnType::kReal, true, 1, 1e9},
                         {"month", ColumnType::kInt, false, 1, 12},
                         {"floor_area", ColumnType::kReal, false, 1, 100000},
                         {"rooms", ColumnType::kInt, false, 0, 1000},
                         {"dwelling_type", ColumnType::kText, false, 0, 0},
                         {"build_year", ColumnType::kInt, false, 1000, 2100}},
                        encoding);
}

}  // namespace wz
