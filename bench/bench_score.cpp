// Scoring benchmarks (issue 4): the in-memory work of `wijkzicht score` at the size of the synthetic
// country at --scale 1 — about 490,000 cells x 6 measurement years (~2.9 million cell-years) x 100
// indicators (a third identity, log, logit), residents per cell and year, cells in 13,000 buurten and the
// hierarchy wijk 3,300 -> gemeente 342 -> COROP-plus 52 -> COROP 40 -> provincie 12 -> Nederland.
// The steps are the library calls `wijkzicht score` makes (jobs::score_country), on 2 threads:
//   liveability::score_cell_years, then jobs::summarise_cell_scores (develop_cells, aggregate_to_levels,
//   picture_classes, picture_years, development_by_group, regions_against_country).
// The input is generated deterministically in memory. With WZ_BENCH_SCORE_NPY=DIR the input is also
// written to DIR as .npy files (plus meta.json and the C++ results in results.json) for the NumPy
// reference bench/score_reference.py, which computes the same steps and checks the numbers.
// Run: build/release/bench/wijkzicht_bench --benchmark_filter=Score (numbers in docs/bench-score.md). The
// CPU column is the CPU time of the whole process (all threads). WIJKZICHT_SIMD=sse|avx2 measures the
// narrower logarithm kernels (the label names the kernel used).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jobs/score.hpp"
#include "liveability/score.hpp"
#include "liveability/transform_kernel.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace {

using namespace wz;

