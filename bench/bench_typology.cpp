// Typology benchmark: all six shipped rule sets on scale-1-sized tables generated in memory
// (13,000 buurten, 3,300 wijken, 52 COROP-plus regions x 6 measurements). Target: <= 0.5 s on 2 cores
// for all rule sets together (docs/typology.md).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "jobs/presets.hpp"
#include "typology/evaluate.hpp"
#include "typology/rules.hpp"

namespace {

using namespace wz;

constexpr int kYears[] = {2012, 2014, 2016, 2018, 2020, 2022};

// A shipped rule set, loaded as `wijkzicht typology --rules NAME` loads it.
typology::RuleSet load(const std::string& name) {
    return jobs::load_rules(name, {}, "").rules;
}

// A deterministic pseudo-random number in [0, 1).
double u01(std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

std::string code(const char* prefix, std::size_t i, int width) {
    std::string s = std::to_string(i);
    return prefix + std::string(static_cast<std::size_t>(width) - s.size(), '0') + s;
}

Table key_figures(std::size_t n) {
    const char* cols[] = {"Bevolking/Aantal inwoners",
                          "Arbeid/Buiten werk of opleiding 18 tot 65 jaar",
                          "Veiligheid/Veroordeelden 15 jaar of ouder",
                          "Onderwijs/Alleen basisonderwijs 30 tot 60 jaar",
                          "Inkomen/Gemiddeld bruto inkomen 15 tot 65 jaar",
                          "Inkomen/Gemiddeld bruto inkomen regio",
                          "Bevolking/Migratieachtergrond/Niet-westers totaal",
                          "Arbeid/Werkloosheid",
                          "Arbeid/Langdurige werkloosheid",
                          "Sociale zekerheid/Uitkeringsontvangers",
                          "Inkomen/Kinderen in armoede"};
    Table t;
    Column c("code", ColumnType::kText), y("year", ColumnType::kInt);
    std::vector<Column> v;
    for (const char* name : cols) v.emplace_back(name, ColumnType::kReal);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string cd = code("BU", i, 8);
        for (int yr : kYears) {
            c.push_text(cd);
            y.push_int(yr);
            const double res = std::floor(50 + 3000 * u01(i, 1));
            v[0].push_real(res);
            for (std::size_t k = 1; k < v.size(); ++k) {
                if (res < 100 && k != 5) {
                    v[k].push_missing(Missing::kNotAvailable);
                    continue;
                }
                const double x = u01(i * 7 + k, static_cast<std::uint64_t>(yr));
                v[k].push_real(k == 4 ? 20 + 30 * x : k == 5 ? 38.0 : k == 2 ? 3 * x : 60 * x);
            }
        }
    }
    t.add_column(std::move(c));
    t.add_column(std::move(y));
    for (auto& col : v) t.add_column(std::move(col));
    return t;
}

Table scores(const char* prefix, int width, std::size_t n) {
    Table t;
    Column c("code", ColumnType::kText), y("year", ColumnType::kInt);
    std::vector<Column> v;
    for (const char* name :
         {"residents", "cells", "score", "rel", "won", "bev", "vrz", "vei", "fys", "class"})
        v.emplace_back(name, ColumnType::kReal);
    for (int k = 1; k <= 9; ++k) v.emplace_back("res_k" + std::to_string(k), ColumnType::kReal);
    for (int k = 1; k <= 9; ++k) v.emplace_back("cells_k" + std::to_string(k), ColumnType::kReal);
    // Populated cells: every cell of these tables has residents.
    v.emplace_back("pop_cells", ColumnType::kReal);
    for (int k = 1; k <= 9; ++k) v.emplace_back("pop_cells_k" + std::to_string(k), ColumnType::kReal);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string cd = code(prefix, i, width);
        for (int yr : kYears) {
            c.push_text(cd);
            y.push_int(yr);
            const double s = 3.6 + 0.9 * u01(i, static_cast<std::uint64_t>(yr));
            std::array<double, 9> res{}, cells{};
            for (int k = 0; k < 9; ++k) {
                res[static_cast<std::size_t>(k)] = std::floor(
                    300 * u01(i * 13 + static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(yr)));
                cells[static_cast<std::size_t>(k)] = std::floor(res[static_cast<std::size_t>(k)] / 40);
            }
            double r = 0, ce = 0;
            for (int k = 0; k < 9; ++k) {
                r += res[static_cast<std::size_t>(k)];
                ce += cells[static_cast<std::size_t>(k)];
            }
            const std::array<double, 10> head = {r, ce,
                                                 s, s - 4.18,
                                                 0, 0,
                                                 0, 0.3 * (u01(i, 99) - 0.5),
                                                 0, std::floor(1 + 8.99 * (s - 3.6) / 0.9)};
            for (std::size_t k = 0; k < head.size(); ++k) v[k].push_real(head[k]);
            for (std::size_t k = 0; k < 9; ++k) v[10 + k].push_real(res[k]);
            for (std::size_t k = 0; k < 9; ++k) v[19 + k].push_real(cells[k]);
            v[28].push_real(ce);
            for (std::size_t k = 0; k < 9; ++k) v[29 + k].push_real(cells[k]);
        }
    }
    t.add_column(std::move(c));
    t.add_column(std::move(y));
    for (auto& col : v) t.add_column(std::move(col));
    return t;
}

