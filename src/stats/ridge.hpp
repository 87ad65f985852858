#pragma once
// Ridge regression with k-fold cross-validation, computed from Gram matrices.
//
// Model: y = b0 + sum_j b_j x_j + e. Every predictor is centred (the intercept absorbs the means) and
// the penalised ones are scaled to unit (weighted) standard deviation, z_j = (x_j - m_j)/s_j; "control"
// columns are only centred and never penalised, nor is the intercept. The fit minimises
//
//     (1/W) sum_i w_i (y_i - b0 - sum_j z_ij beta_j)^2 + lambda sum_{j penalised} beta_j^2,  W = sum_i w_i,
//
// so lambda is on the scale of a standardised predictor's variance and does not grow with n. With the
// centred, scaled cross-products A = Z'WZ/W and r = Z'W(y - ybar)/W the normal equations are
// (A + lambda P) beta = r (P = 1 on penalised columns). Coefficients are returned on the original scale:
// b_j = beta_j / s_j, b0 = ybar - sum_j m_j b_j.
//
// Standard errors (approximate, sandwich form, conditional on lambda and ignoring the shrinkage bias):
//     Var(beta) = sigma^2 / W * M^-1 A M^-1,  M = A + lambda P,
//     sigma^2 = RSS / (n - df),  df = 1 + trace(A M^-1)  (effective degrees of freedom),
//     Var(b0) = sigma^2 / W + m' Var(b) m.
// At lambda = 0 these are the classical OLS standard errors.
//
// Speed: all that a fit needs is the weighted Gram matrix of [1, x, y] (rows shifted by a constant for
// accuracy). Data are reduced once to one Gram matrix per fold; a training set's Gram matrix is the total
// minus the fold's. Per fold the controls are partialled out (Schur complement) and the penalised block
// is eigendecomposed once, so every lambda of the grid costs O(p^2); the held-out error is
// v' G_fold v with v = (-b0, -b, 1), no pass over the rows. Everything is sequential and in a fixed
// order, so results are bit-identical for any thread count.
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wz::stats {

// Fold of each of n rows (0 .. k-1) from a seeded Fisher-Yates shuffle: row perm[i] goes to fold i mod k,
// so fold sizes differ by at most one. Same (n, k, seed) gives the same folds on every platform.
std::vector<int> assign_folds(std::size_t n, int k, std::uint64_t seed);

// Weighted Gram matrices of [1, x - shift, y - shift_y] per fold, (p + 2) x (p + 2).
struct FoldGrams {
    std::size_t predictors = 0;         // p
    std::vector<Eigen::MatrixXd> gram;  // one per fold
    std::vector<std::size_t> rows;      // rows per fold
    Eigen::VectorXd shift;              // p + 1: the constant subtracted from x columns and y
    Eigen::MatrixXd total() const;
    std::size_t total_rows() const;
};

// Accumulates rows block by block (so a caller never needs the whole design in memory).
class FoldGramBuilder {
  public:
    FoldGramBuilder(std::size_t predictors, int folds);
    // Rows of `x` (m x p) with responses `y` (m), folds `fold` (m, 0..k-1) and optional weights (m, > 0).
    // The first call fixes the shift (the block's column means).
    void add(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& fold,
             const Eigen::VectorXd& weights = Eigen::VectorXd());
    FoldGrams finish();

  private:
    FoldGrams g_;
    bool shifted_ = false;
};

struct RidgeSpec {
    std::vector<std::string> names;  // p predictor names
    std::vector<bool> penalized;     // p flags: false = control (unpenalised, not standardised)
};

struct RidgeFit {
    std::vector<std::string> names;  // "intercept" then the predictors
    Eigen::VectorXd coef, se;        // original scale
    double lambda = 0;
    std::size_t n = 0;       // rows
    double weight_sum = 0;   // W
    double df = 0;           // effective degrees of freedom (with the intercept)
    double rss = 0, r2 = 0;  // in-sample
    double sigma = 0;        // sqrt(RSS / (n - df))
};

struct CvPoint {
    double lambda = 0;
    double rmse = 0;  // sqrt(sum of held-out weighted squared errors / W)
    double r2 = 0;    // 1 - held-out SSE / total SS about the overall mean
};

struct RidgeCv {
    std::vector<CvPoint> path;  // one per lambda of the grid, in grid order
    std::size_t chosen = 0;     // index of the lambda with the smallest CV RMSE (larger lambda on ties)
    RidgeFit fit;               // refit on all rows at the chosen lambda
};

// The default grid: 0 and 10^-6, 10^-5.5, ..., 10^1 (16 values).
std::vector<double> default_lambda_grid();

// Fit on all folds together at one lambda.
RidgeFit fit_ridge(const FoldGrams& grams, const RidgeSpec& spec, double lambda);

// k-fold CV over the grid (k = grams.gram.size() >= 2), then the refit at the best lambda.
RidgeCv cross_validate_ridge(const FoldGrams& grams, const RidgeSpec& spec, const std::vector<double>& grid);

// Convenience for data in memory: folds from `seed`, Gram matrices, CV and refit.
RidgeCv cross_validate_ridge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const RidgeSpec& spec,
                             int folds, std::uint64_t seed, const std::vector<double>& grid,
                             const Eigen::VectorXd& weights = Eigen::VectorXd());

}  // namespace wz::stats
