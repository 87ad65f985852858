// Ridge regression and k-fold cross-validation from Gram matrices.
#include "stats/ridge.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "stats/ols.hpp"
#include "stats/random.hpp"

namespace wz::stats {
namespace {

// A reproducible design: 3 correlated predictors, 2 controls (one a 0/1 dummy), y with known betas.
struct Data {
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
    RidgeSpec spec;
};

double normal(SplitMix& rng) {
    const double u1 = (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

Data make_data(Eigen::Index n, std::uint64_t seed) {
    SplitMix rng(seed, 7);
    Data d;
    d.x.resize(n, 5);
    d.y.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double common = normal(rng);
        d.x(i, 0) = 10 + 3 * (common + normal(rng));
        d.x(i, 1) = 0.5 * common + 0.2 * normal(rng);
        d.x(i, 2) = -2 + normal(rng);
        d.x(i, 3) = 1970 + 25 * normal(rng);
        d.x(i, 4) = (rng.next() >> 63) != 0 ? 1.0 : 0.0;
        d.y(i) = 1.0 + 0.1 * d.x(i, 0) - 0.8 * d.x(i, 1) + 0.3 * d.x(i, 2) + 0.002 * d.x(i, 3) +
                 0.25 * d.x(i, 4) + 0.5 * normal(rng);
    }
    d.spec.names = {"a", "b", "c", "year", "owner"};
    d.spec.penalized = {true, true, true, false, false};
    return d;
}

FoldGrams grams_of(const Data& d, int folds, std::uint64_t seed) {
    FoldGramBuilder b(5, folds);
    b.add(d.x, d.y, assign_folds(static_cast<std::size_t>(d.x.rows()), folds, seed));
    return b.finish();
}

TEST(Folds, PartitionTheRowsDeterministically) {
    const std::vector<int> f = assign_folds(103, 5, 42);
    ASSERT_EQ(f.size(), 103u);
    std::vector<int> size(5, 0);
    for (int v : f) {
        ASSERT_GE(v, 0);
        ASSERT_LT(v, 5);
        ++size[std::size_t(v)];
    }
    for (int s : size) EXPECT_TRUE(s == 20 || s == 21) << s;  // 103 = 3 x 21 + 2 x 20
    EXPECT_EQ(assign_folds(103, 5, 42), f);
    EXPECT_NE(assign_folds(103, 5, 43), f);
    EXPECT_THROW(assign_folds(3, 5, 1), UsageError);
    EXPECT_THROW(assign_folds(10, 1, 1), UsageError);
}

TEST(Ridge, OnePredictorByHand) {
    // x = 1..5, y = 2 4 5 4 5: var(x) = 2 (population), cov(x, y) = 1.2, so beta_std = cov/sd /(1 + lambda)
    // and b = cov / var / (1 + lambda) = 0.6 / (1 + lambda); b0 = ybar - xbar b.
    const Eigen::MatrixXd x = (Eigen::MatrixXd(5, 1) << 1, 2, 3, 4, 5).finished();
    const Eigen::VectorXd y = (Eigen::VectorXd(5) << 2, 4, 5, 4, 5).finished();
    FoldGramBuilder b(1, 1);
    b.add(x, y, std::vector<int>(5, 0));
    const FoldGrams g = b.finish();
    const RidgeSpec spec{{"x"}, {true}};
    const RidgeFit f1 = fit_ridge(g, spec, 1.0);
    EXPECT_NEAR(f1.coef(1), 0.3, 1e-12);
    EXPECT_NEAR(f1.coef(0), 4.0 - 3.0 * 0.3, 1e-12);
    const RidgeFit f0 = fit_ridge(g, spec, 0.0);
    EXPECT_NEAR(f0.coef(1), 0.6, 1e-12);
    EXPECT_NEAR(f0.se(1), std::sqrt(0.08), 1e-12);  // the OLS standard error at lambda = 0
    EXPECT_NEAR(f0.df, 2.0, 1e-12);
    const RidgeFit f3 = fit_ridge(g, spec, 3.0);
    EXPECT_NEAR(f3.coef(1), 0.15, 1e-12);
    EXPECT_NEAR(f3.df, 1.25, 1e-12);  // 1 + 1/(1 + 3)
}

TEST(Ridge, LambdaZeroEqualsOls) {
    const Data d = make_data(400, 1);
    const RidgeFit f = fit_ridge(grams_of(d, 4, 9), d.spec, 0.0);
    const Regression o = fit_ols(d.x, d.y, d.spec.names);
    ASSERT_EQ(f.coef.size(), o.coef.size());
    for (Eigen::Index j = 0; j < o.coef.size(); ++j) {
        EXPECT_NEAR(f.coef(j), o.coef(j), 1e-8 * (1 + std::fabs(o.coef(j)))) << j;
        EXPECT_NEAR(f.se(j), o.se(j), 1e-7 * o.se(j)) << j;
    }
    EXPECT_NEAR(f.r2, o.r2, 1e-10);
    EXPECT_NEAR(f.sigma, o.sigma, 1e-9);
    EXPECT_NEAR(f.df, 6.0, 1e-9);
}

TEST(Ridge, ShrinksMonotonicallyAndLeavesControlsFree) {
    const Data d = make_data(300, 2);
    const FoldGrams g = grams_of(d, 3, 1);
    Eigen::VectorXd sd(3);
    for (int j = 0; j < 3; ++j) {
        const double m = d.x.col(j).mean();
        sd(j) = std::sqrt((d.x.col(j).array() - m).square().mean());
    }
    double last = std::numeric_limits<double>::infinity();
    double last_df = 7;
    for (double lambda : {0.0, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1e4}) {
        const RidgeFit f = fit_ridge(g, d.spec, lambda);
        const double norm = f.coef.segment(1, 3).cwiseProduct(sd).norm();  // standardised coefficients
        EXPECT_LT(norm, last) << lambda;
        EXPECT_LT(f.df, last_df) << lambda;
        last = norm;
        last_df = f.df;
    }
    EXPECT_LT(last, 1e-3);
    // With a huge lambda the controls are the OLS on the controls alone.
    const RidgeFit big = fit_ridge(g, d.spec, 1e12);
    const Regression ctl = fit_ols(d.x.rightCols(2), d.y, {"year", "owner"});
    EXPECT_NEAR(big.coef(4), ctl.coef(1), 1e-6);
    EXPECT_NEAR(big.coef(5), ctl.coef(2), 1e-6);
}

TEST(Ridge, CvFromGramsEqualsRefitsFromRows) {
    const Data d = make_data(250, 3);
    const int k = 5;
    const std::vector<int> fold = assign_folds(250, k, 11);
    FoldGramBuilder b(5, k);
    b.add(d.x, d.y, fold);
    const RidgeCv cv = cross_validate_ridge(b.finish(), d.spec, {0.0, 0.05});
    ASSERT_EQ(cv.path.size(), 2u);
    // Lambda 0: refit OLS on each training set from its rows and predict the held-out rows.
    double sse = 0, sst = 0;
    const double ybar = d.y.mean();
    for (int f = 0; f < k; ++f) {
        std::vector<Eigen::Index> tr, te;
        for (Eigen::Index i = 0; i < 250; ++i) (fold[std::size_t(i)] == f ? te : tr).push_back(i);
        Eigen::MatrixXd xt(static_cast<Eigen::Index>(tr.size()), 5);
        Eigen::VectorXd yt(static_cast<Eigen::Index>(tr.size()));
        for (std::size_t r = 0; r < tr.size(); ++r) {
            xt.row(Eigen::Index(r)) = d.x.row(tr[r]);
            yt(Eigen::Index(r)) = d.y(tr[r]);
        }
        const Regression o = fit_ols(xt, yt, d.spec.names);
        for (Eigen::Index i : te) {
            const double pred = o.coef(0) + d.x.row(i).dot(o.coef.tail(5));
            sse += (d.y(i) - pred) * (d.y(i) - pred);
        }
    }
    for (Eigen::Index i = 0; i < 250; ++i) sst += (d.y(i) - ybar) * (d.y(i) - ybar);
    EXPECT_NEAR(cv.path[0].rmse, std::sqrt(sse / 250.0), 1e-9);
    EXPECT_NEAR(cv.path[0].r2, 1.0 - sse / sst, 1e-9);
    EXPECT_GT(cv.path[0].r2, 0.3);
}

TEST(Ridge, CvChoosesAModerateLambdaForManyNoisyPredictors) {
    // 40 predictors, few rows, small true effects: the CV error at the chosen lambda beats lambda = 0.
    SplitMix rng(5, 1);
    const Eigen::Index n = 120, p = 40;
    Eigen::MatrixXd x(n, p);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        double s = 0;
        for (Eigen::Index j = 0; j < p; ++j) {
            x(i, j) = normal(rng);
            s += 0.05 * x(i, j);
        }
        y(i) = s + normal(rng);
    }
    RidgeSpec spec;
    for (Eigen::Index j = 0; j < p; ++j) {
        spec.names.push_back("x" + std::to_string(j));
        spec.penalized.push_back(true);
    }
    const RidgeCv cv = cross_validate_ridge(x, y, spec, 5, 3, default_lambda_grid());
    EXPECT_GT(cv.fit.lambda, 0.0);
    EXPECT_LT(cv.path[cv.chosen].rmse, cv.path[0].rmse);
    // Same seed, same everything.
    const RidgeCv again = cross_validate_ridge(x, y, spec, 5, 3, default_lambda_grid());
    EXPECT_EQ(again.chosen, cv.chosen);
    EXPECT_EQ(again.path[3].rmse, cv.path[3].rmse);
    EXPECT_EQ(again.fit.coef, cv.fit.coef);
}

TEST(Ridge, BadInput) {
    Data d = make_data(50, 4);
    d.x.col(1).setConstant(2.0);
    EXPECT_THROW(fit_ridge(grams_of(d, 2, 1), d.spec, 0.1), UsageError);  // constant penalised column
    Data e = make_data(50, 4);
    e.x.col(4) = e.x.col(3) * 2.0;  // collinear controls
    try {
        fit_ridge(grams_of(e, 2, 1), e.spec, 0.1);
        FAIL();
    } catch (const UsageError& err) {
        EXPECT_NE(std::string(err.what()).find("'owner'"), std::string::npos) << err.what();
    }
    const Data f = make_data(50, 4);
    EXPECT_THROW(fit_ridge(grams_of(f, 2, 1), f.spec, -1.0), UsageError);
    RidgeSpec short_spec{{"a"}, {true}};
    EXPECT_THROW(fit_ridge(grams_of(f, 2, 1), short_spec, 0.1), UsageError);
    EXPECT_THROW(cross_validate_ridge(grams_of(f, 2, 1), f.spec, {}), UsageError);
}

}  // namespace
}  // namespace wz::stats
