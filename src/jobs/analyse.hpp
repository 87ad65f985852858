#pragma once
// The analyses of stored area scores (wijkzicht analyse): the tenure turning point (segmented
// regression), the areas with the worst score on a dimension, and the safety quadrant.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "io/store.hpp"
#include "monitor/analyse.hpp"

namespace wz::jobs {

struct TenureJobOptions {
    std::string level = "buurt";
    std::string key_figures = "kerncijfers_buurten";
    std::string share_column = "Wonen/Eigendom/Huurwoningen corporatie";
    std::string outcome = "development";  // development | score
    std::string interval = "profile";     // profile | bootstrap | both
    std::vector<std::string> dimensions;  // sum of these dimension scores instead of the total
    int from = 0, to = 0, bootstrap = 999, grid = 200;
    double confidence = 0.95;
    std::uint64_t seed = 1;
    bool weighted = false;
};

struct TenureJobResult {
    monitor::TenureResult result;
    nlohmann::json report;
};

TenureJobResult tenure_turning_point(const std::string& store, const TenureJobOptions& options);

// The tenure curve for the national picture: the areas in bins of 5 share points (mean share, mean
// outcome, areas) with the fitted segmented line at each bin's mean share; the fit's breakpoint, interval
// and slopes in the dataset's meta. Stored as picture_tenure (kind "picture"), which the service's
// /api/v1/picture, the dashboard and the national report show.
StoreUpdate tenure_curve_update(const TenureJobOptions& options, const TenureJobResult& result);

struct RankingOptions {
    std::string level = "buurt";
    std::string dimension = "vei";
    int year = 0;           // 0: the last
    std::size_t top = 25;   // worst: how many
    double quantile = 0.1;  // quadrant: "very poor" = at or below this quantile
};

struct Ranking {
    Level level = Level::kBuurt;
    int year = 0;
    Table areas;
};

// The `top` areas with the lowest score on the dimension.
Ranking worst_on_dimension(const std::string& store, const RankingOptions& options);
// Areas whose dimension is in the lowest quantile while the total is above the national mean.
Ranking poor_dimension_good_total(const std::string& store, const RankingOptions& options);

}  // namespace wz::jobs
