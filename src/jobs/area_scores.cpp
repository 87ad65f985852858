#include "jobs/area_scores.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/stored_scores.hpp"

namespace wz::jobs {

StoredAreaScores read_area_scores(const std::string& store, Level level) {
    StoredAreaScores s;
    s.dataset = fmt::format("score_{}", level_name(level));
    const Dataset scores = read_dataset(store, s.dataset);
    s.dimensions = score_dimensions(scores.table);
    s.areas = monitor::area_scores_from_table(scores.table, level, s.dimensions);
    if (s.areas.years.empty()) throw UsageError(fmt::format("dataset '{}' has no rows", s.dataset));
    return s;
}

}  // namespace wz::jobs
