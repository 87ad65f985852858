// OLS: a 5-row regression worked out by hand, weights, HC1, rank deficiency, t distribution.
#include "stats/ols.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "stats/distributions.hpp"

namespace wz::stats {
namespace {

// x = 1..5, y = 2 4 5 4 5. By hand: xbar = 3, ybar = 4, Sxx = 10, Sxy = 6 -> b1 = 0.6, b0 = 2.2;
// fitted 2.8 3.4 4.0 4.6 5.2, residuals -0.8 0.6 1.0 -0.6 -0.2, RSS = 2.4, s^2 = 0.8, SST = 6.
Eigen::MatrixXd five_x() {
    return (Eigen::MatrixXd(5, 1) << 1, 2, 3, 4, 5).finished();
}
Eigen::VectorXd five_y() {
    return (Eigen::VectorXd(5) << 2, 4, 5, 4, 5).finished();
}

// Student t with 3 df in closed form: F(t) = 1/2 + (theta + sin(theta) cos(theta)) / pi, theta = atan(t/sqrt
// 3).
double t3_two_sided(double t) {
    const double th = std::atan(std::fabs(t) / std::sqrt(3.0));
    return 2.0 * (1.0 - (0.5 + (th + std::sin(th) * std::cos(th)) / std::numbers::pi));
}

TEST(Ols, FiveRowsByHand) {
    const Regression r = fit_ols(five_x(), five_y(), {"x"});
    ASSERT_EQ(r.names.size(), 2u);
    EXPECT_EQ(r.names[0], "intercept");
    EXPECT_NEAR(r.coef(0), 2.2, 1e-12);
    EXPECT_NEAR(r.coef(1), 0.6, 1e-12);
    EXPECT_NEAR(r.rss, 2.4, 1e-12);
    EXPECT_NEAR(r.sigma, std::sqrt(0.8), 1e-12);
    EXPECT_NEAR(r.se(1), std::sqrt(0.08), 1e-12);       // s^2 / Sxx
    EXPECT_NEAR(r.se(0), std::sqrt(0.8 * 1.1), 1e-12);  // s^2 (1/n + xbar^2/Sxx)
    EXPECT_NEAR(r.r2, 0.6, 1e-12);                      // 1 - 2.4/6
    EXPECT_NEAR(r.adj_r2, 1.0 - 0.4 * 4.0 / 3.0, 1e-12);
    EXPECT_NEAR(r.t(1), 0.6 / std::sqrt(0.08), 1e-12);
    EXPECT_NEAR(r.p(1), t3_two_sided(r.t(1)), 1e-10);
    EXPECT_NEAR(r.p(0), t3_two_sided(r.t(0)), 1e-10);
    EXPECT_EQ(r.n, 5u);
    EXPECT_EQ(r.k, 2u);
}

TEST(Ols, Hc1ByHand) {
    // HC1 slope variance = n/(n-2) sum (x - xbar)^2 e^2 / Sxx^2 = 5/3 * 3.44 / 100.
    OlsOptions o;
    o.robust_hc1 = true;
    const Regression r = fit_ols(five_x(), five_y(), {"x"}, o);
    EXPECT_TRUE(r.robust);
    EXPECT_NEAR(r.coef(1), 0.6, 1e-12);
    EXPECT_NEAR(r.se(1), std::sqrt(5.0 / 3.0 * 3.44 / 100.0), 1e-12);
}

TEST(Ols, IntegerWeightsEqualRepeatedRows) {
    const Eigen::VectorXd w = (Eigen::VectorXd(5) << 1, 2, 1, 1, 3).finished();
    const Regression rw = fit_ols(five_x(), five_y(), {"x"}, {}, w);
    Eigen::MatrixXd xr(8, 1);
    Eigen::VectorXd yr(8);
    int k = 0;
    for (int i = 0; i < 5; ++i) {
        for (int c = 0; c < static_cast<int>(w(i)); ++c) {
            xr(k, 0) = five_x()(i, 0);
            yr(k++) = five_y()(i);
        }
    }
    const Regression rr = fit_ols(xr, yr, {"x"});
    EXPECT_NEAR(rw.coef(0), rr.coef(0), 1e-12);
    EXPECT_NEAR(rw.coef(1), rr.coef(1), 1e-12);
    EXPECT_NEAR(rw.rss, rr.rss, 1e-10);
    EXPECT_NEAR(rw.r2, rr.r2, 1e-12);
}

TEST(Ols, NoInterceptByHand) {
    // b = sum xy / sum x^2 = (2 + 8 + 15 + 16 + 25) / 55 = 66/55 = 1.2.
    OlsOptions o;
    o.intercept = false;
    const Regression r = fit_ols(five_x(), five_y(), {"x"}, o);
    ASSERT_EQ(r.coef.size(), 1);
    EXPECT_NEAR(r.coef(0), 1.2, 1e-12);
    const double rss = five_y().squaredNorm() - 1.2 * 66.0;  // y'y - b x'y
    EXPECT_NEAR(r.rss, rss, 1e-10);
    EXPECT_NEAR(r.r2, 1.0 - rss / five_y().squaredNorm(), 1e-12);  // uncentred
}

TEST(Ols, RankDeficiencyNamesTheColumn) {
    Eigen::MatrixXd x(6, 3);
    x << 1, 2, 5, 2, 1, 4, 3, 7, 6, 4, 1, 1, 5, 3, 2, 6, 8, 8;
    x.col(2) = 2.0 * x.col(0) - x.col(1);  // 'c' = 2 a - b
    const Eigen::VectorXd y = (Eigen::VectorXd(6) << 1, 2, 3, 2, 5, 4).finished();
    try {
        fit_ols(x, y, {"a", "b", "c"});
        FAIL() << "expected a rank error";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'c'"), std::string::npos) << e.what();
    }
    x.col(2).setConstant(3.0);  // constant: collinear with the intercept
    try {
        fit_ols(x, y, {"a", "b", "konst"});
        FAIL() << "expected a rank error";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'konst'"), std::string::npos) << e.what();
    }
}

TEST(Ols, TooFewRowsAndBadShapes) {
    const Eigen::MatrixXd x = five_x().topRows(2);
    EXPECT_THROW(fit_ols(x, five_y().head(2), {"x"}), UsageError);  // n = k
    EXPECT_THROW(fit_ols(five_x(), five_y().head(4), {"x"}), UsageError);
    EXPECT_THROW(fit_ols(five_x(), five_y(), {"x", "z"}), UsageError);
    EXPECT_THROW(fit_ols(five_x(), five_y(), {"x"}, {}, Eigen::VectorXd::Zero(5)), UsageError);
}

TEST(Distributions, StudentT) {
    // Known quantiles: t(0.975; 10) = 2.228139, t(0.975; 1) = 12.7062 (Cauchy: tan(0.475 pi)).
    EXPECT_NEAR(student_t_quantile(0.975, 10), 2.2281388519649, 1e-9);
    EXPECT_NEAR(student_t_quantile(0.975, 1), std::tan(0.475 * std::numbers::pi), 1e-8);
    EXPECT_NEAR(student_t_quantile(0.025, 10), -2.2281388519649, 1e-9);
    EXPECT_NEAR(student_t_two_sided_p(2.2281388519649, 10), 0.05, 1e-10);
    // df = 1: p = 1 - 2 atan(|t|)/pi.
    EXPECT_NEAR(student_t_two_sided_p(1.7, 1), 1.0 - 2.0 * std::atan(1.7) / std::numbers::pi, 1e-12);
    EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-12);
    EXPECT_NEAR(incomplete_beta(2, 3, 0.4), 0.5248, 1e-12);  // 1 - (1-x)^4 - 4x(1-x)^3 = 0.5248
}

}  // namespace
}  // namespace wz::stats