constexpr std::size_t kCells = 490000;
constexpr std::size_t kIndicators = 100;
constexpr std::size_t kBuurten = 13000;
constexpr int kThreads = 2;
const std::vector<int> kYears = {2012, 2014, 2016, 2018, 2020, 2022};
// Areas per level above the buurten: wijk, gemeente, COROP-plus, COROP, provincie, Nederland.
const std::vector<std::pair<Level, std::size_t>> kLevels = {
    {Level::kBuurt, kBuurten}, {Level::kWijk, 3300},    {Level::kGemeente, 342}, {Level::kCoropPlus, 52},
    {Level::kCorop, 40},       {Level::kProvincie, 12}, {Level::kNederland, 1}};

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
std::uint64_t key(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    return mix(mix(mix(a) ^ b) ^ c);
}
// Uniform in (-1, 1) from a hash.
double sym(std::uint64_t h) {
    return (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-52 - 1.0;
}

struct ScoreInput {
    std::vector<std::vector<double>> values;  // [indicator][row]
    liveability::CellYearPanel panel;
    liveability::ScoringModel model;
    std::vector<std::int32_t> cell_area;  // buurt per cell, -1 outside
    monitor::AreaHierarchy hierarchy;
    std::vector<std::string> group_of_buurt;  // G4 / G40 / overig
    std::vector<std::string> type_of_region;  // per COROP-plus region: krimpregio, anticipeerregio, ""
    std::vector<std::string> class_names;
};

liveability::ClassRule lbm2_classes() {  // share/wijkzicht/presets/lbm2.toml
    return {{3.47, 3.557, 3.6955, 3.897, 3.9975, 4.192, 4.3045, 4.3925},
            {"zeer onvoldoende", "ruim onvoldoende", "onvoldoende", "zwak", "voldoende", "ruim voldoende",
             "goed", "zeer goed", "uitstekend"}};
}
liveability::ClassRule lbm2_development() {
    return {{-0.200, -0.133, -0.067, 0.067, 0.133, 0.200}, {}};
}

std::unique_ptr<ScoreInput> make_input() {
    auto in = std::make_unique<ScoreInput>();
    auto& p = in->panel;
    p.years = kYears;
    p.cells = kCells;
    // Rows by year, then cell (as the yearly indicator files); 2% of (cell, year) are absent.
    for (std::size_t y = 0; y < kYears.size(); ++y) {
        for (std::size_t c = 0; c < kCells; ++c) {
            if (key(c, y, 7) % 50 == 0) continue;
            p.cell.push_back(static_cast<std::int32_t>(c));
            p.year.push_back(static_cast<std::uint8_t>(y));
            // Residents: 5..404 per cell, changing a little by year; 3% of cell-years unpopulated.
            const double base = 5.0 + static_cast<double>(key(c, 0, 11) % 400);
            const double r = key(c, y, 13) % 33 == 0 ? 0.0 : std::floor(base * (0.9 + 0.04 * double(y)));
            p.residents.push_back(r);
        }
    }
    p.rows = p.cell.size();
    const std::size_t n = p.rows;
    // Indicator values: a lasting cell part and a yearly part; identity z, log exp(z), logit 1/(1+e^-z).
    // Indicator 0 has 0.2% NaN values (rows without a score).
    in->values.assign(kIndicators, std::vector<double>(n));
    tbb::parallel_for(std::size_t{0}, kIndicators, [&](std::size_t j) {
        auto& v = in->values[j];
        for (std::size_t r = 0; r < n; ++r) {
            const auto c = static_cast<std::uint64_t>(p.cell[r]);
            const double z = 1.2 * sym(key(j, c, 1)) + 0.25 * sym(key(j, c, 100 + p.year[r])) +
                             0.15 * static_cast<double>(p.year[r]) * sym(key(j, 0, 5));
            switch (j % 3) {
                case 0:
                    v[r] = z;
                    break;
                case 1:
                    v[r] = std::exp(z);
                    break;
                default:
                    v[r] = 1.0 / (1.0 + std::exp(-z));
                    break;
            }
            if (j == 0 && key(c, p.year[r], 17) % 500 == 0) v[r] = std::nan("");
        }
    });
    for (const auto& v : in->values) p.indicators.emplace_back(v);
    // Model: 5 dimensions (LBM 2.0), indicator j in dimension j % 5, weights 0.01..0.04 with both signs.
    auto& m = in->model;
    m.dimensions = {"won", "bev", "vrz", "vei", "fys"};
    for (std::size_t j = 0; j < kIndicators; ++j) {
        liveability::IndicatorWeight w;
        w.indicator = "ind" + std::to_string(j + 1);
        w.transform = j % 3 == 0   ? liveability::Transform::kIdentity
                      : j % 3 == 1 ? liveability::Transform::kLog
                                   : liveability::Transform::kLogit;
        w.dimension = static_cast<int>(j % 5);
        w.weight = (0.01 + 0.03 * static_cast<double>(key(j, 0, 3) % 1000) / 1000.0) * (j % 4 == 1 ? -1 : 1);
        m.indicators.push_back(w);
    }
    m.offset = 4.1847;
    m.base_year = 2016;
    m.classes = lbm2_classes();
    m.development = lbm2_development();
    in->class_names = m.classes.names;
    // Cells in contiguous runs per buurt; 0.5% of cells outside every buurt.
    in->cell_area.resize(kCells);
    for (std::size_t c = 0; c < kCells; ++c) {
        in->cell_area[c] = key(c, 0, 19) % 200 == 0 ? -1 : static_cast<std::int32_t>(c * kBuurten / kCells);
    }
    auto& h = in->hierarchy;
    for (std::size_t l = 0; l < kLevels.size(); ++l) {
        const auto [level, count] = kLevels[l];
        h.levels.push_back(level);
        std::vector<std::string> codes(count);
        for (std::size_t a = 0; a < count; ++a) codes[a] = std::string(level_name(level)) + std::to_string(a);
        h.codes.push_back(std::move(codes));
        if (l + 1 < kLevels.size()) {
            const std::size_t up = kLevels[l + 1].second;
            std::vector<std::int32_t> parent(count);
            for (std::size_t a = 0; a < count; ++a) parent[a] = static_cast<std::int32_t>(a * up / count);
            h.parent.push_back(std::move(parent));
        }
    }
    // Groups per buurt by gemeente: the first 4 gemeenten G4, every 9th G40, the rest overig.
    in->group_of_buurt.resize(kBuurten);
    for (std::size_t b = 0; b < kBuurten; ++b) {
        const std::size_t wijk = static_cast<std::size_t>(h.parent[0][b]);
        const std::size_t gm = static_cast<std::size_t>(h.parent[1][wijk]);
        in->group_of_buurt[b] = gm < 4 ? "G4" : gm % 9 == 0 ? "G40" : "overig";
    }
    in->type_of_region.resize(kLevels[3].second);
    for (std::size_t a = 0; a < in->type_of_region.size(); ++a) {
        in->type_of_region[a] = a % 5 == 0 ? "krimpregio" : a % 5 == 1 ? "anticipeerregio" : "";
    }
    return in;
}

const ScoreInput& input() {
    static const std::unique_ptr<ScoreInput> in = [] {
        tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
        return make_input();
    }();
    return *in;
}

struct Results {
    liveability::CellScores scores;
    liveability::CellDevelopment dev;
    std::vector<monitor::AreaScores> areas;
    Table classes, years, groups, regions;
};

const monitor::AreaScores& level_of(const std::vector<monitor::AreaScores>& areas, Level l) {
    for (const auto& a : areas) {
        if (a.level == l) return a;
    }
    return areas.front();
}

// The in-memory steps of `wijkzicht score`: the library calls jobs::score_country makes.
Results run_all(const ScoreInput& in) {
    Results r;
    r.scores = liveability::score_cell_years(in.panel, in.model);
    jobs::ScoreSummaryInputs si{in.panel, r.scores, in.model, in.cell_area, in.hierarchy, in.class_names,
                                in.group_of_buurt, {}, 100};
    const auto& cp_codes = in.hierarchy.codes[3];  // COROP-plus (kLevels[3])
    for (std::size_t a = 0; a < cp_codes.size(); ++a) {
        if (!in.type_of_region[a].empty()) si.type_of_region[cp_codes[a]] = in.type_of_region[a];
    }
    jobs::ScoreSummary summary = jobs::summarise_cell_scores(si);
    r.dev = std::move(summary.cell_development);
    r.areas = std::move(summary.areas);
    r.classes = std::move(summary.classes);
    r.years = std::move(summary.years);
    r.groups = std::move(summary.groups);
    r.regions = std::move(summary.regions);
    return r;
}

// ---- input and results for the NumPy reference -----------------------------------------------------

template <typename T>
void write_npy(const std::filesystem::path& path, const char* descr, const std::vector<std::size_t>& shape,
               const std::vector<const T*>& parts, std::size_t part_len) {
    std::string dims;
    for (std::size_t s : shape) dims += std::to_string(s) + ",";
    if (shape.size() > 1) dims.pop_back();
    std::string header =
        "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out << header;
    for (const T* part : parts) {
        out.write(reinterpret_cast<const char*>(part), static_cast<std::streamsize>(part_len * sizeof(T)));
    }
}
template <typename T>
void write_npy(const std::filesystem::path& path, const char* descr, const std::vector<T>& v) {
    write_npy<T>(path, descr, {v.size()}, {v.data()}, v.size());
}

nlohmann::json table_json(const Table& t) {
    nlohmann::json j = nlohmann::json::object();
    for (const Column& c : t.columns()) {
        nlohmann::json v = nlohmann::json::array();
        for (std::size_t r = 0; r < c.size(); ++r) {
            if (c.is_missing(r)) {
                v.push_back(nullptr);
            } else if (c.type() == ColumnType::kText) {
                v.push_back(c.text_at(r));
            } else {
                v.push_back(c.number_at(r));
            }
        }
        j[c.name()] = v;
    }
    return j;
}

void write_reference_files(const std::filesystem::path& dir, const ScoreInput& in, const Results& r) {
    std::filesystem::create_directories(dir);
    const auto& p = in.panel;
    std::vector<const double*> parts;
    for (const auto& v : in.values) parts.push_back(v.data());
    write_npy<double>(dir / "indicators.npy", "<f8", {kIndicators, p.rows}, parts, p.rows);
    write_npy(dir / "cell.npy", "<i4", p.cell);
    write_npy(dir / "year.npy", "|u1", p.year);
    write_npy(dir / "residents.npy", "<f8", p.residents);
    write_npy(dir / "cell_area.npy", "<i4", in.cell_area);
    for (std::size_t l = 0; l < in.hierarchy.parent.size(); ++l)
        write_npy(dir / ("parent_" + std::to_string(l) + ".npy"), "<i4", in.hierarchy.parent[l]);
    nlohmann::json meta;
    meta["years"] = p.years;
    meta["cells"] = p.cells;
    meta["rows"] = p.rows;
    meta["level_sizes"] = nlohmann::json::array();
    meta["levels"] = nlohmann::json::array();
    for (std::size_t l = 0; l < in.hierarchy.levels.size(); ++l) {
        meta["levels"].push_back(std::string(level_name(in.hierarchy.levels[l])));
        meta["level_sizes"].push_back(in.hierarchy.codes[l].size());
    }
    meta["transform"] = nlohmann::json::array();
    meta["dimension"] = nlohmann::json::array();
    meta["weight"] = nlohmann::json::array();
    for (const auto& w : in.model.indicators) {
        meta["transform"].push_back(std::string(liveability::transform_name(w.transform)));
        meta["dimension"].push_back(w.dimension);
        meta["weight"].push_back(w.weight);
    }
    meta["dimensions"] = in.model.dimensions;
    meta["offset"] = in.model.offset;
    meta["base_year"] = in.model.base_year;
    meta["class_edges"] = in.model.classes.edges;
    meta["development_edges"] = in.model.development.edges;
    meta["min_residents"] = monitor::AggregateOptions{}.min_residents;
    meta["group_of_buurt"] = in.group_of_buurt;
    meta["type_of_region"] = in.type_of_region;
    std::ofstream(dir / "meta.json") << meta.dump(1);
    nlohmann::json res;
    res["national_mean"] = r.scores.national_mean;
    res["national_dim_mean"] = r.scores.national_dim_mean;
    res["missing_rows"] = r.scores.missing_rows;
    res["invalid_rows"] = r.scores.invalid_rows;
    res["development_residents_by_class"] = r.dev.residents_by_class;
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& a : r.areas) {
        double shown = 0, score_sum = 0, res_sum = 0;
        for (std::size_t i = 0; i < a.score.size(); ++i) {
            res_sum += a.residents[i];
            if (a.cls[i] == 0) continue;
            ++shown;
            score_sum += a.score[i];
        }
        levels.push_back(
            {{"level", std::string(level_name(a.level))},
             {"shown", shown},
             {"score_sum", score_sum},
             {"residents", res_sum},
             {"first_scores",
              std::vector<double>(a.score.begin(),
                                  a.score.begin() + std::min<std::ptrdiff_t>(12, std::ssize(a.score)))}});
    }
    res["levels"] = levels;
    res["picture_classes"] = table_json(r.classes);
    res["picture_years"] = table_json(r.years);
    res["picture_groups"] = table_json(r.groups);
    res["picture_regions"] = table_json(r.regions);
    std::ofstream(dir / "results.json") << res.dump(1);
}

