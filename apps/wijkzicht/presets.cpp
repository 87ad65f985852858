#include "presets.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "wijkzicht/version.hpp"

namespace wz::app {

std::string share_dir() {
    const char* env = std::getenv("WIJKZICHT_SHARE");
    return env != nullptr && *env != '\0' ? std::string(env) : std::string(kShareDir);
}

std::string preset_path(const std::string& name_or_file) {
    namespace fs = std::filesystem;
    if (fs::exists(name_or_file) && fs::is_regular_file(name_or_file)) return name_or_file;
    const fs::path shipped = fs::path(share_dir()) / "presets" / (name_or_file + ".toml");
    if (fs::exists(shipped)) return shipped.string();
    std::string names;
    if (fs::exists(fs::path(share_dir()) / "presets")) {
        for (const auto& e : fs::directory_iterator(fs::path(share_dir()) / "presets")) {
            if (e.path().extension() == ".toml")
                names += (names.empty() ? "" : ", ") + e.path().stem().string();
        }
    }
    throw UsageError(fmt::format("no preset or file '{}' (shipped presets: {})", name_or_file,
                                 names.empty() ? "none found" : names));
}

liveability::ModelPreset load_model_preset(const std::string& name_or_file) {
    const std::string path = preset_path(name_or_file);
    return liveability::parse_model_preset(csv::decode_text(csv::read_file(path), csv::Encoding::kUtf8, path),
                                           path);
}

}  // namespace wz::app
