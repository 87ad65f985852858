#pragma once
// Stored area scores (the score_<level> datasets of `wijkzicht score`) read back for the analyses.
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "monitor/aggregate.hpp"

namespace wz::jobs {

struct StoredAreaScores {
    std::string dataset;  // score_<level>
    std::vector<std::string> dimensions;
    monitor::AreaScores areas;
};

// The scores of `level` (UsageError when the level has none, NotFoundError when the store lacks them).
StoredAreaScores read_area_scores(const std::string& store, Level level);

}  // namespace wz::jobs
