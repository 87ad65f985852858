#pragma once
// Ordinary (optionally weighted) least squares with classical or HC1-robust standard errors.
//
//   b = (X'WX)^-1 X'Wy, e = y - Xb, s^2 = e'We / (n - k)
//   classical: Var(b) = s^2 (X'WX)^-1
//   HC1:       Var(b) = n/(n - k) (X'WX)^-1 (sum_i w_i^2 e_i^2 x_i x_i') (X'WX)^-1
//   t = b / se, p = two-sided Student t with n - k degrees of freedom
//   R^2 = 1 - e'We / sum w (y - ybar_w)^2 (uncentred sum of squares when there is no intercept),
//   adjusted R^2 = 1 - (1 - R^2)(n - c)/(n - k) with c = 1 with an intercept, else 0.
// Weights are precision (analytic) weights, all > 0; n counts rows. The solution uses a Householder QR
// of the weighted design. A design of less than full column rank is refused, naming the first column
// that is a linear combination of the columns before it (the intercept comes first).
#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

namespace wz::stats {

struct Regression {
    std::vector<std::string> names;  // "intercept" first when the fit has one
    Eigen::VectorXd coef, se, t, p;
    std::size_t n = 0;  // rows
    std::size_t k = 0;  // estimated coefficients (with the intercept)
    double r2 = 0, adj_r2 = 0;
    double sigma = 0;  // residual standard error sqrt(e'We / (n - k))
    double rss = 0;    // e'We
    bool robust = false;
    Eigen::MatrixXd covariance;  // Var(b), k x k
};

struct OlsOptions {
    bool intercept = true;    // prepend a column of ones named "intercept"
    bool robust_hc1 = false;  // HC1 sandwich standard errors instead of classical ones
};

// X is n x p (p = names.size()); `weights` (n, all > 0) may be empty for unweighted least squares.
// Throws wz::UsageError on shape errors, non-finite values, n <= k, or rank deficiency.
Regression fit_ols(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<std::string>& names,
                   const OlsOptions& options = {}, const Eigen::VectorXd& weights = Eigen::VectorXd());

// Checks that a Gram matrix G = X'WX (columns named `names`) has full rank, working through the columns
// in order; throws wz::UsageError naming the first column that is (numerically: sin of its angle to the
// span of the earlier columns below 1e-6) a linear combination of the earlier ones, or all zero.
void check_full_rank(const Eigen::MatrixXd& gram, const std::vector<std::string>& names);

}  // namespace wz::stats
