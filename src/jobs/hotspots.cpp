#include "jobs/hotspots.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "geo/rings.hpp"
#include "io/csv.hpp"
#include "io/id_values.hpp"
#include "io/store.hpp"
#include "jobs/json.hpp"
#include "jobs/map_layers.hpp"
#include "spatial/weights_io.hpp"

namespace wz::jobs {
namespace {

struct WeightsSpec {
    enum Kind { kQueen, kRook, kKnn, kBand, kGridRook, kGridQueen, kGal, kGwt } kind = kQueen;
    std::size_t k = 0;
    double distance = 0;
    std::string file;
};

WeightsSpec parse_weights_spec(const std::string& text) {
    const std::string expected =
        "queen, rook, knn:K (K a whole number >= 1), band:METRES (> 0), grid:rook, grid:queen, gal:FILE or "
        "gwt:FILE";
    WeightsSpec s;
    const auto colon = text.find(':');
    const std::string head = text.substr(0, colon);
    const std::string tail = colon == std::string::npos ? "" : text.substr(colon + 1);
    auto bad = [&] { return UsageError(fmt::format("--weights: expected {}, found '{}'", expected, text)); };
    if (text == "queen") return s;
    if (text == "rook") {
        s.kind = WeightsSpec::kRook;
        return s;
    }
    if (head == "knn") {
        const auto k = csv::parse_integer(tail);
        if (!k || *k < 1 || *k > 10000) throw bad();
        s.kind = WeightsSpec::kKnn;
        s.k = static_cast<std::size_t>(*k);
        return s;
    }
    if (head == "band") {
        const auto d = csv::parse_number(tail, false);
        if (!d || !(*d > 0) || !std::isfinite(*d)) throw bad();
        s.kind = WeightsSpec::kBand;
        s.distance = *d;
        return s;
    }
    if (head == "grid" && (tail == "rook" || tail == "queen")) {
        s.kind = tail == "rook" ? WeightsSpec::kGridRook : WeightsSpec::kGridQueen;
        return s;
    }
    if ((head == "gal" || head == "gwt") && !tail.empty()) {
        s.kind = head == "gal" ? WeightsSpec::kGal : WeightsSpec::kGwt;
        s.file = tail;
        return s;
    }
    throw bad();
}

// "cell E..N.. given twice (positions a and b)" for the first cell code that repeats, if any.
std::optional<std::string> first_repeated_cell(const std::vector<std::int32_t>& x,
                                               const std::vector<std::int32_t>& y) {
    std::unordered_map<std::int64_t, std::size_t> seen;
    seen.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::int64_t key = (static_cast<std::int64_t>(x[i]) << 32) ^ static_cast<std::uint32_t>(y[i]);
        const auto [it, inserted] = seen.emplace(key, i);
        if (!inserted) {
            return fmt::format("cell E{}N{} given twice (positions {} and {})", x[i], y[i], it->second + 1,
                               i + 1);
        }
    }
    return std::nullopt;
}

}  // namespace

