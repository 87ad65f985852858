// wijkzicht hotspots: global Moran's I, local Moran (LISA) and Getis-Ord G_i / G_i* with permutation
// inference for the areas of a polygon layer (or 100 m grid cells) and one value per area.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <iostream>

#include "command.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "io/writers.hpp"
#include "jobs/hotspots.hpp"
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

From the store (--store): the areas of --level (grid, buurt, wijk, gemeente, corop, corop_plus,
provincie; the newest vintage up to --year unless --vintage) and the values of --variable (default score)
in --dataset (default score_<level>) for --year. The result is stored as the dataset NAME (--name, default
hotspots_<variable>_<level>_<year>, kind "hotspots", with a column significant = I_sig_fdr) that the
service (/api/v1/hotspots), the dashboard and the area profiles read; --out and --out-gpkg still write
files. --weights defaults to queen (grid:queen for the grid).

Examples:
  wijkzicht hotspots --store results.gpkg --level buurt --year 2022 --permutations 999 --seed 42
  wijkzicht hotspots --areas buurt_2014.gpkg --id-field statcode --values theft_rate.csv \
      --weights queen --permutations 999 --seed 42 --out hotspots.csv --json)";

class Hotspots final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd =
            parent.add_subcommand("hotspots",
                                  "Hot spots and clusters: global Moran's I, local Moran and Getis-Ord "
                                  "G_i* with permutation inference");
        cmd->footer(kHelp);
        cmd->add_option("--areas", o_.areas,
                        "Polygon layer (any GDAL source: GeoPackage, shapefile, GeoJSON, ...)");
        cmd->add_option("--layer", o_.layer, "Layer name when the source has several");
        cmd->add_option("--id-field", o_.id_field,
                        "Field holding the area ids (matched with the id column of --values)");
        cmd->add_option("--values", o_.values, "CSV with header id,value (empty or NA = missing)");
        store_.add(cmd, "Take areas and values from this store and store the result there (see below)",
                   false);
        cmd->add_option("--level", level_, "With --store: the areas' level")->capture_default_str();
        cmd->add_option("--year", s_.year, "With --store: the year of the values");
        cmd->add_option("--vintage", s_.vintage,
                        "With --store: the areas' vintage (default: newest up to --year)");
        cmd->add_option("--dataset", s_.dataset,
                        "With --store: the dataset of the values (default score_<level>)");
        cmd->add_option("--variable", s_.variable,
                        "With --store: the column of the values; \"count\" without such a column: the rows "
                        "per code (events such as incidents; on the grid the populated cells count with 0)")
            ->capture_default_str();
        cmd->add_option(
            "--name", s_.name,
            "With --store: the result's dataset name (default hotspots_<variable>_<level>_<year>)");
        cmd->add_option("--weights", o_.weights,
                        "queen | rook | knn:K | band:METRES | grid:rook | grid:queen | gal:FILE | gwt:FILE "
                        "(with --store default queen, grid:queen for the grid)");
        cmd->add_option("--transform", o_.transform,
                        "R (row-standardised) | B (binary) | none (GWT weights as given)")
            ->capture_default_str();
        cmd->add_option("--snap", o_.snap,
                        "Contiguity: join boundary points closer than METRES (0 = equal points only)")
            ->capture_default_str();
        cmd->add_option("--permutations", o_.permutations, "Conditional permutations per area (0-99999)")
            ->required();
        cmd->add_option("--global-permutations", o_.global_permutations,
                        "Permutations for global Moran's I (default: --permutations)");
        cmd->add_option("--seed", o_.seed,
                        "Random seed: same seed and permutations = same output, whatever --threads")
            ->required();
        cmd->add_option("--threads", threads_, "Worker threads (default: all cores)");
        cmd->add_option("--out", out_, "Output CSV, one row per area (required without --store)");
        cmd->add_option("--out-gpkg", out_gpkg_,
                        "Also write a GeoPackage layer 'hotspots' with the geometry (opens in QGIS)");
        cmd->add_option("--write-weights", write_weights_,
                        "Also write the weights as GAL (or GWT when the name ends in .gwt)");
        cmd->add_option("--alternative", o_.alternative,
                        "Pseudo-p reported and tested: folded | greater | less")
            ->capture_default_str();
        cmd->add_option("--scaling", o_.scaling, "Local Moran scaling: n-1 (PySAL/GeoDa) | n (spdep)")
            ->capture_default_str();
        cmd->add_option("--alpha", o_.alpha, "Level for the FDR and Bonferroni flags")->capture_default_str();
        cmd->add_flag("--adjust-n", o_.adjust_n,
                      "Global Moran: leave islands out of n, as spdep moran.test's default adjust.n=TRUE");
        cmd->add_flag(
            "--json", json_,
            "Print global Moran's I with its z and p (and a run summary) as JSON on standard output");
        return cmd;
    }
    // --threads K: exactly K worker threads (more than the cores if asked: the results do not change).
    int run() override {
        if (threads_ == 0) return run_in_arena();
        if (threads_ > 256) throw UsageError("--threads: at most 256");
        const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_);
        tbb::task_arena arena(static_cast<int>(threads_));
        return arena.execute([&] { return run_in_arena(); });
    }

  private:
    int run_in_arena() {
        std::optional<jobs::StoreHotspotResult> stored;
        if (!store_.path.empty()) {
            s_.store = store_.path;
            s_.level = level_arg("--level", level_);
            if (!out_gpkg_.empty() && s_.level == Level::kGrid)
                throw UsageError("--out-gpkg: grid results have no polygons in the store; use --out");
            stored = jobs::hotspots_of_store(s_, o_);
        } else {
            if (o_.values.empty()) throw UsageError("--values (or --store) is required");
            if (o_.weights.empty()) throw UsageError("--weights is required (or use --store)");
            if (out_.empty()) throw UsageError("--out is required (or use --store)");
            if (!out_gpkg_.empty() && o_.areas.empty())
                throw UsageError("--out-gpkg needs --areas (the geometry)");
        }
        const jobs::HotspotJobResult& h = stored ? stored->job : jobs_result_ = jobs::hotspots_of_layer(o_);
        if (!write_weights_.empty()) write_weights_file(h);
        if (stored) {
            const std::int64_t run = apply_to_store(store_.path, jobs::hotspot_update(s_, *stored, o_));
            spdlog::info("stored as dataset {}", stored->name);
            log_stored(store_.path, run);
        }
        if (!out_.empty()) write_table_csv(h.table, out_);
        if (!out_gpkg_.empty()) {
            std::vector<std::vector<std::uint8_t>> geometries;
            for (const auto& f : h.layer.features) geometries.push_back(f.wkb);
            write_table_gpkg(h.table, geometries, out_gpkg_, "hotspots");
        }
        nlohmann::json summary = h.summary;
        if (!out_.empty()) summary["out"] = out_;
        if (stored) summary["dataset"] = stored->name;
        if (!out_.empty()) {
            nlohmann::json provenance = summary;
            provenance["program"] = std::string("wijkzicht ") + wz::kVersion;
            provenance["command"] = "hotspots";
            provenance["started"] = utc_now();
            provenance["inputs"] = h.inputs;
            provenance["threads"] = threads_;
            if (stored) provenance["store"] = store_.path;
            write_text_atomically(out_ + ".provenance.json", provenance.dump(2) + "\n");
            spdlog::info("wrote {} ({} rows) in {:.2f} s", out_, h.table.row_count(), seconds_since_start());
        }
        const auto& g = h.result.global;
        if (json_) {
            std::cout << summary.dump(2) << '\n';
        } else {
            std::cout << fmt::format(
                "Global Moran's I = {:.6f} (E[I] = {:.6f}), z = {:.3f}, p = {:.3g} (randomisation); ", g.I,
                g.expected, g.z_randomisation, g.p_randomisation);
            if (g.permutations > 0)
                std::cout << fmt::format("pseudo-p = {:.4g} ({} permutations)", g.p_sim_folded,
                                         g.permutations);
            std::cout << fmt::format(
                "\n{} areas with a value, {} islands, {} missing. Significant after FDR (alpha {}): {} local "
                "Moran, {} G_i*.\n",
                h.result.sample_size, h.result.islands, h.result.missing, h.settings.alpha,
                std::count(h.result.I_fdr.begin(), h.result.I_fdr.end(), std::uint8_t{1}),
                std::count(h.result.Gstar_fdr.begin(), h.result.Gstar_fdr.end(), std::uint8_t{1}));
        }
        return 0;
    }

    void write_weights_file(const jobs::HotspotJobResult& h) const {
        const std::string id = o_.id_field.empty() ? "id" : o_.id_field;
        const bool gwt = write_weights_.size() >= 4 &&
                         to_lower(write_weights_.substr(write_weights_.size() - 4)) == ".gwt";
        write_text_atomically(write_weights_, gwt ? spatial::format_gwt(h.weights, h.ids, id)
                                                  : spatial::format_gal(h.weights, h.ids, id));
    }

    jobs::HotspotOptions o_;
    jobs::StoreHotspotOptions s_;
    jobs::HotspotJobResult jobs_result_;
    StoreOption store_;
    std::string level_ = "buurt";
    std::size_t threads_ = 0;
    std::string out_, out_gpkg_, write_weights_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_hotspots() {
    return std::make_unique<Hotspots>();
}

}  // namespace wz::app
