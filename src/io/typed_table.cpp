#include "io/typed_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

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

namespace detail {

namespace {

std::size_t find_separators_scalar(const char* d, std::size_t from, std::size_t to, char delim,
                                   std::uint32_t* out) {
    std::size_t n = 0;
    for (std::size_t i = from; i < to; ++i) {
        const char c = d[i];
        if (c == delim || c == '\n' || c == '\r' || c == '"') out[n++] = static_cast<std::uint32_t>(i - from);
    }
    return n;
}

// The tail of a vector scan: the bytes [i, to) after its last full 64-byte step, scanned one by one, their
// positions appended after the n found so far (offsets from `from`).
[[maybe_unused]] std::size_t finish_with_scalar(const char* d, std::size_t from, std::size_t i,
                                                std::size_t to, char delim, std::uint32_t* out,
                                                std::size_t n) {
    const std::size_t rest = find_separators_scalar(d, i, to, delim, out + n);
    for (std::size_t k = n; k < n + rest; ++k) out[k] += static_cast<std::uint32_t>(i - from);
    return n + rest;
}

// Appends base + the position of every set bit of `mask` to out[n...]; returns the new count. Writes 16
// entries unconditionally (the slack), so that the usual 8 to 16 separators of a 64-byte block need no
// branch on their number.
[[maybe_unused]] inline std::size_t flatten(std::uint64_t mask, std::uint32_t base, std::uint32_t* out,
                                            std::size_t n) {
    const auto count = static_cast<std::size_t>(std::popcount(mask));
    std::uint32_t* o = out + n;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
        o[i] = base + static_cast<std::uint32_t>(std::countr_zero(mask));
        mask &= mask - 1;
    }
    if (count > 8) {
#pragma GCC unroll 8
        for (int i = 8; i < 16; ++i) {
            o[i] = base + static_cast<std::uint32_t>(std::countr_zero(mask));
            mask &= mask - 1;
        }
        for (o += 16; mask != 0; mask &= mask - 1)
            *o++ = base + static_cast<std::uint32_t>(std::countr_zero(mask));
    }
    return n + count;
}

#if defined(__SSE2__)
std::size_t find_separators_sse2(const char* d, std::size_t from, std::size_t to, char delim,
                                 std::uint32_t* out) {
    const __m128i vd = _mm_set1_epi8(delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i vr = _mm_set1_epi8('\r');
    const __m128i vq = _mm_set1_epi8('"');
    auto hits = [&](const char* p) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vn)),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, vr), _mm_cmpeq_epi8(v, vq)));
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit)));
    };
    std::size_t n = 0;
    std::size_t i = from;
    for (; to - i >= 64; i += 64) {
        const char* p = d + i;
        const std::uint64_t mask = hits(p) | hits(p + 16) << 16 | hits(p + 32) << 32 | hits(p + 48) << 48;
        n = flatten(mask, static_cast<std::uint32_t>(i - from), out, n);
    }
    return finish_with_scalar(d, from, i, to, delim, out, n);
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define WZ_HAVE_SSSE3_SCAN 1
// The same with one table lookup (pshufb) instead of four compares per 16 bytes: '\n', '\r', '"' and the
// delimiter have four different low nibbles (checked by the caller), so a byte is a separator exactly
// when it equals the table entry at its low nibble.
__attribute__((target("ssse3"))) std::size_t find_separators_ssse3(const char* d, std::size_t from,
                                                                   std::size_t to, char delim,
                                                                   std::uint32_t* out) {
    alignas(16) char table[16];
    for (int lo = 0; lo < 16; ++lo) table[lo] = static_cast<char>(lo ^ 1);  // matches no byte
    table['\n' & 0xF] = '\n';
    table['\r' & 0xF] = '\r';
    table['"' & 0xF] = '"';
    table[delim & 0xF] = delim;
    const __m128i t = _mm_load_si128(reinterpret_cast<const __m128i*>(table));
    const __m128i low = _mm_set1_epi8(0x0F);
    auto hits = [&](const char* p) __attribute__((target("ssse3"))) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hit = _mm_cmpeq_epi8(v, _mm_shuffle_epi8(t, _mm_and_si128(v, low)));
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit)));
    };
    std::size_t n = 0;
    std::size_t i = from;
    for (; to - i >= 64; i += 64) {
        const char* p = d + i;
        const std::uint64_t mask = hits(p) | hits(p + 16) << 16 | hits(p + 32) << 32 | hits(p + 48) << 48;
        n = flatten(mask, static_cast<std::uint32_t>(i - from), out, n);
    }
    return finish_with_scalar(d, from, i, to, delim, out, n);
}
// With AVX2 and BMI: 32 bytes per lookup, and the bits taken off with tzcnt and blsr.
__attribute__((target("avx2,bmi,bmi2,popcnt"))) std::size_t find_separators_avx2(const char* d,
                                                                                 std::size_t from,
                                                                                 std::size_t to, char delim,
                                                                                 std::uint32_t* out) {
    alignas(16) char table[16];
    for (int lo = 0; lo < 16; ++lo) table[lo] = static_cast<char>(lo ^ 1);  // matches no byte
    table['\n' & 0xF] = '\n';
    table['\r' & 0xF] = '\r';
    table['"' & 0xF] = '"';
    table[delim & 0xF] = delim;
    const __m256i t = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(table)));
    const __m256i low = _mm256_set1_epi8(0x0F);
    std::size_t n = 0;
    std::size_t i = from;
    for (; to - i >= 64; i += 64) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + i));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + i + 32));
        const __m256i ha = _mm256_cmpeq_epi8(a, _mm256_shuffle_epi8(t, _mm256_and_si256(a, low)));
        const __m256i hb = _mm256_cmpeq_epi8(b, _mm256_shuffle_epi8(t, _mm256_and_si256(b, low)));
        std::uint64_t mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(ha)) |
                             static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hb)))
                                 << 32;
        const auto base = static_cast<std::uint32_t>(i - from);
        const auto count = static_cast<std::size_t>(_mm_popcnt_u64(mask));
        std::uint32_t* o = out + n;
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) {
            o[k] = base + static_cast<std::uint32_t>(_tzcnt_u64(mask));
            mask = _blsr_u64(mask);
        }
        if (count > 8) {
#pragma GCC unroll 8
            for (int k = 8; k < 16; ++k) {
                o[k] = base + static_cast<std::uint32_t>(_tzcnt_u64(mask));
                mask = _blsr_u64(mask);
            }
            for (o += 16; mask != 0; mask = _blsr_u64(mask))
                *o++ = base + static_cast<std::uint32_t>(_tzcnt_u64(mask));
        }
        n += count;
    }
    return finish_with_scalar(d, from, i, to, delim, out, n);
}
#endif

