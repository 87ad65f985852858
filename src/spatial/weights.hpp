#pragma once
// Spatial weights: who neighbours whom, and with what weight, in compressed sparse rows (CSR).
// Built from polygon rings (queen/rook contiguity by hashing shared vertices/edges), from points
// (k nearest neighbours, distance band) or from 100 m grid cells (rook 4 / queen 8). Pure: plain
// arrays in, weights out; no file or GIS library here.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wz::spatial {

// How the weights of a row relate to its neighbours.
//   kBinary           every neighbour weighs 1 (spdep style "B", PySAL "B")
//   kRowStandardised  every row sums to 1: w_ij = g_ij / sum_j g_ij (spdep "W", PySAL "R")
//   kGeneral          weights as given (a GWT file); no transform applied
enum class Transform : std::uint8_t { kBinary, kRowStandardised, kGeneral };
std::string_view transform_name(Transform t);  // "B", "R", "general"

struct Weights {
    // Row i: neighbours[offsets[i] .. offsets[i+1]) with the same range of `weights`. Neighbours of a
    // row are sorted ascending and distinct. A row holds i itself only in self-included ("star")
    // weights (see with_self).
    std::vector<std::size_t> offsets{0};
    std::vector<std::uint32_t> neighbours;
    std::vector<double> weights;
    Transform transform = Transform::kBinary;
    bool self_included = false;

    std::size_t size() const { return offsets.size() - 1; }
    std::size_t link_count() const { return neighbours.size(); }
    std::size_t cardinality(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
    std::span<const std::uint32_t> neighbours_of(std::size_t i) const {
        return {neighbours.data() + offsets[i], offsets[i + 1] - offsets[i]};
    }
    std::span<const double> weights_of(std::size_t i) const {
        return {weights.data() + offsets[i], offsets[i + 1] - offsets[i]};
    }
    // Areas without neighbours (other than themselves in star weights), ascending.
    std::vector<std::uint32_t> islands() const;
    // True when j is a neighbour of i exactly when i is a neighbour of j.
    bool is_symmetric() const;
};

// Builds binary weights for n areas from directed links (from, to). Self-links are dropped and
// duplicates merged; with `symmetrise` every link is also added in the other direction.
Weights weights_from_links(std::size_t n, std::vector<std::uint64_t> links_from_to_packed, bool symmetrise);
// Packs a directed link for weights_from_links.
inline std::uint64_t pack_link(std::uint32_t from, std::uint32_t to) {
    return (static_cast<std::uint64_t>(from) << 32) | to;
}

// Polygon rings as flat arrays (see geo::AreaRings): area a owns rings [area_start[a], area_start[a+1]),
// ring r owns points [ring_start[r], ring_start[r+1]), point p is (xy[2p], xy[2p+1]). A ring may or may
// not repeat its first point at the end. An area without rings is an island.
struct PolygonView {
    std::span<const double> xy;
    std::span<const std::size_t> ring_start;
    std::span<const std::size_t> area_start;
    std::size_t area_count() const { return area_start.empty() ? 0 : area_start.size() - 1; }
};

enum class Contiguity : std::uint8_t { kQueen, kRook };

// Queen: two areas are neighbours when they share at least one boundary point. Rook: when they share
// at least one boundary edge (two consecutive vertices of a ring, in either direction).
// snap_tolerance = 0: points must be equal (exact hashing of coordinates; O(V log V)).
// snap_tolerance > 0: queen joins areas having points within that distance (Euclidean, <=), as
// spdep::poly2nb(snap=) does; rook first merges points within the tolerance (transitively, by
// union-find over close pairs) and then matches edges between merged points. Found through a grid of
// cells of the tolerance's size, O(V log V) for well-spread points. Binary weights, symmetric.
Weights contiguity_weights(const PolygonView& polygons, Contiguity kind, double snap_tolerance = 0.0);

// Grid adjacency between 100 m cells given by their lower-left corners in hectometres (x100, y100 as
// in the code E####N####): rook = 4 cells sharing an edge, queen = also the 4 sharing a corner. A cell
// given twice is an error (std::invalid_argument naming both positions).
enum class GridNeighbourhood : std::uint8_t { kRook4, kQueen8 };
Weights grid_weights(std::span<const std::int32_t> x100, std::span<const std::int32_t> y100,
                     GridNeighbourhood kind);

// k nearest neighbours of each point (Euclidean; ties broken by the lower index). Points with a
// non-finite coordinate (an area without geometry) get no neighbours and are nobody's neighbour.
// Not symmetric in general. k must be at least 1; a point with fewer than k other points gets them all.
Weights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k);

// Every other point within max_distance (Euclidean, <=; coincident points are neighbours). Symmetric.
Weights distance_band_weights(std::span<const double> x, std::span<const double> y, double max_distance);

// The weights with every row transformed: kBinary sets every weight to 1; kRowStandardised divides
// each row by its sum (rows of an island stay empty); kGeneral leaves them.
Weights with_transform(Weights w, Transform t);

// The weights with each area as its own neighbour (weight 1 before any transform), for G_i*. An
// area that already holds itself is left as is.
Weights with_self(const Weights& w);

// The weights among the areas with keep[i] != 0, renumbered in order; links to dropped areas are
// removed (as spdep's subset.listw). `new_index` (optional) receives the new number of each kept
// area and UINT32_MAX for dropped ones. The transform is not re-applied: subset the binary (or
// general) weights, then transform.
Weights subset_weights(const Weights& w, std::span<const std::uint8_t> keep,
                       std::vector<std::uint32_t>* new_index = nullptr);

// Summary for reports: n, links, min/mean/max neighbours, islands, symmetry.
struct WeightsSummary {
    std::size_t areas = 0;
    std::size_t links = 0;
    std::size_t min_neighbours = 0;
    std::size_t max_neighbours = 0;
    double mean_neighbours = 0;
    std::size_t islands = 0;
    bool symmetric = true;
};
WeightsSummary summarise(const Weights& w);

}  // namespace wz::spatial
