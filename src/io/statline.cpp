#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"

namespace wz {

std::string load_text(const std::string& path, csv::Encoding encoding, std::string* detected) {
    csv::Encoding used = encoding;
    std::string text = csv::decode_text(csv::read_file(path), encoding, path, &used);
    if (detected != nullptr) {
        *detected = used == csv::Encoding::kCp1252   ? "cp1252"
                    : used == csv::Encoding::kLatin1 ? "latin1"
                                                     : "utf-8";
    }
    return text;
}

namespace {

bool is_value_like(std::string_view text) {
    const CellRules rules{true, true, true};
    const CellMeaning m = classify_cell(text, rules);
    if (m.nil || (m.missing != Missing::kNone && m.missing != Missing::kEmpty)) return true;
    return csv::parse_number(text, true).has_value() || level_of_code(trim(text)).has_value();
}

// Header rows after the first: every field from the second on is non-empty text that is no value.
bool is_header_continuation(const std::vector<std::string>& fields) {
    for (std::size_t i = 1; i < fields.size(); ++i) {
        if (trim(fields[i]).empty() || is_value_like(fields[i])) return false;
    }
    return fields.size() > 1;
}

std::optional<int> year_of_period(std::string_view text) {
    text = trim(text);
    if (text.size() < 4) return std::nullopt;
    for (std::size_t i = 0; i < 4; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    if (text.size() > 4 && text[4] >= '0' && text[4] <= '9') return std::nullopt;
    const int year = std::stoi(std::string(text.substr(0, 4)));
    return is_plausible_year(year) ? std::optional<int>(year) : std::nullopt;
}

struct HeaderInfo {
    std::vector<std::string> names;
    std::vector<std::string> units;
    std::vector<std::string> title_lines;
    std::size_t data_offset = 0;
    long data_line = 1;
};

HeaderInfo find_header(std::string_view data, char delim) {
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    struct Rec {
        std::vector<std::string> texts;
        std::size_t end_offset;
    };
    std::vector<Rec> recs;
    while (recs.size() < 80 && reader.next(fields)) {
        Rec r;
        for (const auto& f : fields) r.texts.emplace_back(f.text);
        r.end_offset = reader.offset();
        recs.push_back(std::move(r));
    }
    std::map<std::size_t, int> counts;
    for (const auto& r : recs) {
        if (r.texts.size() >= 2) ++counts[r.texts.size()];
    }
    if (counts.empty()) return {};
    const std::size_t width = std::max_element(counts.begin(), counts.end(), [](auto& a, auto& b) {
                                  return a.second < b.second;
                              })->first;
    std::size_t h = 0;
    while (h < recs.size() && recs[h].texts.size() != width) ++h;
    HeaderInfo info;
    for (std::size_t i = 0; i < h; ++i) {
        std::string line;
        for (const auto& t : recs[i].texts) line += (line.empty() ? "" : " ") + std::string(trim(t));
        if (!line.empty()) info.title_lines.push_back(line);
    }
    std::vector<std::vector<std::string>> header_rows{recs[h].texts};
    std::size_t last = h;
    while (last + 1 < recs.size() && recs[last + 1].texts.size() == width &&
           is_header_continuation(recs[last + 1].texts)) {
        header_rows.push_back(recs[++last].texts);
    }
    info.data_offset = recs[last].end_offset;
    for (std::size_t c = 0; c < width; ++c) {
        std::vector<std::string> parts;
        for (const auto& row : header_rows) {
            std::string part(trim(row[c]));
            if (!part.empty() && (parts.empty() || parts.back() != part)) parts.push_back(part);
        }
        std::string name;
        for (const auto& p : parts) name += (name.empty() ? "" : "/") + p;
        std::string unit;
        if (!name.empty() && name.back() == ')') {
            const auto open = name.rfind(" (");
            if (open != std::string::npos) {
                unit = name.substr(open + 2, name.size() - open - 3);
                name = name.substr(0, open);
            }
        }
        if (name.empty()) name = fmt::format("column_{}", c + 1);
        info.names.push_back(name);
        info.units.push_back(unit);
    }
    // Make names unique.
    std::map<std::string, int> seen;
    for (auto& n : info.names) {
        if (++seen[n] > 1) n += fmt::format("_{}", seen[n]);
    }
    return info;
}

}  // namespace

Dataset import_statline(const std::string& path, const StatlineOptions& options) {
    std::string encoding;
    const std::string data = load_text(path, options.encoding, &encoding);
    const char delim = csv::sniff_delimiter(data);
    HeaderInfo header = find_header(data, delim);
    if (header.names.size() < 2) {
        throw InputError(path, 1, 1,
                         "a StatLine CSV table (a header row and data rows with at least two fields)",
                         "no row with two or more fields");
    }
    long data_line = 1;
    for (std::size_t i = 0; i < header.data_offset; ++i) data_line += data[i] == '\n' ? 1 : 0;

    TableReadOptions read;
    read.cells.decimal_comma = delim != ',';
    read.skip_single_field_rows = true;
    read.text_columns = options.text_columns;
    if (!options.code_column.empty()) read.text_columns.push_back(options.code_column);
    if (!options.year_column.empty()) read.text_columns.push_back(options.year_column);
    csv::Reader reader(std::string_view(data).substr(header.data_offset), delim, data_line);
    RecordPositions pos;
    Table raw = read_typed_records(reader, header.names, read, path, &pos);
    for (auto& off : pos.offsets) off += header.data_offset;
    for (std::size_t c = 0; c < raw.columns().size(); ++c) raw.columns()[c].unit = header.units[c];
    if (raw.row_count() == 0) throw InputError(path, data_line, 1, "data rows below the header", "none");

    auto column_index = [&](const std::string& name) -> std::size_t {
        for (std::size_t c = 0; c < raw.columns().size(); ++c) {
            if (raw.columns()[c].name() == name) return c;
        }
        throw UsageError(
            fmt::format("{}: no column '{}' (columns: {})", path, name, fmt::join(header.names, ", ")));
    };

    // The code column: given, or the text column whose values are area codes.
    std::size_t code_col = raw.columns().size();
    if (!options.code_column.empty()) {
        code_col = column_index(options.code_column);
    } else {
        // The text column with the largest share of area codes (at least half; a column named *cod* wins
        // ties).
        double best = 0.5;
        for (std::size_t c = 0; c < raw.columns().size(); ++c) {
            const Column& col = raw.columns()[c];
            if (col.type() != ColumnType::kText) continue;
            std::size_t present = 0;
            std::size_t codes = 0;
            for (std::size_t r = 0; r < col.size(); ++r) {
                if (col.is_missing(r)) continue;
                ++present;
                const std::string_view t = trim(col.text_at(r));
                if (level_of_code(t) && !is_code_of_level(Level::kPc4, t)) ++codes;
            }
            if (present == 0) continue;
            const double share = static_cast<double>(codes) / static_cast<double>(present) +
                                 (to_lower(col.name()).find("cod") != std::string::npos ? 1e-6 : 0.0);
            if (share >= best) {
                best = share;
                code_col = c;
            }
        }
        if (code_col == raw.columns().size()) {
            throw InputError(
                path, data_line, 0,
                "a column of area codes (NL00, PV20, GM0014, WK001400, BU00140000; or pass --code-column)",
                fmt::format("columns {}", fmt::join(header.names, ", ")));
        }
    }
    // The period column: given, named, or a text column of years.
    std::size_t year_col = raw.columns().size();
    if (!options.year_column.empty()) {
        year_col = column_index(options.year_column);
    } else {
        for (std::size_t c = 0; c < raw.columns().size() && year_col == raw.columns().size(); ++c) {
            const std::string n = to_lower(raw.columns()[c].name());
            if (c != code_col &&
                (n == "perioden" || n == "periode" || n == "jaar" || n == "year" || n == "peiljaar")) {
                year_col = c;
            }
        }
    }

    Dataset ds;
    ds.kind = "statline";
    ds.name = sanitize_dataset_name(options.name.empty() ? std::filesystem::path(path).stem().string()
                                                         : options.name);
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    code.reserve(raw.row_count());
    year.reserve(raw.row_count());
    const Column& codes_in = raw.columns()[code_col];
    std::set<Level> levels;
    for (std::size_t r = 0; r < raw.row_count(); ++r) {
        const std::string_view t = codes_in.is_missing(r) ? std::string_view() : trim(codes_in.text_at(r));
        auto level = level_of_code(t);
        if (!level) {
            throw field_error(path, data, delim, pos.offsets[r], code_col,
                              "an area code like NL00, PV20, GM0014, WK001400 or BU00140000", quote_found(t));
        }
        levels.insert(*level);
        code.push_text(std::string(t));
        if (year_col < raw.columns().size()) {
            const Column& yc = raw.columns()[year_col];
            std::optional<int> y;
            if (!yc.is_missing(r))
                y = yc.type() == ColumnType::kText ? year_of_period(yc.text_at(r))
                                                   : std::optional<int>(static_cast<int>(yc.number_at(r)));
            if (!y || !is_plausible_year(*y)) {
                throw field_error(path, data, delim, pos.offsets[r], year_col,
                                  "a period starting with a year (2017, 2017JJ00)",
                                  quote_found(yc.to_text(r)));
            }
            year.push_int(*y);
        } else if (options.year) {
            year.push_int(*options.year);
        } else {
            year.push_missing(Missing::kEmpty);
        }
    }
    // Duplicate keys.
    std::unordered_set<std::string> keys;
    for (std::size_t r = 0; r < code.size(); ++r) {
        std::string key =
            code.text_at(r) + "|" + (year.is_missing(r) ? std::string() : std::to_string(year.int_at(r)));
        if (!keys.insert(key).second) {
            throw field_error(path, data, delim, pos.offsets[r], code_col, "each area code once per period",
                              fmt::format("{} again{}", quote_found(code.text_at(r)),
                                          year.is_missing(r) ? "" : fmt::format(" for {}", year.int_at(r))));
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (std::size_t c = 0; c < raw.columns().size(); ++c) {
        if (c == code_col || c == year_col) continue;
        ds.table.add_column(std::move(raw.columns()[c]));
    }
    if (levels.size() == 1) ds.level = *levels.begin();
    ds.meta["title"] = header.title_lines;
    ds.meta["encoding"] = encoding;
    ds.meta["delimiter"] = std::string(1, delim);
    ds.meta["decimal_comma"] = delim != ',';
    nlohmann::json lv = nlohmann::json::array();
    for (Level l : levels) lv.push_back(level_name(l));
    ds.meta["levels"] = lv;
    if (year_col == raw.columns().size() && !options.year) {
        ds.meta["warning"] = "no period column and no --year: the rows have no year";
    }
    return ds;
}

}  // namespace wz
