#include "core/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace wz {

namespace {
constexpr std::array<std::string_view, kMissingKinds> kMissingNames{
    "none", "empty", "not-available", "secret-x", "uncertain", "secret-99997", "secret-99998", "geheim"};
}

std::string_view missing_name(Missing why) {
    return kMissingNames.at(static_cast<std::size_t>(why));
}

std::optional<Missing> parse_missing_name(std::string_view name) {
    for (std::size_t i = 0; i < kMissingNames.size(); ++i) {
        if (kMissingNames[i] == name) return static_cast<Missing>(i);
    }
    return std::nullopt;
}

std::string_view column_type_name(ColumnType type) {
    switch (type) {
        case ColumnType::kInt:
            return "int";
        case ColumnType::kReal:
            return "real";
        case ColumnType::kText:
            return "text";
    }
    return "unknown";
}

Column::Column(std::string name, ColumnType type) : name_(std::move(name)), type_(type) {}

void Column::reserve(std::size_t n) {
    status_.reserve(n);
    switch (type_) {
        case ColumnType::kInt:
            ints_.reserve(n);
            break;
        case ColumnType::kReal:
            reals_.reserve(n);
            break;
        case ColumnType::kText:
            texts_.reserve(n);
            break;
    }
}

void Column::push_int_slow(std::int64_t v) {
    if (type_ == ColumnType::kReal) {
        push_real(static_cast<double>(v));
        return;
    }
    wrong_type("push_int");
}

void Column::wrong_type(const char* what) const {
    throw InternalError(std::string(what) + " on " + std::string(column_type_name(type_)) + " column " +
                        name_);
}

void Column::append_block(const double* values, const std::uint8_t* status, std::size_t n) {
    if (type_ == ColumnType::kReal) {
        reals_.insert(reals_.end(), values, values + n);
    } else if (type_ == ColumnType::kInt) {
        for (std::size_t i = 0; i < n; ++i) ints_.push_back(static_cast<std::int64_t>(values[i]));
    } else {
        wrong_type("append_block");
    }
    status_.insert(status_.end(), status, status + n);
}

Column Column::with_status(std::string name, ColumnType type, std::size_t values,
                           std::vector<std::uint8_t> status) {
    if (status.empty()) status.assign(values, 0);
    if (status.size() != values)
        throw InternalError("Column::of_*: values and status differ in length for column " + name);
    Column c(std::move(name), type);
    c.status_ = std::move(status);
    return c;
}

Column Column::of_reals(std::string name, std::vector<double> values, std::vector<std::uint8_t> status) {
    Column c = with_status(std::move(name), ColumnType::kReal, values.size(), std::move(status));
    c.reals_ = std::move(values);
    return c;
}

Column Column::of_ints(std::string name, std::vector<std::int64_t> values, std::vector<std::uint8_t> status) {
    Column c = with_status(std::move(name), ColumnType::kInt, values.size(), std::move(status));
    c.ints_ = std::move(values);
    return c;
}

Column Column::of_texts(std::string name, std::vector<std::string> values, std::vector<std::uint8_t> status) {
    Column c = with_status(std::move(name), ColumnType::kText, values.size(), std::move(status));
    c.texts_ = std::move(values);
    return c;
}

void Column::push_text(std::string_view v) {
    if (type_ != ColumnType::kText) throw InternalError("push_text on column " + name_);
    const std::size_t n = status_.size();
    if (n < texts_.size()) {
        texts_[n].assign(v);
    } else {
        texts_.emplace_back(v);
    }
    status_.push_back(0);
}

void Column::push_text(std::string&& v) {
    if (type_ != ColumnType::kText) throw InternalError("push_text on column " + name_);
    const std::size_t n = status_.size();
    if (n < texts_.size()) {
        texts_[n] = std::move(v);
    } else {
        texts_.push_back(std::move(v));
    }
    status_.push_back(0);
}

void Column::push_text_taken(Column& from, std::size_t row) {
    push_texts_taken(from, row, 1);
}

void Column::push_texts_taken(Column& from, std::size_t first, std::size_t n) {
    if (type_ != ColumnType::kText || from.type_ != ColumnType::kText)
        throw InternalError("push_texts_taken on column " + name_);
    const std::size_t size = status_.size();
    const std::size_t kept = texts_.size() > size ? std::min(n, texts_.size() - size) : 0;
    for (std::size_t i = 0; i < kept; ++i) texts_[size + i].assign(from.texts_[first + i]);
    for (std::size_t i = kept; i < n; ++i) texts_.push_back(std::move(from.texts_[first + i]));
    const auto at = from.status_.begin() + static_cast<std::ptrdiff_t>(first);
    status_.insert(status_.end(), at, at + static_cast<std::ptrdiff_t>(n));
}

void Column::push_missing(Missing why) {
    if (why == Missing::kNone) throw InternalError("push_missing without a reason on column " + name_);
    switch (type_) {
        case ColumnType::kInt:
            ints_.push_back(0);
            break;
        case ColumnType::kReal:
            reals_.push_back(std::numeric_limits<double>::quiet_NaN());
            break;
        case ColumnType::kText:
            if (status_.size() < texts_.size()) {
                texts_[status_.size()].clear();
            } else {
                texts_.emplace_back();
            }
            break;
    }
    status_.push_back(static_cast<std::uint8_t>(why));
}

