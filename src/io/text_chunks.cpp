#include "io/text_chunks.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "core/progress.hpp"

namespace wz {
namespace {

struct DigestDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Digest new_sha256() {
    Digest d(EVP_MD_CTX_new());
    if (!d || EVP_DigestInit_ex(d.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: SHA-256 is not available");
    return d;
}

std::string hex_digest(EVP_MD_CTX* d) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(d, md, &n) != 1) throw std::runtime_error("OpenSSL: SHA-256 failed");
    std::string hex;
    hex.reserve(std::size_t{2} * n);
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < n; ++i) {
        hex += kHex[md[i] >> 4];
        hex += kHex[md[i] & 15];
    }
    return hex;
}

class Fd {
  public:
    explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (fd_ < 0) throw UsageError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    // Reads up to n bytes (fewer only at the end of the file).
    std::size_t read(char* to, std::size_t n, const std::string& path) const {
        std::size_t got = 0;
        while (got < n) {
            const ssize_t r = ::read(fd_, to + got, n - got);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) throw IoError(fmt::format("reading '{}': {}", path, std::strerror(errno)));
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        return got;
    }
    std::uint64_t size() const {
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        ::lseek(fd_, 0, SEEK_SET);
        return end < 0 ? 0 : static_cast<std::uint64_t>(end);
    }

  private:
    int fd_;
};

bool has_high_byte(const char* p, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & 0x8080808080808080ULL) != 0) return true;
    }
    for (; i < n; ++i)
        if ((static_cast<unsigned char>(p[i]) & 0x80U) != 0) return true;
    return false;
}

// How many bytes of p[0, n) equal c, eight at a time (a zero byte of w ^ cccccccc is a match; the
// carry-free test below marks exactly those bytes).
std::size_t count_byte(const char* p, std::size_t n, char c) {
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
    const std::uint64_t pattern = 0x0101010101010101ULL * static_cast<unsigned char>(c);
    std::size_t count = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        const std::uint64_t x = w ^ pattern;
        count += static_cast<std::size_t>(std::popcount(~(((x & kLow7) + kLow7) | x | kLow7)));
    }
    for (; i < n; ++i) count += p[i] == c ? 1 : 0;
    return count;
}

// The end (one past the line break) of the last whole record in data[0, n), which starts at a record
// boundary; 0 when there is none. A line break ends a record when an even number of quotes comes
// before it ("" inside a quoted field counts twice): the line breaks are tried from the last back.
std::size_t last_record_end(const char* p, std::size_t n) {
    std::size_t quotes = std::memchr(p, '"', n) == nullptr ? 0 : count_byte(p, n, '"');
    std::size_t upto = n;  // quotes = the quotes in p[0, upto)
    for (;;) {
        const void* nl = ::memrchr(p, '\n', upto);
        if (nl == nullptr) return 0;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - p);
        if (quotes > 0) quotes -= count_byte(p + at, upto - at, '"');
        if (quotes % 2 == 0) return at + 1;
        upto = at;
    }
}

}  // namespace

struct TextChunks::Impl {
    std::string path;
    csv::Encoding encoding;
    std::size_t chunk_bytes;
    Fd fd;
    std::uint64_t size = 0, read = 0;
    Digest digest = new_sha256();
    std::string hash;
    std::unique_ptr<char[]> buf;         // raw bytes [0, have): the records not yet returned
    std::size_t capacity = 0;            // of buf (grown without zero-filling)
    std::size_t have = 0, returned = 0;  // `returned`: bytes of buf handed out by the last next()
    bool eof = false, first = true;
    long lines = 0;  // line breaks before buf[0]
    csv::Encoding used = csv::Encoding::kAuto;
    std::string decoded;

    Impl(std::string p, csv::Encoding e, std::size_t c)
        : path(std::move(p)), encoding(e), chunk_bytes(std::max<std::size_t>(c, 1)), fd(path) {
        size = fd.size();
        used = encoding;
    }

