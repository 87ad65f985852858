#include "io/mbtiles.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/error.hpp"

namespace wz {

struct MbTilesReader::Impl {
    sqlite3* db = nullptr;
    sqlite3_stmt* tile = nullptr;
    mutable std::mutex mutex;
    ~Impl() {
        sqlite3_finalize(tile);
        sqlite3_close(db);
    }
};

MbTilesReader::MbTilesReader(const std::string& path) : impl_(std::make_unique<Impl>()), path_(path) {
    if (!std::filesystem::is_regular_file(path)) throw NotFoundError(fmt::format("no tile set '{}'", path));
    const std::string uri = "file:" + path + "?mode=ro&immutable=1";
    if (sqlite3_open_v2(uri.c_str(), &impl_->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
        throw IoError(fmt::format("cannot open the tile set '{}'", path));
    sqlite3_stmt* meta = nullptr;
    if (sqlite3_prepare_v2(impl_->db, "SELECT name, value FROM metadata", -1, &meta, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(impl_->db,
                           "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                           -1, &impl_->tile, nullptr) != SQLITE_OK) {
        sqlite3_finalize(meta);
        throw IoError(fmt::format("'{}' is not an MBTiles file (no metadata and tiles tables)", path));
    }
    while (sqlite3_step(meta) == SQLITE_ROW) {
        const auto* k = reinterpret_cast<const char*>(sqlite3_column_text(meta, 0));
        const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(meta, 1));
        if (k && v) metadata_[k] = v;
    }
    sqlite3_finalize(meta);
}

MbTilesReader::~MbTilesReader() = default;

std::optional<std::string> MbTilesReader::tile(int z, int x, int y) const {
    if (z < 0 || z > 22) return std::nullopt;
    const long long n = 1LL << z;
    if (x < 0 || y < 0 || x >= n || y >= n) return std::nullopt;
    const long long tms_row = n - 1 - y;
    std::lock_guard lock(impl_->mutex);
    sqlite3_stmt* s = impl_->tile;
    sqlite3_reset(s);
    sqlite3_bind_int(s, 1, z);
    sqlite3_bind_int64(s, 2, x);
    sqlite3_bind_int64(s, 3, tms_row);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const void* data = sqlite3_column_blob(s, 0);
        const int bytes = sqlite3_column_bytes(s, 0);
        std::string out(static_cast<const char*>(data), static_cast<std::size_t>(bytes));
        sqlite3_reset(s);
        return out;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) throw IoError(fmt::format("cannot read a tile from '{}'", path_));
    return std::nullopt;
}

}  // namespace wz
