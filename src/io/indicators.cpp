// Indicator values per cell and year, and indicator metadata.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/importers.hpp"
#include "io/synth_sources.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

std::optional<int> year_in_name(const std::string& path) {
    const std::string stem = std::filesystem::path(path).stem().string();
    std::optional<int> found;
    for (std::size_t i = 0; i + 4 <= stem.size(); ++i) {
        if (!std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(i), stem.begin() + static_cast<std::ptrdiff_t>(i + 4),
                         [](char ch) { return ch >= '0' && ch <= '9'; })) {
            continue;
        }
        if (i > 0 && stem[i - 1] >= '0' && stem[i - 1] <= '9') continue;
        if (i + 4 < stem.size() && stem[i + 4] >= '0' && stem[i + 4] <= '9') continue;
        const int y = std::stoi(stem.substr(i, 4));
        if (is_plausible_year(y)) found = y;
    }
    return found;
}

// A code of a grid cell (canonical E####N####) or an area.
std::optional<std::string> canonical_code(std::string_view text) {
    text = trim(text);
    if (auto cell = parse_grid_cell(text)) return cell->code();
    if (level_of_code(text)) return std::string(text);
    return std::nullopt;
}

}  // namespace

Dataset import_indicators(const std::vector<std::string>& paths, const IndicatorOptions& options) {
    if (paths.empty()) throw UsageError("import indicators: at least one file");
    Dataset ds;
    ds.kind = "indicators";
    ds.name = sanitize_dataset_name(options.name);
    std::vector<std::string> names;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    std::vector<Column> values;
    std::optional<Level> level;
    bool mixed = false;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& path : paths) {
        const std::optional<int> y = options.year ? options.year : year_in_name(path);
        if (!y) throw UsageError(fmt::format("{}: no year in the file name; pass --year", path));
        const std::string data = load_text(path, options.encoding);
        const char delim = csv::sniff_delimiter(data);
        csv::Reader reader(data, delim);
        std::vector<csv::Field> fields;
        if (!reader.next(fields) || fields.size() < 2) {
            throw InputError(path, 1, 1, "a header 'code,ind001,ind002,...'", "no header with two or more columns");
        }
        std::vector<std::string> header;
        for (const auto& f : fields) header.emplace_back(trim(f.text));
        const std::string first = header[0];
        if (first != "code" && first != "C28992R100" && first != "cell") {
            throw InputError(path, 1, 1, "the code column first ('code')", quote_found(first));
        }
        header[0] = "code";
        if (names.empty()) {
            names = header;
            for (std::size_t c = 1; c < names.size(); ++c) {
                if (names[c].empty()) throw InputError(path, 1, fields[c].column, "an indicator name", "an empty header field");
                values.emplace_back(names[c], ColumnType::kReal);
            }
        } else if (header != names) {
            throw InputError(path, 1, 1, fmt::format("the same columns as {} ({} columns)", paths.front(), names.size()),
                             fmt::format("{} columns starting {}", header.size(), quote_found(fmt::format("{}", fmt::join(header, ",")))));
        }
        TableReadOptions read;
        read.cells = CellRules{delim == ';', false, false};
        read.text_columns = {"code"};
        RecordPositions pos;
        Table raw = read_typed_records(reader, header, read, path, &pos);
        for (std::size_t c = 1; c < header.size(); ++c) {
            if (raw.columns()[c].type() != ColumnType::kReal && raw.columns()[c].type() != ColumnType::kInt) {
                // A column with text somewhere: name the first offending row.
                const Column& col = raw.columns()[c];
                for (std::size_t r = 0; r < col.size(); ++r) {
                    if (!col.is_missing(r) && !csv::parse_number(col.text_at(r), delim == ';')) {
                        throw field_error(path, data, delim, pos.offsets[r], c, fmt::format("a number in column '{}'", header[c]),
                                          quote_found(col.text_at(r)));
                    }
                }
            }
        }
        std::unordered_set<std::string> seen;
        const Column& codes = raw.columns()[0];
        code.reserve(code.size() + raw.row_count());
        for (std::size_t r = 0; r < raw.row_count(); ++r) {
            if (r % 4096 == 4095) check_cancelled();
            auto cc = codes.is_missing(r) ? std::nullopt : canonical_code(codes.text_at(r));
            if (!cc) {
                throw field_error(path, data, delim, pos.offsets[r], 0, "a cell code like E1993N3660 or an area code",
                                  quote_found(codes.is_missing(r) ? "" : codes.text_at(r)));
            }
            if (!seen.insert(*cc).second) throw field_error(path, data, delim, pos.offsets[r], 0, "each code once per file", quote_found(*cc) + " again");
            const auto l = level_of_code(*cc);
            if (level && l != level) mixed = true;
            level = l;
            code.push_text(std::move(*cc));
            year.push_int(*y);
        }
        // The values column by column (contiguous copies; a cancel is seen after each column).
        std::vector<double> converted;
        for (std::size_t c = 1; c < header.size(); ++c) {
            check_cancelled();
            const Column& src = raw.columns()[c];
            const std::size_t n = src.size();
            converted.resize(n);
            for (std::size_t r = 0; r < n; ++r) converted[r] = src.number_at(r);  // NaN where missing
            values[c - 1].append_block(converted.data(), src.status().data(), n);
        }
        files.push_back({{"file", path}, {"year", *y}, {"rows", raw.row_count()}});
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (auto& v : values) ds.table.add_column(std::move(v));
    if (!mixed) ds.level = level;
    ds.meta["files"] = files;
    ds.meta["indicators"] = names.size() - 1;
    return ds;
}