// Scale-1-sized inputs (13,000 buurten, 3,300 wijken, 52 COROP-plus regions x 6 years) and every
// shipped rule set.
struct AllShipped {
    Table kf = key_figures(13000);
    Table sb = scores("BU", 8, 13000), sw = scores("WK", 6, 3300), sc = scores("CP", 4, 52);
    std::vector<typology::RuleSet> sets;
    typology::Inputs in;
    AllShipped() {
        for (const char* n : {"lbm2018-type1", "lbm2018-type2", "lbm2018-type3", "denmark-2018",
                              "denmark-2021", "berlin-mss"}) {
            sets.push_back(load(n));
        }
        in.datasets = {{"kerncijfers_buurten", &kf},
                       {"score_buurt", &sb},
                       {"score_wijk", &sw},
                       {"score_corop_plus", &sc}};
    }
};

void BM_TypologyAllShippedRuleSets(benchmark::State& state) {
    const AllShipped all;
    const auto& sets = all.sets;
    const auto& in = all.in;
    std::size_t designated = 0;
    for (auto _ : state) {
        designated = 0;
        for (const auto& r : sets) {
            const auto ev = typology::evaluate(r, in, 2022);
            const Table s = typology::summary_table(r, ev);
            designated += typology::count_results(r, ev).designated;
            benchmark::DoNotOptimize(s.row_count());
        }
    }
    state.counters["designated"] = static_cast<double>(designated);
    state.counters["buurt_years"] = 13000.0 * 6;
}
BENCHMARK(BM_TypologyAllShippedRuleSets)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same on 2 cores: the rule sets are independent, one task each (evaluate only reads the inputs).
void BM_TypologyAllShippedRuleSetsParallel(benchmark::State& state) {
    const AllShipped all;
    const auto& sets = all.sets;
    const auto& in = all.in;
    tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
    std::vector<std::size_t> designated(sets.size());
    for (auto _ : state) {
        tbb::parallel_for(std::size_t{0}, sets.size(), [&](std::size_t k) {
            const auto ev = typology::evaluate(sets[k], in, 2022);
            const Table s = typology::summary_table(sets[k], ev);
            designated[k] = typology::count_results(sets[k], ev).designated;
            benchmark::DoNotOptimize(s.row_count());
        });
    }
    std::size_t total = 0;
    for (std::size_t d : designated) total += d;
    state.counters["designated"] = static_cast<double>(total);
}
BENCHMARK(BM_TypologyAllShippedRuleSetsParallel)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace
