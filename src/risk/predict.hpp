#pragma once
// Drug crime per buurt in the next year, predicted from earlier suspicions, network and buurt features,
// with strictly temporal validation (issue 13, `risk predict`). Pure: a panel table in, tables out.
//
// Panel: one row per buurt and feature year t: "buurt" (text), "year" (int, t), the feature columns
// (int or real), `target` = the drug-crime count of the buurt in year t + 1 and `baseline` = the same
// count in year t. A row with a missing feature, target or baseline is left out (counted in `folds`).
//
// Label. A row is positive when its target is among the `positive_share` highest of its target year,
// counting ties against it: positive <=> target > 0 and #{rows of the year with target >= this one}
// <= ceil(positive_share * rows of the year). So at most that share of buurten is positive in every
// year, a tie at the cut never makes a buurt positive by an arbitrary order, and "top 10 % next year" is
// what precision at 10 % asks for. With `min_count` > 0 the label is instead target >= min_count.
// Why a top share and not a fixed count: drug crime grows and shrinks nationally, and a police force
// plans for the buurten with the most of it each year; a fixed count makes the positive share drift.
//
// Validation. Test year T is a target year (T = t + 1). Its models are trained only on rows whose
// target year is <= T - 1 (feature year <= T - 2; an expanding window) and tested on the rows of
// feature year T - 1. Standardisation, the label threshold used for probabilities and every other fitted
// quantity come from the training rows only; rows of later years never enter a fit (a test asserts
// that garbling them leaves the test year's predictions bit-identical). Never a random split.
//
// Models (each refitted per test year):
//   logistic   L2-penalised logistic regression on the label (IRLS; features standardised on the
//              training rows; the intercept is not penalised). Score = probability.
//   poisson    L2-penalised Poisson regression (log link, IRLS) on the target count. Score = expected
//              count; probability = P(N >= c) for N ~ Poisson(score), c = the smallest positive target
//              of the last training target year (the cut as known when the prediction is made).
//   xgboost    gradient-boosted trees (XGBoost, binary:logistic, tree_method exact, fixed seed and
//              nthread: bit-identical results). Score = probability.
//   last_year  the baseline: score = last year's count (`baseline`); probability = the positive share
//              among training rows with the same baseline value (the nearest lower value seen when
//              the value is new).
//
// Metrics per model and test year, and pooled over the test years (test_year missing):
//   auc              Mann-Whitney with mid-ranks: ties between a positive and a negative count 1/2.
//   precision_top5/10 the positive share among the ceil(share * n) highest scores; buurten tied with
//                    the last place share the remaining places (the expected precision when the tie is
//                    broken at random), so the integer counts of the baseline get no arbitrary order.
//   brier            mean (probability - label)^2.
//   intervals        percentile bootstrap (`confidence`, default 95 %) over buurten: a replicate draws
//                    as many buurten as there are, with replacement, and takes all their test rows
//                    (one per buurt in a single year, every test year in the pooled row). Replicate r
//                    of evaluation set s (the test years in order, then the pooled set) draws from
//                    wz::Rng(stream_state_indexed(seed, s + 1, r)): the same buurten for every model,
//                    so `comparison` holds paired differences. A replicate without a positive or
//                    without a negative has no AUC and is skipped for the AUC only.
// Calibration: `calibration_bins` equal-width bins of the probability per model and test year.
// Contributions per model and test year: logistic and poisson the coefficient of the standardised
// feature (change of the log-odds / log-rate per standard deviation), xgboost the total gain of the
// feature's splits as a share of all gain; rank 1 = largest absolute value.
#include <cstdint>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz::risk {

struct PredictOptions {
    std::vector<int> test_years;      // target years (t + 1), each with at least one earlier target year
    int bootstrap = 1000;             // replicates (>= 0; 0 = no intervals, lo/hi missing)
    std::uint64_t seed = 1;           // bootstrap replicates (and XGBoost's seed)
    double confidence = 0.95;         // of the percentile intervals
    double positive_share = 0.10;     // label: the top share of buurten per target year (0 < s < 1)
    double min_count = 0;             // > 0: label = target >= min_count instead of the top share
    std::size_t min_train_rows = 20;  // fewer complete training rows for a test year is an error
    int calibration_bins = 10;
    // Regression models: L2 penalty on the standardised coefficients (mean log-likelihood + lambda/2 |b|^2).
    double ridge_lambda = 1e-3;
    // XGBoost.
    int xgb_rounds = 150;
    int xgb_max_depth = 3;
    double xgb_eta = 0.1;
    double xgb_min_child_weight = 1.0;
    int xgb_threads = 1;
    bool xgboost = true;  // false: only logistic, poisson and last_year
};

struct PredictResult {
    // model, test_year (missing = pooled), auc, auc_lo, auc_hi, precision_top5, precision_top5_lo,
    // precision_top5_hi, precision_top10, precision_top10_lo, precision_top10_hi, brier, n, positives,
    // auc_replicates (bootstrap replicates with an AUC).
    wz::Table metrics;
    // model, test_year (missing = pooled), metric, difference (model - last_year), lo, hi,
    // share_better (share of replicates where the model is strictly better).
    wz::Table comparison;
    // model, test_year, bin, lower, upper, mean_predicted, observed_share, n (bins with rows only).
    wz::Table calibration;
    // model, test_year, feature, value, rank.
    wz::Table contributions;
    // buurt, year (feature year), test_year, model, score, probability, label. Stays in the zone.
    wz::Table predictions;
    // test_year, train_from, train_to (feature years), train_rows, train_positives, test_rows,
    // test_positives, dropped (rows of those years left out for a missing value), threshold (the
    // smallest positive target of the test year).
    wz::Table folds;
};

// Throws wz::UsageError for a panel without a named column (or with the wrong type), a buurt twice in a
// year, a test year without test rows, too few training rows, or a training set without a positive or
// without a negative, and for options out of range.
PredictResult predict_drug_crime(const wz::Table& panel, const std::vector<std::string>& features,
                                 const std::string& target, const std::string& baseline,
                                 const PredictOptions& options);

// The building blocks, for tests. Labels are 0/1; weights (bootstrap multiplicities) may be empty = 1.
// AUC with mid-ranks (NaN without a positive or a negative).
double auc(const std::vector<double>& score, const std::vector<int>& label,
           const std::vector<double>& weight = {});
// Expected precision among the top ceil(share * n) (n = total weight), ties at the cut shared.
double precision_at(const std::vector<double>& score, const std::vector<int>& label, double share,
                    const std::vector<double>& weight = {});
// The label rule above for one target year's values (NaN = missing, label 0).
std::vector<int> top_share_labels(const std::vector<double>& target, double share);

}  // namespace wz::risk
