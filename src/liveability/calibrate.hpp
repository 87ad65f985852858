#pragma once
// Calibration of indicator weights from a resident survey (judgement model, "oordelenmodel") and from
// house sales (hedonic price model, "gedragsmodel"), METHODS.md section 2; docs/calibration.md.
//
// Each model is a ridge regression with k-fold cross-validation (stats/ridge.hpp) of its outcome on the
// transformed indicators T_j(x) of the respondent's (or sale's) cell and year, plus unpenalised controls:
//   survey: rating ~ T_1..T_J + owner + age + year dummies
//   sales:  log(price) ~ T_1..T_J + log(floor_area) + rooms + dwelling type dummies + build_year
//           + year (market) dummies
// Controls whose column is absent are left out (and listed in the report). Categorical levels with fewer
// than `min_level_rows` rows are pooled with the reference level (the first year; the most frequent
// dwelling type), so every dummy has support in every training fold.
// An indicator coefficient is converted to the score scale by dividing by the model's scale, a convention
// (the Leefbaarometer fixes its scale by convention too): `survey_points_per_score` rating points per
// score unit (default 5.0) and `sales_log_price_per_score` log-price per score unit (default 1.8). The two
// converted estimates are combined per indicator by their inverse-variance weighted mean (the
// minimum-variance unbiased combination of two independent estimates of one weight), or with a fixed
// `survey_share` when given.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "stats/ridge.hpp"

namespace wz::liveability {

struct CalibrationOptions {
    int folds = 5;
    std::uint64_t seed = 1;
    std::optional<double>
        lambda;  // fixed lambda (still cross-validated for the report); default: chosen by CV
    std::vector<double> lambda_grid = stats::default_lambda_grid();
    double survey_points_per_score = 5.0;
    double sales_log_price_per_score = 1.8;
    std::optional<double> survey_share;  // fixed mix in [0, 1]; default inverse-variance weights
    std::size_t min_level_rows = 20;
};

struct Coefficient {
    std::string name;
    double coef = 0, se = 0;
};

struct ModelReport {
    std::string model;  // "survey" or "sales"
    bool used = false;
    std::string outcome;                        // "rating", "log(price)"
    double scale = 0;                           // outcome units per score unit
    std::size_t rows = 0;                       // rows in the input dataset
    std::size_t n = 0;                          // rows used
    std::size_t dropped_no_indicators = 0;      // no indicator row for the cell and year
    std::size_t dropped_missing_indicator = 0;  // an indicator missing or outside its transform's domain
    std::size_t dropped_missing_outcome_or_control = 0;
    double lambda = 0;
    bool lambda_fixed = false;
    double cv_rmse = 0, cv_r2 = 0;  // at the lambda used
    double r2 = 0, sigma = 0, df = 0;
    std::vector<stats::CvPoint> cv_path;
    std::vector<std::string> controls;              // controls used
    std::vector<std::string> controls_missing;      // controls whose column is absent
    std::vector<Coefficient> control_coefficients;  // intercept and controls
};

struct DimensionSummary {
    std::string dimension;
    std::size_t indicators = 0;
    double weight_sum = 0, abs_weight_sum = 0;
};

struct Calibration {
    // indicator, name, transform, dimension, dimension_lbm3, weight, se, weight_survey, se_survey,
    // weight_sales, se_sales (the weights of a model that was not fitted are missing).
    Table weights;
    ModelReport survey, sales;
    std::vector<DimensionSummary> dimensions;  // per LBM 2.0 dimension, in order of first appearance
    std::string combination;                   // "inverse-variance" or "fixed survey share 0.30"
};

// The indicator values calibration reads, a block of rows at a time, so that it never holds them all:
// the rows' codes and years are known up front; the values of a block are read when the fit needs them
// (twice: once to find the rows with every indicator in its transform's domain, once to build the
// models' Gram matrices). Only blocks with rows of respondents or sales are read.
class CalibrationRows {
  public:
    virtual ~CalibrationRows() = default;
    virtual const Column& codes() const = 0;  // one per row
    virtual const Column& years() const = 0;
    // The type of indicator column `name`, nullopt when there is none.
    virtual std::optional<ColumnType> column_type(const std::string& name) const = 0;
    virtual std::size_t block_count() const = 0;
    // The first row of block b; block_begin(block_count()) is the number of rows.
    virtual std::size_t block_begin(std::size_t b) const = 0;
    // The values of `columns` in the rows of block b: values[j][i] for row block_begin(b) + i, NaN when
    // missing.
    virtual void read_block(std::size_t b, const std::vector<std::string>& columns,
                            std::vector<std::vector<double>>& values) = 0;
};

// `indicators`: code, year, one column per indicator id of `meta` (raw values).
// `meta`: id, name, dimension_lbm2, transform (identity, log, logit, sqrt), optionally dimension_lbm3.
// `survey`: code, year, rating, optional owner, age. `sales`: code, year, price, optional floor_area,
// rooms, dwelling_type, build_year. Either may be null (not fitted), not both.
// Throws wz::UsageError naming a missing column, an unknown transform, or a model with too few rows.
Calibration calibrate_weights(const Table& indicators, const Table& meta, const Table* survey,
                              const Table* sales, const CalibrationOptions& options);
// The same from indicator blocks (a store's column blocks, read as needed): the same result as from the
// table of all their rows.
Calibration calibrate_weights(CalibrationRows& indicators, const Table& meta, const Table* survey,
                              const Table* sales, const CalibrationOptions& options);

// T(x) of a transform name: identity x, log ln x (x > 0), logit ln(x / (1 - x)) (0 < x < 1),
// sqrt (x >= 0); NaN outside the domain. Throws UsageError for an unknown name.
double transform_indicator(const std::string& transform, double x);

}  // namespace wz::liveability