    void fill(std::size_t want) {
        if (capacity < have + want) {
            const std::size_t grown = std::max(have + want, capacity + capacity / 2);
            std::unique_ptr<char[]> b(new char[grown]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
            if (have > 0) std::memcpy(b.get(), buf.get(), have);
            buf = std::move(b);
            capacity = grown;
        }
        const std::size_t got = fd.read(buf.get() + have, want, path);
        if (got > 0 && EVP_DigestUpdate(digest.get(), buf.get() + have, got) != 1)
            throw std::runtime_error("OpenSSL: SHA-256 failed");
        have += got;
        read += got;
        if (got < want) {
            eof = true;
            hash = hex_digest(digest.get());
        }
    }
};

TextChunks::TextChunks(std::string path, csv::Encoding encoding, std::size_t chunk_bytes)
    : impl_(std::make_unique<Impl>(std::move(path), encoding, chunk_bytes)) {}
TextChunks::~TextChunks() = default;

const std::string& TextChunks::path() const {
    return impl_->path;
}
std::uint64_t TextChunks::bytes_read() const {
    return impl_->read;
}
std::uint64_t TextChunks::file_bytes() const {
    return impl_->size;
}
std::string TextChunks::sha256() const {
    return impl_->hash;
}
std::string TextChunks::encoding_used() const {
    switch (impl_->used) {
        case csv::Encoding::kCp1252:
            return "cp1252";
        case csv::Encoding::kLatin1:
            return "latin1";
        default:
            return "utf-8";
    }
}

void TextChunks::rethrow_in_file(const InputError& e, long first_line) {
    throw InputError(e.source(), e.line() > 0 ? e.line() + first_line - 1 : e.line(), e.column(),
                     e.expected(), e.found());
}

bool TextChunks::next(std::string_view& text, long& first_line) {
    Impl& m = *impl_;
    check_cancelled();
    // Drop what the last call returned (its line breaks are counted then).
    if (m.returned > 0) {
        std::memmove(m.buf.get(), m.buf.get() + m.returned, m.have - m.returned);
        m.have -= m.returned;
        m.returned = 0;
    }
    std::size_t end = 0;
    for (std::size_t want = m.chunk_bytes;; want *= 2) {
        if (!m.eof) m.fill(want);
        if (m.eof) {
            end = m.have;  // the rest, with or without a final line break
            break;
        }
        end = last_record_end(m.buf.get(), m.have);
        if (end > 0) break;
    }
    if (end == 0) return false;
    const char* p = m.buf.get();
    std::size_t skip = 0;
    if (m.first && end >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) skip = 3;
    m.first = false;
    first_line = m.lines + 1;
    m.lines += static_cast<long>(count_byte(p, end, '\n'));
    m.returned = end;
    const std::size_t n = end - skip;
    if (std::memchr(p + skip, '\0', n) != nullptr || has_high_byte(p + skip, n)) {
        csv::Encoding detected = m.used;
        try {
            m.decoded = csv::decode_text(std::string(p + skip, n), m.used, m.path, &detected);
        } catch (const InputError& e) {
            rethrow_in_file(e, first_line);
        }
        if (m.used == csv::Encoding::kAuto) m.used = detected;  // decided at the first non-ASCII byte
        text = m.decoded;
    } else {
        text = std::string_view(p + skip, n);
    }
    return true;
}

bool TextChunks::take(ChunkBytes& out, long& first_line) {
    Impl& m = *impl_;
    std::string_view text;
    if (!next(text, first_line)) return false;
    if (text.data() < m.buf.get() || text.data() >= m.buf.get() + m.have) {  // decoded: copied
        if (out.capacity < text.size()) {
            out.data.reset(new char[text.size()]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
            out.capacity = text.size();
        }
        std::memcpy(out.data.get(), text.data(), text.size());
        out.text = std::string_view(out.data.get(), text.size());
        return true;
    }
    // The buffer itself is handed out; the bytes after the chunk go into `out`'s old buffer, which the
    // reader keeps (grown when it is too small).
    const std::size_t at = static_cast<std::size_t>(text.data() - m.buf.get());
    const std::size_t rest = m.have - m.returned;
    std::swap(m.buf, out.data);
    std::swap(m.capacity, out.capacity);
    if (m.capacity < rest || !m.buf) {
        m.buf.reset(new char[std::max<std::size_t>(rest, 1)]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
        m.capacity = std::max<std::size_t>(rest, 1);
    }
    if (rest > 0) std::memcpy(m.buf.get(), out.data.get() + m.returned, rest);
    m.have = rest;
    m.returned = 0;
    out.text = std::string_view(out.data.get() + at, text.size());
    return true;
}

std::string sha256_of_file(const std::string& path, std::uint64_t* bytes) {
    const Fd fd(path);
    Digest d = new_sha256();
    std::vector<char> buf(std::size_t{1} << 20);
    std::uint64_t total = 0;
    for (;;) {
        check_cancelled();
        const std::size_t got = fd.read(buf.data(), buf.size(), path);
        if (got > 0 && EVP_DigestUpdate(d.get(), buf.data(), got) != 1)
            throw std::runtime_error("OpenSSL: SHA-256 failed");
        total += got;
        if (got < buf.size()) break;
    }
    if (bytes != nullptr) *bytes = total;
    return hex_digest(d.get());
}

}  // namespace wz
