#pragma once
// Finding and reading shipped presets (share/wijkzicht/presets/NAME.toml) or a user's file.
#include <string>

#include "liveability/model.hpp"

namespace wz::app {

// The folder of shipped data: $WIJKZICHT_SHARE, else the source tree's share/wijkzicht.
std::string share_dir();
// A shipped preset by name ("lbm2") or a path to a TOML file; UsageError names the shipped ones.
std::string preset_path(const std::string& name_or_file);
liveability::ModelPreset load_model_preset(const std::string& name_or_file);

}  // namespace wz::app
