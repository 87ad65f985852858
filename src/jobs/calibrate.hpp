#pragma once
// The calibrate job: indicator weights from a resident survey and house sales in the store (ridge with
// k-fold cross-validation), with a fit report.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "io/store.hpp"
#include "liveability/calibrate.hpp"

namespace wz::jobs {

struct CalibrateOptions {
    std::string survey = "survey";  // dataset, or "none"
    std::string sales = "sales";    // dataset, or "none"
    std::string indicators = "indicators", meta = "indicator_meta";
    std::string name = "model_weights";  // output dataset
    std::string lambda = "auto";         // "auto" or a number >= 0
    std::string survey_share = "auto";   // "auto" or a share in [0, 1]
    int folds = 5;
    std::uint64_t seed = 1;
    double survey_scale = 5.0, sales_scale = 1.8;
};

struct CalibrateResult {
    liveability::Calibration calibration;
    nlohmann::json report;  // per model n, dropped, lambda, CV and fit; per dimension
    StoreUpdate update;     // the weights dataset (not yet stored)
};

CalibrateResult calibrate_from_store(const std::string& store, const CalibrateOptions& options);

}  // namespace wz::jobs
