// wijkzicht hotspots: global Moran's I, local Moran (LISA) and Getis-Ord G_i / G_i* with permutation
// inference for the areas of a polygon layer (or 100 m grid cells) and one value per area.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "commands.hpp"
#include "core/codes.hpp"
#include "core/error.hpp"
#include "geo/rings.hpp"
#include "geo/vector.hpp"
#include "io/csv.hpp"
#include "io/store.hpp"
#include "spatial/hotspots.hpp"
#include "spatial/weights_io.hpp"
#include "wijkzicht/version.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp =
    R"(Hot spots and clusters: where do high (or low) values sit next to each other more than chance allows?

Statistics (definitions as PySAL esda / GeoDa / R spdep; docs/spatial.md has the details):
  Global Moran's I    one number for the whole map: > E[I] = -1/(n-1) means like values cluster, < means they
                      alternate. z and p under normality and randomisation (as spdep moran.test) and by
                      permutation (--global-permutations).
  Local Moran I_i     per area: z_i * (Wz)_i scaled; positive = the area resembles its neighbours (HH hot
                      cluster, LL cold cluster), negative = it differs (HL, LH outliers). Scaling (n-1) as
                      PySAL/GeoDa by default, --scaling n as spdep (a factor (n-1)/n); I_z is spdep's analytical
                      z (conditional variance), unaffected by the scaling.
  Getis-Ord G_i*      per area: the weighted sum of its own and its neighbours' values, as a z-score
                      (spdep localG on include.self() weights). z > 0 hot spot, z < 0 cold spot. G_z is G_i
                      without the area itself. Meant for non-negative values (counts, rates).
Inference: conditional permutation (the area's value held, |N_i| of the other n-1 values drawn without
replacement), pseudo-p = (M+1)/(R+1). --alternative folded (default; the smaller tail, as esda/GeoDa/
spdep "folded"), greater or less. Flags: I_sig_fdr / Gstar_sig_fdr (Benjamini-Hochberg at --alpha, esda's
fdr rule) and *_sig_bonferroni. Results depend only on (--seed, --permutations), never on --threads.
Areas without a value (empty or NA in VALUES.csv, or absent from it) are left out (status "missing");
areas without neighbours get no local statistic (status "island", or "no-geometry" for an empty
geometry) but their values stay in the mean, the variance and the permutation pool.

Weights (--weights):
  queen | rook        shared boundary point | shared boundary edge (--snap METRES for messy boundaries)
  knn:K               the K nearest area centroids (not symmetric)
  band:METRES         every centroid within METRES
  grid:rook|grid:queen  100 m cells from their codes (E####N####): 4 or 8 neighbours; --areas optional
  gal:FILE | gwt:FILE GeoDa weights files with the layer's ids
  --transform R (row-standardised, default) | B (binary) | none (GWT weights as given)

VALUES.csv: header id,value; one row per area; ',' or ';' separated.
Output: OUT.csv with id, value, status, neighbours, lag, I, I_z, I_p, I_z_sim, quadrant, I_sig_fdr,
I_sig_bonferroni, G, G_z, Gstar, Gstar_z, Gstar_p, Gstar_sig_fdr, Gstar_sig_bonferroni, cluster
(quadrant if I_sig_fdr, else ns), hotspot (hot/cold if Gstar_sig_fdr, else ns); OUT.csv.provenance.json
with inputs (SHA-256), parameters and seed; --out-gpkg adds a GeoPackage layer with geometry for QGIS.

Example:
  wijkzicht hotspots --areas buurt_2014.gpkg --id-field statcode --values theft_rate.csv \
      --weights queen --permutations 999 --seed 42 --out hotspots.csv --json)";

struct HotspotArgs {
    std::string areas;
    std::string layer;
    std::string id_field;
    std::string values;
    std::string weights;
    std::string transform = "R";
    double snap = 0.0;
    std::uint32_t permutations = 999;
    std::optional<std::uint32_t> global_permutations;
    std::uint64_t seed = 0;
    std::size_t threads = 0;
    std::string out;
    std::string out_gpkg;
    std::string write_weights;
    std::string alternative = "folded";
    std::string scaling = "n-1";
    double alpha = 0.05;
    bool adjust_n = false;
    bool json = false;
};

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

