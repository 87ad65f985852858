#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/error.hpp"
#include "core/unique_keys.hpp"
#include "io/csv_stream.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "INW2000" -> ("INW", 2000); "I2011_014" -> ("I_014", 2011); "MAN_2011" -> ("MAN", 2011).
std::optional<std::pair<std::string, int>> split_year(const std::string& name) {
    for (std::size_t i = 0; i + 4 <= name.size(); ++i) {
        if (!(name.compare(i, 2, "19") == 0 || name.compare(i, 2, "20") == 0)) continue;
        if (!is_digit(name[i + 2]) || !is_digit(name[i + 3])) continue;
        if (i > 0 && is_digit(name[i - 1])) continue;
        if (i + 4 < name.size() && is_digit(name[i + 4])) continue;
        std::string var = name.substr(0, i) + name.substr(i + 4);
        std::string clean;
        for (char c : var) {
            if (c == '_' && (clean.empty() || clean.back() == '_')) continue;
            clean.push_back(c);
        }
        while (!clean.empty() && clean.back() == '_') clean.pop_back();
        if (clean.empty()) return std::nullopt;
        return std::make_pair(clean, std::stoi(name.substr(i, 4)));
    }
    return std::nullopt;
}

bool is_dropped_column(const std::string& name) {
    const std::string n = to_lower(name);
    return n.empty() || n.rfind("column_", 0) == 0 || n == "objectid" || n == "fid" || n == "geometry" ||
           n == "wkt" || n == "geom" || n == "x" || n == "y" || n == "shape_area" || n == "shape_length";
}

}  // namespace

namespace {

// The grid statistics as a stream: one row per cell in the file becomes one row per cell and year.
class GridStatsRows final : public CsvRowStream {
  public:
    GridStatsRows(const std::string& path, const GridStatsOptions& options, std::size_t chunk_bytes)
        : options_(options) {
        start(path, options.encoding, chunk_bytes, true);
    }

    void finish(Dataset& ds) override {
        ds.meta["cells"] = cells_;
        ds.meta["dropped_columns"] = dropped_;
        ds.meta["static_columns"] = static_columns_;
        ds.meta["static_columns_year"] = static_year_;
        nlohmann::json missing = nlohmann::json::object();
        for (int k = 1; k < kMissingKinds; ++k)
            if (missing_[static_cast<std::size_t>(k)] > 0)
                missing[std::string(missing_name(static_cast<Missing>(k)))] =
                    missing_[static_cast<std::size_t>(k)];
        ds.meta["missing"] = missing;
    }

  protected:
    void on_header(const std::vector<std::string>& header, const std::vector<csv::Field>&) override {
        if (header.size() < 2) {
            throw InputError(path(), 1, 1, "a header row of CBS grid statistics (C28992R100, INW2014, ...)",
                             "no header");
        }
        for (std::size_t i = 0; i < header.size(); ++i)
            names_.push_back(header[i].empty() ? fmt::format("column_{}", i + 1) : header[i]);
        code_col_ = names_.size();
        for (std::size_t i = 0; i < names_.size(); ++i) {
            const std::string n = to_lower(names_[i]);
            if (n == "c28992r100" || n == "vierkant" || n == "crs28992res100m" || n == "code" ||
                n == "cell") {
                code_col_ = i;
                break;
            }
        }
        if (code_col_ == names_.size()) {
            throw InputError(path(), 1, 1,
                             "a cell code column (C28992R100, crs28992res100m, vierkant or code)",
                             fmt::format("columns {}", fmt::join(names_, ", ")));
        }
        read_.cells = CellRules{false, false, true};
        read_.text_columns = {header[code_col_]};
        for (const auto& n : header)
            if (is_dropped_column(n)) read_.text_columns.push_back(n);
        // Variables and years from the column names.
        struct Source {
            std::size_t column;
            std::string var;
            int year;
        };
        std::vector<Source> sources;
        int max_year = 0;
        for (std::size_t c = 0; c < names_.size(); ++c) {
            if (c == code_col_) continue;
            if (is_dropped_column(names_[c])) {
                dropped_.push_back(names_[c]);
                continue;
            }
            if (auto split = split_year(names_[c])) {
                sources.push_back({c, split->first, split->second});
                max_year = std::max(max_year, split->second);
            } else {
                sources.push_back({c, names_[c], -1});
                static_columns_.push_back(names_[c]);
            }
        }
        if (max_year == 0 && !options_.static_year) {
            throw InputError(path(), 1, 0, "columns with a year in their name (INW2014) or --year",
                             "no year in any column name");
        }
        static_year_ = options_.static_year.value_or(max_year);
        for (auto& src : sources)
            if (src.year < 0) src.year = static_year_;
        for (const auto& src : sources) {
            if (std::find(vars_.begin(), vars_.end(), src.var) == vars_.end()) vars_.push_back(src.var);
            if (std::find(years_.begin(), years_.end(), src.year) == years_.end()) years_.push_back(src.year);
        }
        std::sort(years_.begin(), years_.end());
        // (variable, year) -> source column, -1 where the file has none.
        where_.assign(vars_.size() * years_.size(), -1);
        for (const auto& src : sources) {
            const auto vi =
                static_cast<std::size_t>(std::find(vars_.begin(), vars_.end(), src.var) - vars_.begin());
            const auto yi =
                static_cast<std::size_t>(std::find(years_.begin(), years_.end(), src.year) - years_.begin());
            long& w = where_[vi * years_.size() + yi];
            if (w >= 0) {
                throw InputError(
                    path(), 1, 0, fmt::format("one column for {} in {}", src.var, src.year),
                    fmt::format("two ({} and {})", names_[static_cast<std::size_t>(w)], names_[src.column]));
            }
            w = static_cast<long>(src.column);
        }
    }

