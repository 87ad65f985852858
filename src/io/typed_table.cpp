#include "io/typed_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

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

// Prepares the reserved but untouched storage of a large column for its first touch, which otherwise
// costs one page fault per 4 KiB (expensive in a virtual machine): transparent huge pages for the
// 2 MiB-aligned interior, and the 4 KiB pages of the unaligned head and tail faulted in one call.
void advise_huge_pages_at(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    constexpr std::uintptr_t kPage = 4096;
    const auto at = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t begin = (at + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t end = (at + bytes) & ~(kHuge - 1);
    if (data == nullptr || end <= begin) return;
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#if defined(MADV_POPULATE_WRITE)
    const std::uintptr_t head = (at + kPage - 1) & ~(kPage - 1);
    if (begin > head) madvise(reinterpret_cast<void*>(head), begin - head, MADV_POPULATE_WRITE);
    const std::uintptr_t tail = (at + bytes) & ~(kPage - 1);
    if (tail > end) madvise(reinterpret_cast<void*>(end), tail - end, MADV_POPULATE_WRITE);
#endif
#else
    (void)data;
    (void)bytes;
#endif
}

void advise_huge_pages(const Column& col) {
    advise_huge_pages_at(col.status().data(), col.status().capacity());
    advise_huge_pages_at(col.reals().data(), col.reals().capacity() * sizeof(double));
    advise_huge_pages_at(col.ints().data(), col.ints().capacity() * sizeof(std::int64_t));
    advise_huge_pages_at(col.texts().data(), col.texts().capacity() * sizeof(std::string));
}

bool is_blank_record(const std::vector<csv::Field>& fields) {
    return fields.size() == 1 && trim(fields[0].text).empty();
}

// The fast path for the bulk of a file: numbers are parsed while the record is scanned, straight from
// the buffer, into column blocks that are appended to the table in bulk. A record it cannot take whole
// (quotes, symbols, text in a numeric column, a wrong field count, long or exponent numbers) is left
// to the general path, which also produces the errors; the block is flushed first so rows stay in order.
//
// Fields are scanned a word at a time: a number of up to 8 bytes (sign excluded) is found and converted
// with SWAR arithmetic on one 8-byte load (no loop over its digits, so no branch on its length), text
// fields with SSE2 compares over 16 bytes. Every load stays kTail bytes before the end of the data; the
// last records, nearer the end, go through the general path.
class FusedRecordParser {
  public:
    static constexpr std::size_t kBlock = 512;
    // Column strides in the blocks, padded by a cache line so that the columns of one row do not all
    // fall into the same L1 set.
    static constexpr std::size_t kValueStride = kBlock + 8;
    static constexpr std::size_t kStatusStride = kBlock + 64;
    static constexpr std::size_t kTail = 40;

    FusedRecordParser(const std::vector<ColumnType>& types, const CellRules& rules, char delimiter)
        : types_(types),
          rules_(rules),
          dot2_(rules.decimal_comma && delimiter != ',' ? ',' : '.'),
          secrecy_(rules.cbs_secrecy),
          delim_(delimiter),
          values_(types.size() * kValueStride),
          status_(types.size() * kStatusStride),
          texts_(types.size()) {
        for (std::size_t c = 0; c < types.size(); ++c) {
            if (types[c] == ColumnType::kText) text_columns_.push_back(c);
            kinds_.push_back(types[c] == ColumnType::kText  ? Kind::kText
                             : types[c] == ColumnType::kInt ? Kind::kInt
                                                            : Kind::kReal);
        }
    }

    // Parses the record at `p` into block row `rows_`; on success returns true and the offset after it.
    bool parse(const char* d, std::size_t n, std::size_t p, std::size_t& end) {
        const std::size_t columns = types_.size();
        // Every field starts at or before `safe`, so the word loads stay inside the data. A short number
        // takes at most kShortField bytes with its delimiter; after a field of any length the room for
        // the rest of the record is checked again.
        if (n < kTail + kShortField * columns) return false;
        const std::size_t safe = n - kTail;
        if (p > safe - kShortField * columns) return false;
        const std::size_t last = columns - 1;
        for (std::size_t c = 0; c < last; ++c) {
            if (!parse_field(d, safe, c, p)) return false;
            if (d[p] != delim_) return false;
            ++p;
        }
        if (!parse_field(d, safe, last, p)) return false;
        const char stop = d[p];
        if (stop == '\n') {
            ++p;
        } else if (stop == '\r') {
            p += d[p + 1] == '\n' ? 2 : 1;  // p <= safe, so p + 1 < n
        } else {
            return false;
        }
        end = p;
        return true;
    }

    // Keeps the parsed record: text fields go to their columns now, numbers when the block is flushed.
    void accept(std::vector<Column>& cols) {
        for (const std::size_t c : text_columns_) cols[c].push_text(std::string(texts_[c]));
        if (++rows_ == kBlock) flush(cols);
    }

    void flush(std::vector<Column>& cols) {
        if (rows_ == 0) return;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (types_[c] != ColumnType::kText)
                cols[c].append_block(&values_[c * kValueStride], &status_[c * kStatusStride], rows_);
        }
        rows_ = 0;
    }

  private:
    static constexpr std::size_t kShortField = 10;  // sign, 7 characters, delimiter, CR

    // Whether a field of column c that ends at `end` leaves the following fields their room.
    bool room_after(std::size_t end, std::size_t safe, std::size_t c) const {
        return end + 1 + kShortField * (kinds_.size() - c - 1) <= safe;
    }

    // One field of column c at d + p (p <= safe - kShortField * (columns - c)); moves p to the byte after it.
    bool parse_field(const char* d, std::size_t safe, std::size_t c, std::size_t& p) {
        const char* q = d + p;
        const Kind kind = kinds_[c];
        if (kind == Kind::kText) {
            const std::size_t length = text_length(q, d + safe + kTail, delim_);
            if (length == 0) return false;  // empty: general path (missing reason)
            if (!room_after(p + length, safe, c) || q[length] == '"') return false;
            const std::string_view text(q, length);
            // Text columns keep the CBS secrecy values as missing (the general path decides).
            if (length <= 7) {
                const Missing why = classify_cell(text, rules_).missing;
                if (why == Missing::kEmpty || why == Missing::kSecret99997 || why == Missing::kSecret99998 ||
                    why == Missing::kGeheim)
                    return false;
            }
            texts_[c] = text;
            p += length;
            return true;
        }
        const bool negative = *q == '-';
        // '+' only in real columns (the general integer path does not take it).
        const bool sign = negative || (kind == Kind::kReal && *q == '+');
        q += sign;
        Number num;
        if (!scan_short_number(q, dot2_, num)) {
            if (!scan_long_number(q, d + safe + kTail, dot2_, num)) return false;
            if (!room_after(p + sign + num.length, safe, c)) return false;
        }
        double v = static_cast<double>(num.mantissa);
        if (kind == Kind::kInt) {
            if (num.fraction_digits > 0 || num.mantissa > (std::uint64_t{1} << 53))
                return false;  // exact only via the general path
        } else if (num.fraction_digits > 0) {
            v /= kPow10[num.fraction_digits];
        }
        std::uint8_t why = 0;
        if (negative && num.length == 5 && (num.mantissa == 99997 || num.mantissa == 99998)) {
            if (!secrecy_) return false;
            why = static_cast<std::uint8_t>(num.mantissa == 99997 ? Missing::kSecret99997
                                                                  : Missing::kSecret99998);
            v = kind == Kind::kInt ? 0.0 : std::numeric_limits<double>::quiet_NaN();
        } else if (negative) {
            v = -v;
        }
        values_[c * kValueStride + rows_] = v;
        status_[c * kStatusStride + rows_] = why;
        p += sign + num.length;
        return true;
    }

    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    // A plain decimal: its digits as an integer, the number of them after the decimal separator, and the
    // length of its text (without the sign).
    struct Number {
        std::uint64_t mantissa;
        unsigned fraction_digits;
        std::size_t length;
    };

    static std::uint64_t load8(const char* p) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
    }
    static constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

    // The digits ("123", "12.5", ".5", "3,25" with a decimal comma) at q, up to 8 bytes, from one
    // 8-byte load: digit bytes are found by SWAR compare, the separator is squeezed out, and up to 8
    // digits are converted by three multiplications. False when the number does not end within the
    // word or is not plain; the caller then tries scan_long_number.
    static bool scan_short_number(const char* q, char dot2, Number& out) {
        const std::uint64_t y = load8(q) ^ (kOnes * '0');  // digits become bytes 0..9
        // High bit set in every byte that is not a digit (no carries between bytes).
        const std::uint64_t other = (((y & (kOnes * 0x7F)) + kOnes * 0x76) | y) & (kOnes * 0x80);
        if (other == 0) return false;
        const auto first = static_cast<unsigned>(std::countr_zero(other)) >> 3;
        const char c = q[first];
        std::uint64_t digits = y;
        unsigned count = first;
        unsigned fraction = 0;
        std::size_t length = first;
        if (c == '.' || c == dot2) {
            const std::uint64_t rest = other & (other - 1);
            if (rest == 0) return false;
            const auto second = static_cast<unsigned>(std::countr_zero(rest)) >> 3;
            const std::uint64_t below = (std::uint64_t{1} << (8 * first)) - 1;  // first <= 6 here
            digits = (y & below) | ((y >> 8) & ~below);
            count = second - 1;
            fraction = second - 1 - first;
            length = second;
            if (fraction == 0) return false;
        }
        if (count == 0) return false;
        // Leading zero bytes in front of the count digits, then pairs, quads and the eight.
        std::uint64_t v = digits << (64 - 8 * count);
        v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
        v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
        v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;
        out = Number{v, fraction, length};
        return true;
    }

    // The same for longer numbers, digit by digit, up to where the value stays exact (at most 19 digits,
    // and a mantissa below 2^53 when there is a fraction).
    static bool scan_long_number(const char* q, const char* e, char dot2, Number& out) {
        const char* p = q;
        std::uint64_t mantissa = 0;
        unsigned digit = 0;
        while (p < e && (digit = static_cast<unsigned>(*p - '0')) < 10 && p - q < 20) {
            mantissa = mantissa * 10 + digit;
            ++p;
        }
        const auto int_digits = static_cast<unsigned>(p - q);
        unsigned frac_digits = 0;
        if (p < e && (*p == '.' || *p == dot2)) {
            const char* frac_start = ++p;
            while (p < e && (digit = static_cast<unsigned>(*p - '0')) < 10 && p - frac_start < 20) {
                mantissa = mantissa * 10 + digit;
                ++p;
            }
            frac_digits = static_cast<unsigned>(p - frac_start);
            if (frac_digits == 0) return false;
        }
        const unsigned total = int_digits + frac_digits;
        if (total == 0 || total > 19) return false;
        if (frac_digits > 0 && mantissa > (std::uint64_t{1} << 53)) return false;
        out = Number{mantissa, frac_digits, static_cast<std::size_t>(p - q)};
        return true;
    }

    // Bytes of a text field at q up to the first delimiter, line break or quote (16 at a time).
    static std::size_t text_length(const char* q, const char* e, char delim) {
        const char* p = q;
#if defined(__SSE2__)
        const __m128i vd = _mm_set1_epi8(delim);
        const __m128i vn = _mm_set1_epi8('\n');
        const __m128i vr = _mm_set1_epi8('\r');
        const __m128i vq = _mm_set1_epi8('"');
        while (e - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vn)),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, vr), _mm_cmpeq_epi8(v, vq)));
            const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
            if (mask != 0) return static_cast<std::size_t>(p - q) + std::countr_zero(mask);
            p += 16;
        }