namespace {

// The job: `values_for` gives the values of the layer's ids (for a grid without a layer it returns the
// ids too).
HotspotJobResult hotspots_with_values(
    const HotspotOptions& a, const std::function<IdValues(const std::vector<std::string>&)>& values_for) {
    const WeightsSpec spec = parse_weights_spec(a.weights);
    const bool grid = spec.kind == WeightsSpec::kGridRook || spec.kind == WeightsSpec::kGridQueen;
    if (a.areas.empty() && !grid)
        throw UsageError("--areas FILE is needed for --weights " + a.weights +
                         " (only grid:rook/grid:queen work without)");
    if (!a.areas.empty() && a.id_field.empty()) throw UsageError("--id-field FIELD is needed with --areas");
    if (a.permutations > spatial::kMaxPermutations) throw UsageError("--permutations: at most 99999");
    if (!(a.alpha > 0 && a.alpha < 1)) throw UsageError("--alpha: expected a number between 0 and 1");
    if (!(a.snap >= 0) || !std::isfinite(a.snap))
        throw UsageError("--snap: expected a distance >= 0 in metres");

    spatial::HotspotSettings settings;
    settings.permutations = a.permutations;
    settings.global_permutations = a.global_permutations.value_or(a.permutations);
    settings.seed = a.seed;
    settings.alpha = a.alpha;
    settings.adjust_n_for_islands = a.adjust_n;
    const std::string tr = to_lower(a.transform);
    if (tr == "r" || tr == "w") {
        settings.transform = spatial::Transform::kRowStandardised;
    } else if (tr == "b") {
        settings.transform = spatial::Transform::kBinary;
    } else if (tr == "none" || tr == "general") {
        settings.transform = spatial::Transform::kGeneral;
    } else {
        throw UsageError(fmt::format("--transform: expected R, B or none, found '{}'", a.transform));
    }
    if (a.alternative == "folded") {
        settings.alternative = spatial::Alternative::kFolded;
    } else if (a.alternative == "greater") {
        settings.alternative = spatial::Alternative::kGreater;
    } else if (a.alternative == "less") {
        settings.alternative = spatial::Alternative::kLess;
    } else {
        throw UsageError(
            fmt::format("--alternative: expected folded, greater or less, found '{}'", a.alternative));
    }
    if (a.scaling == "n-1") {
        settings.scaling = spatial::MoranScaling::kNMinus1;
    } else if (a.scaling == "n") {
        settings.scaling = spatial::MoranScaling::kN;
    } else {
        throw UsageError(
            fmt::format("--scaling: expected n-1 (PySAL/GeoDa) or n (spdep), found '{}'", a.scaling));
    }

    // Areas and their ids.
    geo::VectorLayer layer;
    std::vector<std::string> ids;
    if (!a.areas.empty()) {
        geo::VectorReadOptions ro;
        ro.layer = a.layer;
        layer = geo::read_polygon_layer(a.areas, ro);
        const auto field = layer.field_index(a.id_field);
        if (!field) {
            std::string names;
            for (const auto& f : layer.field_names) names += (names.empty() ? "" : ", ") + f;
            throw InputError(a.areas, 0, 0, fmt::format("a field named '{}' (--id-field)", a.id_field),
                             "fields " + names);
        }
        std::unordered_map<std::string, std::int64_t> seen;
        ids.reserve(layer.features.size());
        for (const auto& f : layer.features) {
            if (f.is_null[*field] || trim(f.values[*field]).empty()) {
                throw InputError(fmt::format("{}:layer {}:feature {}", a.areas, layer.layer_name, f.fid), 0,
                                 0, fmt::format("an id in field '{}'", a.id_field), "an empty value");
            }
            std::string id(trim(f.values[*field]));
            const auto [it, inserted] = seen.emplace(id, f.fid);
            if (!inserted) {
                throw InputError(fmt::format("{}:layer {}:feature {}", a.areas, layer.layer_name, f.fid), 0,
                                 0, fmt::format("distinct ids in field '{}'", a.id_field),
                                 fmt::format("'{}' also on feature {}", id, it->second));
            }
            ids.push_back(std::move(id));
        }
    }
    IdValues read = values_for(ids);
    std::vector<double> values = std::move(read.values);
    if (a.areas.empty()) ids = std::move(read.ids);
    spdlog::info("{} areas, {} with a value", ids.size(),
                 std::count_if(values.begin(), values.end(), [](double v) { return std::isfinite(v); }));

    // Weights.
    spatial::Weights base;
    std::vector<std::uint8_t> no_geometry;
    const auto tw = std::chrono::steady_clock::now();
    if (grid) {
        std::vector<std::int32_t> x(ids.size());
        std::vector<std::int32_t> y(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const auto cell = parse_grid_cell(ids[i]);
            if (!cell) {
                throw InputError(a.areas.empty() ? a.values : a.areas, 0, 0,
                                 "100 m cell codes such as E1993N3660 for --weights grid:...",
                                 quote_found(ids[i]));
            }
            x[i] = cell->x100;
            y[i] = cell->y100;
        }
        if (const auto twice = first_repeated_cell(x, y)) {
            throw InputError(a.areas.empty() ? a.values : a.areas, 0, 0, "each cell once", *twice);
        }
        base =
            spatial::grid_weights(x, y,
                                  spec.kind == WeightsSpec::kGridRook ? spatial::GridNeighbourhood::kRook4
                                                                      : spatial::GridNeighbourhood::kQueen8);
    } else if (spec.kind == WeightsSpec::kGal || spec.kind == WeightsSpec::kGwt) {
        const std::string text = csv::read_file(spec.file);
        base = spec.kind == WeightsSpec::kGal ? spatial::parse_gal(text, ids, spec.file)
                                              : spatial::parse_gwt(text, ids, spec.file);
    } else {
        const geo::AreaRings rings = geo::rings_of_layer(layer);
        no_geometry.resize(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) no_geometry[i] = rings.is_empty(i) ? 1 : 0;
        const spatial::PolygonView pv{rings.xy, rings.ring_start, rings.area_start};
        {
            switch (spec.kind) {
                case WeightsSpec::kQueen:
                    base = spatial::contiguity_weights(pv, spatial::Contiguity::kQueen, a.snap);
                    break;
                case WeightsSpec::kRook:
                    base = spatial::contiguity_weights(pv, spatial::Contiguity::kRook, a.snap);
                    break;
                case WeightsSpec::kKnn:
                    base = spatial::knn_weights(rings.centroid_x, rings.centroid_y, spec.k);
                    break;
                case WeightsSpec::kBand:
                    base = spatial::distance_band_weights(rings.centroid_x, rings.centroid_y, spec.distance);
                    break;
                default:
                    break;
            }
        }
        const auto empty =
            static_cast<std::size_t>(std::count(no_geometry.begin(), no_geometry.end(), std::uint8_t{1}));
        if (empty > 0)
            spdlog::warn(
                "{} areas have an empty geometry: they are islands without local statistics (status "
                "no-geometry)",
                empty);
    }
    const double weights_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - tw).count();
    const spatial::WeightsSummary ws = spatial::summarise(base);
    spdlog::info("weights {}: {} links, neighbours min {} mean {:.2f} max {}, {} islands{} ({:.3f} s)",
                 a.weights, ws.links, ws.min_neighbours, ws.mean_neighbours, ws.max_neighbours, ws.islands,
                 ws.symmetric ? "" : ", not symmetric", weights_seconds);
    if (settings.transform == spatial::Transform::kGeneral &&
        base.transform != spatial::Transform::kGeneral) {
        settings.transform = spatial::Transform::kBinary;  // "none" on binary weights is binary
    }