// Whether the table lookup can tell the delimiter from '\n', '\r' and '"'.
bool nibble_distinct(char delim) {
    const int lo = delim & 0xF;
    return lo != ('\n' & 0xF) && lo != ('\r' & 0xF) && lo != ('"' & 0xF);
}

}  // namespace

std::size_t find_separators(const char* data, std::size_t from, std::size_t to, char delimiter,
                            std::uint32_t* out, SeparatorScan scan) {
#if defined(WZ_HAVE_SSSE3_SCAN)
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                             __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
    static const bool ssse3 = __builtin_cpu_supports("ssse3");
    const bool lookup = nibble_distinct(delimiter);
    if (scan == SeparatorScan::kBest) scan = SeparatorScan::kAvx2;
    if (scan == SeparatorScan::kAvx2 && avx2 && lookup)
        return find_separators_avx2(data, from, to, delimiter, out);
    if ((scan == SeparatorScan::kAvx2 || scan == SeparatorScan::kSsse3) && ssse3 && lookup)
        return find_separators_ssse3(data, from, to, delimiter, out);
#endif
#if defined(__SSE2__)
    if (scan != SeparatorScan::kScalar) return find_separators_sse2(data, from, to, delimiter, out);
#endif
    return find_separators_scalar(data, from, to, delimiter, out);
}

}  // namespace detail

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
    // With `recycle` (a table from an earlier read with the same names and types) its columns and their
    // memory are reused, emptied of rows.
    TableBuilder(const std::vector<std::string>& names, std::vector<ColumnType> types,
                 const TableReadOptions& options, std::string source, Table* recycle = nullptr)
        : options_(options), source_(std::move(source)) {
        if (recycle != nullptr && recycle->column_count() == names.size()) {
            bool same = true;
            for (std::size_t i = 0; i < names.size() && same; ++i) {
                const Column& c = recycle->columns()[i];
                same = c.name() == names[i] && c.type() == types[i];
            }
            if (same) {
                table_ = std::move(*recycle);
                table_.clear_rows();
                recycled_ = true;
                return;
            }
        }
        for (std::size_t i = 0; i < names.size(); ++i) table_.add_column(names[i], types[i]);
    }
    bool recycled() const { return recycled_; }

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
                    col.push_text(text);
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
    bool recycled_ = false;
    const TableReadOptions& options_;
    std::string source_;
};