    TableReadOptions read_options() const override { return read_; }

    // A variable published as categories ("40% tot 60%") is text; counts and amounts are numbers: decided
    // on the first chunk of records.
    void on_first_records(const Table& raw) override {
        schema_.add_column("code", ColumnType::kText);
        schema_.add_column("year", ColumnType::kInt);
        for (std::size_t vi = 0; vi < vars_.size(); ++vi) {
            bool text = false;
            for (std::size_t yi = 0; yi < years_.size(); ++yi) {
                const long w = where_[vi * years_.size() + yi];
                text = text ||
                       (w >= 0 && raw.columns()[static_cast<std::size_t>(w)].type() == ColumnType::kText);
            }
            schema_.add_column(vars_[vi], text ? ColumnType::kText : ColumnType::kReal);
        }
    }

    void convert(Table& raw, const RecordPositions& pos, std::string_view text, Table& out) override {
        const Column& code_in = raw.columns()[code_col_];
        std::vector<Column>& o = out.columns();
        const std::size_t ny = years_.size();
        if (seen_.size() == 0) seen_.reserve(scaled_to_file(raw.row_count(), text));  // the file's cells
        // A numeric variable with text in this chunk: the first field that is no number.
        for (std::size_t vi = 0; vi < vars_.size(); ++vi) {
            if (o[vi + 2].type() == ColumnType::kText) continue;
            for (std::size_t yi = 0; yi < ny; ++yi) {
                const long w = where_[vi * ny + yi];
                if (w < 0 || raw.columns()[static_cast<std::size_t>(w)].type() != ColumnType::kText) continue;
                const Column& col = raw.columns()[static_cast<std::size_t>(w)];
                for (std::size_t r = 0; r < col.size(); ++r) {
                    if (!col.is_missing(r) && !csv::parse_number(col.text_at(r), false)) {
                        throw field_error(path(), text, delimiter(), pos.offsets[r],
                                          static_cast<std::size_t>(w),
                                          fmt::format("a number in column '{}' (as in the rows before)",
                                                      names_[static_cast<std::size_t>(w)]),
                                          quote_found(col.text_at(r)));
                    }
                }
            }
        }
        for (std::size_t r = 0; r < raw.row_count(); ++r) {
            const std::string_view t = code_in.is_missing(r) ? std::string_view() : trim(code_in.text_at(r));
            auto cell = parse_grid_cell(t);
            if (!cell) {
                throw field_error(path(), text, delimiter(), pos.offsets[r], code_col_,
                                  "a 100 m cell code like E2269N5800", quote_found(t));
            }
            const std::string code = cell->code();
            if (!seen_.insert(cell->key())) {
                throw field_error(path(), text, delimiter(), pos.offsets[r], code_col_, "each cell once",
                                  quote_found(t) + " again");
            }
            ++cells_;
            for (std::size_t yi = 0; yi < ny; ++yi) {
                o[0].push_text(code);
                o[1].push_int(years_[yi]);
                for (std::size_t vi = 0; vi < vars_.size(); ++vi) {
                    Column& dst = o[vi + 2];
                    const long w = where_[vi * ny + yi];
                    if (w < 0) {
                        dst.push_missing(Missing::kEmpty);
                        ++missing_[static_cast<std::size_t>(Missing::kEmpty)];
                        continue;
                    }
                    const Column& src = raw.columns()[static_cast<std::size_t>(w)];
                    if (src.is_missing(r)) {
                        dst.push_missing(src.missing_reason(r));
                        ++missing_[static_cast<std::size_t>(src.missing_reason(r))];
                    } else if (dst.type() == ColumnType::kText) {
                        dst.push_text(src.to_text(r));
                    } else {
                        dst.push_real(src.number_at(r));
                    }
                }
            }
        }
    }

  private:
    GridStatsOptions options_;
    std::vector<std::string> names_, vars_, dropped_, static_columns_;
    std::vector<int> years_;
    std::vector<long> where_;
    std::size_t code_col_ = 0;
    int static_year_ = 0;
    TableReadOptions read_;
    UniqueInts seen_;  // the cells read (GridCell::key)
    std::size_t cells_ = 0;
    std::array<std::size_t, kMissingKinds> missing_{};
};

}  // namespace

Dataset stream_grid_stats(const std::string& path, const GridStatsOptions& options, std::size_t chunk_bytes) {
    auto rows = std::make_shared<GridStatsRows>(path, options, chunk_bytes);
    Table schema = rows->schema();
    return streamed_dataset(std::move(rows), std::move(schema), "grid-stats", options.name, Level::kGrid);
}

Dataset import_grid_stats(const std::string& path, const GridStatsOptions& options) {
    return collect_rows(stream_grid_stats(path, options));
}

}  // namespace wz
