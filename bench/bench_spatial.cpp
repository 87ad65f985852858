// Spatial statistics benchmarks: weights from the real CBS buurten 2014 (11,691 areas) and from a
// 500,000-cell 100 m grid; local Moran + G_i/G_i* with 999 and 99,999 conditional permutations;
// global Moran. Run: build/rel-spatial/bench/wijkzicht_bench --benchmark_filter=Spatial
// (numbers and the reference tools in docs/bench-spatial.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "geo/rings.hpp"
#include "geo/vector.hpp"
#include "spatial/hotspots.hpp"
#include "spatial/local.hpp"
#include "spatial/moran.hpp"
#include "spatial/random.hpp"
#include "spatial/weights.hpp"

namespace {

using namespace wz;

const std::string kBuurten = std::string(WZ_SHARED_DATA) + "/real/cbs-boundaries-2014-2015/buurt_2014.gpkg";

struct Buurten {
    geo::VectorLayer layer;
    geo::AreaRings rings;
    spatial::Weights queen;
    std::vector<double> values;  // as tests/spatial/reference/make_spdep_reference.R, without missing values
};

const Buurten* buurten() {
    static std::unique_ptr<Buurten> data = [] {
        if (!std::filesystem::exists(kBuurten)) return std::unique_ptr<Buurten>();
        auto b = std::make_unique<Buurten>();
        b->layer = geo::read_polygon_layer(kBuurten, geo::VectorReadOptions{});
        b->rings = geo::rings_of_layer(b->layer);
        b->queen = spatial::contiguity_weights(
            spatial::PolygonView{b->rings.xy, b->rings.ring_start, b->rings.area_start},
            spatial::Contiguity::kQueen);
        const std::size_t field = *b->layer.field_index("statcode");
        for (const auto& f : b->layer.features) {
            const long long num = std::stoll(f.values[field].substr(2, 8));
            const long long gm = num / 10000;
            b->values.push_back(static_cast<double>(gm % 97) +
                                static_cast<double>((num * 7919) % 1009) / 1009.0 + 1.0);
        }
        return b;
    }();
    return data.get();
}

bool skip_without_data(benchmark::State& state) {
    if (buurten() != nullptr) return false;
    state.SkipWithError("real data not found at " WZ_SHARED_DATA);
    return true;
}

// WKB -> rings -> queen (or rook) contiguity: what `hotspots --weights queen` spends on weights.
void SpatialBuurtenContiguity(benchmark::State& state) {
    if (skip_without_data(state)) return;
    const auto kind = state.range(0) == 0 ? spatial::Contiguity::kQueen : spatial::Contiguity::kRook;
    for (auto _ : state) {
        const geo::AreaRings rings = geo::rings_of_layer(buurten()->layer);
        const spatial::Weights w = spatial::contiguity_weights(
            spatial::PolygonView{rings.xy, rings.ring_start, rings.area_start}, kind);
        benchmark::DoNotOptimize(w.neighbours.data());
    }
    state.counters["areas"] = static_cast<double>(buurten()->rings.area_count());
    state.counters["points"] = static_cast<double>(buurten()->rings.point_count());
}
BENCHMARK(SpatialBuurtenContiguity)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void SpatialBuurtenKnn6(benchmark::State& state) {
    if (skip_without_data(state)) return;
    for (auto _ : state) {
        const spatial::Weights w =
            spatial::knn_weights(buurten()->rings.centroid_x, buurten()->rings.centroid_y, 6);
        benchmark::DoNotOptimize(w.neighbours.data());
    }
}
BENCHMARK(SpatialBuurtenKnn6)->Unit(benchmark::kMillisecond)->UseRealTime();

// Local Moran + G_i + G_i* with R conditional permutations, queen, row-standardised.
void SpatialBuurtenLocal(benchmark::State& state) {
    if (skip_without_data(state)) return;
    spatial::LocalOptions o;
    o.permutations = static_cast<std::uint32_t>(state.range(0));
    o.seed = 1;
    for (auto _ : state) {
        const spatial::LocalStatistics s = spatial::local_statistics(buurten()->values, buurten()->queen,
                                                                     spatial::Transform::kRowStandardised, o);
        benchmark::DoNotOptimize(s.I_at_least.data());
    }
}
BENCHMARK(SpatialBuurtenLocal)->Arg(999)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(SpatialBuurtenLocal)->Arg(99999)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void SpatialBuurtenGlobalMoran(benchmark::State& state) {
    if (skip_without_data(state)) return;
    const spatial::Weights w =
        spatial::with_transform(buurten()->queen, spatial::Transform::kRowStandardised);
    spatial::GlobalMoranOptions o;
    o.permutations = static_cast<std::uint32_t>(state.range(0));
    for (auto _ : state) {
        const spatial::GlobalMoran g = spatial::global_moran(buurten()->values, w, o);
        benchmark::DoNotOptimize(g.I);
    }
}
BENCHMARK(SpatialBuurtenGlobalMoran)->Arg(0)->Arg(999)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole hotspot analysis as the command runs it (weights given): subset, global with 999
// permutations, local with 999, FDR.
void SpatialBuurtenHotspotAnalysis(benchmark::State& state) {
    if (skip_without_data(state)) return;
    spatial::HotspotSettings settings;
    settings.seed = 1;
    for (auto _ : state) {
        const spatial::HotspotResult r =
            spatial::analyse_hotspots(buurten()->values, buurten()->queen, {}, settings);
        benchmark::DoNotOptimize(r.I_p.data());
    }
}
BENCHMARK(SpatialBuurtenHotspotAnalysis)->Unit(benchmark::kMillisecond)->UseRealTime();

// 500,000 populated cells: about half of the cells of a 1000 x 1000 block (a deterministic hash keeps
// a cell), so neighbour counts vary as with real populated cells; values a smooth field plus noise.
struct Grid {
    std::vector<std::int32_t> x;
    std::vector<std::int32_t> y;
    std::vector<double> values;
    spatial::Weights queen;
};

const Grid& grid() {
    static const Grid g = [] {
        Grid out;
        for (std::int32_t r = 0; r < 1000 && out.x.size() < 500'000; ++r) {
            for (std::int32_t c = 0; c < 1000 && out.x.size() < 500'000; ++c) {
                const std::uint64_t h =
                    mix64((static_cast<std::uint64_t>(r) << 32) | static_cast<std::uint32_t>(c));
                if (h % 100 >= 52) continue;
                out.x.push_back(1000 + c);
                out.y.push_back(3000 + r);
                out.values.push_back(std::sin(c / 40.0) + std::cos(r / 55.0) +
                                     static_cast<double>(h % 1000) / 1000.0);
            }
        }
        out.queen = spatial::grid_weights(out.x, out.y, spatial::GridNeighbourhood::kQueen8);
        return out;
    }();
    return g;
}

void SpatialGridWeights(benchmark::State& state) {
    const Grid& g = grid();
    const auto kind =
        state.range(0) == 0 ? spatial::GridNeighbourhood::kQueen8 : spatial::GridNeighbourhood::kRook4;
    for (auto _ : state) {
        const spatial::Weights w = spatial::grid_weights(g.x, g.y, kind);
        benchmark::DoNotOptimize(w.neighbours.data());
    }
    state.counters["cells"] = static_cast<double>(g.x.size());
}
BENCHMARK(SpatialGridWeights)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void SpatialGridLocal(benchmark::State& state) {
    const Grid& g = grid();
    spatial::LocalOptions o;
    o.permutations = static_cast<std::uint32_t>(state.range(0));
    o.seed = 1;
    for (auto _ : state) {
        const spatial::LocalStatistics s =
            spatial::local_statistics(g.values, g.queen, spatial::Transform::kRowStandardised, o);
        benchmark::DoNotOptimize(s.I_at_least.data());
    }
    state.counters["cells"] = static_cast<double>(g.x.size());
    state.counters["links"] = static_cast<double>(g.queen.link_count());
}
BENCHMARK(SpatialGridLocal)->Arg(999)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void SpatialGridGlobalMoran(benchmark::State& state) {
    const Grid& g = grid();
    const spatial::Weights w = spatial::with_transform(g.queen, spatial::Transform::kRowStandardised);
    spatial::GlobalMoranOptions o;
    o.permutations = static_cast<std::uint32_t>(state.range(0));
    for (auto _ : state) {
        const spatial::GlobalMoran m = spatial::global_moran(g.values, w, o);
        benchmark::DoNotOptimize(m.I);
    }
}
BENCHMARK(SpatialGridGlobalMoran)
    ->Arg(0)
    ->Arg(999)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
