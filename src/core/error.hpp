#pragma once
// One error type for bad input: where (source, line, column) and what (expected, found).
#include <stdexcept>
#include <string>

namespace wz {

class InputError : public std::runtime_error {
  public:
    // Text sources: `source` is the file, line and column are 1-based (0 = unknown).
    // Vector sources: `source` names file, layer and feature ("f.gpkg:layer buurt_2014:feature 17").
    InputError(std::string source, long line, long column, std::string expected, std::string found);

    const std::string& source() const noexcept { return source_; }
    long line() const noexcept { return line_; }
    long column() const noexcept { return column_; }
    const std::string& expected() const noexcept { return expected_; }
    const std::string& found() const noexcept { return found_; }

  private:
    std::string source_;
    long line_;
    long column_;
    std::string expected_;
    std::string found_;
};

// A bad argument or a request that cannot be served (not tied to a position in an input file).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Shortens a found value for messages: at most `max_chars` characters, control bytes escaped.
std::string quote_found(std::string_view text, std::size_t max_chars = 60);

}  // namespace wz
