#pragma once
// Reading an MBTiles file (SQLite: metadata and tiles tables, TMS rows) for the service: opened
// read-only and immutable; one prepared statement guarded by a mutex (a tile read takes microseconds).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace wz {

class MbTilesReader {
  public:
    // Throws NotFoundError when the file does not exist, IoError when it is not an MBTiles file.
    explicit MbTilesReader(const std::string& path);
    ~MbTilesReader();
    MbTilesReader(const MbTilesReader&) = delete;
    MbTilesReader& operator=(const MbTilesReader&) = delete;

    // The tile at z/x/y in XYZ numbering (the file's TMS row is flipped here); nullopt when the file has
    // none (an empty tile) or z/x/y lie outside the zoom's grid.
    std::optional<std::string> tile(int z, int x, int y) const;
    // The metadata table (name, format, minzoom, maxzoom, bounds, json, ...).
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const std::string& path() const { return path_; }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string path_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace wz
