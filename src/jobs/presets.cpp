#include "jobs/presets.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "wijkzicht/version.hpp"

namespace wz::jobs {

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
    throw NotFoundError(fmt::format("no preset or file '{}' (shipped presets: {})", name_or_file,
                                    names.empty() ? "none found" : names));
}

liveability::ModelPreset load_model_preset(const std::string& name_or_file) {
    const std::string path = preset_path(name_or_file);
    return liveability::parse_model_preset(csv::decode_text(csv::read_file(path), csv::Encoding::kUtf8, path),
                                           path);
}

std::vector<std::string> shipped_rule_sets() {
    // In the order the documentation lists them.
    return {"lbm2018-type1", "lbm2018-type2", "lbm2018-type3", "denmark-2018", "denmark-2021", "berlin-mss"};
}

std::string rules_path(const std::string& name_or_file) {
    namespace fs = std::filesystem;
    if (fs::exists(name_or_file) && fs::is_regular_file(name_or_file)) return name_or_file;
    const fs::path shipped = fs::path(share_dir()) / "rules" / (name_or_file + ".toml");
    if (fs::exists(shipped)) return shipped.string();
    throw NotFoundError(fmt::format("--rules: '{}' is neither a file nor a shipped rule set ({})",
                                    name_or_file, fmt::join(shipped_rule_sets(), ", ")));
}

LoadedRules load_rules(const std::string& spec, const std::vector<std::string>& params,
                       const std::string& designation) {
    LoadedRules l;
    std::string name = spec;
    // NAME:DESIGNATION (not a Windows drive letter, not an existing file).
    if (!std::filesystem::exists(spec)) {
        const auto colon = spec.rfind(':');
        if (colon != std::string::npos && colon > 1) {
            name = spec.substr(0, colon);
            l.designation = spec.substr(colon + 1);
        }
    }
    if (!designation.empty()) l.designation = designation;
    l.path = rules_path(name);
    l.rules = typology::parse_rule_set(csv::read_file(l.path), l.path);
    typology::override_parameters(l.rules, params);
    return l;
}

}  // namespace wz::jobs
