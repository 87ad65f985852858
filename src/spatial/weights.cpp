#include "spatial/weights.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/error.hpp"

namespace wz::spatial {
namespace {

constexpr std::uint32_t kDropped = std::numeric_limits<std::uint32_t>::max();

// -0.0 and +0.0 are the same point.
std::uint64_t coordinate_bits(double v) {
    return std::bit_cast<std::uint64_t>(v + 0.0);
}

std::uint32_t checked_u32(std::size_t v, const char* what) {
    if (v >= kDropped) throw UsageError(std::string("too many ") + what + " for 32-bit indices");
    return static_cast<std::uint32_t>(v);
}

// The points of a ring without the closing repetition of its first point.
std::size_t open_ring_length(const PolygonView& pv, std::size_t ring) {
    const std::size_t b = pv.ring_start[ring];
    std::size_t e = pv.ring_start[ring + 1];
    if (e - b >= 2 && pv.xy[2 * b] == pv.xy[2 * (e - 1)] && pv.xy[2 * b + 1] == pv.xy[2 * (e - 1) + 1]) --e;
    return e - b;
}

// For each point index: its area (points of closing repetitions included).
std::vector<std::uint32_t> area_of_points(const PolygonView& pv) {
    std::vector<std::uint32_t> area(pv.xy.size() / 2, kDropped);
    for (std::size_t a = 0; a < pv.area_count(); ++a) {
        for (std::size_t r = pv.area_start[a]; r < pv.area_start[a + 1]; ++r) {
            for (std::size_t p = pv.ring_start[r]; p < pv.ring_start[r + 1]; ++p)
                area[p] = static_cast<std::uint32_t>(a);
        }
    }
    return area;
}

// Links between every pair of distinct areas in `areas` (sorted and made distinct here).
void link_all_pairs(std::vector<std::uint32_t>& areas, std::vector<std::uint64_t>& links) {
    std::sort(areas.begin(), areas.end());
    areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
    for (std::size_t a = 0; a < areas.size(); ++a) {
        for (std::size_t b = a + 1; b < areas.size(); ++b) links.push_back(pack_link(areas[a], areas[b]));
    }
}

// Vertex ids: equal coordinates (exact) share an id. Also returns the queen links when asked.
struct VertexRecord {
    std::uint64_t kx;
    std::uint64_t ky;
    std::uint32_t point;
};

std::vector<std::uint32_t> exact_vertex_ids(const PolygonView& pv,
                                            const std::vector<std::uint32_t>& point_area,
                                            std::vector<std::uint64_t>* queen_links) {
    std::vector<VertexRecord> records;
    records.reserve(pv.xy.size() / 2);
    for (std::size_t r = 0; r + 1 < pv.ring_start.size(); ++r) {
        const std::size_t b = pv.ring_start[r];
        const std::size_t m = open_ring_length(pv, r);
        for (std::size_t p = b; p < b + m; ++p) {
            records.push_back({coordinate_bits(pv.xy[2 * p]), coordinate_bits(pv.xy[2 * p + 1]),
                               static_cast<std::uint32_t>(p)});
        }
    }
    tbb::parallel_sort(records.begin(), records.end(), [](const VertexRecord& a, const VertexRecord& b) {
        return a.kx != b.kx ? a.kx < b.kx : (a.ky != b.ky ? a.ky < b.ky : a.point < b.point);
    });
    std::vector<std::uint32_t> vertex_id(pv.xy.size() / 2, kDropped);
    std::vector<std::uint32_t> group_areas;
    std::uint32_t next_id = 0;
    for (std::size_t g = 0; g < records.size();) {
        std::size_t e = g + 1;
        while (e < records.size() && records[e].kx == records[g].kx && records[e].ky == records[g].ky) ++e;
        for (std::size_t k = g; k < e; ++k) vertex_id[records[k].point] = next_id;
        if (queen_links != nullptr && e - g > 1) {
            group_areas.clear();
            for (std::size_t k = g; k < e; ++k) group_areas.push_back(point_area[records[k].point]);
            link_all_pairs(group_areas, *queen_links);
        }
        ++next_id;
        g = e;
    }
    return vertex_id;
}

// Points sorted by grid cell, for neighbourhood searches with a fixed radius.
class CellIndex {
  public:
    struct Entry {
        std::int64_t cx;
        std::int64_t cy;
        std::uint32_t point;
    };