// Values per area (NaN = missing) from the id,value file, checked against the area ids.
std::vector<double> read_values(const std::string& path, const std::vector<std::string>& ids,
                                bool ids_from_values, std::vector<std::string>* value_ids) {
    const std::string text = csv::decode_text(csv::read_file(path), csv::Encoding::kAuto, path);
    const char delim = csv::sniff_delimiter(text);
    csv::Reader reader(text, delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header 'id,value'", "an empty file");
    std::optional<std::size_t> id_col;
    std::optional<std::size_t> value_col;
    for (std::size_t c = 0; c < fields.size(); ++c) {
        const std::string name = to_lower(trim(fields[c].text));
        if (name == "id" && !id_col) id_col = c;
        if (name == "value" && !value_col) value_col = c;
    }
    if (!id_col || !value_col) {
        std::string found;
        for (const auto& f : fields) found += (found.empty() ? "" : ",") + std::string(f.text);
        throw InputError(path, 1, 1, "a header with columns 'id' and 'value'", quote_found(found));
    }
    std::unordered_map<std::string, std::size_t> index;
    std::vector<double> values;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!ids_from_values) {
        index.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
        values.assign(ids.size(), nan);
    }
    std::unordered_map<std::string, long> seen_line;
    const bool decimal_comma = delim != ',';
    while (reader.next(fields)) {
        const long line = reader.line();
        if (fields.size() == 1 && trim(fields[0].text).empty()) continue;  // blank line
        if (fields.size() <= std::max(*id_col, *value_col)) {
            throw InputError(path, line, 1,
                             fmt::format("at least {} fields", std::max(*id_col, *value_col) + 1),
                             fmt::format("{}", fields.size()));
        }
        const std::string id(trim(fields[*id_col].text));
        const csv::Field& vf = fields[*value_col];
        const std::string_view vt = trim(vf.text);
        const auto [it, inserted] = seen_line.emplace(id, line);
        if (!inserted) {
            throw InputError(path, line, fields[*id_col].column, "each id once",
                             fmt::format("'{}' again (first on line {})", id, it->second));
        }
        double v = nan;
        if (!(vt.empty() || vt == "NA" || vt == "na" || vt == "NaN")) {
            const auto parsed = csv::parse_number(vt, decimal_comma);
            if (!parsed || !std::isfinite(*parsed)) {
                throw InputError(path, line, vf.column, "a number (or empty / NA for a missing value)",
                                 quote_found(vt));
            }
            v = *parsed;
        }
        if (ids_from_values) {
            value_ids->push_back(id);
            values.push_back(v);
            continue;
        }
        const auto found = index.find(id);
        if (found == index.end()) {
            throw InputError(path, line, fields[*id_col].column,
                             "the id of an area in --areas (field --id-field)", quote_found(id));
        }
        values[found->second] = v;
    }
    return values;
}

void write_text_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw UsageError(fmt::format("cannot write '{}'", tmp));
        out << text;
        if (!out.flush()) throw UsageError(fmt::format("cannot write '{}'", tmp));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw UsageError(fmt::format("cannot replace '{}': {}", path, ec.message()));
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

std::string table_as_csv(const Table& t) {
    std::string out;
    for (std::size_t c = 0; c < t.column_count(); ++c)
        out += (c ? "," : "") + csv_field(t.columns()[c].name());
    out += '\n';
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        for (std::size_t c = 0; c < t.column_count(); ++c) {
            if (c) out += ',';
            out += csv_field(t.columns()[c].to_text(r));
        }
        out += '\n';
    }
    return out;
}