    const spatial::HotspotResult result = spatial::analyse_hotspots(values, base, no_geometry, settings);
    HotspotJobResult out;
    out.table = spatial::hotspot_table(ids, values, result);
    const auto& g = result.global;
    out.summary = {
        {"n", result.sample_size},
        {"areas", ids.size()},
        {"missing", result.missing},
        {"islands", result.islands},
        {"no_geometry", result.no_geometry},
        {"weights",
         {{"spec", a.weights},
          {"transform", std::string(spatial::transform_name(settings.transform))},
          {"links", ws.links},
          {"mean_neighbours", ws.mean_neighbours},
          {"islands", ws.islands},
          {"symmetric", ws.symmetric}}},
        {"global_moran",
         {{"I", number_or_null(g.I)},
          {"expected", number_or_null(g.expected)},
          {"z", number_or_null(g.z_randomisation)},
          {"p", number_or_null(g.p_randomisation)},
          {"variance_randomisation", number_or_null(g.variance_randomisation)},
          {"z_normality", number_or_null(g.z_normality)},
          {"p_normality", number_or_null(g.p_normality)},
          {"permutations", g.permutations},
          {"p_sim", number_or_null(g.p_sim_folded)},
          {"z_sim", number_or_null(g.z_sim)},
          {"n_used", g.n}}},
        {"local",
         {{"permutations", settings.permutations},
          {"alternative", std::string(spatial::alternative_name(settings.alternative))},
          {"scaling", std::string(spatial::scaling_name(settings.scaling))},
          {"alpha", settings.alpha},
          {"I_fdr_cutoff", result.I_fdr_cutoff},
          {"Gstar_fdr_cutoff", result.G_fdr_cutoff},
          {"I_significant_fdr", std::count(result.I_fdr.begin(), result.I_fdr.end(), std::uint8_t{1})},
          {"Gstar_significant_fdr",
           std::count(result.Gstar_fdr.begin(), result.Gstar_fdr.end(), std::uint8_t{1})}}},
        {"seed", a.seed}};
    out.inputs = nlohmann::json::array();
    for (const std::string& p : {a.areas, a.values, spec.file}) {
        if (p.empty()) continue;
        const InputFile f = describe_input(p);
        out.inputs.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
    }
    out.ids = std::move(ids);
    out.weights = std::move(base);
    out.layer = std::move(layer);
    out.settings = settings;
    out.result = result;
    return out;
}

}  // namespace