    CellIndex(std::span<const double> x, std::span<const double> y, double cell,
              const std::vector<std::uint8_t>* skip)
        : x_(x), y_(y), cell_(cell) {
        entries_.reserve(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (skip != nullptr && (*skip)[i] != 0) continue;
            entries_.push_back({cell_of(x[i]), cell_of(y[i]), static_cast<std::uint32_t>(i)});
        }
        tbb::parallel_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
            return a.cx != b.cx ? a.cx < b.cx : (a.cy != b.cy ? a.cy < b.cy : a.point < b.point);
        });
    }

    std::int64_t cell_of(double v) const {
        const double c = std::floor(v / cell_);
        if (!(std::fabs(c) < 9.0e15)) throw UsageError("coordinates too far apart for the search radius");
        return static_cast<std::int64_t>(c);
    }

    // Calls f(j) for every indexed point j in the 3x3 cells around point i's cell.
    template <class F>
    void for_each_candidate(std::size_t i, F&& f) const {
        const std::int64_t cx = cell_of(x_[i]);
        const std::int64_t cy = cell_of(y_[i]);
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
            auto lo = std::lower_bound(entries_.begin(), entries_.end(), std::pair{cx + dx, cy - 1},
                                       [](const Entry& e, const std::pair<std::int64_t, std::int64_t>& k) {
                                           return e.cx != k.first ? e.cx < k.first : e.cy < k.second;
                                       });
            for (auto it = lo; it != entries_.end() && it->cx == cx + dx && it->cy <= cy + 1; ++it)
                f(it->point);
        }
    }

  private:
    std::span<const double> x_;
    std::span<const double> y_;
    double cell_;
    std::vector<Entry> entries_;
};

struct UnionFind {
    std::vector<std::uint32_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0U); }
    std::uint32_t find(std::uint32_t a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a);
        b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

// Snapped contiguity: close point pairs (distance <= tol) between or within areas.
std::vector<std::uint64_t> close_point_pairs(const PolygonView& pv, double tol) {
    const std::size_t n_points = pv.xy.size() / 2;
    std::vector<double> x(n_points);
    std::vector<double> y(n_points);
    std::vector<std::uint8_t> skip(n_points, 1);
    for (std::size_t r = 0; r + 1 < pv.ring_start.size(); ++r) {
        const std::size_t b = pv.ring_start[r];
        const std::size_t m = open_ring_length(pv, r);
        for (std::size_t p = b; p < b + m; ++p) skip[p] = 0;
    }
    for (std::size_t p = 0; p < n_points; ++p) {
        x[p] = pv.xy[2 * p];
        y[p] = pv.xy[2 * p + 1];
    }
    const CellIndex index(x, y, tol, &skip);
    tbb::enumerable_thread_specific<std::vector<std::uint64_t>> local;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_points, 4096),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                          auto& out = local.local();
                          for (std::size_t p = range.begin(); p != range.end(); ++p) {
                              if (skip[p] != 0) continue;
                              index.for_each_candidate(p, [&](std::uint32_t q) {
                                  if (q <= p) return;
                                  const double dx = x[p] - x[q];
                                  const double dy = y[p] - y[q];
                                  if (std::sqrt(dx * dx + dy * dy) <= tol)
                                      out.push_back(pack_link(static_cast<std::uint32_t>(p), q));
                              });
                          }
                      });
    std::vector<std::uint64_t> pairs;
    for (auto& v : local) pairs.insert(pairs.end(), v.begin(), v.end());
    tbb::parallel_sort(pairs.begin(), pairs.end());
    return pairs;
}

