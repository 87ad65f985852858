#include "spatial/hotspots.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace wz::spatial {
namespace {

constexpr std::uint32_t kNotInSample = std::numeric_limits<std::uint32_t>::max();

void push_number(Column& c, double v) {
    if (std::isfinite(v)) {
        c.push_real(v);
    } else {
        c.push_missing(Missing::kNotAvailable);
    }
}

}  // namespace

std::string_view status_name(AreaStatus s) {
    switch (s) {
        case AreaStatus::kOk:
            return "ok";
        case AreaStatus::kIsland:
            return "island";
        case AreaStatus::kNoGeometry:
            return "no-geometry";
        case AreaStatus::kMissingValue:
            return "missing";
    }
    return "?";
}

HotspotResult analyse_hotspots(std::span<const double> values, const Weights& base,
                               std::span<const std::uint8_t> no_geometry, const HotspotSettings& settings) {
    const std::size_t n = base.size();
    if (values.size() != n)
        throw InternalError("analyse_hotspots: one value per area of the weights is needed");
    if (!no_geometry.empty() && no_geometry.size() != n)
        throw InternalError("analyse_hotspots: no_geometry has the wrong length");
    HotspotResult out;
    std::vector<std::uint8_t> keep(n, 0);
    for (std::size_t i = 0; i < n; ++i) keep[i] = std::isfinite(values[i]) ? 1 : 0;
    const Weights sample_weights = subset_weights(base, keep, &out.sample_index);
    std::vector<double> y;
    y.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (keep[i] != 0) y.push_back(values[i]);
    }
    out.sample_size = y.size();
    out.status.assign(n, AreaStatus::kOk);
    for (std::size_t i = 0; i < n; ++i) {
        if (keep[i] == 0) {
            out.status[i] = AreaStatus::kMissingValue;
            ++out.missing;
        } else if (sample_weights.cardinality(out.sample_index[i]) == 0) {
            const bool empty = !no_geometry.empty() && no_geometry[i] != 0;
            out.status[i] = empty ? AreaStatus::kNoGeometry : AreaStatus::kIsland;
            ++out.islands;
            out.no_geometry += empty ? 1 : 0;
        }
    }
    if (y.size() < 4) {
        throw UsageError("too few areas with a value for spatial statistics (" + std::to_string(y.size()) +
                         "; at least 4 are needed)");
    }
    if (out.islands == y.size()) throw UsageError("no area with a value has a neighbour with a value");

    const Weights transformed = with_transform(sample_weights, settings.transform);
    GlobalMoranOptions go;
    go.permutations = settings.global_permutations;
    go.seed = settings.seed;
    go.adjust_n_for_islands = settings.adjust_n_for_islands;
    out.global = global_moran(y, transformed, go);

    LocalOptions lo;
    lo.permutations = settings.permutations;
    lo.seed = settings.seed;
    lo.scaling = settings.scaling;
    out.local = local_statistics(y, sample_weights, settings.transform, lo);

    const std::size_t m = y.size();
    out.I_p.resize(m);
    out.G_p.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
        out.I_p[i] = out.local.I_p(i, settings.alternative);
        out.G_p[i] = out.local.G_p(i, settings.alternative);
    }
    out.I_fdr_cutoff = fdr_cutoff(out.I_p, settings.alpha);
    out.G_fdr_cutoff = fdr_cutoff(out.G_p, settings.alpha);
    out.I_bonferroni_cutoff = bonferroni_cutoff(out.I_p, settings.alpha);
    out.G_bonferroni_cutoff = bonferroni_cutoff(out.G_p, settings.alpha);
    out.I_fdr = flag_at_or_below(out.I_p, out.I_fdr_cutoff);
    out.Gstar_fdr = flag_at_or_below(out.G_p, out.G_fdr_cutoff);
    out.I_bonferroni = flag_at_or_below(out.I_p, out.I_bonferroni_cutoff);
    out.Gstar_bonferroni = flag_at_or_below(out.G_p, out.G_bonferroni_cutoff);
    return out;
}