HotspotJobResult hotspots_of_layer(const HotspotOptions& a) {
    return hotspots_with_values(a, [&](const std::vector<std::string>& ids) {
        return a.areas.empty() ? read_id_values(a.values) : read_values_for_ids(a.values, ids);
    });
}

StoreHotspotResult hotspots_of_store(const StoreHotspotOptions& s, HotspotOptions a) {
    const std::string level(level_name(s.level));
    if (s.level == Level::kNederland || s.level == Level::kPc4)
        throw UsageError(
            "--level: hot spots need areas with neighbours: grid, buurt, wijk, gemeente, corop, "
            "corop_plus or provincie");
    if (s.year <= 0) throw UsageError("--year is required with --store (the year of the values)");
    if (!a.values.empty() || !a.areas.empty())
        throw UsageError("--store takes the areas and values from the store: leave out --areas and --values");
    const std::string dataset = s.dataset.empty() ? "score_" + level : s.dataset;
    StoreHotspotResult out;
    out.name =
        s.name.empty()
            ? sanitize_dataset_name("hotspots_" + s.variable + "_" + level + "_" + std::to_string(s.year))
            : s.name;
    if (out.name != sanitize_dataset_name(out.name))
        throw UsageError(fmt::format("--name: letters, digits and '_' only, starting with a letter ('{}')",
                                     sanitize_dataset_name(out.name)));
    // The values: one per code for the year.
    // Only the columns used: code, year and the variable where the dataset has them (a dataset of events
    // can be large).
    std::vector<std::string> wanted;
    for (const auto& d : store_inventory(s.store).value("datasets", nlohmann::json::array())) {
        if (d.value("name", "") != dataset) continue;
        for (const auto& c : d.value("columns", nlohmann::json::array())) {
            const std::string name = c.value("name", "");
            if (name == "code" || name == "year" || name == s.variable) wanted.push_back(name);
        }
    }
    const auto found = find_dataset(s.store, dataset, wanted);
    if (!found)
        throw NotFoundError(
            fmt::format("the store has no dataset '{}' (wijkzicht info lists them)", dataset));
    const Table& t = found->table;
    const Column* code = t.find("code");
    const Column* year = t.find("year");
    const Column* value = t.find(s.variable);
    if (code == nullptr) throw UsageError(fmt::format("dataset '{}' has no column 'code'", dataset));
    std::unordered_map<std::string, double> by_code;
    if (s.variable == "count" && value == nullptr) {
        // Events (e.g. incidents, one row each): the number of rows per code in the year; on the grid the
        // cells with residents that year count too, with zero events (grid_population, when imported).
        if (s.level == Level::kGrid) {
            if (const auto pop = find_dataset(s.store, "grid_population", {"code", "year", "INW"})) {
                const Column& pc = pop->table.column("code");
                const Column& py = pop->table.column("year");
                const Column& inw = pop->table.column("INW");
                for (std::size_t r = 0; r < pop->table.row_count(); ++r)
                    if (!py.is_missing(r) && py.number_at(r) == s.year && !inw.is_missing(r) &&
                        inw.number_at(r) > 0)
                        by_code.emplace(pc.to_text(r), 0.0);
            }
        }
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            if (code->is_missing(r) ||
                (year != nullptr && (year->is_missing(r) || year->number_at(r) != s.year)))
                continue;
            by_code[code->to_text(r)] += 1;
        }
    } else if (value == nullptr || value->type() == ColumnType::kText) {
        std::string names;
        for (const auto& c : t.columns())
            if (c.type() != ColumnType::kText && c.name() != "year")
                names += (names.empty() ? "" : ", ") + c.name();
        throw UsageError(fmt::format("--variable: dataset '{}' has no numeric column '{}'; it has {}",
                                     dataset, s.variable, names));
    }
    if (value != nullptr) {
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            if (year != nullptr && (year->is_missing(r) || year->number_at(r) != s.year)) continue;
            by_code[code->to_text(r)] = value->is_missing(r) ? std::nan("") : value->number_at(r);
        }
    }
    if (by_code.empty()) {
        std::string years;
        for (const auto y : dataset_years(t)) years += (years.empty() ? "" : ", ") + std::to_string(y);
        throw UsageError(fmt::format("--year {}: dataset '{}' has no rows of that year (years: {})", s.year,
                                     dataset, years.empty() ? "none" : years));
    }
    // The areas: the store's layer of the level (the newest vintage up to the year unless given).
    if (s.level == Level::kGrid) {
        if (a.weights.empty()) a.weights = "grid:queen";
    } else {
        if (a.weights.empty()) a.weights = "queen";
        const nlohmann::json inv = store_inventory(s.store);
        int newest = 0, newest_by_year = 0;
        for (const auto& l : inv["areas"]) {
            if (l.value("level", "") != level) continue;
            const int v = l.value("vintage", 0);
            if (s.vintage != 0 && v == s.vintage) out.vintage = v;
            newest = std::max(newest, v);
            if (v <= s.year) newest_by_year = std::max(newest_by_year, v);
        }
        if (s.vintage == 0) out.vintage = newest_by_year != 0 ? newest_by_year : newest;
        if (out.vintage == 0)
            throw NotFoundError(
                fmt::format("the store has no {} areas{} (wijkzicht import boundaries)", level,
                            s.vintage != 0 ? " of vintage " + std::to_string(s.vintage) : ""));
        a.areas = s.store;
        a.layer = area_layer_name(s.level, out.vintage);
        a.id_field = "code";
    }
    out.job = hotspots_with_values(a, [&](const std::vector<std::string>& ids) {
        IdValues v;
        if (ids.empty()) {  // the grid: the cells with a row in the dataset
            for (const auto& [c, x] : by_code) v.ids.push_back(c);
            std::sort(v.ids.begin(), v.ids.end());
            for (const auto& c : v.ids) v.values.push_back(by_code.at(c));
            return v;
        }
        v.values.reserve(ids.size());
        for (const auto& id : ids) {
            const auto it = by_code.find(id);
            v.values.push_back(it == by_code.end() ? std::nan("") : it->second);
        }
        return v;
    });
    out.job.inputs = nlohmann::json::array();  // the store is the input (its run ids tell the history)
    return out;
}

