#include "io/csv.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/codes.hpp"
#include "core/error.hpp"

namespace wz::csv {

Reader::Reader(std::string_view data, char delimiter, long first_line)
    : data_(data), delim_(delimiter), line_(first_line) {}

bool Reader::next(std::vector<Field>& fields) {
    fields.clear();
    if (pos_ >= data_.size()) return false;
    spans_.clear();
    scratch_.clear();
    record_line_ = line_;
    const char* d = data_.data();
    const std::size_t n = data_.size();
    std::size_t line_start = pos_;
    std::size_t p = pos_;
    const char delim = delim_;
    for (;;) {
        const auto column = static_cast<std::uint32_t>(p - line_start + 1);
        if (p < n && d[p] == '"') {
            // Quoted field: copied into scratch (unescaping "" and keeping line breaks); its view is
            // set once the record is complete, as scratch may grow meanwhile.
            const std::size_t begin = scratch_.size();
            ++p;
            for (;;) {
                if (p >= n) break;  // unterminated quote: take the rest (caller sees a short record)
                const char c = d[p];
                if (c == '"') {
                    if (p + 1 < n && d[p + 1] == '"') {
                        scratch_.push_back('"');
                        p += 2;
                        continue;
                    }
                    ++p;
                    break;
                }
                if (c == '\n') {
                    ++line_;
                    line_start = p + 1;
                }
                scratch_.push_back(c);
                ++p;
            }
            // Anything between the closing quote and the delimiter is kept (lenient, as spreadsheets do).
            while (p < n && d[p] != delim && d[p] != '\n' && d[p] != '\r') scratch_.push_back(d[p++]);
            spans_.push_back({fields.size(), begin, scratch_.size() - begin});
            fields.push_back(Field{std::string_view(), column, true});
        } else {
            const std::size_t begin = p;
            while (p < n) {
                const char c = d[p];
                if (c == delim || c == '\n' || c == '\r') break;
                ++p;
            }
            fields.push_back(Field{std::string_view(d + begin, p - begin), column, false});
        }
        if (p >= n) {
            pos_ = n;
            break;
        }
        if (d[p] == delim) {
            ++p;
            continue;
        }
        // End of line: \n, \r\n or a lone \r.
        if (d[p] == '\r') ++p;
        if (p < n && d[p] == '\n') ++p;
        ++line_;
        pos_ = p;
        break;
    }
    for (const Span& s : spans_) fields[s.field].text = std::string_view(scratch_.data() + s.begin, s.length);
    return true;
}

std::optional<Encoding> parse_encoding(std::string_view name) {
    const std::string_view n = trim(name);
    if (n == "auto") return Encoding::kAuto;
    if (n == "utf-8" || n == "utf8" || n == "UTF-8") return Encoding::kUtf8;
    if (n == "latin1" || n == "latin-1" || n == "iso-8859-1" || n == "ISO-8859-1") return Encoding::kLatin1;
    if (n == "cp1252" || n == "windows-1252" || n == "Windows-1252") return Encoding::kCp1252;
    return std::nullopt;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size < 0) throw IoError(fmt::format("cannot read '{}'", path));
    std::string data(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    in.read(data.data(), size);
    if (!in) throw IoError(fmt::format("cannot read '{}'", path));
    return data;
}

namespace {

// Position (line, column) of byte offset `at`.
std::pair<long, long> line_column(std::string_view data, std::size_t at) {
    long line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < at; ++i) {
        if (data[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return {line, static_cast<long>(at - line_start + 1)};
}

// Length of the valid UTF-8 sequence at p, or 0 when invalid.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t left) {
    const unsigned char c = p[0];
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (left < len) return 0;
    for (std::size_t i = 1; i < len; ++i) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

constexpr std::array<std::uint16_t, 32> kCp1252High{
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

namespace {

// Offset of the first invalid UTF-8 byte, or npos. `multibyte` tells whether a valid multi-byte
// sequence was seen before it.
std::size_t first_invalid_utf8(std::string_view data, bool& multibyte) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t n = data.size();
    std::size_t i = 0;
    multibyte = false;
    while (i < n) {
        // ASCII fast path, 8 bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, p + i, 8);
            if ((word & 0x8080808080808080ULL) != 0) break;
            i += 8;
        }
        if (i >= n) break;
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0) return i;
        multibyte = true;
        i += len;
    }
    return std::string_view::npos;
}

std::string from_8bit(const std::string& data, Encoding encoding) {
    std::string out;
    out.reserve(data.size() + data.size() / 16);
    for (char ch : data) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else if (encoding == Encoding::kCp1252 && c < 0xA0) {
            append_utf8(out, kCp1252High[c - 0x80]);
        } else {
            append_utf8(out, c);
        }
    }
    return out;
}

bool defined_in_cp1252(unsigned char c) {
    return c != 0x81 && c != 0x8D && c != 0x8F && c != 0x90 && c != 0x9D;
}

}  // namespace

std::string decode_text(std::string data, Encoding encoding, const std::string& source, Encoding* detected) {
    if (data.size() >= 3 && data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
    if (const auto nul = data.find('\0'); nul != std::string::npos) {
        auto [line, column] = line_column(data, nul);
        throw InputError(source, line, column, "text", "a NUL byte (a binary file?)");
    }
    if (detected != nullptr) *detected = encoding;
    if (encoding == Encoding::kLatin1 || encoding == Encoding::kCp1252) return from_8bit(data, encoding);
    bool multibyte = false;
    const std::size_t bad = first_invalid_utf8(data, multibyte);
    if (bad == std::string_view::npos) {
        if (detected != nullptr) *detected = Encoding::kUtf8;
        return data;
    }
    auto [line, column] = line_column(data, bad);
    const std::string found = fmt::format("byte 0x{:02X}", static_cast<unsigned char>(data[bad]));
    if (encoding == Encoding::kUtf8) {
        throw InputError(
            source, line, column,
            "UTF-8 text (if the file is Windows- or Latin-1-encoded, pass --encoding cp1252 or latin1)",
            found);
    }
    // Auto: one consistent 8-bit encoding, or an error.
    if (multibyte) {
        throw InputError(source, line, column,
                         "text in one encoding (this file mixes UTF-8 with other bytes)", found);
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c >= 0x80 && !defined_in_cp1252(c)) {
            auto [l2, c2] = line_column(data, i);
            throw InputError(source, l2, c2,
                             "UTF-8 or Windows-1252 text (pass --encoding latin1 for ISO-8859-1)",
                             fmt::format("byte 0x{:02X}", c));
        }
    }
    if (detected != nullptr) *detected = Encoding::kCp1252;
    return from_8bit(data, Encoding::kCp1252);
}

char sniff_delimiter(std::string_view data) {
    constexpr std::array<char, 4> kCandidates{';', ',', '\t', '|'};
    std::array<std::size_t, 4> counts{};
    bool in_quotes = false;
    int lines = 0;
    for (std::size_t i = 0; i < data.size() && lines < 50; ++i) {
        const char c = data[i];
        if (c == '"') in_quotes = !in_quotes;
        if (in_quotes) continue;
        if (c == '\n') ++lines;
        for (std::size_t k = 0; k < kCandidates.size(); ++k) {
            if (c == kCandidates[k]) ++counts[k];
        }
    }
    std::size_t best = 1;  // ',' when nothing is found
    for (std::size_t k = 0; k < counts.size(); ++k) {
        if (counts[k] > counts[best]) best = k;
    }
    return kCandidates[best];
}

namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Plain decimals ("-12", "3.25", "3,25" with a decimal comma) of at most 18 digits. An integer is
// converted with one rounding; with a fraction, mantissa (at most 2^53) and power of ten are exact in
// double, so one division gives the correctly rounded value (the classic fast path of decimal-to-binary
// conversion). Anything else returns false.
bool parse_simple_decimal(std::string_view t, char decimal, double& out) {
    const char* p = t.data();
    const char* e = p + t.size();
    bool negative = false;
    if (p < e && *p == '-') {
        negative = true;
        ++p;
    }
    if (p == e) return false;
    std::uint64_t mantissa = 0;
    int digits = 0;
    int fraction = -1;
    for (; p < e; ++p) {
        const char c = *p;
        if (c >= '0' && c <= '9') {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
            if (fraction >= 0) ++fraction;
        } else if (c == decimal && fraction < 0) {
            fraction = 0;
        } else {
            return false;
        }
    }
    if (digits == 0 || digits > 18 || fraction == 0) return false;
    if (fraction > 0 && mantissa > (std::uint64_t{1} << 53)) return false;
    double v = static_cast<double>(mantissa);
    if (fraction > 0) v /= kPow10[fraction];
    out = negative ? -v : v;
    return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view text, bool decimal_comma) {
    double value = 0;
    if (parse_simple_decimal(text, '.', value)) return value;
    if (decimal_comma && parse_simple_decimal(text, ',', value)) return value;
    // Trim spaces only when present.
    if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) text = trim(text);
    if (text.empty()) return std::nullopt;
    if (text.front() == '+') text.remove_prefix(1);
    if (decimal_comma) {
        const std::size_t comma = text.find(',');
        if (comma != std::string_view::npos) {
            char buf[64];
            if (text.size() >= sizeof(buf) || text.find('.') != std::string_view::npos) return std::nullopt;
            std::memcpy(buf, text.data(), text.size());
            buf[comma] = '.';
            auto [ptr, ec] = std::from_chars(buf, buf + text.size(), value);
            if (ec != std::errc() || ptr != buf + text.size()) return std::nullopt;
            return value;
        }
    }
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace wz::csv