#endif
        while (p < e && *p != delim && *p != '\n' && *p != '\r' && *p != '"') ++p;
        return static_cast<std::size_t>(p - q);
    }

    const std::vector<ColumnType>& types_;
    CellRules rules_;
    char dot2_;  // the second decimal separator: ',' with a decimal comma, else '.' again
    bool secrecy_;
    char delim_;
    std::size_t rows_ = 0;
    std::vector<double> values_;  // column-major blocks: column c at c * kValueStride
    std::vector<std::uint8_t> status_;
    std::vector<std::string_view> texts_;
    std::vector<std::size_t> text_columns_;
    enum class Kind : std::uint8_t { kReal, kInt, kText };
    std::vector<Kind> kinds_;
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
        for (auto& col : builder.columns()) {
            col.reserve(estimate);
            advise_huge_pages(col);
        }
    }
    FusedRecordParser fused(types, options.cells, reader.delimiter());
    const std::string_view all = reader.data();
    std::vector<Column>& columns = builder.columns();
    while (more) {
        // Fast path, record by record, until a record needs the general path.
        std::size_t p = reader.offset();
        long line = reader.next_line();
        std::size_t end = 0;
        std::size_t fast = 0;
        while (options.fast_path && p < all.size() && fused.parse(all.data(), all.size(), p, end)) {
            note(p, line);
            fused.accept(columns);
            p = end;
            ++line;
            ++fast;
        }
        if (positions != nullptr) positions->fast_records += fast;
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