void Column::push_missing_run(Missing why, std::size_t n) {
    if (why == Missing::kNone) throw InternalError("push_missing_run without a reason on column " + name_);
    const std::size_t size = status_.size();
    switch (type_) {
        case ColumnType::kInt:
            ints_.insert(ints_.end(), n, 0);
            break;
        case ColumnType::kReal:
            reals_.insert(reals_.end(), n, std::numeric_limits<double>::quiet_NaN());
            break;
        case ColumnType::kText:
            for (std::size_t i = size; i < std::min(size + n, texts_.size()); ++i) texts_[i].clear();
            if (texts_.size() < size + n) texts_.resize(size + n);
            break;
    }
    status_.insert(status_.end(), n, static_cast<std::uint8_t>(why));
}

double Column::number_at(std::size_t row) const {
    if (is_missing(row)) return std::numeric_limits<double>::quiet_NaN();
    switch (type_) {
        case ColumnType::kInt:
            return static_cast<double>(ints_[row]);
        case ColumnType::kReal:
            return reals_[row];
        case ColumnType::kText:
            break;
    }
    throw InternalError("number_at on text column " + name_);
}

std::string Column::to_text(std::size_t row) const {
    if (is_missing(row)) return {};
    switch (type_) {
        case ColumnType::kInt:
            return std::to_string(ints_[row]);
        case ColumnType::kReal:
            return fmt::format("{}", reals_[row]);
        case ColumnType::kText:
            return texts_[row];
    }
    return {};
}

std::size_t Column::missing_count() const {
    return static_cast<std::size_t>(
        std::count_if(status_.begin(), status_.end(), [](std::uint8_t s) { return s != 0; }));
}

std::size_t Column::missing_count(Missing why) const {
    return static_cast<std::size_t>(
        std::count(status_.begin(), status_.end(), static_cast<std::uint8_t>(why)));
}

Column& Table::add_column(Column column) {
    if (find(column.name()) != nullptr) throw InternalError("duplicate column " + column.name());
    if (!columns_.empty() && column.size() != row_count()) {
        throw InternalError(
            fmt::format("column {} has {} rows, table has {}", column.name(), column.size(), row_count()));
    }
    columns_.push_back(std::move(column));
    return columns_.back();
}

const Column* Table::find(std::string_view name) const {
    for (const auto& c : columns_) {
        if (c.name() == name) return &c;
    }
    return nullptr;
}

Column* Table::find(std::string_view name) {
    for (auto& c : columns_) {
        if (c.name() == name) return &c;
    }
    return nullptr;
}

const Column& Table::column(std::string_view name) const {
    if (const Column* c = find(name)) return *c;
    std::string names;
    for (const auto& c : columns_) names += (names.empty() ? "" : ", ") + c.name();
    throw UsageError(fmt::format("no column '{}' (columns: {})", name, names));
}

void Table::check_shape() const {
    for (const auto& c : columns_) {
        if (c.size() != row_count()) throw InternalError("ragged table at column " + c.name());
    }
}

Table take_rows(const Table& table, const std::vector<std::size_t>& rows) {
    Table out;
    for (const Column& c : table.columns()) {
        std::vector<std::uint8_t> status(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) status[i] = c.status()[rows[i]];
        Column col = [&] {
            switch (c.type()) {
                case ColumnType::kInt: {
                    std::vector<std::int64_t> v(rows.size());
                    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c.ints()[rows[i]];
                    return Column::of_ints(c.name(), std::move(v), std::move(status));
                }
                case ColumnType::kReal: {
                    std::vector<double> v(rows.size());
                    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c.reals()[rows[i]];
                    return Column::of_reals(c.name(), std::move(v), std::move(status));
                }
                case ColumnType::kText:
                    break;
            }
            std::vector<std::string> v(rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c.texts()[rows[i]];
            return Column::of_texts(c.name(), std::move(v), std::move(status));
        }();
        col.unit = c.unit;
        col.description = c.description;
        out.add_column(std::move(col));
    }
    return out;
}

namespace {

// Rows [first, first + n) of `from` appended to `to` (the same columns); with kTake the strings of text
// columns are taken from `from` (left empty there) instead of copied.
template <bool kTake, class From>
void append_table_rows(Table& to, From& from, std::size_t first, std::size_t n, const char* who) {
    if (to.column_count() != from.column_count())
        throw std::logic_error(std::string(who) + ": the columns differ");
    for (std::size_t c = 0; c < to.column_count(); ++c) {
        Column& dst = to.columns()[c];
        auto& src = from.columns()[c];
        if (src.type() != dst.type())
            throw std::logic_error(std::string(who) + ": column '" + dst.name() + "' has another type");
        switch (src.type()) {
            case ColumnType::kReal:
                dst.append_block(src.reals().data() + first, src.status().data() + first, n);
                break;
            case ColumnType::kInt:
                for (std::size_t i = first; i < first + n; ++i) {
                    if (src.is_missing(i)) {
                        dst.push_missing(src.missing_reason(i));
                    } else {
                        dst.push_int(src.int_at(i));
                    }
                }
                break;
            case ColumnType::kText:
                if constexpr (kTake) {
                    dst.push_texts_taken(src, first, n);
                    break;
                }
                for (std::size_t i = first; i < first + n; ++i) {
                    if (src.is_missing(i)) {
                        dst.push_missing(src.missing_reason(i));
                    } else {
                        dst.push_text(src.text_at(i));
                    }
                }
                break;
        }
    }
}

}  // namespace

void move_rows(Table& to, Table& from, std::size_t first, std::size_t n) {
    append_table_rows<true>(to, from, first, n, "move_rows");
}

void append_rows(Table& to, const Table& from, std::size_t first, std::size_t n) {
    append_table_rows<false>(to, from, first, n, "append_rows");
}

}  // namespace wz
