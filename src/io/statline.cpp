#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "io/area_names.hpp"
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

// What the first field of a header row says it labels in the website's download.
enum class Dimension { kNone, kTopic, kPeriod, kRegion };

Dimension dimension_of_label(std::string_view field) {
    const std::string n = normalise_area_name(trim(field));
    for (const char* t : {"onderwerp", "onderwerpen", "topic", "topics"})
        if (n == t) return Dimension::kTopic;
    for (const char* t : {"perioden", "periode", "periods", "period"})
        if (n == t) return Dimension::kPeriod;
    for (const char* t : {"regio's", "regios", "regio", "regions", "region", "wijken en buurten", "gemeenten",
                          "gemeente", "provincies", "regio's (gemeente)"})
        if (n == t) return Dimension::kRegion;
    return Dimension::kNone;
}

struct HeaderInfo {
    std::vector<std::vector<std::string>> rows;  // the header rows as read
    std::vector<std::string> title_lines;
    std::vector<std::pair<std::string, std::string>> filters;  // "Soort misdrijf: Totaal misdrijven"
    std::size_t data_offset = 0;
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
        if (line.empty()) continue;
        const std::size_t colon = line.find(": ");
        if (colon != std::string::npos && colon > 0)
            info.filters.emplace_back(line.substr(0, colon), std::string(trim(line.substr(colon + 2))));
        else
            info.title_lines.push_back(line);
    }
    info.rows.push_back(recs[h].texts);
    std::size_t last = h;
    // Further header rows: text only, or (the website's download) rows labelled "Perioden", "Regio's", …
    // below a labelled row, even when they hold years.
    while (last + 1 < recs.size() && recs[last + 1].texts.size() == width &&
           (is_header_continuation(recs[last + 1].texts) ||
            (dimension_of_label(recs[last].texts[0]) != Dimension::kNone &&
             dimension_of_label(recs[last + 1].texts[0]) != Dimension::kNone))) {
        info.rows.push_back(recs[++last].texts);
    }
    info.data_offset = recs[last].end_offset;
    return info;
}

// Column names from header rows (the parts of each column joined with '/', repeated parts once, a
// trailing " (unit)" split off), skipping the rows in `skip`.
struct ColumnNames {
    std::vector<std::string> names, units;
};
ColumnNames column_names(const HeaderInfo& header, const std::set<std::size_t>& skip) {
    ColumnNames out;
    const std::size_t width = header.rows.front().size();
    for (std::size_t c = 0; c < width; ++c) {
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < header.rows.size(); ++i) {
            if (skip.count(i) != 0) continue;
            std::string part(trim(header.rows[i][c]));
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
        out.names.push_back(name);
        out.units.push_back(unit);
    }
    return out;
}

// Names made unique by "_2", "_3", … in order.
void make_unique(std::vector<std::string>& names) {
    std::map<std::string, int> seen;
    for (auto& n : names) {
        if (++seen[n] > 1) n += fmt::format("_{}", seen[n]);
    }
}

bool is_region_code(std::string_view t) {
    return level_of_code(t).has_value() && !is_code_of_level(Level::kPc4, t);
}

// A malformed code rather than a name: two capitals and digits ("GX0015", "GM014"), or digits only.
bool looks_like_code(std::string_view t) {
    std::size_t i = 0;
    if (t.size() >= 2 && std::isupper(static_cast<unsigned char>(t[0])) != 0 &&
        std::isupper(static_cast<unsigned char>(t[1])) != 0)
        i = 2;
    if (i == t.size()) return false;
    for (std::size_t k = i; k < t.size(); ++k)
        if (std::isdigit(static_cast<unsigned char>(t[k])) == 0) return false;
    return true;
}

