// Indicator values per cell and year, and indicator metadata.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/unique_keys.hpp"
#include "io/importers.hpp"
#include "io/csv_stream.hpp"
#include "io/synth_sources.hpp"
#include "io/text_chunks.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

std::optional<int> year_in_name(const std::string& path) {
    const std::string stem = std::filesystem::path(path).stem().string();
    std::optional<int> found;
    for (std::size_t i = 0; i + 4 <= stem.size(); ++i) {
        if (!std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(i), stem.begin() + static_cast<std::ptrdiff_t>(i + 4),
                         [](char ch) { return ch >= '0' && ch <= '9'; })) {
            continue;
        }
        if (i > 0 && stem[i - 1] >= '0' && stem[i - 1] <= '9') continue;
        if (i + 4 < stem.size() && stem[i + 4] >= '0' && stem[i + 4] <= '9') continue;
        const int y = std::stoi(stem.substr(i, 4));
        if (is_plausible_year(y)) found = y;
    }
    return found;
}

// A code of a grid cell (canonical E####N####) or an area.
std::optional<std::string> canonical_code(std::string_view text) {
    text = trim(text);
    if (auto cell = parse_grid_cell(text)) return cell->code();
    if (level_of_code(text)) return std::string(text);
    return std::nullopt;
}

}  // namespace

namespace {

// The indicator files as a stream of row blocks: each file read a chunk of whole records at a time
// (io/text_chunks.hpp), parsed into typed columns, checked (codes, duplicates, numbers) and converted;
// memory is bounded by a chunk and a block, not by the files.
class IndicatorRows final : public RowBlocks {
  public:
    IndicatorRows(std::vector<std::string> paths, IndicatorOptions options, std::size_t chunk_bytes)
        : paths_(std::move(paths)), options_(std::move(options)), chunk_bytes_(chunk_bytes) {
        if (paths_.empty()) throw UsageError("import indicators: at least one file");
        for (const auto& path : paths_) {
            const std::optional<int> y = options_.year ? options_.year : year_in_name(path);
            if (!y) throw UsageError(fmt::format("{}: no year in the file name; pass --year", path));
            years_.push_back(*y);
        }
        // The columns from the first file's header (every file must have the same).
        open(0);
        schema_.add_column("code", ColumnType::kText);
        schema_.add_column("year", ColumnType::kInt);
        for (std::size_t c = 1; c < names_.size(); ++c) schema_.add_column(names_[c], ColumnType::kReal);
    }

    const Table& schema() const { return schema_; }

    bool next(Table& block, std::size_t max_rows) override {
        std::vector<Column>& out = block.columns();
        const std::size_t nv = names_.size() - 1;
        while (block.row_count() < max_rows) {
            if (row_ >= raw_.row_count() && !next_chunk()) break;
            const std::size_t take = std::min(max_rows - block.row_count(), raw_.row_count() - row_);
            for (std::size_t r = row_; r < row_ + take; ++r) {
                out[0].push_text(codes_[r]);
                out[1].push_int(years_[file_]);
            }
            for (std::size_t c = 0; c < nv; ++c)
                out[c + 2].append_block(values_[c].data() + row_, status_[c].data() + row_, take);
            row_ += take;
        }
        return block.row_count() > 0;
    }

    void finish(Dataset& ds) override {
        if (!mixed_) ds.level = level_;
        ds.meta["files"] = files_;
        ds.meta["indicators"] = names_.size() - 1;
    }

    std::vector<StreamedInput> inputs() const override { return inputs_; }

  private:
    // Opens file f and reads its header (the same columns as the first file's).
    void open(std::size_t f) {
        file_ = f;
        const std::string& path = paths_[f];
        chunks_ = std::make_unique<TextChunks>(path, options_.encoding, chunk_bytes_);
        seen_.clear();
        file_rows_ = 0;
        header_pending_ = true;
        if (!read_chunk()) {
            throw InputError(path, 1, 1, "a header 'code,ind001,ind002,...'", "an empty file");
        }
    }

    // Parses text_ when it holds records not yet parsed; true when that gave rows.
    bool parse_pending() {
        if (!unparsed_) return false;
        unparsed_ = false;
        if (!progress_)  // one step per file, as when files were read whole
            progress_ = std::make_unique<ProgressStep>("parsing " + paths_[file_], chunks_->file_bytes(), "bytes");
        try {
            parse_chunk();
        } catch (const InputError& e) {
            TextChunks::rethrow_in_file(e, first_line_);
        }
        return raw_.row_count() > 0;
    }