void link_shared_edges(const PolygonView& pv, const std::vector<std::uint32_t>& vertex_id,
                       const std::vector<std::uint32_t>& point_area, std::vector<std::uint64_t>& links) {
    struct EdgeRecord {
        std::uint64_t edge;
        std::uint32_t area;
    };
    std::vector<EdgeRecord> edges;
    edges.reserve(pv.xy.size() / 2);
    for (std::size_t r = 0; r + 1 < pv.ring_start.size(); ++r) {
        const std::size_t b = pv.ring_start[r];
        const std::size_t m = open_ring_length(pv, r);
        if (m < 2) continue;
        for (std::size_t k = 0; k < m; ++k) {
            const std::uint32_t u = vertex_id[b + k];
            const std::uint32_t v = vertex_id[b + (k + 1 == m ? 0 : k + 1)];
            if (u == v) continue;
            edges.push_back({pack_link(std::min(u, v), std::max(u, v)), point_area[b]});
        }
    }
    tbb::parallel_sort(edges.begin(), edges.end(), [](const EdgeRecord& a, const EdgeRecord& b) {
        return a.edge != b.edge ? a.edge < b.edge : a.area < b.area;
    });
    std::vector<std::uint32_t> group_areas;
    for (std::size_t g = 0; g < edges.size();) {
        std::size_t e = g + 1;
        while (e < edges.size() && edges[e].edge == edges[g].edge) ++e;
        if (e - g > 1) {
            group_areas.clear();
            for (std::size_t k = g; k < e; ++k) group_areas.push_back(edges[k].area);
            link_all_pairs(group_areas, links);
        }
        g = e;
    }
}

// Open-addressing map from a grid cell key to its index.
class CellKeyMap {
  public:
    explicit CellKeyMap(std::size_t n) {
        std::size_t cap = 16;
        while (cap < 2 * n) cap <<= 1;
        keys_.assign(cap, 0);
        values_.assign(cap, kDropped);
        mask_ = cap - 1;
    }
    static std::uint64_t key_of(std::int32_t x, std::int32_t y) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) |
               static_cast<std::uint32_t>(y);
    }
    // Inserts; returns the index already stored for the key, or kDropped when new.
    std::uint32_t insert(std::uint64_t key, std::uint32_t value) {
        for (std::size_t s = slot(key);; s = (s + 1) & mask_) {
            if (values_[s] == kDropped) {
                keys_[s] = key;
                values_[s] = value;
                return kDropped;
            }
            if (keys_[s] == key) return values_[s];
        }
    }
    std::uint32_t find(std::uint64_t key) const {
        for (std::size_t s = slot(key);; s = (s + 1) & mask_) {
            if (values_[s] == kDropped) return kDropped;
            if (keys_[s] == key) return values_[s];
        }
    }

  private:
    std::size_t slot(std::uint64_t key) const {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
        return static_cast<std::size_t>(key) & mask_;
    }
    std::vector<std::uint64_t> keys_;
    std::vector<std::uint32_t> values_;
    std::size_t mask_ = 0;
};

// Builds CSR rows from per-row counts and a fill function writing each row's neighbours (sorted here).
template <class Count, class Fill>
Weights build_rows(std::size_t n, Count count, Fill fill) {
    Weights w;
    w.offsets.assign(n + 1, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t i = r.begin(); i != r.end(); ++i) w.offsets[i + 1] = count(i);
                      });
    for (std::size_t i = 0; i < n; ++i) w.offsets[i + 1] += w.offsets[i];
    w.neighbours.resize(w.offsets[n]);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t i = r.begin(); i != r.end(); ++i) {
                              std::uint32_t* row = w.neighbours.data() + w.offsets[i];
                              fill(i, row);
                              std::sort(row, w.neighbours.data() + w.offsets[i + 1]);
                          }
                      });
    w.weights.assign(w.neighbours.size(), 1.0);
    w.transform = Transform::kBinary;
    return w;
}

}  // namespace

std::string_view transform_name(Transform t) {
    switch (t) {
        case Transform::kBinary:
            return "B";
        case Transform::kRowStandardised:
            return "R";
        case Transform::kGeneral:
            return "general";
    }
    return "?";
}

std::vector<std::uint32_t> Weights::islands() const {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < size(); ++i) {
        std::size_t k = cardinality(i);
        if (self_included) {
            for (std::uint32_t j : neighbours_of(i)) k -= (j == i) ? 1 : 0;
        }
        if (k == 0) out.push_back(static_cast<std::uint32_t>(i));
    }
    return out;
}

