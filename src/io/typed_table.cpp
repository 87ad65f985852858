#include "io/typed_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/codes.hpp"
#include "core/error.hpp"

namespace wz {

CellMeaning classify_cell(std::string_view text, const CellRules& rules) {
    if (text.empty()) return {Missing::kEmpty, false};
    // Symbols are short; numbers are the hot path and start with a digit.
    if (text.size() <= 7 && (text[0] < '0' || text[0] > '9')) {
        const std::string_view t = trim(text);
        if (t.empty()) return {Missing::kEmpty, false};
        if (rules.statline_symbols) {
            if (t == ".") return {Missing::kNotAvailable, false};
            if (t == "x" || t == "X") return {Missing::kSecret, false};
            if (t == "?") return {Missing::kUncertain, false};
            if (t == "-") return {Missing::kNone, true};
        }
        if (rules.cbs_secrecy) {
            if (t == "-99997") return {Missing::kSecret99997, false};
            if (t == "-99998") return {Missing::kSecret99998, false};
            if (t == "geheim") return {Missing::kGeheim, false};
            if (t == "nihil") return {Missing::kNone, true};
        }
    }
    return {Missing::kNone, false};
}

namespace {

struct OwnedRecord {
    std::size_t offset;
    long line;
    std::vector<std::string> texts;
    std::vector<std::uint32_t> columns;
};

bool contains(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

class TableBuilder {
public:
    TableBuilder(const std::vector<std::string>& names, std::vector<ColumnType> types, const TableReadOptions& options,
                 std::string source)
        : options_(options), source_(std::move(source)) {
        for (std::size_t i = 0; i < names.size(); ++i) table_.add_column(names[i], types[i]);
    }

    template <typename GetText, typename GetColumn>
    void add_record(long line, std::size_t field_count, GetText text_of, GetColumn column_of) {
        auto& cols = table_.columns();
        if (field_count > cols.size()) {
            throw InputError(source_, line, column_of(cols.size()), fmt::format("{} fields (as in the header)", cols.size()),
                             fmt::format("{} fields", field_count));
        }
        if (field_count < cols.size() && !options_.allow_short_rows) {
            throw InputError(source_, line, 0, fmt::format("{} fields (as in the header)", cols.size()),
                             fmt::format("{} fields", field_count));
        }
        for (std::size_t c = 0; c < cols.size(); ++c) {
            Column& col = cols[c];
            if (c >= field_count) {
                col.push_missing(Missing::kEmpty);
                continue;
            }
            const std::string_view text = text_of(c);
            if (col.type() == ColumnType::kText) {
                // Text columns (categories such as "40% tot 60%") still carry the CBS secrecy values.
                const Missing why = text.empty() ? Missing::kEmpty : classify_cell(text, options_.cells).missing;
                if (why == Missing::kEmpty || why == Missing::kSecret99997 || why == Missing::kSecret99998 ||
                    why == Missing::kGeheim) {
                    col.push_missing(why);
                } else {
                    col.push_text(std::string(text));
                }
                continue;
            }
            const CellMeaning meaning = classify_cell(text, options_.cells);
            if (meaning.missing != Missing::kNone) {
                col.push_missing(meaning.missing);
                continue;
            }
            if (meaning.nil) {
                col.push_int(0);
                continue;
            }
            if (col.type() == ColumnType::kInt) {
                auto v = csv::parse_integer(text);
                if (!v) {
                    throw InputError(source_, line, column_of(c), fmt::format("an integer in column '{}'", col.name()),
                                     quote_found(text));
                }
                col.push_int(*v);
                continue;
            }
            auto v = csv::parse_number(text, options_.cells.decimal_comma);
            if (!v) {
                throw InputError(source_, line, column_of(c),
                                 fmt::format("a number or a CBS symbol (. x ? -) in column '{}' (if the column holds "
                                             "text, pass --text-column '{}')",
                                             col.name(), col.name()),
                                 quote_found(text));
            }
            col.push_real(*v);
        }
    }

    Table take() { return std::move(table_); }

private:
    Table table_;
    const TableReadOptions& options_;
    std::string source_;
};

bool is_blank_record(const std::vector<csv::Field>& fields) {
    return fields.size() == 1 && trim(fields[0].text).empty();
}

}  // namespace

Table read_typed_records(csv::Reader& reader, const std::vector<std::string>& names, const TableReadOptions& options,
                         const std::string& source, RecordPositions* positions) {
    // 1. Sample records to decide which columns are numeric.
    std::vector<OwnedRecord> sample;
    std::vector<csv::Field> fields;
    bool more = true;
    while (sample.size() < options.sample_rows) {
        const std::size_t offset = reader.offset();
        if (!reader.next(fields)) {
            more = false;
            break;
        }
        if (is_blank_record(fields)) continue;
        if (options.skip_single_field_rows && fields.size() == 1 && names.size() > 1) continue;
        OwnedRecord rec{offset, reader.line(), {}, {}};
        for (const auto& f : fields) {
            rec.texts.emplace_back(f.text);
            rec.columns.push_back(f.column);
        }
        sample.push_back(std::move(rec));
    }
    std::vector<ColumnType> types(names.size(), ColumnType::kReal);
    for (std::size_t c = 0; c < names.size(); ++c) {
        if (contains(options.text_columns, names[c])) {
            types[c] = ColumnType::kText;
            continue;
        }
        if (contains(options.int_columns, names[c])) {
            types[c] = ColumnType::kInt;
            continue;
        }
        for (const auto& rec : sample) {
            if (c >= rec.texts.size()) continue;
            const std::string& t = rec.texts[c];
            if (classify_cell(t, options.cells).missing != Missing::kNone || classify_cell(t, options.cells).nil) continue;
            if (!csv::parse_number(t, options.cells.decimal_comma)) {
                types[c] = ColumnType::kText;
                break;
            }
        }
    }
    // 2. Build the table: the sample first, then the rest straight from the reader.
    TableBuilder builder(names, types, options, source);
    auto note = [&](std::size_t offset, long line) {
        if (positions != nullptr) {
            positions->offsets.push_back(offset);
            positions->lines.push_back(line);
        }
    };
    for (const auto& rec : sample) {
        note(rec.offset, rec.line);
        builder.add_record(
            rec.line, rec.texts.size(), [&](std::size_t c) { return std::string_view(rec.texts[c]); },
            [&](std::size_t c) -> long { return c < rec.columns.size() ? rec.columns[c] : 0; });
    }
    for (;;) {
        const std::size_t offset = reader.offset();
        if (!more || !reader.next(fields)) break;
        if (is_blank_record(fields)) continue;
        if (options.skip_single_field_rows && fields.size() == 1 && names.size() > 1) continue;
        note(offset, reader.line());
        builder.add_record(
            reader.line(), fields.size(), [&](std::size_t c) { return fields[c].text; },
            [&](std::size_t c) -> long { return c < fields.size() ? fields[c].column : 0; });
    }
    return builder.take();
}

InputError field_error(const std::string& source, std::string_view data, char delimiter, std::size_t offset,
                       std::size_t field, std::string expected, std::string found) {
    long line = 1;
    for (std::size_t i = 0; i < offset && i < data.size(); ++i) line += data[i] == '\n' ? 1 : 0;
    csv::Reader reader(data.substr(offset), delimiter);
    std::vector<csv::Field> fields;
    long column = 0;
    if (reader.next(fields) && field < fields.size()) column = fields[field].column;
    return InputError(source, line, column, std::move(expected), std::move(found));
}

}  // namespace wz