// The results with their polygons as a GeoPackage layer "hotspots" (EPSG:28992), written to a
// temporary file that replaces `path` only when complete.
void write_hotspot_geopackage(const std::string& path, const Table& t, const geo::VectorLayer& layer) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) throw UsageError("GDAL has no GPKG driver");
    const std::string tmp = path + ".tmp.gpkg";
    std::filesystem::remove(tmp);
    std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
        driver->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr), [](GDALDataset* d) { GDALClose(d); });
    if (!ds) throw UsageError(fmt::format("cannot create '{}'", tmp));
    OGRSpatialReference rd;
    rd.importFromEPSG(28992);
    OGRLayer* out = ds->CreateLayer("hotspots", &rd, wkbMultiPolygon, nullptr);
    if (out == nullptr) throw UsageError(fmt::format("cannot create a layer in '{}'", tmp));
    for (const Column& c : t.columns()) {
        const OGRFieldType type = c.type() == ColumnType::kReal  ? OFTReal
                                  : c.type() == ColumnType::kInt ? OFTInteger64
                                                                 : OFTString;
        OGRFieldDefn def(c.name().c_str(), type);
        if (out->CreateField(&def) != OGRERR_NONE)
            throw UsageError(fmt::format("cannot create field {}", c.name()));
    }
    if (ds->StartTransaction() != OGRERR_NONE) throw UsageError("cannot start a GeoPackage transaction");
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        OGRFeature feature(out->GetLayerDefn());
        for (std::size_t c = 0; c < t.column_count(); ++c) {
            const Column& col = t.columns()[c];
            const int fi = static_cast<int>(c);
            if (col.is_missing(r)) {
                feature.SetFieldNull(fi);
            } else if (col.type() == ColumnType::kReal) {
                feature.SetField(fi, col.real_at(r));
            } else if (col.type() == ColumnType::kInt) {
                feature.SetField(fi, static_cast<GIntBig>(col.int_at(r)));
            } else {
                feature.SetField(fi, col.text_at(r).c_str());
            }
        }
        const auto& wkb = layer.features[r].wkb;
        if (!wkb.empty()) {
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(wkb.data(), &rd, &g, wkb.size()) == OGRERR_NONE &&
                g != nullptr) {
                feature.SetGeometryDirectly(g);
            }
        }
        if (out->CreateFeature(&feature) != OGRERR_NONE)
            throw UsageError(fmt::format("cannot write feature {} to '{}'", r + 1, tmp));
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw UsageError("cannot commit the GeoPackage");
    ds.reset();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw UsageError(fmt::format("cannot replace '{}': {}", path, ec.message()));
}

nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

int run_hotspots_in_arena(const HotspotArgs& a) {
    const auto t0 = std::chrono::steady_clock::now();
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
    std::vector<std::string> value_ids;
    std::vector<double> values = read_values(a.values, ids, a.areas.empty(), &value_ids);
    if (a.areas.empty()) ids = value_ids;
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
        try {
            base = spatial::grid_weights(x, y,
                                         spec.kind == WeightsSpec::kGridRook
                                             ? spatial::GridNeighbourhood::kRook4
                                             : spatial::GridNeighbourhood::kQueen8);
        } catch (const std::invalid_argument& e) {
            throw InputError(a.areas.empty() ? a.values : a.areas, 0, 0, "each cell once", e.what());
        }
    } else if (spec.kind == WeightsSpec::kGal || spec.kind == WeightsSpec::kGwt) {
        const std::string text = csv::read_file(spec.file);
        base = spec.kind == WeightsSpec::kGal ? spatial::parse_gal(text, ids, spec.file)
                                              : spatial::parse_gwt(text, ids, spec.file);
    } else {
        const geo::AreaRings rings = geo::rings_of_layer(layer);
        no_geometry.resize(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) no_geometry[i] = rings.is_empty(i) ? 1 : 0;
        const spatial::PolygonView pv{rings.xy, rings.ring_start, rings.area_start};
        try {
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
        } catch (const std::invalid_argument& e) {
            throw UsageError(fmt::format("--weights {}: {}", a.weights, e.what()));
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
    if (!a.write_weights.empty()) {
        const bool gwt = a.write_weights.size() >= 4 &&
                         to_lower(a.write_weights.substr(a.write_weights.size() - 4)) == ".gwt";
        write_text_atomically(a.write_weights,
                              gwt ? spatial::format_gwt(base, ids, a.id_field.empty() ? "id" : a.id_field)
                                  : spatial::format_gal(base, ids, a.id_field.empty() ? "id" : a.id_field));
    }
    if (settings.transform == spatial::Transform::kGeneral &&
        base.transform != spatial::Transform::kGeneral) {
        settings.transform = spatial::Transform::kBinary;  // "none" on binary weights is binary
    }

    spatial::HotspotResult result;
    try {
        result = spatial::analyse_hotspots(values, base, no_geometry, settings);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    const Table table = spatial::hotspot_table(ids, values, result);
    write_text_atomically(a.out, table_as_csv(table));
    if (!a.out_gpkg.empty()) {
        if (a.areas.empty()) throw UsageError("--out-gpkg needs --areas (the geometry)");
        write_hotspot_geopackage(a.out_gpkg, table, layer);
    }

    const auto& g = result.global;
    nlohmann::json summary = {
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
        {"seed", a.seed},
        {"out", a.out},
    };
    nlohmann::json provenance = summary;
    provenance["program"] = std::string("wijkzicht ") + wz::kVersion;
    provenance["command"] = "hotspots";
    provenance["started"] = utc_now();
    provenance["inputs"] = nlohmann::json::array();
    for (const std::string& p : {a.areas, a.values, spec.file}) {
        if (p.empty()) continue;
        const InputFile f = describe_input(p);
        provenance["inputs"].push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
    }
    provenance["threads"] = a.threads;
    write_text_atomically(a.out + ".provenance.json", provenance.dump(2) + "\n");

    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    spdlog::info("wrote {} ({} rows) in {:.2f} s", a.out, table.row_count(), secs);
    if (a.json) {
        std::cout << summary.dump(2) << '\n';
    } else {
        std::cout << fmt::format(
            "Global Moran's I = {:.6f} (E[I] = {:.6f}), z = {:.3f}, p = {:.3g} (randomisation); ", g.I,
            g.expected, g.z_randomisation, g.p_randomisation);
        if (g.permutations > 0)
            std::cout << fmt::format("pseudo-p = {:.4g} ({} permutations)", g.p_sim_folded, g.permutations);
        std::cout << fmt::format(
            "\n{} areas with a value, {} islands, {} missing. Significant after FDR (alpha {}): {} local "
            "Moran, {} G_i*.\n",
            result.sample_size, result.islands, result.missing, settings.alpha,
            std::count(result.I_fdr.begin(), result.I_fdr.end(), std::uint8_t{1}),
            std::count(result.Gstar_fdr.begin(), result.Gstar_fdr.end(), std::uint8_t{1}));
    }
    return 0;
}

// --threads K: exactly K worker threads (more than the cores if asked: the results do not change).
int run_hotspots(const HotspotArgs& a) {
    if (a.threads == 0) return run_hotspots_in_arena(a);
    if (a.threads > 256) throw UsageError("--threads: at most 256");
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, a.threads);
    tbb::task_arena arena(static_cast<int>(a.threads));
    return arena.execute([&] { return run_hotspots_in_arena(a); });
}

}  // namespace