bool Weights::is_symmetric() const {
    for (std::size_t i = 0; i < size(); ++i) {
        for (std::uint32_t j : neighbours_of(i)) {
            const auto row = neighbours_of(j);
            if (!std::binary_search(row.begin(), row.end(), static_cast<std::uint32_t>(i))) return false;
        }
    }
    return true;
}

Weights weights_from_links(std::size_t n, std::vector<std::uint64_t> links, bool symmetrise) {
    checked_u32(n, "areas");
    if (symmetrise) {
        const std::size_t m = links.size();
        links.reserve(2 * m);
        for (std::size_t k = 0; k < m; ++k) links.push_back((links[k] << 32) | (links[k] >> 32));
    }
    links.erase(std::remove_if(links.begin(), links.end(),
                               [](std::uint64_t l) { return (l >> 32) == (l & 0xffffffffULL); }),
                links.end());
    tbb::parallel_sort(links.begin(), links.end());
    links.erase(std::unique(links.begin(), links.end()), links.end());
    Weights w;
    w.offsets.assign(n + 1, 0);
    w.neighbours.resize(links.size());
    for (std::size_t k = 0; k < links.size(); ++k) {
        const std::size_t from = links[k] >> 32;
        const auto to = static_cast<std::uint32_t>(links[k] & 0xffffffffULL);
        if (from >= n || to >= n) throw InternalError("weights_from_links: area index out of range");
        ++w.offsets[from + 1];
        w.neighbours[k] = to;
    }
    for (std::size_t i = 0; i < n; ++i) w.offsets[i + 1] += w.offsets[i];
    w.weights.assign(links.size(), 1.0);
    return w;
}

Weights contiguity_weights(const PolygonView& pv, Contiguity kind, double snap_tolerance) {
    if (!(snap_tolerance >= 0) || !std::isfinite(snap_tolerance)) {
        throw UsageError("snap tolerance must be a finite distance >= 0");
    }
    const std::size_t n = pv.area_count();
    checked_u32(pv.xy.size() / 2, "polygon points");
    const std::vector<std::uint32_t> point_area = area_of_points(pv);
    std::vector<std::uint64_t> links;
    if (snap_tolerance == 0.0) {
        if (kind == Contiguity::kQueen) {
            exact_vertex_ids(pv, point_area, &links);
        } else {
            const std::vector<std::uint32_t> vid = exact_vertex_ids(pv, point_area, nullptr);
            link_shared_edges(pv, vid, point_area, links);
        }
        return weights_from_links(n, std::move(links), true);
    }
    const std::vector<std::uint64_t> pairs = close_point_pairs(pv, snap_tolerance);
    if (kind == Contiguity::kQueen) {
        for (std::uint64_t pq : pairs) {
            const std::uint32_t a = point_area[pq >> 32];
            const std::uint32_t b = point_area[pq & 0xffffffffULL];
            if (a != b) links.push_back(pack_link(std::min(a, b), std::max(a, b)));
        }
        return weights_from_links(n, std::move(links), true);
    }
    // Rook with tolerance: merge close points, then match edges of merged points; identical
    // coordinates are merged as well (distance 0 <= tolerance).
    UnionFind uf(pv.xy.size() / 2);
    for (std::uint64_t pq : pairs)
        uf.unite(static_cast<std::uint32_t>(pq >> 32), static_cast<std::uint32_t>(pq & 0xffffffffULL));
    std::vector<std::uint32_t> vid(pv.xy.size() / 2);
    for (std::size_t p = 0; p < vid.size(); ++p) vid[p] = uf.find(static_cast<std::uint32_t>(p));
    link_shared_edges(pv, vid, point_area, links);
    return weights_from_links(n, std::move(links), true);
}