Table hotspot_table(std::span<const std::string> ids, std::span<const double> values,
                    const HotspotResult& r) {
    const std::size_t n = r.status.size();
    if (ids.size() != n || values.size() != n)
        throw InternalError("hotspot_table: ids and values must match the result");
    Table t;
    Column id("id", ColumnType::kText);
    Column value("value", ColumnType::kReal);
    Column status("status", ColumnType::kText);
    Column neighbours("neighbours", ColumnType::kInt);
    Column lag("lag", ColumnType::kReal);
    Column I("I", ColumnType::kReal);
    Column I_z("I_z", ColumnType::kReal);
    Column I_p("I_p", ColumnType::kReal);
    Column I_z_sim("I_z_sim", ColumnType::kReal);
    Column quadrant("quadrant", ColumnType::kText);
    Column I_fdr("I_sig_fdr", ColumnType::kInt);
    Column I_bonf("I_sig_bonferroni", ColumnType::kInt);
    Column G("G", ColumnType::kReal);
    Column G_z("G_z", ColumnType::kReal);
    Column Gs("Gstar", ColumnType::kReal);
    Column Gs_z("Gstar_z", ColumnType::kReal);
    Column Gs_p("Gstar_p", ColumnType::kReal);
    Column Gs_fdr("Gstar_sig_fdr", ColumnType::kInt);
    Column Gs_bonf("Gstar_sig_bonferroni", ColumnType::kInt);
    Column cluster("cluster", ColumnType::kText);
    Column hotspot("hotspot", ColumnType::kText);
    for (Column* c :
         {&id,     &value, &status, &neighbours, &lag,  &I,    &I_z,    &I_p,     &I_z_sim, &quadrant, &I_fdr,
          &I_bonf, &G,     &G_z,    &Gs,         &Gs_z, &Gs_p, &Gs_fdr, &Gs_bonf, &cluster, &hotspot}) {
        c->reserve(n);
    }
    const auto& L = r.local;
    for (std::size_t a = 0; a < n; ++a) {
        id.push_text(ids[a]);
        push_number(value, values[a]);
        status.push_text(std::string(status_name(r.status[a])));
        const std::uint32_t i = r.sample_index[a];
        if (i == kNotInSample) {
            neighbours.push_missing(Missing::kNotAvailable);
        } else {
            neighbours.push_int(L.cardinality[i]);
        }
        if (r.status[a] != AreaStatus::kOk) {
            for (Column* c : {&lag, &I, &I_z, &I_p, &I_z_sim, &quadrant, &I_fdr, &I_bonf, &G, &G_z, &Gs,
                              &Gs_z, &Gs_p, &Gs_fdr, &Gs_bonf, &cluster, &hotspot}) {
                c->push_missing(Missing::kNotAvailable);
            }
            continue;
        }
        push_number(lag, L.lag_z[i]);
        push_number(I, L.I[i]);
        push_number(I_z, L.I_z[i]);
        push_number(I_p, r.I_p[i]);
        push_number(I_z_sim, L.I_z_sim[i]);
        quadrant.push_text(std::string(quadrant_name(L.quadrant[i])));
        I_fdr.push_int(r.I_fdr[i]);
        I_bonf.push_int(r.I_bonferroni[i]);
        push_number(G, L.G[i]);
        push_number(G_z, L.G_z[i]);
        push_number(Gs, L.Gstar[i]);
        push_number(Gs_z, L.Gstar_z[i]);
        push_number(Gs_p, r.G_p[i]);
        Gs_fdr.push_int(r.Gstar_fdr[i]);
        Gs_bonf.push_int(r.Gstar_bonferroni[i]);
        cluster.push_text(r.I_fdr[i] != 0 ? std::string(quadrant_name(L.quadrant[i])) : std::string("ns"));
        hotspot.push_text(r.Gstar_fdr[i] == 0
                              ? std::string("ns")
                              : (L.Gstar_z[i] > 0 ? std::string("hot") : std::string("cold")));
    }
    for (Column* c :
         {&id,     &value, &status, &neighbours, &lag,  &I,    &I_z,    &I_p,     &I_z_sim, &quadrant, &I_fdr,
          &I_bonf, &G,     &G_z,    &Gs,         &Gs_z, &Gs_p, &Gs_fdr, &Gs_bonf, &cluster, &hotspot}) {
        t.add_column(std::move(*c));
    }
    return t;
}

}  // namespace wz::spatial