void add_hotspots_command(CLI::App& app, Action& action);
void add_hotspots_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<HotspotArgs>();
    CLI::App* cmd = app.add_subcommand("hotspots",
                                       "Hot spots and clusters: global Moran's I, local Moran and Getis-Ord "
                                       "G_i* with permutation inference");
    cmd->footer(kHelp);
    cmd->add_option("--areas", a->areas,
                    "Polygon layer (any GDAL source: GeoPackage, shapefile, GeoJSON, ...)");
    cmd->add_option("--layer", a->layer, "Layer name when the source has several");
    cmd->add_option("--id-field", a->id_field,
                    "Field holding the area ids (matched with the id column of --values)");
    cmd->add_option("--values", a->values, "CSV with header id,value (empty or NA = missing)")->required();
    cmd->add_option("--weights", a->weights,
                    "queen | rook | knn:K | band:METRES | grid:rook | grid:queen | gal:FILE | gwt:FILE")
        ->required();
    cmd->add_option("--transform", a->transform,
                    "R (row-standardised) | B (binary) | none (GWT weights as given)")
        ->capture_default_str();
    cmd->add_option("--snap", a->snap,
                    "Contiguity: join boundary points closer than METRES (0 = equal points only)")
        ->capture_default_str();
    cmd->add_option("--permutations", a->permutations, "Conditional permutations per area (0-99999)")
        ->required();
    cmd->add_option("--global-permutations", a->global_permutations,
                    "Permutations for global Moran's I (default: --permutations)");
    cmd->add_option("--seed", a->seed,
                    "Random seed: same seed and permutations = same output, whatever --threads")
        ->required();
    cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
    cmd->add_option("--out", a->out, "Output CSV, one row per area")->required();
    cmd->add_option("--out-gpkg", a->out_gpkg,
                    "Also write a GeoPackage layer 'hotspots' with the geometry (opens in QGIS)");
    cmd->add_option("--write-weights", a->write_weights,
                    "Also write the weights as GAL (or GWT when the name ends in .gwt)");
    cmd->add_option("--alternative", a->alternative, "Pseudo-p reported and tested: folded | greater | less")
        ->capture_default_str();
    cmd->add_option("--scaling", a->scaling, "Local Moran scaling: n-1 (PySAL/GeoDa) | n (spdep)")
        ->capture_default_str();
    cmd->add_option("--alpha", a->alpha, "Level for the FDR and Bonferroni flags")->capture_default_str();
    cmd->add_flag("--adjust-n", a->adjust_n,
                  "Global Moran: leave islands out of n, as spdep moran.test's default adjust.n=TRUE");
    cmd->add_flag("--json", a->json,
                  "Print global Moran's I with its z and p (and a run summary) as JSON on standard output");
    cmd->callback([&action, a] { action = [a] { return run_hotspots(*a); }; });
}

const CommandRegistration kRegister{50, add_hotspots_command};

}  // namespace wz::app