// Region texts (codes or names) as area codes. `error(i, expected, found)` makes the error of entry i.
// Names go through the store's areas (options.area_names, asked once); a name that several areas bear
// is taken at the level most of the file's unambiguous names have, when exactly one of them is there.
std::vector<std::string> region_codes(
    const std::vector<std::string>& texts, int year, const StatlineOptions& options,
    const std::function<InputError(std::size_t, std::string, std::string)>& error, nlohmann::json& meta) {
    std::vector<std::string> out(texts.size());
    std::optional<AreaNameIndex> index;
    std::string names_from;
    std::vector<std::vector<std::size_t>> candidates(texts.size());
    std::map<Level, std::size_t> levels_of_unique;
    std::size_t named = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string_view t = trim(texts[i]);
        if (level_of_code(t)) {
            out[i] = std::string(t);
            continue;
        }
        if (t.empty() || looks_like_code(t))
            throw error(i, "an area code like NL00, PV20, GM0014, WK001400 or BU00140000", quote_found(t));
        if (!index) {
            if (!options.area_names)
                throw error(
                    i, "an area code like NL00, PV20, GM0014, WK001400 or BU00140000",
                    quote_found(t) + " (region names are matched through the area layers of a store)");
            auto [names, from] = options.area_names(year);
            index = std::move(names);
            names_from = std::move(from);
        }
        ++named;
        candidates[i] = index->candidates(t);
        if (candidates[i].size() == 1) ++levels_of_unique[index->areas()[candidates[i][0]].level];
    }
    if (named == 0) return out;
    std::optional<Level> usual;
    std::size_t most = 0;
    for (const auto& [level, n] : levels_of_unique)
        if (n > most) {
            most = n;
            usual = level;
        }
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (!out[i].empty()) continue;
        const std::string_view t = trim(texts[i]);
        std::vector<std::size_t> c = candidates[i];
        if (c.empty()) {
            throw error(
                i, fmt::format("a region name of the {} or an area code", names_from),
                fmt::format("{}; closest: {}", quote_found(t), fmt::join(index->closest(t, 3), ", ")));
        }
        if (c.size() > 1 && usual) {
            std::vector<std::size_t> at_usual;
            for (std::size_t k : c)
                if (index->areas()[k].level == *usual) at_usual.push_back(k);
            if (at_usual.size() == 1) c = at_usual;
        }
        if (c.size() > 1) {
            std::vector<std::string> which;
            for (std::size_t k : c) {
                const NamedArea& a = index->areas()[k];
                which.push_back(fmt::format("{} ({}, {})", a.name, a.code, level_name(a.level)));
            }
            throw error(i,
                        "a region name that means one area (CBS adds a suffix such as (gemeente) or (NH.))",
                        fmt::format("{}, the name of {}", quote_found(t), fmt::join(which, "; ")));
        }
        out[i] = index->areas()[c.front()].code;
    }
    meta["region_names"] = fmt::format("{} region names matched to codes through the {}", named, names_from);
    return out;
}

// A cell of `from` appended to `to` (same kind of value, or its missing reason).
void copy_cell(const Column& from, std::size_t r, Column& to) {
    if (from.is_missing(r)) {
        to.push_missing(from.missing_reason(r));
        return;
    }
    switch (to.type()) {
        case ColumnType::kInt:
            to.push_int(from.int_at(r));
            break;
        case ColumnType::kReal:
            to.push_real(from.number_at(r));
            break;
        default:
            to.push_text(from.to_text(r));
    }
}

