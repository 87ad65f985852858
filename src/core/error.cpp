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

const ErrorKindInfo& error_kind_info(ErrorKind kind) {
    // The one table. Exit statuses: 2 for everything the user can correct (as before the table existed),
    // 130 for a cancelled run (128 + SIGINT, the shell's convention), 1 for a defect.
    static constexpr ErrorKindInfo kTable[] = {
        {ErrorKind::kBadInput, "bad_input", 2, 422, ""},
        {ErrorKind::kUsage, "usage", 2, 400, "wijkzicht: error: "},
        {ErrorKind::kNotFound, "not_found", 2, 404, "wijkzicht: error: "},
        {ErrorKind::kIo, "io", 2, 500, "wijkzicht: error: "},
        {ErrorKind::kCancelled, "cancelled", 130, 503, "wijkzicht: "},
        {ErrorKind::kInternal, "internal", 1, 500, "wijkzicht: internal error: "},
    };
    for (const auto& row : kTable) {
        if (row.kind == kind) return row;
    }
    return kTable[5];
}

ErrorKind error_kind_of(const std::exception& e) noexcept {
    if (const auto* err = dynamic_cast<const Error*>(&e)) return err->kind();
    return ErrorKind::kInternal;
}

std::string error_line(const std::exception& e) {
    return std::string(error_kind_info(error_kind_of(e)).prefix) + e.what();
}

InputError::InputError(std::string source, long line, long column, std::string expected, std::string found)
    : Error(ErrorKind::kBadInput, format_error(source, line, column, expected, found)),
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