Weights grid_weights(std::span<const std::int32_t> x100, std::span<const std::int32_t> y100,
                     GridNeighbourhood kind) {
    if (x100.size() != y100.size()) throw InternalError("grid_weights: x and y differ in length");
    const std::size_t n = x100.size();
    checked_u32(n, "cells");
    CellKeyMap map(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t before =
            map.insert(CellKeyMap::key_of(x100[i], y100[i]), static_cast<std::uint32_t>(i));
        if (before != kDropped) {
            throw UsageError("cell E" + std::to_string(x100[i]) + "N" + std::to_string(y100[i]) +
                             " given twice (positions " + std::to_string(before + 1) + " and " +
                             std::to_string(i + 1) + ")");
        }
    }
    static constexpr int kDx[] = {-1, 1, 0, 0, -1, -1, 1, 1};
    static constexpr int kDy[] = {0, 0, -1, 1, -1, 1, -1, 1};
    const int dirs = kind == GridNeighbourhood::kRook4 ? 4 : 8;
    auto neighbour = [&](std::size_t i, int d) {
        return map.find(CellKeyMap::key_of(x100[i] + kDx[d], y100[i] + kDy[d]));
    };
    return build_rows(
        n,
        [&](std::size_t i) {
            std::size_t k = 0;
            for (int d = 0; d < dirs; ++d) k += neighbour(i, d) != kDropped ? 1 : 0;
            return k;
        },
        [&](std::size_t i, std::uint32_t* row) {
            for (int d = 0; d < dirs; ++d) {
                const std::uint32_t j = neighbour(i, d);
                if (j != kDropped) *row++ = j;
            }
        });
}