// Prepares the reserved storage of the columns for its first touch, which otherwise costs one page
// fault per 4 KiB (expensive in a virtual machine): transparent huge pages for every 2 MiB-aligned
// stretch. The buffers are taken as runs of neighbours (less than a page apart, so nothing else is
// mapped between them; large blocks are usually mapped next to each other), so that a huge page may
// span the end of one buffer and the start of the next. A 2 MiB stretch that already has a 4 KiB page
// (the allocator's header in front of a buffer, the rows copied into it) would stay with 4 KiB pages,
// so it is collapsed into a huge page at once (MADV_COLLAPSE, Linux 6.1; elsewhere a no-op). The 4 KiB
// pages of each run's unaligned head are faulted in with one call.
void advise_huge_pages(const std::vector<Column>& columns) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
#if !defined(MADV_COLLAPSE)
    constexpr int MADV_COLLAPSE = 25;
#endif
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    constexpr std::uintptr_t kPage = 4096;
    struct Buffer {
        std::uintptr_t begin;
        std::uintptr_t end;
        std::uintptr_t written;  // end of the part already written (the rows before the reservation)
    };
    std::vector<Buffer> buffers;
    auto add = [&](const void* data, std::size_t size, std::size_t capacity, std::size_t element) {
        if (data != nullptr && capacity > 0) {
            const auto at = reinterpret_cast<std::uintptr_t>(data);
            buffers.push_back(Buffer{at, at + capacity * element, at + size * element});
        }
    };
    for (const Column& col : columns) {
        add(col.status().data(), col.status().size(), col.status().capacity(), 1);
        add(col.reals().data(), col.reals().size(), col.reals().capacity(), sizeof(double));
        add(col.ints().data(), col.ints().size(), col.ints().capacity(), sizeof(std::int64_t));
        add(col.texts().data(), col.texts().size(), col.texts().size(), sizeof(std::string));
    }
    std::sort(buffers.begin(), buffers.end(),
              [](const Buffer& a, const Buffer& b) { return a.begin < b.begin; });
    for (std::size_t i = 0; i < buffers.size();) {
        const std::size_t first = i;
        std::uintptr_t end = buffers[i].end;
        for (++i; i < buffers.size() && buffers[i].begin >= end && buffers[i].begin - end < kPage; ++i)
            end = buffers[i].end;
        const std::uintptr_t at = buffers[first].begin;
        const std::uintptr_t begin = (at + kHuge - 1) & ~(kHuge - 1);
        const std::uintptr_t stop = end & ~(kHuge - 1);
        if (stop <= begin) continue;
        madvise(reinterpret_cast<void*>(begin), stop - begin, MADV_HUGEPAGE);
        std::uintptr_t collapsed = 0;
        for (std::size_t k = first; k < i; ++k) {
            // From the page of the allocator's header to the end of the written part.
            const std::uintptr_t from = ((buffers[k].begin - 1) & ~(kPage - 1)) & ~(kHuge - 1);
            const std::uintptr_t to = std::max(buffers[k].written, buffers[k].begin);
            for (std::uintptr_t r = std::max(from, collapsed); r < to; r += kHuge) {
                if (r >= begin && r + kHuge <= stop)
                    madvise(reinterpret_cast<void*>(r), kHuge, MADV_COLLAPSE);
                collapsed = r + kHuge;
            }
        }
#if defined(MADV_POPULATE_WRITE)
        // The head is written first; the tail, past the estimated row count, maybe never.
        const std::uintptr_t head = (at + kPage - 1) & ~(kPage - 1);
        if (begin > head) madvise(reinterpret_cast<void*>(head), begin - head, MADV_POPULATE_WRITE);
#endif
    }