// The CBS open-data JSON layout (TypedDataSet).
Dataset import_statline_json(const std::string& path, const std::string& data,
                             const StatlineOptions& options) {
    nlohmann::ordered_json doc;
    try {
        doc = nlohmann::ordered_json::parse(data);
    } catch (const nlohmann::json::parse_error& e) {
        long line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < data.size(); ++i) {
            if (data[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw InputError(path, line, col, "valid JSON (a CBS open-data TypedDataSet)", quote_found(e.what()));
    }
    const nlohmann::ordered_json* records = nullptr;
    if (doc.is_array())
        records = &doc;
    else if (doc.is_object() && doc.contains("value") && doc["value"].is_array())
        records = &doc["value"];
    if (records == nullptr || records->empty() || !records->front().is_object())
        throw InputError(path, 1, 1,
                         "a CBS open-data TypedDataSet: {\"value\": [records]} or an array of records",
                         records == nullptr ? "no 'value' array" : "no records");
    auto where = [&](std::size_t i) { return fmt::format("{}:record {}", path, i + 1); };
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < records->size(); ++i) {
        const auto& rec = (*records)[i];
        if (!rec.is_object()) throw InputError(where(i), 0, 0, "a JSON object", quote_found(rec.dump()));
        for (auto it = rec.begin(); it != rec.end(); ++it)
            if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
    }
    auto text_of = [](const nlohmann::ordered_json& v) {
        return v.is_string() ? std::string(trim(v.get<std::string>()))
               : v.is_null() ? std::string()
                             : v.dump();
    };
    // the region key: given, or the key whose values are mostly area codes ("RegioS", "WijkenEnBuurten")
    std::string region_key = options.code_column, period_key = options.year_column;
    if (region_key.empty()) {
        double best = 0.5;
        for (const std::string& k : keys) {
            std::size_t codes = 0, present = 0;
            for (const auto& rec : *records) {
                if (!rec.contains(k) || !rec[k].is_string()) continue;
                ++present;
                codes += is_region_code(trim(rec[k].get<std::string>())) ? 1 : 0;
            }
            if (present > 0 && static_cast<double>(codes) / static_cast<double>(present) >= best) {
                best = static_cast<double>(codes) / static_cast<double>(present);
                region_key = k;
            }
        }
        for (const char* k : {"RegioS", "WijkenEnBuurten", "Gemeenten", "Regio", "Regios"})
            if (region_key.empty() && std::find(keys.begin(), keys.end(), k) != keys.end()) region_key = k;
    }
    if (region_key.empty() || std::find(keys.begin(), keys.end(), region_key) == keys.end())
        throw InputError(path, 1, 1, "a key of area codes (RegioS, WijkenEnBuurten; or pass --code-column)",
                         fmt::format("keys {}", fmt::join(keys, ", ")));
    if (period_key.empty())
        for (const char* k : {"Perioden", "Periode", "Jaar"})
            if (std::find(keys.begin(), keys.end(), k) != keys.end()) period_key = k;

    Dataset ds;
    ds.kind = "statline";
    ds.name = sanitize_dataset_name(options.name.empty() ? std::filesystem::path(path).stem().string()
                                                         : options.name);
    Column year("year", ColumnType::kInt);
    std::vector<std::string> regions;
    int latest = options.year.value_or(0);
    for (std::size_t i = 0; i < records->size(); ++i) {
        const auto& rec = (*records)[i];
        regions.push_back(rec.contains(region_key) ? text_of(rec[region_key]) : std::string());
        if (!period_key.empty()) {
            const std::string p = rec.contains(period_key) ? text_of(rec[period_key]) : std::string();
            const auto y = year_of_period(p);
            if (!y)
                throw InputError(where(i), 0, 0, fmt::format("a period in '{}' (2018JJ00)", period_key),
                                 quote_found(p));
            year.push_int(*y);
            latest = std::max(latest, *y);
        } else if (options.year) {
            year.push_int(*options.year);
        } else {
            year.push_missing(Missing::kEmpty);
        }
    }
    std::vector<std::string> codes = region_codes(
        regions, latest, options,
        [&](std::size_t i, std::string expected, std::string found) {
            return InputError(where(i) + ":" + region_key, 0, 0, std::move(expected), std::move(found));
        },
        ds.meta);
    std::set<Level> levels;
    for (const std::string& c : codes) levels.insert(*level_of_code(c));
    ds.table.add_column(Column::of_texts("code", codes));
    ds.table.add_column(std::move(year));
    for (const std::string& k : keys) {
        if (k == region_key || k == period_key || k == "ID") continue;
        bool numbers = true, integers = true;
        for (const auto& rec : *records) {
            if (!rec.contains(k) || rec[k].is_null()) continue;
            numbers = numbers && rec[k].is_number();
            integers = integers && rec[k].is_number_integer();
        }
        const bool text = std::find(options.text_columns.begin(), options.text_columns.end(), k) !=
                          options.text_columns.end();
        Column col(k, text || !numbers ? ColumnType::kText : integers ? ColumnType::kInt : ColumnType::kReal);
        for (const auto& rec : *records) {
            if (!rec.contains(k) || rec[k].is_null()) {
                col.push_missing(Missing::kNotAvailable);
            } else if (col.type() == ColumnType::kInt) {
                col.push_int(rec[k].get<std::int64_t>());
            } else if (col.type() == ColumnType::kReal) {
                col.push_real(rec[k].get<double>());
            } else {
                col.push_text(text_of(rec[k]));
            }
        }
        ds.table.add_column(std::move(col));
    }
    std::unordered_set<std::string> seen;
    const Column& y = ds.table.column("year");
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const std::string key =
            codes[i] + "|" + (y.is_missing(i) ? std::string() : std::to_string(y.int_at(i)));
        if (!seen.insert(key).second)
            throw InputError(where(i), 0, 0, "each area once per period", quote_found(codes[i]) + " again");
    }
    if (levels.size() == 1) ds.level = *levels.begin();
    ds.meta["layout"] = "CBS open data (TypedDataSet JSON)";
    ds.meta["encoding"] = "utf-8";
    nlohmann::json lv = nlohmann::json::array();
    for (Level l : levels) lv.push_back(level_name(l));
    ds.meta["levels"] = lv;
    return ds;
}

}  // namespace

