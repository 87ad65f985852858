#pragma once
// A streaming source over one delimited file (a RowBlocks for Dataset::rows): the file is read a chunk of
// whole records at a time (io/text_chunks.hpp), each chunk parsed into typed columns and converted into
// rows of the dataset by the importer, and the rows handed to the store a block at a time. Memory is
// bounded by a chunk and a block, not by the file. Errors carry the line in the file.
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/progress.hpp"
#include "io/dataset.hpp"
#include "io/text_chunks.hpp"
#include "io/typed_table.hpp"

namespace wz {

// A streaming dataset: `rows` supplies the rows, `schema` holds the columns (no rows); the name is
// sanitised.
Dataset streamed_dataset(std::shared_ptr<RowBlocks> rows, Table schema, std::string kind,
                         std::string_view name, std::optional<Level> level);

class CsvRowStream : public RowBlocks {
  public:
    CsvRowStream();
    ~CsvRowStream() override;
    CsvRowStream(const CsvRowStream&) = delete;
    CsvRowStream& operator=(const CsvRowStream&) = delete;
    bool next(Table& block, std::size_t max_rows) final;
    std::vector<StreamedInput> inputs() const final;
    // The dataset's columns (set by the importer in on_header).
    const Table& schema() const { return schema_; }

  protected:
    // Opens the file and reads its header record; calls on_header with it. Call from the importer's
    // constructor. With `first_chunk_sets_types`, the first chunk of records is parsed here too and
    // on_first_records is called with it before it is converted (for columns whose type the data decides).
    // Progress: a step "parsing FILE" in bytes.
    void start(const std::string& path, csv::Encoding encoding, std::size_t chunk_bytes,
               bool first_chunk_sets_types = false);
    // The first chunk's parsed records (only with first_chunk_sets_types): complete schema_ here.
    virtual void on_first_records(const Table& raw) { (void)raw; }
    // The header's fields: check them, fill schema_.
    virtual void on_header(const std::vector<std::string>& names, const std::vector<csv::Field>& fields) = 0;
    // How the records are parsed (read_typed_records).
    virtual TableReadOptions read_options() const = 0;
    // One chunk's records (`raw`, with their positions in `text`) converted into rows appended to `out`
    // (which has the schema's columns). Field errors: field_error(path(), text, delimiter(), ...).
    virtual void convert(Table& raw, const RecordPositions& pos, std::string_view text, Table& out) = 0;
    // Whether convert() may run on several chunks at once (it keeps no state from chunk to chunk, or only
    // atomic counters). Then the chunks after the first are parsed and converted on both cores, a few
    // ahead, and handed out in file order (an error is the first in the file, as without). An importer
    // that says yes must call drain() first thing in its destructor (its convert may still be running).
    virtual bool converts_in_parallel() const { return false; }
    // Waits for the chunks still being converted (their errors are dropped: the work has ended).
    void drain() noexcept;

    // `count` (records, or bytes of them) seen in the chunk `text`, scaled to the whole file with 5 % to
    // spare: room to reserve once for what the file holds (0 when its size cannot be read).
    std::size_t scaled_to_file(std::size_t count, std::string_view text) const;
    const std::string& path() const { return path_; }
    char delimiter() const { return delim_; }
    const std::vector<std::string>& header() const { return names_; }
    // The position of a header field, nullopt when the file has no such column.
    std::optional<std::size_t> column_index(std::string_view name) const;
    std::string encoding_used() const { return chunks_ ? chunks_->encoding_used() : encoding_; }

    Table schema_;

  private:
    struct Chunk;  // a chunk being parsed and converted on another core
    bool next_chunk();
    void parse_chunk();
    // The records of `text` into `raw` (refilled), with their positions.
    void read_records(std::string_view text, Table& raw, RecordPositions& pos) const;
    // Starts chunks until kChunksAhead are under way or the file is read (then notes its hash).
    void start_chunks();
    // The oldest chunk's rows into converted_ (waits for them; its error is thrown here).
    void take_chunk();
    void end_of_input();

    std::string path_, encoding_ = "utf-8";
    std::unique_ptr<TextChunks> chunks_;
    std::unique_ptr<ProgressStep> progress_;
    std::vector<std::string> names_;
    char delim_ = ',';
    std::string_view text_;
    long first_line_ = 1;
    bool unparsed_ = false, first_ = false;
    Table raw_, converted_;  // the chunk's records as parsed and as converted (both reused)
    RecordPositions pos_;
    std::size_t row_ = 0;
    std::uint64_t reported_ = 0;
    std::vector<StreamedInput> inputs_;
    std::deque<std::unique_ptr<Chunk>> ahead_;   // under way, in file order
    std::vector<std::unique_ptr<Chunk>> spare_;  // done with, reused
};

}  // namespace wz