    // Reads the next chunk of the current file into text_ (and its header when it is the first).
    bool read_chunk() {
        if (!chunks_->next(text_, first_line_)) return false;
        unparsed_ = true;
        if (header_pending_) {
            header_pending_ = false;
            delim_ = csv::sniff_delimiter(text_);
            csv::Reader reader(text_, delim_);
            std::vector<csv::Field> fields;
            const std::string& path = paths_[file_];
            if (!reader.next(fields) || fields.size() < 2) {
                throw InputError(path, 1, 1, "a header 'code,ind001,ind002,...'",
                                 "no header with two or more columns");
            }
            std::vector<std::string> header;
            for (const auto& fd : fields) header.emplace_back(trim(fd.text));
            const std::string first = header[0];
            if (first != "code" && first != "C28992R100" && first != "cell") {
                throw InputError(path, 1, 1, "the code column first ('code')", quote_found(first));
            }
            header[0] = "code";
            if (names_.empty()) {
                for (std::size_t c = 1; c < header.size(); ++c) {
                    if (header[c].empty())
                        throw InputError(path, 1, fields[c].column, "an indicator name", "an empty header field");
                }
                names_ = header;
            } else if (header != names_) {
                throw InputError(path, 1, 1,
                                 fmt::format("the same columns as {} ({} columns)", paths_.front(), names_.size()),
                                 fmt::format("{} columns starting {}", header.size(),
                                             quote_found(fmt::format("{}", fmt::join(header, ",")))));
            }
            // The records start after the header.
            const std::size_t skip = reader.offset();
            text_ = text_.substr(skip);
            first_line_ += reader.next_line() - 1;
        }
        return true;
    }

    // Parses the next chunk (of this file or the next) into raw_/codes_/values_; false after the last file.
    bool next_chunk() {
        for (;;) {
            if (parse_pending()) return true;
            if (chunks_ && read_chunk()) continue;
            // The end of a file.
            if (chunks_) {
                inputs_.push_back({paths_[file_], chunks_->sha256(), chunks_->bytes_read()});
                files_.push_back({{"file", paths_[file_]}, {"year", years_[file_]}, {"rows", file_rows_}});
                chunks_.reset();
                if (progress_) progress_->finish();
                progress_.reset();
                reported_ = 0;
            }
            if (file_ + 1 >= paths_.size()) return false;
            open(file_ + 1);
        }
    }

    // The records of text_ (lines counted from 1 at its start) into typed columns, checked.
    void parse_chunk() {
        const std::string& path = paths_[file_];
        csv::Reader reader(text_, delim_);
        TableReadOptions read;
        read.cells = CellRules{delim_ == ';', false, false};
        read.text_columns = {"code"};
        read.report_progress = false;  // this stream's own "parsing FILE" step
        RecordPositions pos;
        raw_ = read_typed_records(reader, names_, read, path, &pos);
        row_ = 0;
        const std::size_t n = raw_.row_count();
        for (std::size_t c = 1; c < names_.size(); ++c) {
            if (raw_.columns()[c].type() != ColumnType::kReal && raw_.columns()[c].type() != ColumnType::kInt) {
                // A column with text somewhere: name the first offending row.
                const Column& col = raw_.columns()[c];
                for (std::size_t r = 0; r < col.size(); ++r) {
                    if (!col.is_missing(r) && !csv::parse_number(col.text_at(r), delim_ == ';')) {
                        throw field_error(path, text_, delim_, pos.offsets[r], c,
                                          fmt::format("a number in column '{}'", names_[c]), quote_found(col.text_at(r)));
                    }
                }
            }
        }
        const Column& codes = raw_.columns()[0];
        codes_.resize(n);
        for (std::size_t r = 0; r < n; ++r) {
            auto cc = codes.is_missing(r) ? std::nullopt : canonical_code(codes.text_at(r));
            if (!cc) {
                throw field_error(path, text_, delim_, pos.offsets[r], 0, "a cell code like E1993N3660 or an area code",
                                  quote_found(codes.is_missing(r) ? "" : codes.text_at(r)));
            }
            if (!seen_.insert(*cc))
                throw field_error(path, text_, delim_, pos.offsets[r], 0, "each code once per file", quote_found(*cc) + " again");
            const auto l = level_of_code(*cc);
            if (level_ && l != level_) mixed_ = true;
            level_ = l;
            codes_[r] = std::move(*cc);
        }
        const std::size_t nv = names_.size() - 1;
        values_.resize(nv);
        status_.resize(nv);
        for (std::size_t c = 0; c < nv; ++c) {
            const Column& src = raw_.columns()[c + 1];
            values_[c].resize(n);
            for (std::size_t r = 0; r < n; ++r) values_[c][r] = src.number_at(r);  // NaN where missing
            status_[c].assign(src.status().begin(), src.status().end());
        }
        file_rows_ += n;
        if (progress_) progress_->advance(chunks_->bytes_read() - reported_);
        reported_ = chunks_->bytes_read();
        check_cancelled();
    }