Weights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k) {
    if (x.size() != y.size()) throw InternalError("knn_weights: x and y differ in length");
    if (k == 0) throw UsageError("knn_weights: k must be at least 1");
    const std::size_t n = x.size();
    checked_u32(n, "points");
    std::vector<std::uint32_t> valid;
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = min_x;
    double max_x = -min_x;
    double max_y = -min_x;
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        valid.push_back(static_cast<std::uint32_t>(i));
        min_x = std::min(min_x, x[i]);
        max_x = std::max(max_x, x[i]);
        min_y = std::min(min_y, y[i]);
        max_y = std::max(max_y, y[i]);
    }
    const std::size_t kk = valid.empty() ? 0 : std::min(k, valid.size() - 1);
    if (kk == 0)
        return build_rows(
            n, [](std::size_t) { return std::size_t{0}; }, [](std::size_t, std::uint32_t*) {});

    // A dense grid of about two points per cell (collinear points: cells along the line) over the
    // central 98% of the points: far outliers (a broken geometry's centroid) go to the edge cells
    // instead of stretching every cell. Clamping keeps cell order, so the search bound still holds.
    if (valid.size() >= 100) {
        std::vector<double> xs;
        std::vector<double> ys;
        for (std::uint32_t i : valid) {
            xs.push_back(x[i]);
            ys.push_back(y[i]);
        }
        const std::size_t lo = valid.size() / 100;
        const std::size_t hi = valid.size() - 1 - lo;
        std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(lo), xs.end());
        min_x = xs[lo];
        std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(hi), xs.end());
        max_x = xs[hi];
        std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(lo), ys.end());
        min_y = ys[lo];
        std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(hi), ys.end());
        max_y = ys[hi];
    }
    const double width = max_x - min_x;
    const double height = max_y - min_y;
    const auto points = static_cast<double>(valid.size());
    double cell = std::max(std::sqrt(2.0 * width * height / points), 2.0 * std::max(width, height) / points);
    if (!(cell > 0) || !std::isfinite(cell)) cell = 1.0;
    const auto nx = static_cast<std::int64_t>(std::floor(width / cell)) + 1;
    const auto ny = static_cast<std::int64_t>(std::floor(height / cell)) + 1;
    auto cell_index = [cell](double v, double origin, std::int64_t count) {
        const double c = std::floor((v - origin) / cell);
        return c <= 0                                ? std::int64_t{0}
               : c >= static_cast<double>(count - 1) ? count - 1
                                                     : static_cast<std::int64_t>(c);
    };
    auto cx_of = [&](double v) { return cell_index(v, min_x, nx); };
    auto cy_of = [&](double v) { return cell_index(v, min_y, ny); };
    std::vector<std::size_t> cell_start(static_cast<std::size_t>(nx * ny) + 1, 0);
    for (std::uint32_t i : valid) ++cell_start[static_cast<std::size_t>(cy_of(y[i]) * nx + cx_of(x[i])) + 1];
    for (std::size_t c = 0; c + 1 < cell_start.size(); ++c) cell_start[c + 1] += cell_start[c];
    std::vector<std::uint32_t> cell_points(valid.size());
    {
        std::vector<std::size_t> fill(cell_start.begin(), cell_start.end() - 1);
        for (std::uint32_t i : valid)
            cell_points[fill[static_cast<std::size_t>(cy_of(y[i]) * nx + cx_of(x[i]))]++] = i;
    }

    std::vector<std::uint8_t> is_valid(n, 0);
    for (std::uint32_t i : valid) is_valid[i] = 1;
    struct Candidate {
        double d2;
        std::uint32_t j;
        bool operator<(const Candidate& o) const { return d2 != o.d2 ? d2 < o.d2 : j < o.j; }
    };
    tbb::enumerable_thread_specific<std::vector<Candidate>> scratch;
    auto nearest = [&](std::size_t i, std::uint32_t* row) {
        auto& best = scratch.local();
        best.clear();
        const std::int64_t ci = cx_of(x[i]);
        const std::int64_t cj = cy_of(y[i]);
        auto consider = [&](std::int64_t gx, std::int64_t gy) {
            if (gx < 0 || gy < 0 || gx >= nx || gy >= ny) return;
            const auto c = static_cast<std::size_t>(gy * nx + gx);
            for (std::size_t p = cell_start[c]; p < cell_start[c + 1]; ++p) {
                const std::uint32_t j = cell_points[p];
                if (j == i) continue;
                const double dx = x[i] - x[j];
                const double dy = y[i] - y[j];
                const Candidate cand{dx * dx + dy * dy, j};
                if (best.size() == kk && !(cand < best.back())) continue;
                auto pos = std::upper_bound(best.begin(), best.end(), cand);
                best.insert(pos, cand);
                if (best.size() > kk) best.pop_back();
            }
        };
        const std::int64_t max_ring = std::max(nx, ny);
        for (std::int64_t ring = 0; ring <= max_ring; ++ring) {
            // The cells at Chebyshev distance `ring`, clipped to the grid.
            const std::int64_t x_lo = std::max<std::int64_t>(0, ci - ring);
            const std::int64_t x_hi = std::min<std::int64_t>(nx - 1, ci + ring);
            const std::int64_t y_lo = std::max<std::int64_t>(0, cj - ring + 1);
            const std::int64_t y_hi = std::min<std::int64_t>(ny - 1, cj + ring - 1);
            if (ring == 0) {
                consider(ci, cj);
            } else {
                for (std::int64_t gx = x_lo; gx <= x_hi; ++gx) {
                    if (cj - ring >= 0) consider(gx, cj - ring);
                    if (cj + ring < ny) consider(gx, cj + ring);
                }
                for (std::int64_t gy = y_lo; gy <= y_hi; ++gy) {
                    if (ci - ring >= 0) consider(ci - ring, gy);
                    if (ci + ring < nx) consider(ci + ring, gy);
                }
            }
            // Any point outside rings 0..ring is at least ring * cell away.
            const double reach = static_cast<double>(ring) * cell;
            if (best.size() == kk && best.back().d2 <= reach * reach) break;
        }
        for (std::size_t t = 0; t < best.size(); ++t) row[t] = best[t].j;
    };
    return build_rows(
        n, [&](std::size_t i) { return is_valid[i] != 0 ? kk : std::size_t{0}; },
        [&](std::size_t i, std::uint32_t* row) {
            if (is_valid[i] != 0) nearest(i, row);
        });
}

