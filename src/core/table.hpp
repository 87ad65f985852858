#pragma once
// A columnar table with explicit missing values. Every cell is either a value or missing with a
// reason (empty field, CBS secrecy code, statistic not available, ...); nothing is imputed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wz {

// Why a value is missing. Stored per cell; kNone means the value is present.
enum class Missing : std::uint8_t {
    kNone = 0,
    kEmpty,         // empty field
    kNotAvailable,  // CBS StatLine '.': figure not available
    kSecret,        // CBS StatLine 'x': secret
    kUncertain,     // CBS StatLine '?': figure too uncertain to publish
    kSecret99997,   // CBS grid/KWB secrecy code -99997
    kSecret99998,   // CBS grid/KWB secrecy code -99998
    kGeheim,        // CBS grid text 'geheim'
};
inline constexpr int kMissingKinds = 8;

// "none", "empty", "not-available", "secret-x", "uncertain", "secret-99997", "secret-99998", "geheim".
std::string_view missing_name(Missing why);
std::optional<Missing> parse_missing_name(std::string_view name);

enum class ColumnType : std::uint8_t { kInt, kReal, kText };
std::string_view column_type_name(ColumnType type);

class Column {
  public:
    Column(std::string name, ColumnType type);

    const std::string& name() const { return name_; }
    ColumnType type() const { return type_; }
    std::size_t size() const { return status_.size(); }
    void reserve(std::size_t n);
    // Removes every value, keeping name, type and memory (for a block refilled in a loop). A text
    // column keeps its strings too: the next values are assigned into them, so a block refilled with
    // texts of similar length allocates nothing.
    void clear() {
        ints_.clear();
        reals_.clear();
        status_.clear();
    }

    void push_int(std::int64_t v) {
        if (type_ != ColumnType::kInt) {
            push_int_slow(v);
            return;
        }
        ints_.push_back(v);
        status_.push_back(0);
    }
    void push_real(double v) {
        if (type_ != ColumnType::kReal) wrong_type("push_real");
        reals_.push_back(v);
        status_.push_back(0);
    }
    // Appends a text value. The view is copied into a string slot kept from before a clear() when there
    // is one (no allocation once the slot is long enough); a string rvalue is moved in.
    void push_text(std::string_view v);
    void push_text(std::string&& v);
    void push_text(const char* v) { push_text(std::string_view(v)); }
    // Appends row `row` of the text column `from` with its missing reason, for rows handed on from a table
    // that is refilled next: copied into a string this column kept from before a clear() (no allocation),
    // else taken (left empty in `from`).
    void push_text_taken(Column& from, std::size_t row);
    // The same for rows [first, first + n) of `from`.
    void push_texts_taken(Column& from, std::size_t first, std::size_t n);
    // Exchanges the values of two columns of the same type (and a text column's kept strings), for rows
    // handed on whole from a table that is refilled next; names, units and descriptions stay.
    void swap_values(Column& other) {
        if (type_ != other.type_) wrong_type("swap_values");
        ints_.swap(other.ints_);
        reals_.swap(other.reals_);
        texts_.swap(other.texts_);
        status_.swap(other.status_);
    }
    // Appends n values of an int or real column with their status bytes (0 = present) in one step.
    void append_block(const double* values, const std::uint8_t* status, std::size_t n);
    void push_missing(Missing why);
    // Appends n missing values with the same reason.
    void push_missing_run(Missing why, std::size_t n);
    // A decimal column that takes over `values` without copying them, with `status` (one byte per value,
    // 0 = present, else the Missing reason; empty = none missing).
    static Column of_reals(std::string name, std::vector<double> values,
                           std::vector<std::uint8_t> status = {});
    // The same for an integer and a text column (a missing value's slot holds anything).
    static Column of_ints(std::string name, std::vector<std::int64_t> values,
                          std::vector<std::uint8_t> status = {});
    static Column of_texts(std::string name, std::vector<std::string> values,
                           std::vector<std::uint8_t> status = {});

    bool is_missing(std::size_t row) const { return status_[row] != 0; }
    Missing missing_reason(std::size_t row) const { return static_cast<Missing>(status_[row]); }
    std::int64_t int_at(std::size_t row) const { return ints_[row]; }
    double real_at(std::size_t row) const { return reals_[row]; }
    const std::string& text_at(std::size_t row) const { return texts_[row]; }
    // The value of an int or real column as double (NaN when missing).
    double number_at(std::size_t row) const;
    // The value rendered as text ("" when missing).
    std::string to_text(std::size_t row) const;

    std::size_t missing_count() const;
    std::size_t missing_count(Missing why) const;

    // Contiguous storage for hot loops (only the vector of the column's type is filled).
    const std::vector<std::int64_t>& ints() const { return ints_; }
    const std::vector<double>& reals() const { return reals_; }
    std::span<const std::string> texts() const {
        return {texts_.data(), type_ == ColumnType::kText ? size() : 0};
    }
    const std::vector<std::uint8_t>& status() const { return status_; }

    // Optional metadata: unit ("aantal", "%") and description as published.
    std::string unit;
    std::string description;

  private:
    // An empty column of `type` holding `status` (zeros for `values` rows when empty) for of_*.
    static Column with_status(std::string name, ColumnType type, std::size_t values,
                              std::vector<std::uint8_t> status);
    void push_int_slow(std::int64_t v);
    [[noreturn]] void wrong_type(const char* what) const;

    std::string name_;
    ColumnType type_;
    std::vector<std::int64_t> ints_;
    std::vector<double> reals_;
    // A text column's strings: the first size() are its values; any after them are slots kept by clear().
    std::vector<std::string> texts_;
    std::vector<std::uint8_t> status_;
};

class Table {
  public:
    Table() = default;

    // Adds a column; it must have as many rows as the table (or the table must be empty of columns).
    Column& add_column(Column column);
    Column& add_column(std::string name, ColumnType type) {
        return add_column(Column(std::move(name), type));
    }

    std::size_t row_count() const { return columns_.empty() ? 0 : columns_.front().size(); }
    // Removes every row, keeping the columns and their memory.
    void clear_rows() {
        for (Column& c : columns_) c.clear();
    }
    std::size_t column_count() const { return columns_.size(); }
    const std::vector<Column>& columns() const { return columns_; }
    std::vector<Column>& columns() { return columns_; }

    // nullptr when absent.
    const Column* find(std::string_view name) const;
    Column* find(std::string_view name);
    // Throws UsageError naming the missing column and the ones that exist.
    const Column& column(std::string_view name) const;

    // Checks every column has the same number of rows (throws std::logic_error otherwise).
    void check_shape() const;

  private:
    std::vector<Column> columns_;
};

// The rows `rows` of `table` (in that order; indices must be < row_count()), every column with its unit,
// description and missing reasons.
Table take_rows(const Table& table, const std::vector<std::size_t>& rows);

// Appends rows [first, first + n) of `from` to `to`, which has the same columns (names and types; a
// different type is a std::logic_error).
void append_rows(Table& to, const Table& from, std::size_t first, std::size_t n);
// The same, taking the strings of `from`'s text columns instead of copying them (they are left empty).
void move_rows(Table& to, Table& from, std::size_t first, std::size_t n);

}  // namespace wz