Dataset import_statline(const std::string& path, const StatlineOptions& options) {
    std::string encoding;
    const std::string data = load_text(path, options.encoding, &encoding);
    {
        const std::string_view head =
            trim(std::string_view(data).substr(0, std::min<std::size_t>(data.size(), 64)));
        if (!head.empty() && (head.front() == '{' || head.front() == '['))
            return import_statline_json(path, data, options);
    }
    const char delim = csv::sniff_delimiter(data);
    const HeaderInfo header = find_header(data, delim);
    if (header.rows.empty() || header.rows.front().size() < 2) {
        throw InputError(path, 1, 1,
                         "a StatLine CSV table (a header row and data rows with at least two fields)",
                         "no row with two or more fields");
    }
    long data_line = 1;
    for (std::size_t i = 0; i < header.data_offset; ++i) data_line += data[i] == '\n' ? 1 : 0;
    const std::size_t width = header.rows.front().size();

    // Periods across: a header row labelled "Perioden" whose fields after the first are all periods.
    std::optional<std::size_t> period_row, unit_row;
    for (std::size_t i = 0; i < header.rows.size() && !period_row; ++i) {
        if (dimension_of_label(header.rows[i][0]) != Dimension::kPeriod) continue;
        bool all = true;
        for (std::size_t c = 1; c < width; ++c) all = all && year_of_period(header.rows[i][c]).has_value();
        if (all) period_row = i;
    }
    std::set<std::size_t> skip;
    if (period_row) {
        skip.insert(*period_row);
        // the row labelled with the regions' dimension, last, holds the units ("aantal")
        if (header.rows.size() > 1 && header.rows.size() - 1 != *period_row &&
            dimension_of_label(header.rows.back()[0]) == Dimension::kRegion) {
            unit_row = header.rows.size() - 1;
            skip.insert(*unit_row);
        }
    }
    ColumnNames cn = column_names(header, skip);
    if (unit_row)
        for (std::size_t c = 1; c < width; ++c) cn.units[c] = std::string(trim(header.rows[*unit_row][c]));
    if (period_row) {
        // the region column is named by the dimension's label ("Regio's")
        cn.names[0] = std::string(trim(header.rows[unit_row.value_or(header.rows.size() - 1)][0]));
        if (cn.names[0].empty()) cn.names[0] = "region";
    }
    std::vector<std::string> read_names = cn.names;
    if (period_row)
        for (std::size_t c = 0; c < width; ++c)
            read_names[c] = fmt::format("c{}", c);  // topics repeat per period
    else
        make_unique(read_names);

    TableReadOptions read;
    read.cells.decimal_comma = delim != ',';
    read.skip_single_field_rows = true;
    read.text_columns = options.text_columns;
    if (!options.code_column.empty()) read.text_columns.push_back(options.code_column);
    if (!options.year_column.empty()) read.text_columns.push_back(options.year_column);
    if (period_row) read.text_columns = {"c0"};
    csv::Reader reader(std::string_view(data).substr(header.data_offset), delim, data_line);
    RecordPositions pos;
    Table raw = read_typed_records(reader, read_names, read, path, &pos);
    for (auto& off : pos.offsets) off += header.data_offset;
    for (std::size_t c = 0; c < raw.columns().size(); ++c) raw.columns()[c].unit = cn.units[c];
    if (raw.row_count() == 0) throw InputError(path, data_line, 1, "data rows below the header", "none");

    auto column_index = [&](const std::string& name) -> std::size_t {
        for (std::size_t c = 0; c < raw.columns().size(); ++c) {
            if (raw.columns()[c].name() == name) return c;
        }
        throw UsageError(
            fmt::format("{}: no column '{}' (columns: {})", path, name, fmt::join(cn.names, ", ")));
    };

    // The region column: given; the text column of area codes; else the column of region names (labelled
    // "Regio's" and the like, or the first text column).
    std::size_t code_col = raw.columns().size();
    if (period_row) {
        code_col = 0;
    } else if (!options.code_column.empty()) {
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
                if (is_region_code(trim(col.text_at(r)))) ++codes;
            }
            if (present == 0) continue;
            const double share = static_cast<double>(codes) / static_cast<double>(present) +
                                 (to_lower(col.name()).find("cod") != std::string::npos ? 1e-6 : 0.0);
            if (share >= best) {
                best = share;
                code_col = c;
            }
        }
        for (std::size_t c = 0; c < raw.columns().size() && code_col == raw.columns().size(); ++c)
            if (raw.columns()[c].type() == ColumnType::kText &&
                dimension_of_label(raw.columns()[c].name()) == Dimension::kRegion)
                code_col = c;
        if (code_col == raw.columns().size() && options.area_names &&
            raw.columns()[0].type() == ColumnType::kText)
            code_col = 0;
        if (code_col == raw.columns().size()) {
            throw InputError(
                path, data_line, 0,
                "a column of area codes (NL00, PV20, GM0014, WK001400, BU00140000; or pass --code-column)",
                fmt::format("columns {}", fmt::join(cn.names, ", ")));
        }
    }
    // The period column (periods down): given, named, or a text column of years.
    std::size_t year_col = raw.columns().size();
    if (period_row) {
        // none: the periods are in the header
    } else if (!options.year_column.empty()) {
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
    // The years of the rows (periods down), checked, and the latest period of the file.
    std::vector<std::optional<int>> row_year(raw.row_count());
    int latest = options.year.value_or(0);
    if (year_col < raw.columns().size()) {
        const Column& yc = raw.columns()[year_col];
        for (std::size_t r = 0; r < raw.row_count(); ++r) {
            std::optional<int> y;
            if (!yc.is_missing(r))
                y = yc.type() == ColumnType::kText ? year_of_period(yc.text_at(r))
                                                   : std::optional<int>(static_cast<int>(yc.number_at(r)));
            if (!y || !is_plausible_year(*y)) {
                throw field_error(path, data, delim, pos.offsets[r], year_col,
                                  "a period starting with a year (2017, 2017JJ00)",
                                  quote_found(yc.to_text(r)));
            }
            row_year[r] = y;
            latest = std::max(latest, *y);
        }
    }
    std::vector<int> across_year(width, 0);
    if (period_row)
        for (std::size_t c = 1; c < width; ++c) {
            across_year[c] = *year_of_period(header.rows[*period_row][c]);
            latest = std::max(latest, across_year[c]);
        }

    const Column& regions_in = raw.columns()[code_col];
    std::vector<std::string> region_texts(raw.row_count());
    for (std::size_t r = 0; r < raw.row_count(); ++r)
        region_texts[r] = regions_in.is_missing(r) ? std::string() : regions_in.to_text(r);
    const std::vector<std::string> row_code = region_codes(
        region_texts, latest, options,
        [&](std::size_t r, std::string expected, std::string found) {
            return field_error(path, data, delim, pos.offsets[r], code_col, std::move(expected),
                               std::move(found));
        },
        ds.meta);

    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    std::vector<std::size_t> source_row;  // the raw row of each output row (for errors)
    std::vector<Column> values;
    if (period_row) {
        // One output row per region and period; one column per topic (a topic named twice under one
        // period is two topics: "_2").
        std::vector<int> periods(across_year.begin() + 1, across_year.end());
        std::sort(periods.begin(), periods.end());
        periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
        std::vector<std::string> topics;
        std::map<std::pair<std::size_t, int>, std::size_t> column_of;  // (topic, year) -> raw column
        std::map<std::pair<std::string, int>, int> uses;               // (name, year) -> times seen
        for (std::size_t c = 1; c < width; ++c) {
            const int n = ++uses[{cn.names[c], across_year[c]}];
            const std::string topic = n == 1 ? cn.names[c] : fmt::format("{}_{}", cn.names[c], n);
            auto it = std::find(topics.begin(), topics.end(), topic);
            if (it == topics.end()) it = topics.insert(topics.end(), topic);
            column_of[{static_cast<std::size_t>(it - topics.begin()), across_year[c]}] = c;
        }
        for (std::size_t t = 0; t < topics.size(); ++t) {
            bool ints = true, numbers = true;
            std::string unit;
            for (int y : periods) {
                const auto it = column_of.find({t, y});
                if (it == column_of.end()) continue;
                const Column& col = raw.columns()[it->second];
                ints = ints && col.type() == ColumnType::kInt;
                numbers = numbers && col.type() != ColumnType::kText;
                if (unit.empty()) unit = col.unit;
            }
            values.emplace_back(topics[t], ints      ? ColumnType::kInt
                                           : numbers ? ColumnType::kReal
                                                     : ColumnType::kText);
            values.back().unit = unit;
        }
        for (std::size_t r = 0; r < raw.row_count(); ++r)
            for (int y : periods) {
                code.push_text(row_code[r]);
                year.push_int(y);
                source_row.push_back(r);
                for (std::size_t t = 0; t < topics.size(); ++t) {
                    const auto it = column_of.find({t, y});
                    if (it == column_of.end())
                        values[t].push_missing(Missing::kNotAvailable);
                    else
                        copy_cell(raw.columns()[it->second], r, values[t]);
                }
            }
        ds.meta["layout"] = "periods across";
    } else {
        for (std::size_t r = 0; r < raw.row_count(); ++r) {
            code.push_text(row_code[r]);
            source_row.push_back(r);
            if (row_year[r])
                year.push_int(*row_year[r]);
            else if (options.year)
                year.push_int(*options.year);
            else
                year.push_missing(Missing::kEmpty);
        }
        for (std::size_t c = 0; c < raw.columns().size(); ++c)
            if (c != code_col && c != year_col) values.push_back(std::move(raw.columns()[c]));
        ds.meta["layout"] = year_col < raw.columns().size() ? "periods down" : "one period";
    }
    // Duplicate keys.
    std::unordered_set<std::string> keys;
    std::set<Level> levels;
    for (std::size_t i = 0; i < code.size(); ++i) {
        levels.insert(*level_of_code(code.text_at(i)));
        std::string key =
            code.text_at(i) + "|" + (year.is_missing(i) ? std::string() : std::to_string(year.int_at(i)));
        if (!keys.insert(key).second) {
            throw field_error(path, data, delim, pos.offsets[source_row[i]], code_col,
                              "each area code once per period",
                              fmt::format("{} again{}", quote_found(code.text_at(i)),
                                          year.is_missing(i) ? "" : fmt::format(" for {}", year.int_at(i))));
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (Column& v : values) ds.table.add_column(std::move(v));
    if (levels.size() == 1) ds.level = *levels.begin();
    ds.meta["title"] = header.title_lines;
    if (!header.filters.empty()) {
        nlohmann::json f = nlohmann::json::object();
        for (const auto& [k, v] : header.filters) f[k] = v;
        ds.meta["filters"] = f;
    }
    ds.meta["encoding"] = encoding;
    ds.meta["delimiter"] = std::string(1, delim);
    ds.meta["decimal_comma"] = delim != ',';
    nlohmann::json lv = nlohmann::json::array();
    for (Level l : levels) lv.push_back(level_name(l));
    ds.meta["levels"] = lv;
    if (!period_row && year_col == raw.columns().size() && !options.year) {
        ds.meta["warning"] = "no period column and no --year: the rows have no year";
    }
    return ds;
}

}  // namespace wz
