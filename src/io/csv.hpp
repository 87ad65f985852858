#pragma once
// Delimited-text reading: a fast record tokenizer over an in-memory buffer, encoding checks, and
// Dutch number forms (decimal comma). Errors carry file, line and column.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wz::csv {

struct Field {
    std::string_view text;  // unquoted, with "" unescaped
    std::uint32_t column;   // 1-based byte column where the field starts on its line
    bool quoted;
};

class Reader {
  public:
    // `first_line`: the line number of the first byte of `data` in its file (for a reader that starts
    // below a header).
    Reader(std::string_view data, char delimiter, long first_line = 1);
    // Reads the next record into `fields`; false at the end of the data. A record may span lines
    // when a quoted field holds a line break. Blank lines give a record of one empty field.
    bool next(std::vector<Field>& fields);
    // 1-based line on which the record last returned by next() starts.
    long line() const { return record_line_; }
    // Byte offset of the reader in the data (for progress).
    std::size_t offset() const { return pos_; }

    // For fused parsers that scan the buffer themselves: the data, the delimiter, and a way to move
    // the reader past what they consumed (byte offset and the line number there).
    std::string_view data() const { return data_; }
    char delimiter() const { return delim_; }
    long next_line() const { return line_; }
    void skip_to(std::size_t offset, long line) {
        pos_ = offset;
        line_ = line;
    }

  private:
    std::string_view data_;
    char delim_;
    std::size_t pos_ = 0;
    long line_ = 1;
    long record_line_ = 0;
    std::string scratch_;
    struct Span {  // a quoted field held in scratch_
        std::size_t field;
        std::size_t begin;
        std::size_t length;
    };
    std::vector<Span> spans_;
};

// kAuto: UTF-8 when the file is valid UTF-8; otherwise Windows-1252 when every byte is defined there and
// no valid multi-byte UTF-8 sequence occurs (a file in one 8-bit encoding), else an error.
enum class Encoding { kAuto, kUtf8, kLatin1, kCp1252 };
std::optional<Encoding> parse_encoding(std::string_view name);

// Reads a whole file. Throws UsageError when it cannot be read.
std::string read_file(const std::string& path);
// Removes a UTF-8 byte-order mark, checks the text is valid UTF-8 (InputError at the first bad byte,
// naming the --encoding option) or converts from Latin-1 / Windows-1252. NUL bytes are always an error.
// `detected` (optional) receives the encoding used.
std::string decode_text(std::string data, Encoding encoding, const std::string& source,
                        Encoding* detected = nullptr);

// Picks ';', ',', '\t' or '|' by counting them on the first lines outside quotes.
char sniff_delimiter(std::string_view data);

// Parses a number in plain or Dutch form: "12", "-3.5", "3,5" (when decimal_comma), "1e-3", " 7 ".
// Returns nullopt when the text is not a whole number.
std::optional<double> parse_number(std::string_view text, bool decimal_comma);
// Integers only ("2014", " 15 "); nullopt otherwise.
std::optional<std::int64_t> parse_integer(std::string_view text);

}  // namespace wz::csv
