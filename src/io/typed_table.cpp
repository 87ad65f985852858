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
    TableBuilder(const std::vector<std::string>& names, std::vector<ColumnType> types,
                 const TableReadOptions& options, std::string source)
        : options_(options), source_(std::move(source)) {
        for (std::size_t i = 0; i < names.size(); ++i) table_.add_column(names[i], types[i]);
    }

    template <typename GetText, typename GetColumn>
    void add_record(long line, std::size_t field_count, GetText text_of, GetColumn column_of) {
        auto& cols = table_.columns();
        if (field_count > cols.size()) {
            throw InputError(source_, line, column_of(cols.size()),
                             fmt::format("{} fields (as in the header)", cols.size()),
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
                const Missing why =
                    text.empty() ? Missing::kEmpty : classify_cell(text, options_.cells).missing;
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
                    throw InputError(source_, line, column_of(c),
                                     fmt::format("an integer in column '{}'", col.name()), quote_found(text));
                }
                col.push_int(*v);
                continue;
            }
            auto v = csv::parse_number(text, options_.cells.decimal_comma);
            if (!v) {
                throw InputError(
                    source_, line, column_of(c),
                    fmt::format("a number or a CBS symbol (. x ? -) in column '{}' (if the column holds "
                                "text, pass --text-column '{}')",
                                col.name(), col.name()),
                    quote_found(text));
            }
            col.push_real(*v);
        }
    }

    Table take() { return std::move(table_); }
    std::vector<Column>& columns() { return table_.columns(); }

  private:
    Table table_;
    const TableReadOptions& options_;
    std::string source_;
};

bool is_blank_record(const std::vector<csv::Field>& fields) {
    return fields.size() == 1 && trim(fields[0].text).empty();
}

// The fast path for the bulk of a file: numbers are parsed while the record is scanned, straight from
// the buffer, into column blocks that are appended to the table in bulk. A record it cannot take whole
// (quotes, symbols, text in a numeric column, a wrong field count, long or exponent numbers) is left
// to the general path, which also produces the errors; the block is flushed first so rows stay in order.
class FusedRecordParser {
  public:
    static constexpr std::size_t kBlock = 4096;

    FusedRecordParser(const std::vector<ColumnType>& types, const CellRules& rules, char delimiter)
        : types_(types),
          decimal_comma_(rules.decimal_comma && delimiter != ','),
          secrecy_(rules.cbs_secrecy),
          delim_(delimiter),
          values_(types.size() * kBlock),
          status_(types.size() * kBlock),
          texts_(types.size()) {}