    std::vector<std::string> paths_;
    IndicatorOptions options_;
    std::size_t chunk_bytes_;
    std::vector<int> years_;
    std::uint64_t reported_ = 0;
    Table schema_;
    std::vector<std::string> names_;  // the header ("code", indicators...)
    std::size_t file_ = 0;
    std::unique_ptr<TextChunks> chunks_;
    std::string_view text_;
    long first_line_ = 1;
    bool header_pending_ = false, unparsed_ = false;
    char delim_ = ',';
    Table raw_;
    std::size_t row_ = 0;
    std::vector<std::string> codes_;
    std::vector<std::vector<double>> values_;
    std::vector<std::vector<std::uint8_t>> status_;
    UniqueTexts seen_;
    std::size_t file_rows_ = 0;
    std::optional<Level> level_;
    bool mixed_ = false;
    nlohmann::json files_ = nlohmann::json::array();
    std::vector<StreamedInput> inputs_;
    std::unique_ptr<ProgressStep> progress_;
};

}  // namespace

Dataset stream_indicators(const std::vector<std::string>& paths, const IndicatorOptions& options,
                          std::size_t chunk_bytes) {
    auto rows = std::make_shared<IndicatorRows>(paths, options, chunk_bytes);
    Table schema = rows->schema();
    return streamed_dataset(std::move(rows), std::move(schema), "indicators", options.name, std::nullopt);
}

Dataset import_indicators(const std::vector<std::string>& paths, const IndicatorOptions& options) {
    return collect_rows(stream_indicators(paths, options));
}

Dataset import_indicator_meta(const std::string& path, csv::Encoding encoding) {
    const std::string data = load_text(path, encoding);
    const char delim = csv::sniff_delimiter(data);
    csv::Reader reader(data, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
    std::vector<std::string> header;
    for (const auto& f : fields) header.emplace_back(trim(f.text));
    const std::vector<std::string> required{"id", "name", "dimension_lbm2", "dimension_lbm3", "transform"};
    std::vector<std::size_t> at;
    for (const auto& r : required) {
        auto it = std::find(header.begin(), header.end(), r);
        if (it == header.end()) {
            throw InputError(path, 1, 0, fmt::format("a column '{}' (id,name,dimension_lbm2,dimension_lbm3,transform)", r),
                             fmt::format("columns {}", fmt::join(header, ",")));
        }
        at.push_back(static_cast<std::size_t>(it - header.begin()));
    }
    TableReadOptions read;
    read.cells = CellRules{false, false, false};
    read.text_columns = header;
    RecordPositions pos;
    Table raw = read_typed_records(reader, header, read, path, &pos);
    const std::vector<std::vector<std::string>> allowed{
        {}, {}, {"won", "bev", "vrz", "vei", "fys"}, {"won", "fys", "vrz", "soc", "onv"}, {"identity", "log", "logit", "sqrt"}};
    std::unordered_set<std::string> ids;
    Dataset ds;
    ds.kind = "indicator-meta";
    ds.name = "indicator_meta";
    for (std::size_t k = 0; k < required.size(); ++k) ds.table.add_column(required[k], ColumnType::kText);
    for (std::size_t r = 0; r < raw.row_count(); ++r) {
        for (std::size_t k = 0; k < required.size(); ++k) {
            const Column& col = raw.columns()[at[k]];
            const std::string v = col.is_missing(r) ? std::string() : std::string(trim(col.text_at(r)));
            if (v.empty()) throw field_error(path, data, delim, pos.offsets[r], at[k], fmt::format("a value for '{}'", required[k]), "an empty field");
            if (!allowed[k].empty() && std::find(allowed[k].begin(), allowed[k].end(), v) == allowed[k].end()) {
                throw field_error(path, data, delim, pos.offsets[r], at[k], fmt::format("one of {}", fmt::join(allowed[k], ", ")), quote_found(v));
            }
            if (k == 0 && !ids.insert(v).second) throw field_error(path, data, delim, pos.offsets[r], at[k], "each id once", quote_found(v) + " again");
            ds.table.columns()[k].push_text(v);
        }
    }
    if (ds.table.row_count() == 0) throw InputError(path, 2, 1, "at least one indicator", "no rows");
    return ds;
}

}  // namespace wz
