#include "io/table_csv.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"
#include "io/writers.hpp"

namespace wz {
namespace {

void append_field(std::string& out, const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        out += text;
        return;
    }
    out += '"';
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace

namespace {

void append_header(std::string& buf, const Table& table) {
    for (std::size_t c = 0; c < table.column_count(); ++c) {
        if (c) buf += ',';
        append_field(buf, table.columns()[c].name());
    }
    buf += '\n';
}

void append_row(std::string& buf, const Table& table, std::size_t r) {
    for (std::size_t c = 0; c < table.column_count(); ++c) {
        if (c) buf += ',';
        const Column& col = table.columns()[c];
        if (col.is_missing(r)) continue;
        switch (col.type()) {
            case ColumnType::kInt:
                buf += std::to_string(col.int_at(r));
                break;
            case ColumnType::kReal:
                buf += fmt::format("{}", col.real_at(r));
                break;
            case ColumnType::kText:
                append_field(buf, col.text_at(r));
                break;
        }
    }
    buf += '\n';
}

}  // namespace

void write_table_csv(const Table& table, const std::string& path) {
    TempFile tmp(path);
    {
        std::ofstream out(tmp.path(), std::ios::binary);
        if (!out) throw IoError(fmt::format("cannot write '{}'", path));
        std::string buf;
        append_header(buf, table);
        for (std::size_t r = 0; r < table.row_count(); ++r) {
            append_row(buf, table, r);
            if (buf.size() > (1u << 20)) {
                check_cancelled();
                out << buf;
                buf.clear();
            }
        }
        out << buf;
        if (!out.flush()) throw IoError(fmt::format("cannot write '{}'", path));
    }
    tmp.commit();
}

std::string table_csv_text(const Table& table) {
    std::string buf;
    append_header(buf, table);
    for (std::size_t r = 0; r < table.row_count(); ++r) append_row(buf, table, r);
    return buf;
}

Table stack_tables(const Table& a, const Table& b) {
    Table out;
    std::vector<std::pair<std::string, ColumnType>> cols;
    for (const Table* t : {&a, &b}) {
        for (const auto& c : t->columns()) {
            auto it =
                std::find_if(cols.begin(), cols.end(), [&](const auto& p) { return p.first == c.name(); });
            if (it == cols.end()) {
                cols.emplace_back(c.name(), c.type());
            } else if (it->second != c.type()) {
                throw std::logic_error("stack_tables: column " + c.name() + " has two types");
            }
        }
    }
    for (const auto& [name, type] : cols) {
        Column col(name, type);
        col.reserve(a.row_count() + b.row_count());
        for (const Table* t : {&a, &b}) {
            const Column* src = t->find(name);
            for (std::size_t r = 0; r < t->row_count(); ++r) {
                if (src == nullptr || src->is_missing(r)) {
                    col.push_missing(src == nullptr ? Missing::kEmpty : src->missing_reason(r));
                    continue;
                }
                switch (type) {
                    case ColumnType::kInt:
                        col.push_int(src->int_at(r));
                        break;
                    case ColumnType::kReal:
                        col.push_real(src->real_at(r));
                        break;
                    case ColumnType::kText:
                        col.push_text(src->text_at(r));
                        break;
                }
            }
        }
        out.add_column(std::move(col));
    }
    return out;
}

Table read_table_csv(const std::string& path, const std::vector<std::string>& text_columns) {
    const std::string data = load_text(path, csv::Encoding::kAuto);
    const char delim = csv::sniff_delimiter(data);
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields) || fields.empty() || (fields.size() == 1 && trim(fields[0].text).empty())) {
        throw InputError(path, 1, 1, "a header line", "an empty file");
    }
    std::vector<std::string> names;
    for (const auto& f : fields) {
        names.emplace_back(trim(f.text));
        if (names.back().empty())
            throw InputError(path, 1, f.column, "a column name", "an empty header field");
        if (std::count(names.begin(), names.end(), names.back()) > 1) {
            throw InputError(path, 1, f.column, "distinct column names",
                             quote_found(names.back()) + " twice");
        }
    }
    TableReadOptions options;
    options.text_columns = text_columns;
    options.cells.statline_symbols = false;
    options.cells.cbs_secrecy = false;
    return read_typed_records(reader, names, options, path);
}

}  // namespace wz
