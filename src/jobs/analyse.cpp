#include "jobs/analyse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/area_scores.hpp"

namespace wz::jobs {
namespace {

nlohmann::json interval_json(const stats::Interval& i) {
    return {{"low", i.low}, {"high", i.high}, {"low_open", i.low_open}, {"high_open", i.high_open}};
}

Level level_of(const std::string& name) {
    const auto level = parse_level(name);
    if (!level) throw UsageError(fmt::format("--level: unknown level '{}'", name));
    return *level;
}

}  // namespace

TenureJobResult tenure_turning_point(const std::string& store, const TenureJobOptions& args) {
    const StoredAreaScores stored = read_area_scores(store, level_of(args.level));
    const monitor::AreaScores& areas = stored.areas;
    const std::vector<std::string>& dims = stored.dimensions;
    const Dataset kf = read_dataset(store, args.key_figures);
    monitor::TenureOptions o;
    o.outcome =
        args.outcome == "score" ? monitor::TenureOutcome::kScore : monitor::TenureOutcome::kDevelopment;
    o.from_year = args.from;
    o.to_year = args.to;
    o.weight_by_residents = args.weighted;
    for (const auto& d : args.dimensions) {
        const auto it = std::find(dims.begin(), dims.end(), d);
        if (it == dims.end()) {
            throw UsageError(fmt::format("--dimensions: '{}' is not one of {}", d, fmt::join(dims, ", ")));
        }
        o.dimensions.push_back(static_cast<std::size_t>(it - dims.begin()));
    }
    o.segmented.level = args.confidence;
    o.segmented.grid = args.grid;
    o.segmented.bootstrap = args.bootstrap;
    o.segmented.seed = args.seed;
    o.segmented.interval = args.interval == "bootstrap" ? stats::BreakpointInterval::kBootstrap
                           : args.interval == "both"    ? stats::BreakpointInterval::kBoth
                                                        : stats::BreakpointInterval::kProfile;
    TenureJobResult out;
    out.result = monitor::tenure_breakpoint(areas, kf.table, args.share_column, o);
    const monitor::TenureResult& r = out.result;
    const auto& f = r.fit;
    nlohmann::json& j = out.report;
    j = {{"analysis", "tenure"},
         {"share_column", args.share_column},
         {"outcome", args.outcome},
         {"from_year", r.from_year},
         {"to_year", r.to_year},
         {"areas", f.n},
         {"left_out", r.left_out},
         {"weighted_by_residents", args.weighted},
         {"dimensions", args.dimensions},
         {"breakpoint", f.breakpoint},
         {"breakpoint_se", f.breakpoint_se},
         {"intercept", f.intercept},
         {"slope_before", f.slope_before},
         {"slope_before_se", f.slope_before_se},
         {"slope_after", f.slope_after},
         {"slope_after_se", f.slope_after_se},
         {"r2", f.r2},
         {"confidence_level", args.confidence},
         {"search_range", {f.search_low, f.search_high}}};
    if (f.has_profile) j["interval_profile"] = interval_json(f.profile);
    if (f.has_bootstrap) {
        j["interval_bootstrap"] = interval_json(f.bootstrap);
        j["bootstrap_replicates"] = f.bootstrap_replicates;
    }
    return out;
}

StoreUpdate tenure_curve_update(const TenureJobOptions& options, const TenureJobResult& t) {
    const Table& pts = t.result.points;
    const Column& share = pts.column("share");
    const Column& outcome = pts.column("outcome");
    const stats::SegmentedFit& f = t.result.fit;
    constexpr double kBin = 5.0;
    struct Bin {
        double share = 0, outcome = 0;
        std::int64_t n = 0;
    };
    std::map<int, Bin> bins;
    for (std::size_t r = 0; r < pts.row_count(); ++r) {
        if (share.is_missing(r) || outcome.is_missing(r)) continue;
        const double x = share.number_at(r);
        Bin& b = bins[static_cast<int>(std::floor(std::clamp(x, 0.0, 99.999) / kBin))];
        b.share += x;
        b.outcome += outcome.number_at(r);
        ++b.n;
    }
    Column cs("share", ColumnType::kReal), cf("fitted", ColumnType::kReal),
        co("outcome_mean", ColumnType::kReal), cn("areas", ColumnType::kInt);
    for (const auto& [bin, b] : bins) {
        const double x = b.share / static_cast<double>(b.n);
        cs.push_real(x);
        cf.push_real(f.intercept + f.slope_before * x + f.slope_change * std::max(0.0, x - f.breakpoint));
        co.push_real(b.outcome / static_cast<double>(b.n));
        cn.push_int(b.n);
    }
    cs.unit = "%";
    cs.description = "mean tenure share of the bin's areas (" + options.share_column + ")";
    cf.description = "the fitted segmented line at the bin's mean share";
    co.description = "mean outcome of the bin's areas";
    cn.description = "areas in the bin";
    Dataset d;
    d.name = "picture_tenure";
    d.kind = "picture";
    d.level = level_of(options.level);
    for (Column* c : {&cs, &cf, &co, &cn}) d.table.add_column(std::move(*c));
    const stats::Interval& ci = f.has_profile ? f.profile : f.bootstrap;
    d.meta = t.report;
    d.meta["breakpoint"] = f.breakpoint;
    d.meta["lower"] = ci.low;
    d.meta["upper"] = ci.high;
    d.meta["lower_open"] = ci.low_open;
    d.meta["upper_open"] = ci.high_open;
    d.meta["interval"] = f.has_profile ? "profile likelihood" : "bootstrap";
    d.meta["bin_width"] = kBin;
    StoreUpdate u;
    u.datasets.push_back(std::move(d));
    u.run.command = "analyse tenure";
    u.run.started = utc_now();
    u.run.parameters = {{"level", options.level},          {"share_column", options.share_column},
                        {"outcome", options.outcome},      {"from", t.result.from_year},
                        {"to", t.result.to_year},          {"interval", options.interval},
                        {"confidence", options.confidence}};
    if (options.interval != "profile") u.run.seed = options.seed;
    return u;
}

namespace {

// The stored scores of the options' level, ranked by `rank(areas, dimensions, year)` in the year asked
// (default: the last).
template <class Rank>
Ranking rank_areas(const std::string& store, const RankingOptions& options, Rank rank) {
    const StoredAreaScores stored = read_area_scores(store, level_of(options.level));
    Ranking r;
    r.level = stored.areas.level;
    r.year = options.year != 0 ? options.year : stored.areas.years.back();
    r.areas = rank(stored.areas, stored.dimensions, r.year);
    return r;
}

}  // namespace

Ranking worst_on_dimension(const std::string& store, const RankingOptions& options) {
    return rank_areas(store, options, [&](const auto& areas, const auto& dims, int year) {
        return monitor::worst_on_dimension(areas, dims, options.dimension, year, options.top);
    });
}

Ranking poor_dimension_good_total(const std::string& store, const RankingOptions& options) {
    return rank_areas(store, options, [&](const auto& areas, const auto& dims, int year) {
        return monitor::quadrant_poor_dimension_good_total(areas, dims, options.dimension, year,
                                                           options.quantile);
    });
}

}  // namespace wz::jobs
