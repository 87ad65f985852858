#pragma once
// Classes and development classes of scores per area and year (METHODS.md section 2), and their
// agreement with published classes.
#include <cstddef>
#include <string>

#include "core/table.hpp"
#include "liveability/model.hpp"

namespace wz::liveability {

struct Agreement {
    std::size_t compared = 0;  // area-years (or area-pairs) with both a computed and a published class
    std::size_t equal = 0;
    std::size_t mismatches_near_edge = 0;  // mismatches whose score lies within the tolerance of an edge
    double farthest_mismatch = 0;          // largest distance to an edge among the mismatches
    double share() const {
        return compared == 0 ? 0.0 : static_cast<double>(equal) / static_cast<double>(compared);
    }
};

struct ClassifiedScores {
    // code, year, relative, score (absolute), class, dimension classes (LBM 3.0), published_class
    Table scores;
    // code, from_year, to_year, change, development_class, published_development_class
    Table development;
    Agreement class_agreement;
    Agreement development_agreement;
};

// Classifies scores given per area and year in a table with columns code, year, the preset's total
// column and (optionally) its published class column; development classes for every pair of years in
// which an area has a score. `published_development` (code, from_year, to_year, <published column>)
// may be empty. Mismatches are counted as "near an edge" within `edge_tolerance`.
ClassifiedScores classify_scores(const Table& scores, const Table& published_development,
                                 const ModelPreset& preset, double edge_tolerance);

}  // namespace wz::liveability