// ---- benchmarks ------------------------------------------------------------------------------------

void BM_ScoreInMemoryEndToEnd(benchmark::State& state) {
    const ScoreInput& in = input();
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
    if (const char* dir = std::getenv("WZ_BENCH_SCORE_NPY"); dir != nullptr && *dir != '\0') {
        static bool written = false;
        if (!written) {
            write_reference_files(dir, in, run_all(in));
            written = true;
        }
    }
    for (auto _ : state) {
        Results r = run_all(in);
        benchmark::DoNotOptimize(r.scores.score.data());
    }
    state.counters["cell_years"] = static_cast<double>(in.panel.rows);
    state.counters["indicators"] = kIndicators;
    state.SetLabel("log kernel " + std::string(liveability::detail::log_kernel_name()));
}
BENCHMARK(BM_ScoreInMemoryEndToEnd)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

void BM_ScoreCellYears(benchmark::State& state) {
    const ScoreInput& in = input();
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
    for (auto _ : state) {
        auto s = liveability::score_cell_years(in.panel, in.model);
        benchmark::DoNotOptimize(s.score.data());
    }
    state.SetLabel("log kernel " + std::string(liveability::detail::log_kernel_name()));
}
BENCHMARK(BM_ScoreCellYears)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

struct Scored {
    liveability::CellScores scores;
    std::vector<monitor::AreaScores> areas;
};
const Scored& scored() {
    static const Scored s = [] {
        tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
        const ScoreInput& in = input();
        Scored x;
        x.scores = liveability::score_cell_years(in.panel, in.model);
        x.areas = monitor::aggregate_to_levels(in.panel, x.scores, in.model, in.cell_area, in.hierarchy, {});
        return x;
    }();
    return s;
}

