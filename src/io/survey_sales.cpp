// A geocoded resident survey and house sales (cell code, year and values), checked row by row and
// streamed to the store a chunk at a time (io/csv_stream.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/unique_keys.hpp"
#include "io/csv_stream.hpp"
#include "io/importers.hpp"
#include "io/synth_sources.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

struct Spec {
    std::string name;
    ColumnType type;
    bool required;
    double lo, hi;  // allowed range for numbers
};

class RecordRows final : public CsvRowStream {
  public:
    RecordRows(const std::string& path, std::string id_column, std::vector<Spec> specs,
               csv::Encoding encoding, std::size_t chunk_bytes)
        : id_column_(std::move(id_column)), specs_(std::move(specs)) {
        start(path, encoding, chunk_bytes, true);
    }

    void finish(Dataset& ds) override {
        ds.meta["source"] = path();
        ds.meta["rows"] = rows_;
    }

  protected:
    void on_header(const std::vector<std::string>& header, const std::vector<csv::Field>&) override {
        const auto missing = [&](const std::string& n) {
            return InputError(path(), 1, 0, fmt::format("a column '{}'", n),
                              fmt::format("columns {}", fmt::join(header, ",")));
        };
        for (const std::string& req : {std::string("code"), std::string("year"), id_column_}) {
            const auto at = column_index(req);
            if (!at) throw missing(req);
        }
        ci_ = *column_index("code");
        yi_ = *column_index("year");
        ii_ = *column_index(id_column_);
        read_.cells = CellRules{delimiter() == ';', false, false};
        for (const auto& h : header) {
            auto sp = std::find_if(specs_.begin(), specs_.end(), [&](const Spec& s) { return s.name == h; });
            if (h == "code" || h == id_column_ || (sp != specs_.end() && sp->type == ColumnType::kText))
                read_.text_columns.push_back(h);
            if (h == "year" || (sp != specs_.end() && sp->type == ColumnType::kInt))
                read_.int_columns.push_back(h);
        }
        for (const auto& s : specs_) {
            if (s.required && !column_index(s.name)) throw missing(s.name);
            spec_at_.push_back(column_index(s.name));
        }
    }

    TableReadOptions read_options() const override { return read_; }

    // code and year first, then the file's other columns with the types of its first records.
    void on_first_records(const Table& raw) override {
        schema_.add_column("code", ColumnType::kText);
        schema_.add_column("year", ColumnType::kInt);
        for (std::size_t c = 0; c < header().size(); ++c) {
            if (c == ci_ || c == yi_) continue;
            schema_.add_column(header()[c], raw.columns()[c].type());
            out_of_.push_back(c);
        }
    }

    void convert(Table& raw, const RecordPositions& pos, std::string_view text, Table& out) override {
        const std::size_t n = raw.row_count();
        const char delim = delimiter();
        const auto fail = [&](std::size_t r, std::size_t col, std::string expected, std::string found) {
            return field_error(path(), text, delim, pos.offsets[r], col, std::move(expected),
                               std::move(found));
        };
        std::vector<Column>& o = out.columns();
        if (ids_.size() == 0) {  // room for the file's ids, estimated from this chunk
            std::size_t id_bytes = 0;
            const Column& idc = raw.columns()[ii_];
            for (std::size_t r = 0; r < n; ++r) id_bytes += idc.is_missing(r) ? 0 : idc.text_at(r).size();
            ids_.reserve(scaled_to_file(n, text), scaled_to_file(id_bytes, text));
        }
        for (std::size_t r = 0; r < n; ++r) {
            const Column& cc = raw.columns()[ci_];
            auto cell = cc.is_missing(r) ? std::nullopt : parse_grid_cell(trim(cc.text_at(r)));
            if (!cell)
                throw fail(r, ci_, "a 100 m cell code like E1993N3660",
                           quote_found(cc.is_missing(r) ? "" : cc.text_at(r)));
            const Column& yc = raw.columns()[yi_];
            if (yc.is_missing(r) || yc.type() != ColumnType::kInt ||
                !is_plausible_year(static_cast<long>(yc.int_at(r))))
                throw fail(r, yi_, "a year such as 2018", quote_found(yc.is_missing(r) ? "" : yc.to_text(r)));
            const Column& idc = raw.columns()[ii_];
            if (idc.is_missing(r) || !ids_.insert(idc.text_at(r))) {
                throw fail(r, ii_, fmt::format("a unique '{}'", id_column_),
                           idc.is_missing(r) ? std::string("an empty field")
                                             : quote_found(idc.text_at(r)) + " again");
            }
            for (std::size_t k = 0; k < specs_.size(); ++k) {
                const Spec& s = specs_[k];
                const auto at = spec_at_[k];
                if (!at || s.type == ColumnType::kText) continue;
                const Column& col = raw.columns()[*at];
                if (col.is_missing(r)) {
                    if (s.required)
                        throw fail(r, *at, fmt::format("a value for '{}'", s.name), "an empty field");
                    continue;
                }
                const double v = col.number_at(r);
                if (col.type() == ColumnType::kText || !(v >= s.lo && v <= s.hi))
                    throw fail(r, *at, fmt::format("'{}' between {} and {}", s.name, s.lo, s.hi),
                               quote_found(col.to_text(r)));
            }
            o[0].push_text(cell->code());
            o[1].push_int(yc.int_at(r));
            for (std::size_t k = 0; k < out_of_.size(); ++k)
                push_value(raw.columns()[out_of_[k]], r, o[k + 2], fail, out_of_[k]);
        }
        rows_ += n;
    }

  private:
    // One value into its column of the schema (whose type the first records decided).
    template <class Fail>
    static void push_value(Column& src, std::size_t r, Column& dst, const Fail& fail, std::size_t at) {
        if (src.is_missing(r)) {
            dst.push_missing(src.missing_reason(r));
            return;
        }
        switch (dst.type()) {
            case ColumnType::kText:
                if (src.type() == ColumnType::kText) {
                    dst.push_text_taken(src, r);
                } else {
                    dst.push_text(src.to_text(r));
                }
                return;
            case ColumnType::kReal:
                if (src.type() == ColumnType::kText)
                    throw fail(r, at,
                               fmt::format("a number in column '{}' (as in the rows before)", dst.name()),
                               quote_found(src.text_at(r)));
                dst.push_real(src.number_at(r));
                return;
            case ColumnType::kInt: {
                const double v = src.type() == ColumnType::kText ? std::nan("") : src.number_at(r);
                if (!(std::isfinite(v) && v == std::round(v)))
                    throw fail(
                        r, at,
                        fmt::format("a whole number in column '{}' (as in the rows before)", dst.name()),
                        quote_found(src.to_text(r)));
                dst.push_int(static_cast<std::int64_t>(v));
                return;
            }
        }
    }

    std::string id_column_;
    std::vector<Spec> specs_;
    std::vector<std::optional<std::size_t>> spec_at_;  // each spec's column in the file
    std::size_t ci_ = 0, yi_ = 0, ii_ = 0;
    std::vector<std::size_t> out_of_;  // per schema column after code and year: its column in the file
    TableReadOptions read_;
    UniqueTexts ids_;
    std::size_t rows_ = 0;
};

Dataset stream_records(const std::string& path, const std::string& name, const std::string& kind,
                       const std::string& id_column, std::vector<Spec> specs, csv::Encoding encoding,
                       std::size_t chunk_bytes) {
    auto rows = std::make_shared<RecordRows>(path, id_column, std::move(specs), encoding, chunk_bytes);
    Table schema = rows->schema();
    return streamed_dataset(std::move(rows), std::move(schema), kind, name, Level::kGrid);
}

std::vector<Spec> survey_specs() {
    return {{"rating", ColumnType::kInt, true, 1, 10},
            {"age", ColumnType::kInt, false, 0, 120},
            {"owner", ColumnType::kInt, false, 0, 1}};
}

std::vector<Spec> sales_specs() {
    return {{"price", ColumnType::kReal, true, 1, 1e9},
            {"month", ColumnType::kInt, false, 1, 12},
            {"floor_area", ColumnType::kReal, false, 1, 100000},
            {"rooms", ColumnType::kInt, false, 0, 1000},
            {"dwelling_type", ColumnType::kText, false, 0, 0},
            {"build_year", ColumnType::kInt, false, 1000, 2100}};
}

}  // namespace

Dataset stream_survey(const std::string& path, const std::string& name, csv::Encoding encoding,
                      std::size_t chunk_bytes) {
    return stream_records(path, name, "survey", "respondent", survey_specs(), encoding, chunk_bytes);
}

Dataset stream_sales(const std::string& path, const std::string& name, csv::Encoding encoding,
                     std::size_t chunk_bytes) {
    return stream_records(path, name, "sales", "sale", sales_specs(), encoding, chunk_bytes);
}

Dataset import_survey(const std::string& path, const std::string& name, csv::Encoding encoding) {
    return collect_rows(stream_survey(path, name, encoding));
}

Dataset import_sales(const std::string& path, const std::string& name, csv::Encoding encoding) {
    return collect_rows(stream_sales(path, name, encoding));
}

}  // namespace wz
