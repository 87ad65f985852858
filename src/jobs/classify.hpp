#pragma once
// The classify job: classes and development classes of stored scores (published or computed), with
// the agreement with published classes.
#include <nlohmann/json.hpp>
#include <string>

#include "io/store.hpp"
#include "liveability/classify.hpp"

namespace wz::jobs {

struct ClassifyOptions {
    std::string model = "lbm2";  // preset name or file
    std::string level = "pc4";   // the dataset is <model>_<level> unless `dataset` is given
    std::string dataset;
    double tolerance = 0.002;  // distance to an edge within which a mismatch counts as rounding
};

struct ClassifyResult {
    std::string dataset;                   // the scores classified
    liveability::ClassifiedScores result;  // classes, developments, agreements
    Table combined;                        // one table: kind (score | development) + both
    nlohmann::json summary;                // counts and agreements
    StoreUpdate update;                    // classes_<dataset>, development_<dataset> (not yet stored)
    bool development_assumed = false;      // the preset's development edges are an assumption
    std::string model_title;
};

ClassifyResult classify_stored_scores(const std::string& store, const ClassifyOptions& options);

}  // namespace wz::jobs