Weights distance_band_weights(std::span<const double> x, std::span<const double> y, double max_distance) {
    if (x.size() != y.size()) throw InternalError("distance_band_weights: x and y differ in length");
    if (!(max_distance > 0) || !std::isfinite(max_distance))
        throw UsageError("distance band must be a finite distance > 0");
    const std::size_t n = x.size();
    checked_u32(n, "points");
    std::vector<std::uint8_t> skip(n, 0);
    for (std::size_t i = 0; i < n; ++i) skip[i] = (std::isfinite(x[i]) && std::isfinite(y[i])) ? 0 : 1;
    const CellIndex index(x, y, max_distance, &skip);
    auto within = [&](std::size_t i, std::uint32_t j) {
        if (j == i) return false;
        const double dx = x[i] - x[j];
        const double dy = y[i] - y[j];
        return std::sqrt(dx * dx + dy * dy) <= max_distance;
    };
    return build_rows(
        n,
        [&](std::size_t i) {
            std::size_t k = 0;
            if (skip[i] == 0)
                index.for_each_candidate(i, [&](std::uint32_t j) { k += within(i, j) ? 1 : 0; });
            return k;
        },
        [&](std::size_t i, std::uint32_t* row) {
            if (skip[i] == 0)
                index.for_each_candidate(i, [&](std::uint32_t j) {
                    if (within(i, j)) *row++ = j;
                });
        });
}

Weights with_transform(Weights w, Transform t) {
    switch (t) {
        case Transform::kBinary:
            std::fill(w.weights.begin(), w.weights.end(), 1.0);
            break;
        case Transform::kRowStandardised:
            for (std::size_t i = 0; i < w.size(); ++i) {
                double sum = 0;
                for (std::size_t e = w.offsets[i]; e < w.offsets[i + 1]; ++e) sum += w.weights[e];
                if (sum == 0) continue;
                for (std::size_t e = w.offsets[i]; e < w.offsets[i + 1]; ++e) w.weights[e] /= sum;
            }
            break;
        case Transform::kGeneral:
            break;
    }
    w.transform = t;
    return w;
}

Weights with_self(const Weights& w) {
    Weights out;
    out.transform = w.transform;
    out.self_included = true;
    out.offsets.assign(w.size() + 1, 0);
    out.neighbours.reserve(w.link_count() + w.size());
    out.weights.reserve(w.link_count() + w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        const auto self = static_cast<std::uint32_t>(i);
        const bool has_self = std::binary_search(row.begin(), row.end(), self);
        bool placed = has_self;
        for (std::size_t e = 0; e < row.size(); ++e) {
            if (!placed && row[e] > self) {
                out.neighbours.push_back(self);
                out.weights.push_back(1.0);
                placed = true;
            }
            out.neighbours.push_back(row[e]);
            out.weights.push_back(wts[e]);
        }
        if (!placed) {
            out.neighbours.push_back(self);
            out.weights.push_back(1.0);
        }
        out.offsets[i + 1] = out.neighbours.size();
    }
    return out;
}

Weights subset_weights(const Weights& w, std::span<const std::uint8_t> keep,
                       std::vector<std::uint32_t>* new_index) {
    if (keep.size() != w.size()) throw InternalError("subset_weights: keep has the wrong length");
    std::vector<std::uint32_t> index(w.size(), kDropped);
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (keep[i] != 0) index[i] = next++;
    }
    Weights out;
    out.transform = w.transform;
    out.self_included = w.self_included;
    out.offsets.assign(static_cast<std::size_t>(next) + 1, 0);
    out.neighbours.reserve(w.link_count());
    out.weights.reserve(w.link_count());
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (index[i] == kDropped) continue;
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        for (std::size_t e = 0; e < row.size(); ++e) {
            if (index[row[e]] == kDropped) continue;
            out.neighbours.push_back(index[row[e]]);
            out.weights.push_back(wts[e]);
        }
        out.offsets[index[i] + 1] = out.neighbours.size();
    }
    if (new_index != nullptr) *new_index = std::move(index);
    return out;
}

WeightsSummary summarise(const Weights& w) {
    WeightsSummary s;
    s.areas = w.size();
    s.links = w.link_count();
    s.islands = w.islands().size();
    s.symmetric = w.is_symmetric();
    if (w.size() == 0) return s;
    s.min_neighbours = std::numeric_limits<std::size_t>::max();
    for (std::size_t i = 0; i < w.size(); ++i) {
        s.min_neighbours = std::min(s.min_neighbours, w.cardinality(i));
        s.max_neighbours = std::max(s.max_neighbours, w.cardinality(i));
    }
    s.mean_neighbours = static_cast<double>(w.link_count()) / static_cast<double>(w.size());
    return s;
}

}  // namespace wz::spatial
