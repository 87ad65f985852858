#pragma once
// One error vocabulary for every module and every face (command line, service, tests).
//
// A few kinds, each with one row in one table (error_kind_info): its name, the command line's exit
// status, the service's HTTP status and the prefix of its one-line message. Modules throw these kinds;
// the faces translate them only at the edge (main() into an exit status, the service into a response).
// "Not found" as the answer to a question ("is there a dataset X?") is a value (std::optional), never an
// exception caught for control flow: NotFoundError is only thrown when the caller asked for something
// that must exist.
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wz {

enum class ErrorKind : std::uint8_t {
    kBadInput,   // a file or request with wrong content: FILE:LINE:COL: expected ..., found ...
    kUsage,      // a bad argument or option value, or a request that cannot be served as asked
    kNotFound,   // a named thing (dataset, layer, rule set, preset, file) that does not exist
    kIo,         // a file or store that cannot be read or written (permissions, disk full, ...)
    kCancelled,  // stopped by the user (SIGINT/SIGTERM) or by the caller's cancel token
    kInternal,   // a defect of the program: anything else
};

struct ErrorKindInfo {
    ErrorKind kind;
    std::string_view name;    // "bad_input": for logs, metrics and JSON error bodies
    int exit_status;          // of the command line
    int http_status;          // of the service
    std::string_view prefix;  // before the message on standard error ("" for bad input: it names the file)
};

// The one table: every kind's row.
const ErrorKindInfo& error_kind_info(ErrorKind kind);

// The base of the project's exceptions.
class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

  private:
    ErrorKind kind_;
};

// Bad input tied to a position in a source: where (source, line, column) and what (expected, found).
class InputError : public Error {
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
class UsageError : public Error {
  public:
    explicit UsageError(const std::string& message) : Error(ErrorKind::kUsage, message) {}
};

// Something asked for by name does not exist (the message says what exists instead).
class NotFoundError : public Error {
  public:
    explicit NotFoundError(const std::string& message) : Error(ErrorKind::kNotFound, message) {}
};

// A file or store that cannot be read or written.
class IoError : public Error {
  public:
    explicit IoError(const std::string& message) : Error(ErrorKind::kIo, message) {}
};

// The work was cancelled (core/progress.hpp); nothing was committed.
class CancelledError : public Error {
  public:
    explicit CancelledError(const std::string& message = "cancelled")
        : Error(ErrorKind::kCancelled, message) {}
};

// A broken promise inside the program (a precondition a caller violated): always a defect.
class InternalError : public Error {
  public:
    explicit InternalError(const std::string& message) : Error(ErrorKind::kInternal, message) {}
};

// The kind of any exception: the project's kinds as thrown, everything else internal.
ErrorKind error_kind_of(const std::exception& e) noexcept;

// The one line a face shows for an exception: the kind's prefix and the message.
std::string error_line(const std::exception& e);

// Shortens a found value for messages: at most `max_chars` characters, control bytes escaped.
std::string quote_found(std::string_view text, std::size_t max_chars = 60);

}  // namespace wz
