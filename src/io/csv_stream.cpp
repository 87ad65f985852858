#include "io/csv_stream.hpp"

#include <tbb/task_group.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"

namespace wz {

Dataset streamed_dataset(std::shared_ptr<RowBlocks> rows, Table schema, std::string kind,
                         std::string_view name, std::optional<Level> level) {
    Dataset ds;
    ds.name = sanitize_dataset_name(name);
    ds.kind = std::move(kind);
    ds.level = level;
    ds.table = std::move(schema);
    ds.rows = std::move(rows);
    return ds;
}

// A chunk converted on another core: its own text (the reader's buffer, handed over), tables and
// positions (kept for reuse).
struct CsvRowStream::Chunk {
    ChunkBytes bytes;
    long first_line = 1;
    std::uint64_t bytes_read = 0;  // of the file, up to the end of this chunk
    Table raw, converted;
    RecordPositions pos;
    tbb::task_group work;
};

namespace {
constexpr std::size_t kChunksAhead = 3;
}  // namespace

CsvRowStream::CsvRowStream() = default;

CsvRowStream::~CsvRowStream() {
    drain();
}

void CsvRowStream::drain() noexcept {
    for (auto& c : ahead_) {
        try {
            c->work.wait();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the work has ended; its first error was reported
        }
    }
    ahead_.clear();
}

void CsvRowStream::start(const std::string& path, csv::Encoding encoding, std::size_t chunk_bytes,
                         bool first_chunk_sets_types) {
    path_ = path;
    chunks_ = std::make_unique<TextChunks>(path, encoding, chunk_bytes);
    if (!chunks_->next(text_, first_line_)) throw InputError(path, 1, 1, "a header row", "an empty file");
    delim_ = csv::sniff_delimiter(text_);
    csv::Reader reader(text_, delim_);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
    for (const auto& f : fields) names_.emplace_back(trim(f.text));
    try {
        on_header(names_, fields);
    } catch (const InputError& e) {
        TextChunks::rethrow_in_file(e, first_line_);
    }
    text_ = text_.substr(reader.offset());
    first_line_ += reader.next_line() - 1;
    unparsed_ = true;
    if (first_chunk_sets_types) {
        first_ = true;
        parse_chunk();
        return;
    }
    converted_ = schema_;
    converted_.clear_rows();
}

void CsvRowStream::read_records(std::string_view text, Table& raw, RecordPositions& pos) const {
    csv::Reader reader(text, delim_);
    pos.offsets.clear();
    pos.lines.clear();
    pos.fast_records = 0;
    TableReadOptions read = read_options();
    read.report_progress = false;  // this stream's own "parsing FILE" step
    // The table of the chunk before is refilled (its columns and strings reused: no memory per chunk).
    raw = read_typed_records(reader, names_, read, path_, &pos, &raw);
}

void CsvRowStream::parse_chunk() {
    unparsed_ = false;
    row_ = 0;
    try {
        read_records(text_, raw_, pos_);
        if (first_) {
            first_ = false;
            on_first_records(raw_);
            converted_ = schema_;
        }
        converted_.clear_rows();
        convert(raw_, pos_, text_, converted_);
    } catch (const InputError& e) {
        TextChunks::rethrow_in_file(e, first_line_);
    }
    if (progress_) {
        progress_->advance(chunks_->bytes_read() - reported_);
        reported_ = chunks_->bytes_read();
    }
}

bool CsvRowStream::next_chunk() {
    for (;;) {
        if (unparsed_) {  // the first chunk (its types may decide the schema) is parsed here
            parse_chunk();
            if (converted_.row_count() > 0) return true;
        }
        if (converts_in_parallel()) {
            start_chunks();
            if (ahead_.empty()) return false;
            take_chunk();
            if (converted_.row_count() > 0) return true;
            continue;
        }
        if (!chunks_) return false;
        if (chunks_->next(text_, first_line_)) {
            unparsed_ = true;
            continue;
        }
        end_of_input();
        return false;
    }
}

void CsvRowStream::end_of_input() {
    inputs_.push_back({path_, chunks_->sha256(), chunks_->bytes_read()});
    encoding_ = chunks_->encoding_used();
    chunks_.reset();
    if (progress_) progress_->finish();
}

void CsvRowStream::start_chunks() {
    const JobContext job = current_job();  // the job's cancel token on the other threads too
    while (chunks_ && ahead_.size() < kChunksAhead) {
        std::unique_ptr<Chunk> c;
        if (spare_.empty()) {
            c = std::make_unique<Chunk>();
            c->converted = schema_;
        } else {
            c = std::move(spare_.back());
            spare_.pop_back();
        }
        long first_line = 1;
        if (!chunks_->take(c->bytes, first_line)) {
            spare_.push_back(std::move(c));
            end_of_input();
            break;
        }
        c->first_line = first_line;
        c->bytes_read = chunks_->bytes_read();
        Chunk* chunk = c.get();
        ahead_.push_back(std::move(c));
        chunk->work.run([this, chunk, job] {
            const JobScope scope(job);
            try {
                read_records(chunk->bytes.text, chunk->raw, chunk->pos);
                chunk->converted.clear_rows();
                convert(chunk->raw, chunk->pos, chunk->bytes.text, chunk->converted);
            } catch (const InputError& e) {
                TextChunks::rethrow_in_file(e, chunk->first_line);
            }
        });
    }
}

void CsvRowStream::take_chunk() {
    Chunk& c = *ahead_.front();
    c.work.wait();  // rethrows the chunk's error: the first in the file, as the chunks are taken in order
    std::swap(converted_, c.converted);
    row_ = 0;
    if (progress_) {
        progress_->advance(c.bytes_read - reported_);
        reported_ = c.bytes_read;
    }
    spare_.push_back(std::move(ahead_.front()));
    ahead_.pop_front();
}

bool CsvRowStream::next(Table& block, std::size_t max_rows) {
    if (!progress_ && chunks_)
        progress_ = std::make_unique<ProgressStep>("parsing " + path_, chunks_->file_bytes(), "bytes");
    while (block.row_count() < max_rows) {
        if (row_ >= converted_.row_count() && !next_chunk()) break;
        if (block.row_count() == 0 && row_ == 0 && converted_.row_count() <= max_rows) {
            // A whole chunk into an empty block: the tables change places (the block's columns and kept
            // strings are the next chunk's to fill).
            std::swap(block, converted_);
            converted_.clear_rows();
            row_ = 0;
            continue;
        }
        const std::size_t take = std::min(max_rows - block.row_count(), converted_.row_count() - row_);
        move_rows(block, converted_, row_, take);  // the converted rows are this stream's: taken, not copied
        row_ += take;
    }
    return block.row_count() > 0;
}

std::size_t CsvRowStream::scaled_to_file(std::size_t count, std::string_view text) const {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path_, ec);
    if (ec || text.empty()) return 0;
    return static_cast<std::size_t>(static_cast<double>(count) * static_cast<double>(bytes) /
                                    static_cast<double>(text.size()) * 1.05);
}

std::optional<std::size_t> CsvRowStream::column_index(std::string_view name) const {
    const auto it = std::find(names_.begin(), names_.end(), name);
    if (it == names_.end()) return std::nullopt;
    return static_cast<std::size_t>(it - names_.begin());
}

std::vector<StreamedInput> CsvRowStream::inputs() const {
    return inputs_;
}

}  // namespace wz
