#pragma once
// Turns delimited records into a typed Table: numbers (plain or decimal comma), text, and the CBS
// symbols and secrecy codes as explicit missing values with their reason.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/table.hpp"
#include "io/csv.hpp"

namespace wz {

struct CellRules {
    bool decimal_comma = false;    // "3,5" is 3.5
    bool statline_symbols = true;  // '.' not available, 'x' secret, '?' uncertain, '-' nil (= 0)
    bool cbs_secrecy = true;       // -99997, -99998, 'geheim' secret; 'nihil' = 0
};

// What a raw field means under the rules: missing (with reason), a nil that counts as zero, or a value.
struct CellMeaning {
    Missing missing = Missing::kNone;
    bool nil = false;
};
CellMeaning classify_cell(std::string_view text, const CellRules& rules);

struct TableReadOptions {
    CellRules cells;
    std::vector<std::string> text_columns;  // always text
    std::vector<std::string> int_columns;   // integer columns
    // Text columns the caller drops: the fast path reads past their values and leaves them empty (no
    // string is made); records on the general path may still hold them.
    std::vector<std::string> skip_columns;
    bool allow_short_rows = false;        // ragged rows: missing trailing fields are empty
    bool skip_single_field_rows = false;  // footers such as "Bron: CBS" in StatLine exports
    std::size_t sample_rows = 1000;       // rows used to decide which columns are numeric
    bool fast_path = true;                // false: every record through the general path (tests)
    bool report_progress = true;          // a "parsing SOURCE" step (false: the caller reports)
};

// Reads every remaining record of `reader` into a table with the given column names. Numeric columns
// are decided on the first `sample_rows` records; a later non-number in a numeric column is an
// InputError (FILE:LINE:COL) that names the column and the --text-column option.
struct RecordPositions {
    std::vector<std::size_t> offsets;  // byte offset of each row's record in the data
    std::vector<long> lines;           // 1-based line of each row
    std::size_t fast_records = 0;      // rows taken by the fast path (tests and benchmarks)
};
// `recycle`: the table an earlier call returned (a chunk of the same file); when its columns have the
// names and types this call decides, they are emptied and refilled, keeping their memory (and the
// strings of text columns), else a new table is made. It is left empty either way.
Table read_typed_records(csv::Reader& reader, const std::vector<std::string>& names,
                         const TableReadOptions& options, const std::string& source,
                         RecordPositions* positions = nullptr, Table* recycle = nullptr);

// Builds the InputError for field `field` of the record at byte `offset` (re-reads that one record to
// find its line and column).
namespace detail {
// The separator index of the fast path (exposed for tests): the positions, relative to `from`, of every
// delimiter, '\n', '\r' and '"' in data[from, to), in order, written to `out`, which needs room for
// to - from + kSeparatorSlack entries. Returns their number. kBest picks the fastest scan the CPU has;
// a scan the CPU lacks falls back to the next slower one.
inline constexpr std::size_t kSeparatorSlack = 64;
enum class SeparatorScan { kBest, kScalar, kSse2, kSsse3, kAvx2 };
std::size_t find_separators(const char* data, std::size_t from, std::size_t to, char delimiter,
                            std::uint32_t* out, SeparatorScan scan = SeparatorScan::kBest);
}  // namespace detail

InputError field_error(const std::string& source, std::string_view data, char delimiter, std::size_t offset,
                       std::size_t field, std::string expected, std::string found);

}  // namespace wz
