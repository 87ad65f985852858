#pragma once
// Finding and reading shipped data (share/wijkzicht: model presets, typology rule sets) or a user's file.
#include <string>
#include <vector>

#include "liveability/model.hpp"
#include "typology/rules.hpp"

namespace wz::jobs {

// The folder of shipped data: $WIJKZICHT_SHARE, else the source tree's share/wijkzicht.
std::string share_dir();
// A shipped preset by name ("lbm2") or a path to a TOML file; NotFoundError names the shipped ones.
std::string preset_path(const std::string& name_or_file);
liveability::ModelPreset load_model_preset(const std::string& name_or_file);

// The shipped typology rule sets (share/wijkzicht/rules/NAME.toml).
std::vector<std::string> shipped_rule_sets();
// The file of a shipped rule set or a user's file; NotFoundError names the shipped ones.
std::string rules_path(const std::string& name_or_file);

struct LoadedRules {
    typology::RuleSet rules;
    std::string designation;  // from NAME:DESIGNATION or the explicit designation
    std::string path;
};
// A rule set given as NAME, NAME:DESIGNATION or a file, with parameters overridden (NAME=VALUE);
// a non-empty `designation` wins over the one in the spec.
LoadedRules load_rules(const std::string& spec, const std::vector<std::string>& params,
                       const std::string& designation);

}  // namespace wz::jobs