    // Parses the record at `p` into block row `rows_`; on success returns true and the offset after it.
    bool parse(const char* d, std::size_t n, std::size_t p, std::size_t& end) {
        // Local copies: stores through uint8_t pointers may alias anything, so members would be reloaded.
        const std::size_t columns = types_.size();
        const ColumnType* types = types_.data();
        double* values = values_.data() + rows_;
        std::uint8_t* status = status_.data() + rows_;
        std::string_view* texts = texts_.data();
        const char delim = delim_;
        const bool decimal_comma = decimal_comma_;
        for (std::size_t c = 0; c < columns; ++c) {
            if (types[c] == ColumnType::kText) {
                const std::size_t b = p;
                while (p < n && d[p] != delim && d[p] != '\n' && d[p] != '\r' && d[p] != '"') ++p;
                if (p < n && d[p] == '"') return false;
                if (p == b) return false;  // empty: general path (missing reason)
                texts[c] = std::string_view(d + b, p - b);
            } else {
                bool negative = false;
                if (p < n && d[p] == '-') {
                    negative = true;
                    ++p;
                }
                const std::size_t start = p;
                std::uint64_t mantissa = 0;
                unsigned digit = 0;
                while (p < n && (digit = static_cast<unsigned>(d[p] - '0')) < 10) {
                    mantissa = mantissa * 10 + digit;
                    ++p;
                }
                const std::size_t int_digits = p - start;
                std::size_t frac_digits = 0;
                if (p < n && (d[p] == '.' || (decimal_comma && d[p] == ','))) {
                    const std::size_t frac_start = ++p;
                    while (p < n && (digit = static_cast<unsigned>(d[p] - '0')) < 10) {
                        mantissa = mantissa * 10 + digit;
                        ++p;
                    }
                    frac_digits = p - frac_start;
                    if (frac_digits == 0 || types[c] == ColumnType::kInt) return false;
                }
                if (int_digits + frac_digits == 0 || int_digits + frac_digits > 18) return false;
                if (types[c] == ColumnType::kInt && int_digits > 15)
                    return false;  // exact only via the general path
                std::uint8_t why = 0;
                if (negative && frac_digits == 0 && (mantissa == 99997 || mantissa == 99998)) {
                    if (!secrecy_) return false;
                    why = static_cast<std::uint8_t>(mantissa == 99997 ? Missing::kSecret99997
                                                                      : Missing::kSecret99998);
                }
                double v = static_cast<double>(mantissa);
                if (frac_digits > 0) v /= kPow10[frac_digits];
                values[c * kBlock] = negative ? -v : v;
                status[c * kBlock] = why;
            }
            if (c + 1 < columns) {
                if (p >= n || d[p] != delim) return false;
                ++p;
            }
        }
        if (p < n && d[p] != '\n' && d[p] != '\r') return false;
        if (p < n && d[p] == '\r') ++p;
        if (p < n && d[p] == '\n') ++p;
        end = p;
        return true;
    }

    // Keeps the parsed record: text fields go to their columns now, numbers when the block is flushed.
    void accept(std::vector<Column>& cols) {
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (types_[c] == ColumnType::kText) cols[c].push_text(std::string(texts_[c]));
        }
        if (++rows_ == kBlock) flush(cols);
    }

    void flush(std::vector<Column>& cols) {
        if (rows_ == 0) return;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (types_[c] != ColumnType::kText)
                cols[c].append_block(&values_[c * kBlock], &status_[c * kBlock], rows_);
        }
        rows_ = 0;
    }

  private:
    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const std::vector<ColumnType>& types_;
    bool decimal_comma_;
    bool secrecy_;
    char delim_;
    std::size_t rows_ = 0;
    std::vector<double> values_;  // column-major blocks: column c at c * kBlock
    std::vector<std::uint8_t> status_;
    std::vector<std::string_view> texts_;
};

}  // namespace

Table read_typed_records(csv::Reader& reader, const std::vector<std::string>& names,
                         const TableReadOptions& options, const std::string& source,
                         RecordPositions* positions) {
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
            if (classify_cell(t, options.cells).missing != Missing::kNone ||
                classify_cell(t, options.cells).nil)
                continue;
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
    if (!sample.empty() && more) {
        // Reserve for the rest of the file from the sample's bytes per record (avoids regrowth copies).
        const std::size_t sampled = reader.offset() - sample.front().offset;
        const std::size_t left = reader.data().size() - reader.offset();
        const std::size_t estimate =
            sample.size() + left / std::max<std::size_t>(1, sampled / sample.size()) * 21 / 20;
        for (auto& col : builder.columns()) col.reserve(estimate);
    }
    FusedRecordParser fused(types, options.cells, reader.delimiter());
    const std::string_view all = reader.data();
    std::vector<Column>& columns = builder.columns();
    while (more) {
        // Fast path, record by record, until a record needs the general path.
        std::size_t p = reader.offset();
        long line = reader.next_line();
        std::size_t end = 0;
        while (p < all.size() && fused.parse(all.data(), all.size(), p, end)) {
            note(p, line);
            fused.accept(columns);
            p = end;
            ++line;
        }
        fused.flush(columns);
        reader.skip_to(p, line);
        const std::size_t offset = reader.offset();
        if (!reader.next(fields)) break;
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