StoreUpdate hotspot_update(const StoreHotspotOptions& s, const StoreHotspotResult& h,
                           const HotspotOptions& a) {
    Dataset d;
    d.name = h.name;
    d.kind = "hotspots";
    d.level = s.level;
    for (const Column& c : h.job.table.columns()) {  // "id" is "code" in the store, as everywhere there
        if (c.name() == "id") {
            d.table.add_column(Column::of_texts("code", {c.texts().begin(), c.texts().end()}, c.status()));
        } else {
            d.table.add_column(c);
        }
    }
    const Column& fdr = d.table.column("I_sig_fdr");
    std::vector<std::int64_t> significant(fdr.size());
    std::vector<std::uint8_t> missing(fdr.size());
    for (std::size_t r = 0; r < fdr.size(); ++r) {
        missing[r] = fdr.is_missing(r) ? 1 : 0;
        significant[r] = fdr.is_missing(r) ? 0 : static_cast<std::int64_t>(fdr.number_at(r));
    }
    d.table.add_column(Column::of_ints("significant", std::move(significant), std::move(missing)));
    d.meta = h.job.summary;
    d.meta["level"] = std::string(level_name(s.level));
    d.meta["year"] = s.year;
    d.meta["vintage"] = h.vintage;
    const std::string source = s.dataset.empty() ? "score_" + std::string(level_name(s.level)) : s.dataset;
    d.meta["source"] = source;  // the dataset the values came from
    d.meta["variable"] = s.variable;
    d.meta["significant"] = "significant = local Moran I_sig_fdr (Benjamini-Hochberg at alpha)";
    StoreUpdate u;
    if (s.level != Level::kGrid)  // docs/maps.md: the areas with their quadrant, styled for QGIS
        u.map_layers.push_back(
            hotspot_map_layer(h.name, s.variable, d.table, read_area_layer(s.store, s.level, h.vintage)));
    u.datasets.push_back(std::move(d));
    u.run.command = "hotspots";
    u.run.started = utc_now();
    u.run.seed = a.seed;
    u.run.parameters = {{"level", std::string(level_name(s.level))},
                        {"year", s.year},
                        {"vintage", h.vintage},
                        {"dataset", source},
                        {"variable", s.variable},
                        {"weights", h.job.summary["weights"]["spec"]},
                        {"permutations", a.permutations},
                        {"alpha", a.alpha}};
    return u;
}

}  // namespace wz::jobs