#else
    (void)columns;
#endif
}

// An upper estimate of the records in `rest` from its line breaks: all of them when it is short, else
// those in 16 probes of 64 KiB spread over it, plus 3% and a little (a file whose lines grow much
// shorter further on makes the columns grow past it, with a copy). Lone CRs are counted when there are
// no LFs.
std::size_t estimate_records(std::string_view rest) {
    constexpr std::size_t kProbes = 16;
    constexpr std::size_t kProbe = 64 * 1024;
    auto lines = [](std::string_view text) {
        const auto lf = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
        return lf > 0 ? lf : static_cast<std::size_t>(std::count(text.begin(), text.end(), '\r'));
    };
    if (rest.size() <= kProbes * kProbe) return lines(rest) + 1;
    std::size_t counted = 0;
    const std::size_t step = (rest.size() - kProbe) / (kProbes - 1);
    for (std::size_t i = 0; i < kProbes; ++i) counted += lines(rest.substr(i * step, kProbe));
    const double per_byte = static_cast<double>(counted) / static_cast<double>(kProbes * kProbe);
    return static_cast<std::size_t>(static_cast<double>(rest.size()) * per_byte * 1.03) + 1024;
}

bool is_blank_record(const std::vector<csv::Field>& fields) {
    return fields.size() == 1 && trim(fields[0].text).empty();
}

// The fast path for the bulk of a file, in two stages over windows of the buffer:
//  1. the separator index: the positions of every delimiter, '\n', '\r' and '"' in the window, found
//     64 bytes at a time with SIMD compares (find_separators);
//  2. the records: field c of a record ends at its record's c-th separator, so every field's bounds are
//     known before it is converted, and the conversions of a record's fields do not wait on each other
//     (no chain from one field's length to the next field's start). A number of up to 8 bytes (sign
//     excluded) is checked and converted with SWAR arithmetic on one 8-byte load; longer ones (up to 19
//     digits) digit by digit.
// Numbers go into column blocks that are appended to the table in bulk; text fields to their columns.
// A record it cannot take whole (quotes, symbols, text in a numeric column, a wrong field count, long or
// exponent numbers, a record longer than a window) is left to the general path, which also produces
// the errors; the block is flushed first so rows stay in order. Every load stays kTail bytes before the
// end of the data; the records there go through the general path.
class FastRecordParser {
  public:
    static constexpr std::size_t kBlock = 512;
    // Column strides in the blocks, padded by a cache line so that the columns of one row do not all
    // fall into the same L1 set.
    static constexpr std::size_t kValueStride = kBlock + 8;
    static constexpr std::size_t kStatusStride = kBlock + 64;
    static constexpr std::size_t kTail = 8;            // an 8-byte load at a field start stays inside
    static constexpr std::size_t kWindow = 64 * 1024;  // bytes indexed at a time

