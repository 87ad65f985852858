#pragma once
// Streaming text input: a delimited file read a chunk at a time (bounded memory, buffers reused), each
// chunk decoded to UTF-8 and ending at a record boundary (a line break outside quotes), with the line
// number of its first byte; the raw bytes are hashed (SHA-256) on the way, so the run's provenance needs
// no second pass over the file.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "io/csv.hpp"

namespace wz {

// The bytes of a chunk handed over by TextChunks::take: a buffer that changes hands from chunk to chunk
// (never zero-filled), and the chunk's text in it.
struct ChunkBytes {
    std::unique_ptr<char[]> data;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    std::size_t capacity = 0;
    std::string_view text;
};

class TextChunks {
  public:
    // Opens `path` (UsageError when it cannot be read). `chunk_bytes`: raw bytes read per step (a record
    // longer than that grows the buffer; tests use a few bytes to put boundaries everywhere).
    TextChunks(std::string path, csv::Encoding encoding, std::size_t chunk_bytes = std::size_t{8} << 20);
    ~TextChunks();
    TextChunks(const TextChunks&) = delete;
    TextChunks& operator=(const TextChunks&) = delete;

    // The next chunk of whole records, decoded (valid until the next call), and the 1-based line of its
    // first byte in the file; false after the last. A byte-order mark is dropped; a NUL byte or text
    // that is not in the encoding is an InputError at its line and column in the file. Under kAuto the
    // encoding is decided at the first non-ASCII byte (valid UTF-8, else Windows-1252); a later byte that
    // does not fit it is an InputError naming --encoding.
    bool next(std::string_view& text, long& first_line);

    // The same as next(), with the chunk's bytes handed to `out` (no copy): the reader's buffer becomes
    // `out`'s and `out`'s old buffer the reader's. `out.text` stays valid after later calls.
    bool take(ChunkBytes& out, long& first_line);
    const std::string& path() const;
    std::uint64_t bytes_read() const;  // raw bytes read so far
    std::uint64_t file_bytes() const;  // the file's size when opened
    // After the last chunk: the SHA-256 (hex) of the raw bytes, and the encoding used ("utf-8",
    // "cp1252", "latin1").
    std::string sha256() const;
    std::string encoding_used() const;

    // Rethrows an InputError raised on a chunk (lines counted from 1 at the chunk's start) with the
    // line number in the file.
    [[noreturn]] static void rethrow_in_file(const InputError& e, long first_line);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The SHA-256 (hex) and size of a file, read in blocks (OpenSSL: uses the CPU's SHA instructions).
std::string sha256_of_file(const std::string& path, std::uint64_t* bytes = nullptr);

}  // namespace wz
