#include "synth/polygons.hpp"

#include <cpl_conv.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace wz::synth {
namespace {

struct Edge {
    std::int32_t x, y;  // start vertex (cell corner units, bbox-relative)
    std::uint8_t dir;   // 0 +x, 1 +y, 2 -x, 3 -y
};
constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};

std::uint64_t vkey(std::int32_t x, std::int32_t y) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) | static_cast<std::uint32_t>(y);
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_f64(std::vector<std::uint8_t>& out, double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

using Ring = std::vector<std::pair<std::int32_t, std::int32_t>>;

double signed_area(const Ring& r) {
    double a = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const auto& p = r[i];
        const auto& q = r[(i + 1) % r.size()];
        a += static_cast<double>(p.first) * q.second - static_cast<double>(q.first) * p.second;
    }
    return a / 2;
}

bool inside(const Ring& r, double x, double y) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        const double xi = r[i].first, yi = r[i].second, xj = r[j].first, yj = r[j].second;
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}

std::vector<std::uint8_t> rings_to_wkb(const GridFrame& f, std::vector<Edge>& edges) {
    const std::size_t n = edges.size();
    std::vector<std::uint32_t> by_start(n);
    for (std::size_t i = 0; i < n; ++i) by_start[i] = static_cast<std::uint32_t>(i);
    std::sort(by_start.begin(), by_start.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto ka = vkey(edges[a].x, edges[a].y), kb = vkey(edges[b].x, edges[b].y);
        return ka != kb ? ka < kb : a < b;
    });
    std::vector<std::uint64_t> keys(n);
    for (std::size_t i = 0; i < n; ++i) keys[i] = vkey(edges[by_start[i]].x, edges[by_start[i]].y);
    std::vector<std::uint8_t> used(n, 0);
    std::vector<Ring> outers, holes;
    std::vector<Edge> hole_first;
    for (std::size_t s = 0; s < n; ++s) {
        const std::uint32_t e0 = by_start[s];
        if (used[e0]) continue;
        Ring ring;
        std::uint32_t cur = e0;
        used[cur] = 1;
        std::uint8_t prev_dir = edges[cur].dir;
        ring.emplace_back(edges[cur].x, edges[cur].y);
        for (;;) {
            const std::int32_t vx = edges[cur].x + kDx[edges[cur].dir];
            const std::int32_t vy = edges[cur].y + kDy[edges[cur].dir];
            const auto range = std::equal_range(keys.begin(), keys.end(), vkey(vx, vy));
            std::int64_t best = -1;
            int best_rank = 9;
            for (auto it = range.first; it != range.second; ++it) {
                const std::uint32_t e = by_start[static_cast<std::size_t>(it - keys.begin())];
                if (used[e] && e != e0) continue;
                const int turn = (edges[e].dir - edges[cur].dir + 4) % 4;  // 1 left, 0 straight, 3 right
                const int rank = turn == 1 ? 0 : turn == 0 ? 1 : 2;
                if (rank < best_rank) {
                    best_rank = rank;
                    best = e;
                }
            }
            if (best < 0) throw std::logic_error("dissolve: open ring");
            const auto next = static_cast<std::uint32_t>(best);
            if (next == e0) break;
            used[next] = 1;
            if (edges[next].dir != prev_dir) ring.emplace_back(edges[next].x, edges[next].y);
            prev_dir = edges[next].dir;
            cur = next;
        }
        // The start vertex is redundant when the closing edge runs straight into the first edge.
        if (ring.size() > 4 && edges[cur].dir == edges[e0].dir) ring.erase(ring.begin());
        if (signed_area(ring) > 0) {
            outers.push_back(std::move(ring));
        } else {
            holes.push_back(std::move(ring));
            hole_first.push_back(edges[e0]);
        }
    }
    // Holes belong to the smallest outer ring that contains a point just inside the area next to them.
    std::vector<std::vector<std::size_t>> holes_of(outers.size());
    std::vector<double> outer_area(outers.size());
    for (std::size_t o = 0; o < outers.size(); ++o) outer_area[o] = signed_area(outers[o]);
    for (std::size_t k = 0; k < holes.size(); ++k) {
        std::size_t owner = 0;
        if (outers.size() > 1) {
            const Edge& e = hole_first[k];
            const double px = e.x + 0.5 * kDx[e.dir] - 0.25 * kDy[e.dir];
            const double py = e.y + 0.5 * kDy[e.dir] + 0.25 * kDx[e.dir];
            double best = 1e300;
            for (std::size_t o = 0; o < outers.size(); ++o) {
                if (outer_area[o] < best && inside(outers[o], px, py)) {
                    best = outer_area[o];
                    owner = o;
                }
            }
        }
        if (!outers.empty()) holes_of[owner].push_back(k);
    }
    std::vector<std::uint8_t> out;
    out.push_back(1);
    put_u32(out, 6);
    put_u32(out, static_cast<std::uint32_t>(outers.size()));
    auto put_ring = [&](const Ring& r) {
        put_u32(out, static_cast<std::uint32_t>(r.size() + 1));
        for (std::size_t i = 0; i <= r.size(); ++i) {
            const auto& p = r[i % r.size()];
            put_f64(out, (f.x0 + p.first) * 100.0);
            put_f64(out, (f.y0 + p.second) * 100.0);
        }
    };
    for (std::size_t o = 0; o < outers.size(); ++o) {
        out.push_back(1);
        put_u32(out, 3);
        put_u32(out, static_cast<std::uint32_t>(1 + holes_of[o].size()));
        put_ring(outers[o]);
        for (auto k : holes_of[o]) put_ring(holes[k]);
    }
    return out;
}

}  // namespace

