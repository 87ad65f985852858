// Statistics benchmarks: ridge + 5-fold CV over the default lambda grid on 60,000 respondents x 100
// indicators + controls (the judgement model at the scale of the full synthetic country), the whole
// survey calibration from tables, and segmented regression on 13,000 points with its interval.
// Run: build/h2-rel/bench/wijkzicht_bench --benchmark_filter=Stats (numbers in docs/calibration.md).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "liveability/calibrate.hpp"
#include "stats/random.hpp"
#include "stats/ridge.hpp"
#include "stats/segmented.hpp"

namespace {

using namespace wz;

double unit(stats::SplitMix& r) {
    return (static_cast<double>(r.next() >> 11) + 0.5) * 0x1.0p-53;
}
double normal(stats::SplitMix& r) {
    const double u1 = unit(r), u2 = unit(r);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

constexpr Eigen::Index kRespondents = 60000;
constexpr Eigen::Index kIndicators = 100;

// 100 indicators loading on 5 latent dimensions, owner, age and 5 year dummies; rating-like outcome.
struct SurveyData {
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
    stats::RidgeSpec spec;
};

const SurveyData& survey_data() {
    static const SurveyData d = [] {
        SurveyData s;
        const Eigen::Index p = kIndicators + 2 + 5;
        s.x.resize(kRespondents, p);
        s.y.resize(kRespondents);
        stats::SplitMix rng(1, 1);
        std::vector<double> w(kIndicators);
        for (auto& v : w) v = 0.02 * normal(rng);
        for (Eigen::Index i = 0; i < kRespondents; ++i) {
            double f[5];
            for (double& v : f) v = normal(rng);
            double score = 0;
            for (Eigen::Index j = 0; j < kIndicators; ++j) {
                s.x(i, j) = 0.7 * f[j / 20] + 0.7 * normal(rng);
                score += w[std::size_t(j)] * s.x(i, j);
            }
            const double owner = unit(rng) < 0.55 ? 1.0 : 0.0;
            s.x(i, kIndicators) = owner;
            s.x(i, kIndicators + 1) = 18.0 + std::floor(72.0 * unit(rng));
            const auto year = static_cast<Eigen::Index>(6.0 * unit(rng));
            for (Eigen::Index k = 0; k < 5; ++k) s.x(i, kIndicators + 2 + k) = year == k + 1 ? 1.0 : 0.0;
            s.y(i) = 7.4 + 5.0 * score + 0.25 * owner + 0.9 * normal(rng);
        }
        for (Eigen::Index j = 0; j < p; ++j) {
            s.spec.names.push_back("c" + std::to_string(j));
            s.spec.penalized.push_back(j < kIndicators);
        }
        return s;
    }();
    return d;
}

void Stats_RidgeCv5Fold_60k(benchmark::State& state) {
    const SurveyData& d = survey_data();
    const auto grid = stats::default_lambda_grid();
    for (auto _ : state) {
        const auto cv = stats::cross_validate_ridge(d.x, d.y, d.spec, 5, 1, grid);
        benchmark::DoNotOptimize(cv.fit.coef.data());
    }
    state.counters["rows"] = static_cast<double>(kRespondents);
    state.counters["lambdas"] = static_cast<double>(grid.size());
}
BENCHMARK(Stats_RidgeCv5Fold_60k)->Unit(benchmark::kMillisecond)->UseRealTime();

// The part after the Gram matrices: 5 training systems x 16 lambdas + the refit.
void Stats_RidgeCvFromGrams(benchmark::State& state) {
    const SurveyData& d = survey_data();
    stats::FoldGramBuilder b(static_cast<std::size_t>(d.x.cols()), 5);
    b.add(d.x, d.y, stats::assign_folds(static_cast<std::size_t>(kRespondents), 5, 1));
    const stats::FoldGrams g = b.finish();
    const auto grid = stats::default_lambda_grid();
    for (auto _ : state) {
        const auto cv = stats::cross_validate_ridge(g, d.spec, grid);
        benchmark::DoNotOptimize(cv.fit.coef.data());
    }
}
BENCHMARK(Stats_RidgeCvFromGrams)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole judgement model from tables: 60,000 respondents in 50,000 cells x 6 years of indicators.
struct Tables {
    Table indicators, meta, survey;
};

const Tables& tables() {
    static const Tables t = [] {
        Tables s;
        stats::SplitMix rng(2, 1);
        const int cells = 50000, years = 6;
        Column code("code", ColumnType::kText), year("year", ColumnType::kInt);
        std::vector<Column> ind;
        for (int j = 0; j < kIndicators; ++j) {
            char name[8];
            std::snprintf(name, sizeof name, "ind%03d", j + 1);
            ind.emplace_back(name, ColumnType::kReal);
        }
        std::vector<double> score(static_cast<std::size_t>(cells * years));
        for (int c = 0; c < cells; ++c) {
            for (int y = 0; y < years; ++y) {
                code.push_text("E" + std::to_string(1000 + c % 1000) + "N" + std::to_string(3000 + c / 1000));
                year.push_int(2012 + 2 * y);
                double f[5];
                for (double& v : f) v = normal(rng);
                double sc = 0;
                for (int j = 0; j < kIndicators; ++j) {
                    const double z = 0.7 * f[j / 20] + 0.7 * normal(rng);
                    // Transforms by j mod 3: identity, log, logit.
                    double raw = 30 + 8 * z;
                    if (j % 3 == 1) raw = std::exp(1.5 + 0.4 * z);
                    if (j % 3 == 2) raw = 1 / (1 + std::exp(0.5 - 0.45 * z));
                    ind[std::size_t(j)].push_real(raw);
                    sc += 0.003 * ((j % 7) - 3) * z;
                }
                score[std::size_t(c * years + y)] = sc;
            }
        }
        s.indicators.add_column(std::move(code));
        s.indicators.add_column(std::move(year));
        for (auto& c : ind) s.indicators.add_column(std::move(c));
        Column id("id", ColumnType::kText), d2("dimension_lbm2", ColumnType::kText),
            tf("transform", ColumnType::kText);
        static const char* const kDims[] = {"won", "bev", "vrz", "vei", "fys"};
        static const char* const kTf[] = {"identity", "log", "logit"};
        for (int j = 0; j < kIndicators; ++j) {
            char name[8];
            std::snprintf(name, sizeof name, "ind%03d", j + 1);
            id.push_text(name);
            d2.push_text(kDims[j / 20]);
            tf.push_text(kTf[j % 3]);
        }
        s.meta.add_column(std::move(id));
        s.meta.add_column(std::move(d2));
        s.meta.add_column(std::move(tf));
        Column sc("code", ColumnType::kText), sy("year", ColumnType::kInt),
            rating("rating", ColumnType::kInt), owner("owner", ColumnType::kInt),
            age("age", ColumnType::kInt);
        for (Eigen::Index i = 0; i < kRespondents; ++i) {
            const auto row = static_cast<std::size_t>(unit(rng) * cells * years);
            sc.push_text(s.indicators.column("code").text_at(row));
            sy.push_int(s.indicators.column("year").int_at(row));
            const int o = unit(rng) < 0.55 ? 1 : 0;
            const double v = 7.4 + 5.0 * score[row] + 0.25 * o + 0.9 * normal(rng);
            rating.push_int(std::clamp<std::int64_t>(std::lround(v), 1, 10));
            owner.push_int(o);
            age.push_int(18 + static_cast<std::int64_t>(72 * unit(rng)));
        }
        for (auto* c : {&sc, &sy, &rating, &owner, &age}) s.survey.add_column(std::move(*c));
        return s;
    }();
    return t;
}

void Stats_CalibrateSurvey_60k(benchmark::State& state) {
    const Tables& t = tables();
    for (auto _ : state) {
        const auto cal = liveability::calibrate_weights(t.indicators, t.meta, &t.survey, nullptr, {});
        benchmark::DoNotOptimize(cal.weights.row_count());
    }
    state.counters["indicator_rows"] = static_cast<double>(t.indicators.row_count());
}
BENCHMARK(Stats_CalibrateSurvey_60k)->Unit(benchmark::kMillisecond)->UseRealTime();

struct Points {
    std::vector<double> x, y;
};
const Points& points() {
    static const Points p = [] {
        Points s;
        stats::SplitMix rng(3, 1);
        for (int i = 0; i < 13000; ++i) {
            const double x = unit(rng);
            s.x.push_back(x);
            s.y.push_back(0.1 - 0.2 * x - 0.6 * std::max(0.0, x - 0.45) + 0.15 * normal(rng));
        }
        return s;
    }();
    return p;
}

void Stats_Segmented13k_Profile(benchmark::State& state) {
    const Points& p = points();
    for (auto _ : state) {
        const auto f = stats::fit_segmented(p.x, p.y);
        benchmark::DoNotOptimize(f.profile.low);
    }
}
BENCHMARK(Stats_Segmented13k_Profile)->Unit(benchmark::kMillisecond)->UseRealTime();

void Stats_Segmented13k_Bootstrap999(benchmark::State& state) {
    const Points& p = points();
    stats::SegmentedOptions o;
    o.interval = stats::BreakpointInterval::kBootstrap;
    o.bootstrap = 999;
    for (auto _ : state) {
        const auto f = stats::fit_segmented(p.x, p.y, {}, o);
        benchmark::DoNotOptimize(f.bootstrap.low);
    }
}
BENCHMARK(Stats_Segmented13k_Bootstrap999)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