Dataset import_indicator_meta(const std::string& path, csv::Encoding encoding) {
    const std::string data = load_text(path, encoding);
    const char delim = csv::sniff_delimiter(data);
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
    std::vector<std::string> header;
    for (const auto& f : fields) header.emplace_back(trim(f.text));
    const std::vector<std::string> required{"id", "name", "dimension_lbm2", "dimension_lbm3", "transform"};
    std::vector<std::size_t> at;
    for (const auto& r : required) {
        auto it = std::find(header.begin(), header.end(), r);
        if (it == header.end()) {
            throw InputError(path, 1, 0, fmt::format("a column '{}' (id,name,dimension_lbm2,dimension_lbm3,transform)", r),
                             fmt::format("columns {}", fmt::join(header, ",")));
        }
        at.push_back(static_cast<std::size_t>(it - header.begin()));
    }
    TableReadOptions read;
    read.cells = CellRules{false, false, false};
    read.text_columns = header;
    RecordPositions pos;
    Table raw = read_typed_records(reader, header, read, path, &pos);
    const std::vector<std::vector<std::string>> allowed{
        {}, {}, {"won", "bev", "vrz", "vei", "fys"}, {"won", "fys", "vrz", "soc", "onv"}, {"identity", "log", "logit", "sqrt"}};
    std::unordered_set<std::string> ids;
    Dataset ds;
    ds.kind = "indicator-meta";
    ds.name = "indicator_meta";
    for (std::size_t k = 0; k < required.size(); ++k) ds.table.add_column(required[k], ColumnType::kText);
    for (std::size_t r = 0; r < raw.row_count(); ++r) {
        for (std::size_t k = 0; k < required.size(); ++k) {
            const Column& col = raw.columns()[at[k]];
            const std::string v = col.is_missing(r) ? std::string() : std::string(trim(col.text_at(r)));
            if (v.empty()) throw field_error(path, data, delim, pos.offsets[r], at[k], fmt::format("a value for '{}'", required[k]), "an empty field");
            if (!allowed[k].empty() && std::find(allowed[k].begin(), allowed[k].end(), v) == allowed[k].end()) {
                throw field_error(path, data, delim, pos.offsets[r], at[k], fmt::format("one of {}", fmt::join(allowed[k], ", ")), quote_found(v));
            }
            if (k == 0 && !ids.insert(v).second) throw field_error(path, data, delim, pos.offsets[r], at[k], "each id once", quote_found(v) + " again");
            ds.table.columns()[k].push_text(v);
        }
    }
    if (ds.table.row_count() == 0) throw InputError(path, 2, 1, "at least one indicator", "no rows");
    return ds;
}

}  // namespace wz