std::vector<std::vector<std::uint8_t>> dissolve(const GridFrame& f, const std::vector<std::int32_t>& label, std::size_t n) {
    // Boundary edges, oriented with the area on their left, bucketed by label.
    std::vector<std::size_t> count(n + 1, 0);
    auto lab = [&](int x, int y) -> std::int32_t {
        if (x < 0 || y < 0 || x >= f.w || y >= f.h) return -1;
        return label[static_cast<std::size_t>(y) * static_cast<std::size_t>(f.w) + static_cast<std::size_t>(x)];
    };
    auto visit = [&](auto&& emit) {
        for (int y = 0; y < f.h; ++y) {
            for (int x = 0; x < f.w; ++x) {
                const std::int32_t a = lab(x, y);
                if (a < 0) continue;
                if (lab(x, y - 1) != a) emit(a, Edge{x, y, 0});
                if (lab(x + 1, y) != a) emit(a, Edge{x + 1, y, 1});
                if (lab(x, y + 1) != a) emit(a, Edge{x + 1, y + 1, 2});
                if (lab(x - 1, y) != a) emit(a, Edge{x, y + 1, 3});
            }
        }
    };
    visit([&](std::int32_t a, const Edge&) { ++count[static_cast<std::size_t>(a) + 1]; });
    for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    std::vector<Edge> edges(count[n]);
    std::vector<std::size_t> pos(count.begin(), count.end() - 1);
    visit([&](std::int32_t a, const Edge& e) { edges[pos[static_cast<std::size_t>(a)]++] = e; });
    std::vector<std::vector<std::uint8_t>> out(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t a) {
        if (count[a + 1] == count[a]) return;
        std::vector<Edge> mine(edges.begin() + static_cast<std::ptrdiff_t>(count[a]), edges.begin() + static_cast<std::ptrdiff_t>(count[a + 1]));
        out[a] = rings_to_wkb(f, mine);
    });
    return out;
}

void write_gpkg(const std::string& path, const std::string& layer_name, const std::vector<std::string>& fields,
                const std::vector<std::vector<std::string>>& rows, const std::vector<std::vector<std::uint8_t>>& wkb) {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    std::error_code ec;
    std::filesystem::remove(path, ec);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (drv == nullptr) throw std::runtime_error("GDAL has no GPKG driver");
    struct Closer {
        void operator()(GDALDataset* d) const { GDALClose(d); }
    };
    std::unique_ptr<GDALDataset, Closer> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw std::runtime_error(fmt::format("cannot create {}: {}", path, CPLGetLastErrorMsg()));
    OGRSpatialReference rd;
    rd.importFromEPSG(28992);
    rd.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES", nullptr};
    OGRLayer* out = ds->CreateLayer(layer_name.c_str(), &rd, wkbMultiPolygon, const_cast<char**>(options));
    if (out == nullptr) throw std::runtime_error(fmt::format("cannot create layer {}: {}", layer_name, CPLGetLastErrorMsg()));
    for (const auto& name : fields) {
        OGRFieldDefn def(name.c_str(), OFTString);
        out->CreateField(&def);
    }
    if (out->StartTransaction() != OGRERR_NONE) throw std::runtime_error("cannot start a GeoPackage transaction");
    for (std::size_t r = 0; r < rows.size(); ++r) {
        OGRFeature feat(out->GetLayerDefn());
        for (std::size_t k = 0; k < fields.size(); ++k) feat.SetField(static_cast<int>(k), rows[r][k].c_str());
        if (!wkb[r].empty()) {
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(wkb[r].data(), &rd, &g, wkb[r].size()) != OGRERR_NONE) {
                throw std::runtime_error(fmt::format("invalid geometry for {}", rows[r].empty() ? "" : rows[r][0]));
            }
            feat.SetGeometryDirectly(g);
        }
        if (out->CreateFeature(&feat) != OGRERR_NONE) throw std::runtime_error(fmt::format("cannot write feature: {}", CPLGetLastErrorMsg()));
    }
    if (out->CommitTransaction() != OGRERR_NONE) throw std::runtime_error("cannot commit the GeoPackage layer");
    ds.reset();
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr);
}

}  // namespace wz::synth
