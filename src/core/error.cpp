#include "core/error.hpp"

#include <fmt/format.h>

namespace wz {
namespace {
std::string format_error(const std::string& source, long line, long column, const std::string& expected,
                         const std::string& found) {
    std::string where = source;
    if (line > 0) where += fmt::format(":{}", line);
    if (line > 0 && column > 0) where += fmt::format(":{}", column);
    return fmt::format("{}: expected {}, found {}", where, expected, found);
}
}  // namespace

InputError::InputError(std::string source, long line, long column, std::string expected, std::string found)
    : std::runtime_error(format_error(source, line, column, expected, found)),
      source_(std::move(source)),
      line_(line),
      column_(column),
      expected_(std::move(expected)),
      found_(std::move(found)) {}

std::string quote_found(std::string_view text, std::size_t max_chars) {
    std::string out = "'";
    std::size_t n = 0;
    for (char c : text) {
        if (n++ >= max_chars) {
            out += "...";
            break;
        }
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out += c;
        }
    }
    out += "'";
    return out;
}

}  // namespace wz