    FastRecordParser(const std::vector<ColumnType>& types, const CellRules& rules, std::string_view data,
                     char delimiter, std::vector<bool> skip = {})
        : types_(types),
          skip_(std::move(skip)),
          rules_(rules),
          d_(data.data()),
          n_(data.size()),
          dot2_(rules.decimal_comma && delimiter != ',' ? ',' : '.'),
          secrecy_(rules.cbs_secrecy),
          delim_(delimiter),
          values_(types.size() * kValueStride),
          status_(types.size() * kStatusStride),
          texts_(types.size()),
          text_missing_(types.size(), 0),
          seps_(kWindow + detail::kSeparatorSlack) {
        for (std::size_t c = 0; c < types.size(); ++c) {
            if (types[c] == ColumnType::kText) {
                if (c < skip_.size() && skip_[c]) {
                    skipped_columns_.push_back(c);
                } else {
                    text_columns_.push_back(c);
                }
            }
            const Kind kind = types[c] == ColumnType::kText  ? Kind::kText
                              : types[c] == ColumnType::kInt ? Kind::kInt
                                                             : Kind::kReal;
            kinds_.push_back(kind);
            // Runs of columns of one kind; the last column is not in a run (it ends at a line break).
            if (c + 1 == types.size()) break;
            if (runs_.empty() || runs_.back().kind != kind) runs_.push_back(Run{kind, c, c});
            ++runs_.back().end;
        }
    }

    // Parses the record at `p` into block row `rows_`; on success returns true and the offset after it.
    bool parse(std::size_t p, std::size_t& end) {
        const std::size_t columns = types_.size();
        if (!sync(p, columns)) return false;
        const char* d = d_;
        const std::uint32_t* sep = seps_.data() + k_;
        const char* base = d_ + window_;
        const char* s = d + p;  // start of the current field
        for (const Run& run : runs_) {
            bool ok = false;
            switch (run.kind) {
                case Kind::kText:
                    ok = text_run(run, base, sep, s);
                    break;
                case Kind::kReal:
                    ok = number_run<true>(run, base, sep, s);
                    break;
                case Kind::kInt:
                    ok = number_run<false>(run, base, sep, s);
                    break;
            }
            if (!ok) return false;
        }
        const std::size_t last = columns - 1;
        const char* e = base + *sep++;
        bool ok = false;
        switch (kinds_[last]) {
            case Kind::kText:
                ok = text_field(last, s, e);
                break;
            case Kind::kReal:
                ok = number_field<true>(s, e, &values_[last * kValueStride + rows_],
                                        &status_[last * kStatusStride + rows_]);
                break;
            case Kind::kInt:
                ok = number_field<false>(s, e, &values_[last * kValueStride + rows_],
                                         &status_[last * kStatusStride + rows_]);
                break;
        }
        if (!ok) return false;
        std::size_t after = static_cast<std::size_t>(e - d) + 1;
        if (*e == '\r') {
            if (d[after] == '\n') {
                // after < n: e is below the window's end, which is kTail bytes before the data's.
                ++after;
                if (sep < seps_.data() + count_ && base + *sep == d + after - 1) ++sep;
            }
        } else if (*e != '\n') {
            return false;
        }
        k_ = static_cast<std::size_t>(sep - seps_.data());
        end = after;
        return true;
    }

    // Keeps the parsed record: text fields go to their columns now, numbers when the block is flushed.
    void accept(std::vector<Column>& cols) {
        for (const std::size_t c : text_columns_) {
            if (text_missing_[c] != 0) {
                cols[c].push_missing(static_cast<Missing>(text_missing_[c]));
            } else {
                cols[c].push_text(texts_[c]);
            }
        }
        if (++rows_ == kBlock) flush(cols);
    }