void BM_ScoreDevelopCells(benchmark::State& state) {
    const ScoreInput& in = input();
    const Scored& s = scored();
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
    for (auto _ : state) {
        auto d = liveability::develop_cells(in.panel, s.scores, in.model.development);
        benchmark::DoNotOptimize(d.cls.data());
    }
}
BENCHMARK(BM_ScoreDevelopCells)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

void BM_ScoreAggregateToLevels(benchmark::State& state) {
    const ScoreInput& in = input();
    const Scored& s = scored();
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
    for (auto _ : state) {
        auto a = monitor::aggregate_to_levels(in.panel, s.scores, in.model, in.cell_area, in.hierarchy, {});
        benchmark::DoNotOptimize(a.data());
    }
}
BENCHMARK(BM_ScoreAggregateToLevels)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

void BM_ScorePicture(benchmark::State& state) {
    const ScoreInput& in = input();
    const Scored& s = scored();
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, kThreads);
    monitor::PictureOptions pic;
    for (auto _ : state) {
        Table c = monitor::picture_classes(in.panel, s.scores, in.class_names);
        Table y = monitor::picture_years(in.panel, s.scores, in.model.dimensions, s.areas.front(), pic);
        Table g =
            monitor::development_by_group(s.areas.front(), in.group_of_buurt, kYears.front(), kYears.back());
        Table r = monitor::regions_against_country(level_of(s.areas, Level::kCoropPlus), in.type_of_region,
                                                   {}, pic);
        benchmark::DoNotOptimize(c.row_count() + y.row_count() + g.row_count() + r.row_count());
    }
}
BENCHMARK(BM_ScorePicture)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