    void flush(std::vector<Column>& cols) {
        if (rows_ == 0) return;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (types_[c] != ColumnType::kText)
                cols[c].append_block(&values_[c * kValueStride], &status_[c * kStatusStride], rows_);
        }
        for (const std::size_t c : skipped_columns_) cols[c].push_missing_run(Missing::kEmpty, rows_);  // read past
        rows_ = 0;
    }

  private:
    enum class Kind : std::uint8_t { kReal, kInt, kText };
    struct Run {
        Kind kind;
        std::size_t begin;
        std::size_t end;
    };

    // Makes k_ the first separator at or after p, with the `needed` separators of a record in the index
    // (indexing a new window from p when the current one is used up). False when a window from p holds
    // fewer (a record longer than the window, or the end of the data).
    bool sync(std::size_t p, std::size_t needed) {
        if (p >= window_ && p < window_end_) {
            while (k_ < count_ && window_ + seps_[k_] < p) ++k_;
            if (count_ - k_ >= needed) return true;
            if (p == window_) return false;  // a fresh window from p: the record does not fit
        }
        if (n_ < kTail || p >= n_ - kTail) return false;
        window_ = p;
        window_end_ = std::min(n_ - kTail, p + kWindow);
        count_ = detail::find_separators(d_, window_, window_end_, delim_, seps_.data());
        k_ = 0;
        return count_ >= needed;
    }

    // A text field [s, e) of column c: kept as a view until the record is accepted.
    // A text field: empty, or a CBS secrecy value, is missing with its reason, as on the general path.
    [[gnu::always_inline]] bool text_field(std::size_t c, const char* s, const char* e) {
        const auto length = static_cast<std::size_t>(e - s);
        if (length == 0) {
            if (types_.size() == 1) return false;  // a blank line: the general path skips it
            text_missing_[c] = static_cast<std::uint8_t>(Missing::kEmpty);
            return true;
        }
        if (c < skip_.size() && skip_[c]) return true;  // read past: accept() leaves it empty
        const std::string_view text(s, length);
        if (length <= 7) {
            const Missing why = classify_cell(text, rules_).missing;
            if (why == Missing::kEmpty && types_.size() == 1) return false;  // a blank line, as above
            if (why == Missing::kEmpty || why == Missing::kSecret99997 || why == Missing::kSecret99998 ||
                why == Missing::kGeheim) {
                text_missing_[c] = static_cast<std::uint8_t>(why);
                return true;
            }
        }
        texts_[c] = text;
        text_missing_[c] = 0;
        return true;
    }

    // The text fields of a run of columns; moves `sep` and `s` past them.
    [[gnu::always_inline]] bool text_run(const Run& run, const char* base, const std::uint32_t*& sep,
                                         const char*& s) {
        for (std::size_t c = run.begin; c < run.end; ++c) {
            const char* e = base + *sep++;
            if (*e != delim_ || !text_field(c, s, e)) return false;
            s = e + 1;
        }
        return true;
    }

    // The number fields of a run of int or real columns into the block.
    template <bool kReal>
    [[gnu::always_inline]] bool number_run(const Run& run, const char* base, const std::uint32_t*& sep,
                                           const char*& s) {
        double* value = &values_[run.begin * kValueStride + rows_];
        std::uint8_t* status = &status_[run.begin * kStatusStride + rows_];
        const std::uint32_t* const stop = sep + (run.end - run.begin);
        const char delim = delim_;
        const char* field = s;
        for (; sep != stop; ++sep) {
            const char* e = base + *sep;
            if (*e != delim || !number_field<kReal>(field, e, value, status)) return false;
            field = e + 1;
            value += kValueStride;
            status += kStatusStride;
        }
        s = field;
        return true;
    }

    // A number field [s, e) of an int or real column into *value and *status.
    template <bool kReal>
    [[gnu::always_inline]] bool number_field(const char* s, const char* e, double* value,
                                             std::uint8_t* status) const {
        const char first = *s;
        const bool negative = first == '-';
        // '+' only in real columns (the general integer path does not take it).
        s += kReal ? negative || first == '+' : negative;
        const auto length = static_cast<std::size_t>(e - s);
        Number num;
        if (length - 1 < 8) {  // 1..8 bytes
            if (!short_number(s, length, dot2_, num)) return false;
        } else if (length == 0 || !long_number(s, length, dot2_, num)) {
            return false;
        }
        double v = static_cast<double>(num.mantissa);
        if (!kReal) {
            if (num.fraction_digits > 0 || num.mantissa > (std::uint64_t{1} << 53))
                return false;  // exact only via the general path
        } else if (num.fraction_digits > 0) {
            v /= kPow10[num.fraction_digits];
        }
        std::uint8_t why = 0;
        if (negative) {
            if (length == 5 && num.mantissa - 99997 < 2) {
                if (!secrecy_) return false;
                why = static_cast<std::uint8_t>(num.mantissa == 99997 ? Missing::kSecret99997
                                                                      : Missing::kSecret99998);
                v = kReal ? std::numeric_limits<double>::quiet_NaN() : 0.0;
            } else {
                v = -v;
            }
        }
        *value = v;
        *status = why;
        return true;
    }

    static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    // A plain decimal: its digits as an integer and the number of them after the decimal separator.
    struct Number {
        std::uint64_t mantissa;
        unsigned fraction_digits;
    };

    static std::uint64_t load8(const char* p) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
    }
    static constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

    // The `length` (1..8) bytes at q as a plain decimal ("123", "12.5", ".5", "3,25" with a decimal
    // comma), from one 8-byte load: shifted so that the field's last byte is the word's top byte (the
    // bytes after the field fall out, zero bytes — digits 0 — come in front), non-digit bytes are found
    // by SWAR compare, the separator (at most one, with a digit after it) is squeezed out, and the
    // digits are converted by three multiplications (as in Lemire's parse_eight_digits_unrolled).
    [[gnu::always_inline]] static bool short_number(const char* q, std::size_t length, char dot2,
                                                    Number& out) {
        const std::uint64_t z = (load8(q) ^ (kOnes * '0')) << (64 - 8 * length);  // digits: bytes 0..9
        // High bit set in every byte that is not a digit (no carries between bytes).
        const std::uint64_t other = (((z & (kOnes * 0x7F)) + kOnes * 0x76) | z) & (kOnes * 0x80);
        std::uint64_t v = z;
        unsigned fraction = 0;
        if (other != 0) {
            if ((other & (other - 1)) != 0) return false;  // two or more non-digits
            const auto at = static_cast<unsigned>(std::countr_zero(other)) >> 3;
            const auto c = static_cast<char>((z >> (8 * at)) ^ '0');
            if ((c != '.' && c != dot2) || at == 7) return false;          // "5." goes the general way
            const std::uint64_t high = ~std::uint64_t{0} << (8 * at + 8);  // the bytes after it
            v = (z & high) | ((z << 8) & ~high);
            fraction = 7 - at;
        }
        // Pairs, quads and the eight, each with one multiplication (10 * 256 + 1 and so on).
        v = (v * 2561) >> 8;
        v = ((v & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
        v = ((v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
        out = Number{v, fraction};
        return true;
    }

    // The same for longer numbers, digit by digit, up to where the value stays exact (at most 19 digits,
    // and a mantissa below 2^53 when there is a fraction).
    static bool long_number(const char* q, std::size_t length, char dot2, Number& out) {
        if (length > 20) return false;
        std::uint64_t mantissa = 0;
        std::size_t separator = length;
        for (std::size_t i = 0; i < length; ++i) {
            const auto digit = static_cast<unsigned>(q[i] - '0');
            if (digit < 10) {
                mantissa = mantissa * 10 + digit;
            } else if ((q[i] == '.' || q[i] == dot2) && separator == length) {
                separator = i;
            } else {
                return false;
            }
        }
        const auto fraction = static_cast<unsigned>(separator == length ? 0 : length - 1 - separator);
        if (separator != length && fraction == 0) return false;
        if (length - (separator != length) > 19) return false;
        if (fraction > 0 && mantissa > (std::uint64_t{1} << 53)) return false;
        out = Number{mantissa, fraction};
        return true;
    }

    const std::vector<ColumnType>& types_;
    std::vector<bool> skip_;  // text columns whose values are not kept
    CellRules rules_;
    const char* d_;
    std::size_t n_;
    char dot2_;  // the second decimal separator: ',' with a decimal comma, else '.' again
    bool secrecy_;
    char delim_;
    std::size_t rows_ = 0;
    std::vector<double> values_;  // column-major blocks: column c at c * kValueStride
    std::vector<std::uint8_t> status_;
    std::vector<std::string_view> texts_;
    std::vector<std::uint8_t>
        text_missing_;  // per text column: the missing reason of this record (0: a value)
    std::vector<std::size_t> text_columns_;     // kept text columns
    std::vector<std::size_t> skipped_columns_;  // text columns read past (left empty)
    std::vector<Kind> kinds_;
    std::vector<Run> runs_;
    // The separator index of the window [window_, window_end_): count_ positions relative to window_;
    // k_ is the next one.
    std::vector<std::uint32_t> seps_;
    std::size_t window_ = 0;
    std::size_t window_end_ = 0;
    std::size_t count_ = 0;
    std::size_t k_ = 0;
};

}  // namespace

Table read_typed_records(csv::Reader& reader, const std::vector<std::string>& names,
                         const TableReadOptions& options, const std::string& source,
                         RecordPositions* positions, Table* recycle) {
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
    TableBuilder builder(names, types, options, source, recycle);
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
        // Reserve for the rest of the file once (avoids regrowth copies).
        const std::size_t estimate = sample.size() + estimate_records(reader.data().substr(reader.offset()));
        for (auto& col : builder.columns()) col.reserve(estimate);
        if (!builder.recycled()) advise_huge_pages(builder.columns());
    }
    std::vector<bool> skip(names.size(), false);
    for (std::size_t c = 0; c < names.size(); ++c)
        skip[c] = types[c] == ColumnType::kText && contains(options.skip_columns, names[c]);
    FastRecordParser fast_parser(types, options.cells, reader.data(), reader.delimiter(), std::move(skip));
    std::vector<Column>& columns = builder.columns();
    // Progress in bytes of the text, reported (and cancellation checked) every 16,384 records.
    // (A streaming importer reports its file itself: then only cancellation is checked here.)
    std::optional<ProgressStep> progress;
    if (options.report_progress)
        progress.emplace(fmt::format("parsing {}", source), reader.data().size(), "bytes");
    std::size_t reported = reader.offset();
    std::size_t records = 0;
    const auto report = [&](std::size_t offset) {
        if ((++records & 16383U) != 0) return;
        if (progress) {
            progress->advance(offset - reported);
        } else {
            check_cancelled();
        }
        reported = offset;
    };
    while (more) {
        // Fast path, record by record, until a record needs the general path.
        std::size_t p = reader.offset();
        long line = reader.next_line();
        std::size_t end = 0;
        std::size_t fast = 0;
        while (options.fast_path && fast_parser.parse(p, end)) {
            note(p, line);
            fast_parser.accept(columns);
            p = end;
            ++line;
            ++fast;
            report(p);
        }
        if (positions != nullptr) positions->fast_records += fast;
        fast_parser.flush(columns);
        reader.skip_to(p, line);
        const std::size_t offset = reader.offset();
        if (!reader.next(fields)) break;
        if (is_blank_record(fields)) continue;
        if (options.skip_single_field_rows && fields.size() == 1 && names.size() > 1) continue;
        note(offset, reader.line());
        report(offset);
        builder.add_record(
            reader.line(), fields.size(), [&](std::size_t c) { return fields[c].text; },
            [&](std::size_t c) -> long { return c < fields.size() ? fields[c].column : 0; });
    }
    if (progress) progress->advance(reader.data().size() - reported);
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
