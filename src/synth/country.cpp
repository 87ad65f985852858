// The synthetic country: land, cities, population per cell, the nested area hierarchy (restricted power
// diagrams on the 100 m grid, level by level), population per year, tenure and planted areas.
#include "synth/country.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace wz::synth {

int lbm2_class(double absolute) {
    int k = 1;
    for (double e : kClassEdges) {
        if (absolute > e) ++k;
    }
    return k;
}

NoiseField::NoiseField(std::uint64_t seed, std::uint64_t id, double width, double height, double spacing)
    : spacing_(spacing),
      nx_(static_cast<int>(std::ceil(width / spacing)) + 2),
      ny_(static_cast<int>(std::ceil(height / spacing)) + 2) {
    values_.resize(static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_));
    Rng rng(seed, Stream::kLattice, id);
    for (auto& v : values_) v = rng.normal() * 1.6;  // bilinear smoothing shrinks the variance
}

double NoiseField::at(double x, double y) const {
    const double gx = std::clamp(x / spacing_, 0.0, static_cast<double>(nx_ - 2) - 1e-9);
    const double gy = std::clamp(y / spacing_, 0.0, static_cast<double>(ny_ - 2) - 1e-9);
    const int ix = static_cast<int>(gx);
    const int iy = static_cast<int>(gy);
    double fx = gx - ix;
    double fy = gy - iy;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    auto v = [&](int a, int b) { return values_[static_cast<std::size_t>(b) * static_cast<std::size_t>(nx_) + static_cast<std::size_t>(a)]; };
    const double a = v(ix, iy) + (v(ix + 1, iy) - v(ix, iy)) * fx;
    const double b = v(ix, iy + 1) + (v(ix + 1, iy + 1) - v(ix, iy + 1)) * fx;
    return a + (b - a) * fy;
}

namespace {

using Idx = std::uint32_t;

std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }

// ---- names -------------------------------------------------------------------------------------------

const char* const kStems[] = {"Aal", "Bres", "Cor", "Dal", "Eem", "Fries", "Gel", "Har", "Hol", "Kam", "Lin", "Mid",
                              "Nij", "Ol", "Pur", "Rijs", "Sted", "Ter", "Ur", "Vlie", "Wes", "Zwa", "Bor", "Dok",
                              "Ede", "Goor", "Hee", "Lun", "Mep", "Oos", "Put", "Raal", "Scha", "Twel", "Vel", "Wier",
                              "Zan", "Ame", "Bus", "Cul"};
const char* const kSuffixes[] = {"veen", "dam", "dijk", "wolde", "horst", "broek", "hoven", "zijl", "kerk", "sloot", "wijk",
                                 "meer", "berg", "loo", "beek", "rade", "hem", "lo", "ingen", "um", "dorp", "haven",
                                 "burg", "stad"};
const char* const kBuurtWords[] = {"Centrum", "Oude Dorp", "Stationsbuurt", "Molenbuurt", "Kerkbuurt", "Bloemenbuurt",
                                   "Vogelbuurt", "Schildersbuurt", "Rivierenbuurt", "Bomenbuurt", "Parkwijk", "Havenkwartier",
                                   "Bedrijventerrein", "Buitengebied", "Nieuwbouw", "Componistenbuurt", "Dichtersbuurt",
                                   "Sportpark", "Lanen", "Velden", "Hoven", "Weiden", "Akkers", "Kreken"};

std::string place_name(std::uint64_t seed, std::uint64_t id) {
    Rng rng(seed, Stream::kNames, id);
    std::string n = std::string(kStems[rng.below(std::size(kStems))]) + kSuffixes[rng.below(std::size(kSuffixes))];
    if (rng.chance(0.12)) n = std::string(rng.chance(0.5) ? "Nieuw-" : "Oud-") + n;
    return n;
}

// ---- land --------------------------------------------------------------------------------------------

void make_land(Country& c) {
    const double land_cells = 3.5e6 * c.scale;
    const double bbox = land_cells / 0.86;
    c.w = std::max(24, static_cast<int>(std::lround(std::sqrt(bbox * 0.75))));
    c.h = std::max(32, static_cast<int>(std::lround(bbox / c.w)));
    c.x0 = 1400 - c.w / 2;
    c.y0 = 4620 - c.h / 2;
    const double W = c.w, H = c.h;
    Rng rng(c.seed, Stream::kLand, 0);
    const double phase = rng.uniform(0, 6.283);
    const double lx = rng.uniform(0.5, 0.62) * W, ly = rng.uniform(0.66, 0.76) * H;
    const double lrx = 0.09 * W, lry = 0.06 * H;
    NoiseField coast(c.seed, 1, 1.0, H, std::max(4.0, H / 12));
    NoiseField lake(c.seed, 2, W, H, std::max(3.0, W / 20));
    c.buurt_of.assign(sz(c.w) * sz(c.h), -1);
    tbb::parallel_for(tbb::blocked_range<int>(0, c.h), [&](const tbb::blocked_range<int>& rows) {
        for (int y = rows.begin(); y < rows.end(); ++y) {
            const double cx = W * (0.04 + 0.06 * (0.5 + 0.5 * std::sin(phase + 9.0 * y / H)) + 0.025 * coast.at(0.0, y));
            for (int x = 0; x < c.w; ++x) {
                bool land = x >= cx;
                const double ex = (x - lx) / lrx, ey = (y - ly) / lry;
                if (ex * ex + ey * ey < 1.0 + 0.25 * lake.at(x, y)) land = false;
                c.buurt_of[sz(y) * sz(c.w) + sz(x)] = land ? 0 : -1;
            }
        }
    });
}

bool is_land(const Country& c, double x, double y) {
    const long ix = std::lround(std::floor(x)), iy = std::lround(std::floor(y));
    if (ix < 0 || iy < 0 || ix >= c.w || iy >= c.h) return false;
    return c.buurt_of[sz(iy) * sz(c.w) + sz(ix)] >= 0;
}

// ---- cities and population ------------------------------------------------------------------------------

void make_cities(Country& c) {
    const double s = c.scale;
    const double total = 17.9e6 * s;
    std::vector<double> sizes{900e3, 650e3, 550e3, 350e3};
    for (int r = 1; r <= 40; ++r) sizes.push_back(300e3 / std::sqrt(static_cast<double>(r)));
    const int towns = std::max(40, static_cast<int>(std::lround(2500 * std::min(1.0, std::sqrt(s)))));
    double big = 0;
    for (double& v : sizes) {
        v *= s;
        big += v;
    }
    double tsum = 0;
    for (int r = 1; r <= towns; ++r) tsum += 1.0 / std::sqrt(static_cast<double>(r));
    const double town_total = std::max(0.0, 0.84 * total - big);
    for (int r = 1; r <= towns; ++r) sizes.push_back(town_total / tsum / std::sqrt(static_cast<double>(r)));
    const double W = c.w, H = c.h;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        City city;
        city.rank = static_cast<int>(i) + 1;
        city.cls = i < 4 ? 0 : i < 44 ? 1 : 2;
        city.pop = sizes[i];
        const double real = sizes[i] / s;
        city.d0 = 60 + 200 * std::sqrt(real / 900e3);
        city.r0 = std::sqrt(city.pop / (6.283185307179586 * city.d0));
        city.name = place_name(c.seed, 1000 + i);
        const double spacing = city.cls == 0 ? 0.12 * W : city.cls == 1 ? 0.05 * std::min(W, H) : 0.0;
        Rng rng(c.seed, Stream::kCity, i);
        for (int attempt = 0; attempt < 400; ++attempt) {
            if (city.cls == 0) {
                city.x = rng.uniform(0.15, 0.5) * W;
                city.y = rng.uniform(0.3, 0.65) * H;
            } else {
                city.x = rng.uniform(0.03, 0.97) * W;
                city.y = rng.uniform(0.03, 0.97) * H;
            }
            if (!is_land(c, city.x, city.y)) continue;
            bool ok = true;
            for (const City& o : c.cities) {
                if (o.cls > city.cls) continue;
                const double need = std::max(spacing, 2.5 * (o.r0 + city.r0) * (city.cls == 2 ? 0.5 : 1.0));
                if (std::hypot(o.x - city.x, o.y - city.y) < need * (attempt < 300 ? 1.0 : 0.3)) {
                    ok = false;
                    break;
                }
            }
            if (ok) break;
        }
        c.cities.push_back(std::move(city));
    }
    // Unique names.
    std::map<std::string, int> seen;
    for (auto& city : c.cities) {
        const int n = ++seen[city.name];
        if (n > 1) city.name += fmt::format(" {}", n);
    }
}

void make_population(Country& c) {
    const std::size_t n = sz(c.w) * sz(c.h);
    c.lambda.assign(n, 0.0);
    // Cities: exponential density profiles, added city by city in a fixed order.
    for (const City& city : c.cities) {
        const double reach = 6 * city.r0 + 1;
        const int xa = std::max(0, static_cast<int>(city.x - reach)), xb = std::min(c.w - 1, static_cast<int>(city.x + reach));
        const int ya = std::max(0, static_cast<int>(city.y - reach)), yb = std::min(c.h - 1, static_cast<int>(city.y + reach));
        for (int y = ya; y <= yb; ++y) {
            for (int x = xa; x <= xb; ++x) {
                const std::size_t i = sz(y) * sz(c.w) + sz(x);
                if (c.buurt_of[i] < 0) continue;
                const double d = std::hypot(x + 0.5 - city.x, y + 0.5 - city.y);
                if (d > reach) continue;
                c.lambda[i] += city.d0 * std::exp(-d / city.r0);
            }
        }
    }
    double land = 0;
    for (std::size_t i = 0; i < n; ++i) land += c.buurt_of[i] >= 0 ? 1.0 : 0.0;
    // 1.036: what the open-land cut and the rounding of small cells lose (measured at scales 0.1 and 1).
    const double total = 17.9e6 * c.scale * 1.036;
    const double rural_total = 0.12 * total;
    const double occupancy = 0.035;
    const double rural_mean = rural_total / std::max(1.0, occupancy * land);
    // Built-up cells: the city profile above a threshold, scaled so that the cities hold the rest.
    constexpr double kBuilt = 14.0;
    double city_factor = 1.0;
    for (int it = 0; it < 4; ++it) {
        double kept = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = c.lambda[i] * city_factor;
            if (c.buurt_of[i] >= 0 && v >= kBuilt) kept += v;
        }
        city_factor *= (total - rural_total) / std::max(1.0, kept) / 0.93;  // 0.93: parks and industry
    }
    NoiseField villages(c.seed, 3, c.w, c.h, 25);
    // Realised residents in the base year (2022), one independent stream per cell.
    tbb::parallel_for(tbb::blocked_range<int>(0, c.h), [&](const tbb::blocked_range<int>& rows) {
        for (int y = rows.begin(); y < rows.end(); ++y) {
            for (int x = 0; x < c.w; ++x) {
                const std::size_t i = sz(y) * sz(c.w) + sz(x);
                if (c.buurt_of[i] < 0) {
                    c.lambda[i] = 0;
                    continue;
                }
                Rng rng(c.seed, Stream::kCellPop, i);
                double v = c.lambda[i] * city_factor;
                if (v < kBuilt || rng.chance(0.07)) v = 0;  // open land; parks, industry, water in town
                v *= rng.lognormal(-0.06, 0.35);
                const double q = occupancy * std::clamp(0.7 + 0.6 * villages.at(x, y), 0.1, 2.5);
                if (rng.chance(q)) v += 1 + static_cast<double>(rng.poisson(rural_mean - 1));
                c.lambda[i] = v < 0.6 ? 0.0 : std::round(v);
            }
        }
    });
}

// ---- hierarchy ------------------------------------------------------------------------------------------

struct Seed {
    double x, y, w2;
    bool fixed;
};

// Assigns every cell with parent label p >= 0 to the nearest (power distance) seed of p.
// Returns the local seed index per cell (-1 outside).
std::vector<std::int32_t> assign(const Country& c, const std::vector<std::int32_t>& parent,
                                 const std::vector<std::vector<Seed>>& seeds) {
    std::vector<std::int32_t> out(parent.size(), -1);
    tbb::parallel_for(tbb::blocked_range<int>(0, c.h), [&](const tbb::blocked_range<int>& rows) {
        for (int y = rows.begin(); y < rows.end(); ++y) {
            for (int x = 0; x < c.w; ++x) {
                const std::size_t i = sz(y) * sz(c.w) + sz(x);
                const std::int32_t p = parent[i];
                if (p < 0) continue;
                const auto& s = seeds[sz(p)];
                double best = 1e300;
                std::int32_t arg = -1;
                for (std::size_t k = 0; k < s.size(); ++k) {
                    const double dx = x + 0.5 - s[k].x, dy = y + 0.5 - s[k].y;
                    const double d = dx * dx + dy * dy - s[k].w2;
                    if (d < best) {
                        best = d;
                        arg = static_cast<std::int32_t>(k);
                    }
                }
                out[i] = arg;
            }
        }
    });
    return out;
}

struct LevelResult {
    std::vector<std::int32_t> label;   // child index per cell
    std::vector<std::int32_t> parent;  // per child
    std::vector<std::int32_t> local;   // per child: number within its parent
    std::vector<std::int32_t> seed_of; // per child: the seed it came from (local index)
};

// Splits each parent into seeds.size() children by a restricted power diagram with `lloyd` weighted
// centroid iterations for the seeds that are not fixed; empty children are dropped.
LevelResult split_level(const Country& c, const std::vector<std::int32_t>& parent, std::size_t n_parents,
                        std::vector<std::vector<Seed>> seeds, const std::vector<double>& weight, int lloyd) {
    std::vector<std::int32_t> local;
    for (int it = 0; it <= lloyd; ++it) {
        local = assign(c, parent, seeds);
        if (it == lloyd) break;
        std::vector<std::size_t> offset(n_parents + 1, 0);
        for (std::size_t p = 0; p < n_parents; ++p) offset[p + 1] = offset[p] + seeds[p].size();
        std::vector<double> sx(offset.back(), 0), sy(offset.back(), 0), sw(offset.back(), 0);
        for (std::size_t i = 0; i < parent.size(); ++i) {
            if (parent[i] < 0) continue;
            const std::size_t k = offset[sz(parent[i])] + sz(local[i]);
            const double wt = weight[i];
            sx[k] += wt * (static_cast<double>(i % sz(c.w)) + 0.5);
            sy[k] += wt * (static_cast<double>(i / sz(c.w)) + 0.5);
            sw[k] += wt;
        }
        for (std::size_t p = 0; p < n_parents; ++p) {
            for (std::size_t k = 0; k < seeds[p].size(); ++k) {
                const std::size_t g = offset[p] + k;
                if (seeds[p][k].fixed || sw[g] <= 0) continue;
                seeds[p][k].x = sx[g] / sw[g];
                seeds[p][k].y = sy[g] / sw[g];
            }
        }
    }
    // Children present, numbered by parent then seed.
    std::vector<std::size_t> offset(n_parents + 1, 0);
    for (std::size_t p = 0; p < n_parents; ++p) offset[p + 1] = offset[p] + seeds[p].size();
    std::vector<std::uint8_t> used(offset.back(), 0);
    for (std::size_t i = 0; i < parent.size(); ++i) {
        if (parent[i] >= 0) used[offset[sz(parent[i])] + sz(local[i])] = 1;
    }
    LevelResult r;
    std::vector<std::int32_t> index(offset.back(), -1);
    for (std::size_t p = 0; p < n_parents; ++p) {
        std::int32_t n = 0;
        for (std::size_t k = 0; k < seeds[p].size(); ++k) {
            if (!used[offset[p] + k]) continue;
            index[offset[p] + k] = static_cast<std::int32_t>(r.parent.size());
            r.parent.push_back(static_cast<std::int32_t>(p));
            r.local.push_back(n++);
            r.seed_of.push_back(static_cast<std::int32_t>(k));
        }
    }
    r.label.assign(parent.size(), -1);
    for (std::size_t i = 0; i < parent.size(); ++i) {
        if (parent[i] >= 0) r.label[i] = index[offset[sz(parent[i])] + sz(local[i])];
    }
    return r;
}

// Children per parent: proportional to weight (largest remainder), at least 1, at most cap and cells.
std::vector<std::size_t> apportion(const std::vector<double>& w, std::size_t total, std::size_t cap,
                                   const std::vector<std::size_t>& cells) {
    const std::size_t n = w.size();
    std::vector<std::size_t> out(n, 1);
    if (total <= n) return out;
    const double sum = std::accumulate(w.begin(), w.end(), 0.0);
    std::vector<std::pair<double, std::size_t>> rem;
    std::size_t given = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double exact = sum > 0 ? w[i] / sum * static_cast<double>(total) : 1.0;
        out[i] = std::max<std::size_t>(1, static_cast<std::size_t>(exact));
        rem.emplace_back(exact - std::floor(exact), i);
        given += out[i];
    }
    std::sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (std::size_t k = 0; given < total && k < rem.size(); ++k, ++given) ++out[rem[k].second];
    for (std::size_t i = 0; i < n; ++i) out[i] = std::min({out[i], cap, std::max<std::size_t>(1, cells[i])});
    return out;
}

// Cells of each parent (bbox indices, ascending).
std::vector<std::vector<Idx>> cells_by_parent(const std::vector<std::int32_t>& label, std::size_t n) {
    std::vector<std::vector<Idx>> out(n);
    for (std::size_t i = 0; i < label.size(); ++i) {
        if (label[i] >= 0) out[sz(label[i])].push_back(static_cast<Idx>(i));
    }
    return out;
}

// k seeds per parent drawn with probability proportional to weight (stratified over the cell list).
std::vector<std::vector<Seed>> sample_seeds(const Country& c, const std::vector<std::vector<Idx>>& cells,
                                            const std::vector<std::size_t>& k, const std::vector<double>& weight,
                                            std::uint64_t level) {
    std::vector<std::vector<Seed>> out(cells.size());
    tbb::parallel_for(std::size_t{0}, cells.size(), [&](std::size_t p) {
        const auto& list = cells[p];
        if (list.empty()) return;
        std::vector<double> cum(list.size());
        double s = 0;
        for (std::size_t i = 0; i < list.size(); ++i) cum[i] = (s += weight[list[i]] + 1e-9);
        Rng rng(c.seed, Stream::kSeeds, p, level);
        for (std::size_t j = 0; j < k[p]; ++j) {
            const double u = (static_cast<double>(j) + rng.uniform()) / static_cast<double>(k[p]) * s;
            const std::size_t at = std::min(list.size() - 1, static_cast<std::size_t>(std::lower_bound(cum.begin(), cum.end(), u) - cum.begin()));
            const Idx cell = list[at];
            out[p].push_back({static_cast<double>(cell % static_cast<Idx>(c.w)) + rng.uniform(0.2, 0.8),
                              static_cast<double>(cell / static_cast<Idx>(c.w)) + rng.uniform(0.2, 0.8), 0.0, false});
        }
    });
    return out;
}

std::vector<double> sum_by(const std::vector<std::int32_t>& label, const std::vector<double>& w, std::size_t n) {
    std::vector<double> out(n, 0.0);
    for (std::size_t i = 0; i < label.size(); ++i) {
        if (label[i] >= 0) out[sz(label[i])] += w[i];
    }
    return out;
}

void build_hierarchy(Country& c, const Progress& progress) {
    const std::size_t n = c.buurt_of.size();
    const double s = c.scale;
    std::vector<double> w_area(n), w_mix(n), w_pop(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double p = c.lambda[i];
        w_area[i] = c.buurt_of[i] >= 0 ? 1.0 : 0.0;
        w_mix[i] = c.buurt_of[i] >= 0 ? 1.0 + p / 20.0 : 0.0;
        w_pop[i] = c.buurt_of[i] >= 0 ? p + 0.25 : 0.0;
    }
    std::vector<std::int32_t> root(n);
    for (std::size_t i = 0; i < n; ++i) root[i] = c.buurt_of[i] >= 0 ? 0 : -1;

    // Provincies: 12 seeds on a jittered 3 x 4 layout.
    std::vector<std::vector<Seed>> pv_seeds(1);
    {
        Rng rng(c.seed, Stream::kSeeds, 0, 100);
        for (int j = 0; j < 4; ++j) {
            for (int i = 0; i < 3; ++i) {
                pv_seeds[0].push_back({(i + rng.uniform(0.3, 0.7)) / 3.0 * c.w * 0.9 + 0.1 * c.w, (j + rng.uniform(0.3, 0.7)) / 4.0 * c.h, 0.0, false});
            }
        }
    }
    LevelResult pv = split_level(c, root, 1, pv_seeds, w_mix, 3);
    progress(fmt::format("geography: {} provincies", pv.parent.size()));
    // COROP: 40 over the provincies.
    const std::size_t npv = pv.parent.size();
    auto pv_cells = cells_by_parent(pv.label, npv);
    std::vector<std::size_t> pv_ncell(npv);
    for (std::size_t p = 0; p < npv; ++p) pv_ncell[p] = pv_cells[p].size();
    auto cr_k = apportion(sum_by(pv.label, w_mix, npv), 40, 8, pv_ncell);
    // Top up to exactly 40 when caps cut some.
    for (std::size_t total = std::accumulate(cr_k.begin(), cr_k.end(), std::size_t{0}), p = 0; total < 40 && p < 1000; ++p) {
        if (cr_k[p % npv] < pv_ncell[p % npv]) {
            ++cr_k[p % npv];
            ++total;
        }
    }
    LevelResult cr = split_level(c, pv.label, npv, sample_seeds(c, pv_cells, cr_k, w_mix, 1), w_mix, 3);
    const std::size_t ncr = cr.parent.size();
    // Gemeenten: cities are seeds (power weight keeps them whole), the rest sampled by area.
    auto cr_cells = cells_by_parent(cr.label, ncr);
    std::vector<std::size_t> cr_ncell(ncr);
    for (std::size_t p = 0; p < ncr; ++p) cr_ncell[p] = cr_cells[p].size();
    const std::size_t n_gm = std::max<std::size_t>(ncr, static_cast<std::size_t>(std::lround(342 * s)));
    std::vector<double> w_gm(n);
    for (std::size_t i = 0; i < n; ++i) w_gm[i] = w_area[i] + c.lambda[i] / 15.0;
    auto gm_k = apportion(sum_by(cr.label, w_gm, ncr), n_gm, 60, cr_ncell);
    std::vector<std::vector<Seed>> gm_seeds(ncr);
    std::vector<std::vector<int>> gm_seed_city(ncr);
    for (std::size_t ci = 0; ci < c.cities.size() && ci < 44 + 300; ++ci) {
        const City& city = c.cities[ci];
        const std::size_t cell = sz(static_cast<std::int64_t>(city.y)) * sz(c.w) + sz(static_cast<std::int64_t>(city.x));
        if (cr.label[cell] < 0) continue;
        const std::size_t p = sz(cr.label[cell]);
        if (gm_seeds[p].size() + 1 >= gm_k[p] && !gm_seeds[p].empty()) continue;
        gm_seeds[p].push_back({city.x, city.y, std::pow(2.2 * city.r0, 2), true});
        gm_seed_city[p].push_back(static_cast<int>(ci));
    }
    {
        std::vector<std::size_t> extra(ncr);
        for (std::size_t p = 0; p < ncr; ++p) extra[p] = gm_k[p] > gm_seeds[p].size() ? gm_k[p] - gm_seeds[p].size() : 0;
        auto rural = sample_seeds(c, cr_cells, extra, w_area, 2);
        for (std::size_t p = 0; p < ncr; ++p) {
            for (auto& sd : rural[p]) {
                gm_seeds[p].push_back(sd);
                gm_seed_city[p].push_back(-1);
            }
        }
    }
    LevelResult gm = split_level(c, cr.label, ncr, gm_seeds, w_area, 2);
    const std::size_t ngm0 = gm.parent.size();
    // COROP-plus: the twelve COROP regions with the most gemeenten are split in two (by the gemeente
    // centroids along the longer axis); the others are one COROP-plus region each.
    std::vector<double> gx(ngm0, 0), gy(ngm0, 0), gn(ngm0, 0);
    for (std::size_t i = 0; i < n; ++i) {
        if (gm.label[i] < 0) continue;
        gx[sz(gm.label[i])] += static_cast<double>(i % sz(c.w));
        gy[sz(gm.label[i])] += static_cast<double>(i / sz(c.w));
        gn[sz(gm.label[i])] += 1;
    }
    std::vector<std::vector<std::size_t>> gm_of_cr(ncr);
    for (std::size_t g = 0; g < ngm0; ++g) gm_of_cr[sz(gm.parent[g])].push_back(g);
    std::vector<std::size_t> order(ncr);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return gm_of_cr[a].size() > gm_of_cr[b].size(); });
    std::vector<bool> split(ncr, false);
    for (std::size_t k = 0; k < std::min<std::size_t>(12, ncr); ++k) split[order[k]] = gm_of_cr[order[k]].size() >= 2;
    std::vector<std::int32_t> gm_cp(ngm0, -1);
    c.cps.clear();
    for (std::size_t r = 0; r < ncr; ++r) {
        auto list = gm_of_cr[r];
        const std::string cr_code = fmt::format("CR{:02d}", r + 1);
        if (!split[r]) {
            for (auto g : list) gm_cp[g] = static_cast<std::int32_t>(c.cps.size());
            c.cps.push_back({fmt::format("CP{:02d}00", r + 1), "", static_cast<std::int32_t>(r), 0});
            continue;
        }
        double minx = 1e18, maxx = -1e18, miny = 1e18, maxy = -1e18;
        for (auto g : list) {
            minx = std::min(minx, gx[g] / gn[g]);
            maxx = std::max(maxx, gx[g] / gn[g]);
            miny = std::min(miny, gy[g] / gn[g]);
            maxy = std::max(maxy, gy[g] / gn[g]);
        }
        const bool by_x = maxx - minx >= maxy - miny;
        std::stable_sort(list.begin(), list.end(), [&](auto a, auto b) { return by_x ? gx[a] / gn[a] < gx[b] / gn[b] : gy[a] / gn[a] < gy[b] / gn[b]; });
        const std::size_t half = list.size() / 2;
        for (std::size_t k = 0; k < list.size(); ++k) gm_cp[list[k]] = static_cast<std::int32_t>(c.cps.size() + (k < half ? 0 : 1));
        c.cps.push_back({fmt::format("CP{:02d}01", r + 1), "", static_cast<std::int32_t>(r), 0});
        c.cps.push_back({fmt::format("CP{:02d}02", r + 1), "", static_cast<std::int32_t>(r), 1});
    }
    // Gemeenten ordered by COROP-plus region; codes follow that order.
    std::vector<std::size_t> gorder(ngm0);
    std::iota(gorder.begin(), gorder.end(), 0);
    std::stable_sort(gorder.begin(), gorder.end(), [&](auto a, auto b) { return gm_cp[a] < gm_cp[b]; });
    std::vector<std::int32_t> gm_new(ngm0);
    for (std::size_t k = 0; k < ngm0; ++k) gm_new[gorder[k]] = static_cast<std::int32_t>(k);
    std::vector<std::int32_t> gm_label(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        if (gm.label[i] >= 0) gm_label[i] = gm_new[sz(gm.label[i])];
    }
    c.provincies.clear();
    for (std::size_t p = 0; p < npv; ++p) c.provincies.push_back({fmt::format("PV{:02d}", 20 + p), "", -1, 0});
    const char* pv_names[] = {"Noordland", "Oostmark", "Westkust", "Middenveld", "Zuiderhof", "Heuvelland",
                              "Meerland", "Duinstreek", "Rivierland", "Veenkoloniën", "Kleigebied", "Zandstreek"};
    for (std::size_t p = 0; p < npv; ++p) c.provincies[p].name = pv_names[p % 12];
    c.corops.clear();
    for (std::size_t r = 0; r < ncr; ++r) {
        c.corops.push_back({fmt::format("CR{:02d}", r + 1), "", cr.parent[r], 0});
    }
    c.gemeenten.assign(ngm0, {});
    c.gemeente_class.assign(ngm0, 2);
    std::set<std::string> gm_names;
    for (std::size_t g0 = 0; g0 < ngm0; ++g0) {
        const std::size_t g = sz(gm_new[g0]);
        Region& r = c.gemeenten[g];
        r.code = fmt::format("GM{:04d}", g + 1);
        r.parent = gm_cp[g0];
        const std::size_t crp = sz(gm.parent[g0]);
        const int city = gm_seed_city[crp][sz(gm.seed_of[g0])];
        if (city >= 0) {
            r.name = c.cities[sz(city)].name;
            c.cities[sz(city)].gemeente = static_cast<std::int32_t>(g);
            c.gemeente_class[g] = c.cities[sz(city)].cls;
        } else {
            r.name = place_name(c.seed, 50000 + g);
        }
        if (!gm_names.insert(r.name).second) r.name += fmt::format(" ({})", r.code);
    }
    // Cities whose centre is not a gemeente seed belong to the gemeente of their centre cell.
    for (auto& city : c.cities) {
        if (city.gemeente >= 0) continue;
        city.gemeente = gm_label[sz(static_cast<std::int64_t>(city.y)) * sz(c.w) + sz(static_cast<std::int64_t>(city.x))];
    }
    for (auto& r : c.corops) {
        // A COROP is named after its largest gemeente's city or its first gemeente.
        r.name = "";
    }
    for (std::size_t g = 0; g < ngm0; ++g) {
        Region& cp = c.cps[sz(c.gemeenten[g].parent)];
        if (cp.name.empty()) cp.name = c.gemeenten[g].name + (cp.code.substr(4) == "00" ? "" : cp.code.substr(4) == "01" ? " e.o." : " en omstreken");
        Region& co = c.corops[sz(cp.parent)];
        if (co.name.empty()) co.name = "Regio " + c.gemeenten[g].name;
    }
    progress(fmt::format("geography: {} COROP, {} COROP-plus, {} gemeenten", ncr, c.cps.size(), ngm0));

    // Wijken within gemeenten, by population.
    const std::size_t ngm = ngm0;
    auto g_cells = cells_by_parent(gm_label, ngm);
    std::vector<std::size_t> g_ncell(ngm);
    for (std::size_t p = 0; p < ngm; ++p) g_ncell[p] = g_cells[p].size();
    const std::size_t n_wk = std::max(ngm, static_cast<std::size_t>(std::lround(3300 * s)));
    auto wk_k = apportion(sum_by(gm_label, w_pop, ngm), n_wk, 99, g_ncell);
    LevelResult wk = split_level(c, gm_label, ngm, sample_seeds(c, g_cells, wk_k, w_pop, 3), w_pop, 2);
    const std::size_t nwk = wk.parent.size();
    c.wijken.clear();
    for (std::size_t k = 0; k < nwk; ++k) {
        const std::size_t g = sz(wk.parent[k]);
        Region r{fmt::format("WK{}{:02d}", c.gemeenten[g].code.substr(2), wk.local[k]), "", wk.parent[k], wk.local[k]};
        r.name = fmt::format("Wijk {:02d} {}", wk.local[k], wk.local[k] == 0 ? std::string("Centrum") : place_name(c.seed, 200000 + k));
        c.wijken.push_back(std::move(r));
    }
    // Buurten within wijken.
    auto w_cells = cells_by_parent(wk.label, nwk);
    std::vector<std::size_t> w_ncell(nwk);
    for (std::size_t p = 0; p < nwk; ++p) w_ncell[p] = w_cells[p].size();
    const std::size_t n_bu = std::max(nwk, static_cast<std::size_t>(std::lround(13000 * s)));
    auto bu_k = apportion(sum_by(wk.label, w_pop, nwk), n_bu, 99, w_ncell);
    LevelResult bu = split_level(c, wk.label, nwk, sample_seeds(c, w_cells, bu_k, w_pop, 4), w_pop, 2);
    c.buurten.clear();
    for (std::size_t k = 0; k < bu.parent.size(); ++k) {
        const Region& wr = c.wijken[sz(bu.parent[k])];
        Region r{fmt::format("BU{}{:02d}", wr.code.substr(2), bu.local[k]), "", bu.parent[k], bu.local[k]};
        Rng rng(c.seed, Stream::kNames, 400000 + k);
        r.name = bu.local[k] == 0 && wr.local == 0 ? std::string("Centrum") : std::string(kBuurtWords[rng.below(std::size(kBuurtWords))]);
        r.name += " " + place_name(c.seed, 300000 + k).substr(0, 4);
        c.buurten.push_back(std::move(r));
    }
    c.buurt_of = std::move(bu.label);
    progress(fmt::format("geography: {} wijken, {} buurten", nwk, c.buurten.size()));
}

// ---- population per year, region status, tenure -----------------------------------------------------------

void make_years(Country& c) {
    const std::size_t nb = c.buurten.size();
    // Region status: a few COROP-plus regions shrink, a few anticipate decline (not those of G4 cities).
    c.cp_status.assign(c.cps.size(), 0);
    std::vector<bool> has_big(c.cps.size(), false);
    for (const auto& city : c.cities) {
        if (city.cls <= 1 && city.gemeente >= 0) has_big[sz(c.gemeenten[sz(city.gemeente)].parent)] = city.cls == 0 || has_big[sz(c.gemeenten[sz(city.gemeente)].parent)];
    }
    std::vector<std::pair<std::uint64_t, std::size_t>> cand;
    for (std::size_t k = 0; k < c.cps.size(); ++k) {
        if (!has_big[k]) cand.emplace_back(Rng(c.seed, Stream::kGrowth, k).next(), k);
    }
    std::sort(cand.begin(), cand.end());
    const std::size_t nk = std::max<std::size_t>(2, c.cps.size() / 14);
    for (std::size_t k = 0; k < cand.size() && k < 2 * nk; ++k) c.cp_status[cand[k].second] = k < nk ? 1 : 2;

    c.land_cells_per_buurt.assign(nb, 0);
    c.cells.clear();
    for (std::size_t i = 0; i < c.buurt_of.size(); ++i) {
        if (c.buurt_of[i] < 0) continue;
        ++c.land_cells_per_buurt[sz(c.buurt_of[i])];
        if (c.lambda[i] > 0) c.cells.push_back(static_cast<std::uint32_t>(i));
    }
    const std::size_t nc = c.cells.size();
    c.cell_buurt.resize(nc);
    c.cell_pop.assign(nc * kYears, 0);
    std::vector<double> growth(nb);
    for (std::size_t b = 0; b < nb; ++b) {
        const int st = c.cp_status[sz(c.cp_of_buurt(static_cast<std::int32_t>(b)))];
        Rng rng(c.seed, Stream::kGrowth, b, 1);
        growth[b] = (st == 1 ? -0.011 : st == 2 ? -0.004 : 0.005) + rng.normal(0, 0.004);
    }
    tbb::parallel_for(std::size_t{0}, nc, [&](std::size_t k) {
        const std::uint32_t i = c.cells[k];
        const std::int32_t b = c.buurt_of[i];
        c.cell_buurt[k] = b;
        Rng rng(c.seed, Stream::kCellYear, i);
        const double base = c.lambda[i];
        for (int y = 0; y < kYears; ++y) {
            const double f = std::exp(-growth[sz(b)] * (2022 - kYearList[sz(y)]));
            c.cell_pop[k * kYears + sz(y)] = static_cast<std::int32_t>(rng.round_stochastic(base * f));
        }
    });
}

void compute_buurt_pop(Country& c) {
    c.buurt_pop.assign(c.buurten.size(), {});
    for (std::size_t k = 0; k < c.cells.size(); ++k) {
        for (int y = 0; y < kYears; ++y) c.buurt_pop[sz(c.cell_buurt[k])][sz(y)] += c.cell_pop[k * kYears + sz(y)];
    }
}

void make_tenure(Country& c) {
    const std::size_t nb = c.buurten.size();
    c.corp_share.resize(nb);
    c.cheap_private_share.resize(nb);
    c.owner_share.resize(nb);
    c.urbanity.assign(nb, 0);
    c.deprivation.resize(nb);
    std::vector<double> cells(nb, 0);
    for (std::size_t k = 0; k < c.cells.size(); ++k) {
        const auto b = sz(c.cell_buurt[k]);
        c.urbanity[b] += std::log1p(static_cast<double>(c.cell_pop[k * kYears + 5]));
        cells[b] += 1;
    }
    for (std::size_t b = 0; b < nb; ++b) {
        c.urbanity[b] = cells[b] > 0 ? std::clamp(c.urbanity[b] / cells[b] / std::log1p(150.0), 0.0, 1.0) : 0.0;
        Rng rng(c.seed, Stream::kTenure, b);
        const double u = c.urbanity[b];
        const double corp = std::clamp(0.04 + 0.42 * u * u + rng.normal(0, 0.12) * (0.4 + u) + (rng.chance(0.08) ? 0.25 : 0.0), 0.0, 0.9);
        const double cheap = std::clamp(0.04 + 0.14 * u + rng.normal(0, 0.05), 0.0, 0.45);
        const double other = std::clamp(0.03 + 0.06 * u + rng.normal(0, 0.02), 0.0, 0.15);
        double owner = 1.0 - corp - cheap - other;
        double cs = corp, ch = cheap;
        if (owner < 0.03) {
            const double f = 0.97 / (corp + cheap + other);
            cs *= f;
            ch *= f;
            owner = 1.0 - cs - ch - other * f;
        }
        c.corp_share[b] = std::round(cs * 1000) / 1000;
        c.cheap_private_share[b] = std::round(ch * 1000) / 1000;
        c.owner_share[b] = std::round(owner * 1000) / 1000;
        c.deprivation[b] = 1.6 * c.corp_share[b] + 0.6 * u + rng.normal(0, 0.45) - 0.6;
    }
}

// ---- planted areas ----------------------------------------------------------------------------------------

std::array<double, kYears> flat(double v) {
    std::array<double, kYears> a{};
    a.fill(v);
    return a;
}

void set_population(Country& c, std::int32_t b, std::int64_t target) {
    // Rescales the buurt's cells so that it has exactly `target` residents in every year.
    std::vector<std::size_t> ks;
    for (std::size_t k = 0; k < c.cells.size(); ++k) {
        if (c.cell_buurt[k] == b) ks.push_back(k);
    }
    if (ks.empty()) return;
    for (int y = 0; y < kYears; ++y) {
        double sum = 0;
        for (auto k : ks) sum += c.cell_pop[k * kYears + sz(y)] + 0.5;
        std::int64_t given = 0;
        std::size_t biggest = ks[0];
        for (auto k : ks) {
            const double v = (c.cell_pop[k * kYears + sz(y)] + 0.5) / sum * static_cast<double>(target);
            c.cell_pop[k * kYears + sz(y)] = static_cast<std::int32_t>(std::floor(v));
            given += c.cell_pop[k * kYears + sz(y)];
            if (c.cell_pop[k * kYears + sz(y)] > c.cell_pop[biggest * kYears + sz(y)]) biggest = k;
        }
        c.cell_pop[biggest * kYears + sz(y)] += static_cast<std::int32_t>(target - given);
    }
}

void make_plants(Country& c, const Progress& progress) {
    const std::size_t nb = c.buurten.size();
    c.buurt_plant.assign(nb, {});
    // Buurt centroids (cell units) and populated cell counts.
    std::vector<double> bx(nb, 0), by(nb, 0), bn(nb, 0);
    for (std::size_t k = 0; k < c.cells.size(); ++k) {
        const auto b = sz(c.cell_buurt[k]);
        bx[b] += static_cast<double>(c.cells[k] % static_cast<std::uint32_t>(c.w)) + 0.5;
        by[b] += static_cast<double>(c.cells[k] / static_cast<std::uint32_t>(c.w)) + 0.5;
        bn[b] += 1;
    }
    std::vector<bool> taken(nb, false);
    // City centres of the G4 (poor safety, good total) and low-safety clusters in G40 towns.
    for (const City& city : c.cities) {
        if (city.cls != 0) continue;
        c.centres.push_back({city.x, city.y, std::max(1.5, 0.8 * city.r0), "centre_" + std::to_string(city.rank)});
    }
    {
        int made = 0;
        for (const City& city : c.cities) {
            if (city.cls != 1 || made >= 6) continue;
            Rng rng(c.seed, Stream::kPlant, static_cast<std::uint64_t>(city.rank), 7);
            const double ang = rng.uniform(0, 6.283);
            const double d = city.r0 * 1.2;
            c.unsafe_clusters.push_back({city.x + d * std::cos(ang), city.y + d * std::sin(ang), std::max(1.5, 0.6 * city.r0),
                                         fmt::format("unsafe_cluster_{}", ++made)});
        }
    }
    c.in_centre.assign(nb, 0);
    c.centre_buurten.assign(c.centres.size(), {});
    for (std::size_t i = 0; i < c.centres.size(); ++i) {
        const auto& d = c.centres[i];
        const auto cx = static_cast<std::int32_t>(std::floor(d.x)), cy = static_cast<std::int32_t>(std::floor(d.y));
        const std::int32_t own = cx >= 0 && cy >= 0 && cx < c.w && cy < c.h ? c.buurt_of[sz(cy) * sz(c.w) + sz(cx)] : -1;
        for (std::size_t b = 0; b < nb; ++b) {
            const bool inside = bn[b] > 0 && std::hypot(bx[b] / bn[b] - d.x, by[b] / bn[b] - d.y) <= d.r;
            if ((inside || static_cast<std::int32_t>(b) == own) && !c.in_centre[b]) {
                c.in_centre[b] = 1;
                c.centre_buurten[i].push_back(static_cast<std::int32_t>(b));
            }
        }
    }
    auto touches = [&](const Country::Disk& disk, std::size_t b) {
        return bn[b] > 0 && std::hypot(bx[b] / bn[b] - disk.x, by[b] / bn[b] - disk.y) < disk.r + 3.0 + std::sqrt(bn[b]);
    };
    for (std::size_t b = 0; b < nb; ++b) {
        for (const auto& d : c.centres) taken[b] = taken[b] || touches(d, b);
        for (const auto& d : c.unsafe_clusters) taken[b] = taken[b] || touches(d, b);
        if (c.cp_status[sz(c.cp_of_buurt(static_cast<std::int32_t>(b)))] != 0) taken[b] = true;
    }
    // Type 3: two COROP-plus regions without G4 cities, away from the rest.
    std::vector<std::pair<std::uint64_t, std::size_t>> cps;
    for (std::size_t k = 0; k < c.cps.size(); ++k) {
        if (c.cp_status[k] != 0) continue;
        bool big = false;
        for (const auto& city : c.cities) {
            if (city.cls == 0 && city.gemeente >= 0 && c.gemeenten[sz(city.gemeente)].parent == static_cast<std::int32_t>(k)) big = true;
        }
        if (!big) cps.emplace_back(Rng(c.seed, Stream::kPlant, k, 3).next(), k);
    }
    std::sort(cps.begin(), cps.end());
    std::vector<int> cp_plant(c.cps.size(), -1);
    for (int t = 0; t < 2 && sz(t) < cps.size(); ++t) {
        Plant p;
        p.id = t == 0 ? "type3_meet" : "type3_miss_persistence";
        p.rule = "type3";
        p.expect = t == 0 ? "meet" : "miss";
        p.missed = t == 0 ? "" : "persistence";
        p.level = "corop_plus";
        p.area = static_cast<std::int32_t>(cps[sz(t)].second);
        p.details = {{"field_offset_all_dimensions", -3.0}, {"years_with_offset", t == 0 ? nlohmann::json(kYearList) : nlohmann::json({2020, 2022})}};
        cp_plant[cps[sz(t)].second] = static_cast<int>(c.plants.size());
        c.plants.push_back(std::move(p));
    }
    for (std::size_t b = 0; b < nb; ++b) {
        if (cp_plant[sz(c.cp_of_buurt(static_cast<std::int32_t>(b)))] >= 0) taken[b] = true;
    }
    // Candidate buurten: most populated first (a stable order with a random tie-break), one plant per wijk.
    std::vector<std::pair<double, std::size_t>> cand;
    for (std::size_t b = 0; b < nb; ++b) {
        if (!taken[b] && bn[b] >= 3) cand.emplace_back(-(bn[b] + Rng(c.seed, Stream::kPlant, b, 1).uniform()), b);
    }
    std::sort(cand.begin(), cand.end());
    std::vector<bool> wijk_used(c.wijken.size(), false);
    std::size_t next = 0;
    auto take_buurt = [&]() -> std::int32_t {
        while (next < cand.size()) {
            const std::size_t b = cand[next++].second;
            const auto wk = sz(c.buurten[b].parent);
            if (wijk_used[wk] || taken[b]) continue;
            wijk_used[wk] = true;
            taken[b] = true;
            return static_cast<std::int32_t>(b);
        }
        return -1;
    };
    auto add = [&](const std::string& id, const std::string& rule, const std::string& missed) -> BuurtPlant* {
        const std::int32_t b = take_buurt();
        if (b < 0) {
            progress(fmt::format("plants: no buurt left for {}", id));
            return nullptr;
        }
        Plant p;
        p.id = id;
        p.rule = rule;
        p.expect = missed.empty() ? "meet" : "miss";
        p.missed = missed;
        p.level = "buurt";
        p.area = b;
        p.buurten = {b};
        BuurtPlant& bp = c.buurt_plant[sz(b)];
        bp.plant = static_cast<int>(c.plants.size());
        bp.population = 1500;
        c.plants.push_back(std::move(p));
        return &bp;
    };
    // Liveability fields (F per dimension: won, bev, vrz, vei, fys).
    using F = std::array<double, kDims>;
    auto set_fields = [](BuurtPlant& bp, F f, double low_share, double low_drop, int from_year_index = 0, F before = {0, 0, 0, 0, 0}) {
        bp.score_override = true;
        for (int y = 0; y < kYears; ++y) bp.field[sz(y)] = y >= from_year_index ? f : before;
        bp.low_cell_share = low_share;
        bp.low_cell_drop = low_drop;
    };
    const F weak_unsafe{-2.0, -2.0, 0.0, -3.5, -1.5};
    if (auto* bp = add("type2_meet", "type2", "")) set_fields(*bp, weak_unsafe, 0.3, 1.2);
    if (auto* bp = add("type2_miss_residents", "type2", "residents")) {
        set_fields(*bp, weak_unsafe, 0.3, 1.2);
        bp->population = 900;
    }
    if (auto* bp = add("type2_miss_persistence", "type2", "persistence")) set_fields(*bp, weak_unsafe, 0.3, 1.2, 4);
    if (auto* bp = add("type2_miss_onvoldoende", "type2", "onvoldoende_cells")) set_fields(*bp, {-2.0, -2.0, 0.0, -3.5, -1.2}, 0.0, 0.0);
    if (auto* bp = add("type2_miss_safety", "type2", "safety")) set_fields(*bp, {-3.0, -3.0, -1.0, 0.0, -3.0}, 0.3, 1.2);
    // Danish rules: values per year (shares; convicted and income as ratios to national / regional mean).
    auto dk = [](BuurtPlant& bp, double work, double conv, double edu, double inc, double nw) {
        bp.key_override = true;
        bp.work = flat(work);
        bp.convicted_ratio = flat(conv);
        bp.basic_edu = flat(edu);
        bp.income_ratio = flat(inc);
        bp.nonwestern = flat(nw);
        bp.unemp = flat(0.07);
        bp.longunemp = flat(0.03);
        bp.transfer = flat(0.14);
        bp.childpov = flat(0.14);
    };
    if (auto* bp = add("dk2018_meet", "dk2018_udsat+dk2018_ghetto+dk2018_hard_ghetto", "")) dk(*bp, 0.48, 3.8, 0.52, 0.50, 0.62);
    if (auto* bp = add("dk2018_miss_residents", "dk2018_udsat", "residents")) {
        dk(*bp, 0.48, 3.8, 0.52, 0.50, 0.62);
        bp->population = 900;
    }
    if (auto* bp = add("dk2018_miss_criteria", "dk2018_udsat", "two_of_four")) dk(*bp, 0.47, 2.4, 0.50, 0.62, 0.25);
    if (auto* bp = add("dk2018_ghetto_miss_nonwestern", "dk2018_ghetto", "nonwestern")) dk(*bp, 0.45, 3.5, 0.45, 0.52, 0.44);
    if (auto* bp = add("dk2021_meet", "dk2021_forebyggelse", "")) dk(*bp, 0.34, 2.3, 0.40, 0.72, 0.36);
    if (auto* bp = add("dk2021_miss_nonwestern", "dk2021_forebyggelse", "nonwestern")) dk(*bp, 0.34, 2.3, 0.40, 0.72, 0.27);
    // Berlin: very low status; worsening (meet) or stable (miss).
    for (int t = 0; t < 2; ++t) {
        if (auto* bp = add(t == 0 ? "berlin_meet" : "berlin_miss_dynamics", "berlin", t == 0 ? "" : "dynamics")) {
            dk(*bp, 0.30, 1.5, 0.35, 0.80, 0.20);
            for (int y = 0; y < kYears; ++y) {
                const double step = t == 0 ? y : 0.0;
                bp->unemp[sz(y)] = 0.15 + 0.012 * step;
                bp->longunemp[sz(y)] = 0.08 + 0.008 * step;
                bp->transfer[sz(y)] = 0.36 + 0.02 * step;
                bp->childpov[sz(y)] = 0.46 + 0.025 * step;
            }
        }
    }
    // Added after the other buurt plants, so that they keep their buurten (and the drug-growth buurten,
    // drawn among the unplanted ones, stay as they were). Weak and unsafe in 2012-2016 only; from 2018
    // voldoende on the total (about +0.13 before its low cells), still unsafe, with populated onvoldoende
    // cells (a fifth of the cells 4 field units lower).
    // "Langdurig" ends at the evaluated measurement: not an aandachtsbuurt in 2022, although three
    // measurements in its history were weak (the reading before issue 16 designated it).
    if (auto* bp = add("type2_miss_weak_long_ago", "type2", "persistence")) set_fields(*bp, {2.0, 2.0, 2.0, -3.5, 2.0}, 0.2, 4.0, 3, weak_unsafe);
    // Type 1: two wijken (all their buurten), weak and unsafe, getting worse (meet) or better (miss).
    for (int t = 0; t < 2; ++t) {
        std::int32_t wk = -1;
        std::vector<std::int32_t> members;
        for (std::size_t k = next; k < cand.size() && wk < 0; ++k) {
            const auto w = c.buurten[cand[k].second].parent;
            if (wijk_used[sz(w)]) continue;
            members.clear();
            bool ok = true;
            for (std::size_t b = 0; b < nb; ++b) {
                if (c.buurten[b].parent != w) continue;
                ok = ok && !taken[b];
                members.push_back(static_cast<std::int32_t>(b));
            }
            if (ok && members.size() >= 2) wk = w;
        }
        if (wk < 0) {
            progress("plants: no wijk left for type 1");
            break;
        }
        wijk_used[sz(wk)] = true;
        Plant p;
        p.id = t == 0 ? "type1_meet" : "type1_miss_development";
        p.rule = "type1";
        p.expect = t == 0 ? "meet" : "miss";
        p.missed = t == 0 ? "" : "development";
        p.level = "wijk";
        p.area = wk;
        p.buurten = members;
        for (auto b : members) {
            taken[sz(b)] = true;
            BuurtPlant& bp = c.buurt_plant[sz(b)];
            bp.plant = static_cast<int>(c.plants.size());
            bp.score_override = true;
            bp.low_cell_share = 0.4;
            bp.low_cell_drop = 1.2;
            // meet: worsening, miss: improving, by about 0.09 of the score per period (beyond the LBM 2.0
            // no-change band of 0.067: development class 3 or 5).
            for (int y = 0; y < kYears; ++y) {
                const double k = t == 0 ? y : 5 - y;
                bp.field[sz(y)] = {-2.0 - 0.9 * k, -2.0 - 0.9 * k, 0.0, -3.5 - 0.6 * k, -1.5};
            }
        }
        c.plants.push_back(std::move(p));
    }
    // A G40 city whose onvoldoende buurten fall behind: the first G40 city (by rank) with four free
    // populated buurten; two weak (F -4.5, vei -1: about 3.54, class 2) falling by 0.4 a year index in won,
    // bev and fys (about -0.04 of the score per period), two good (F +0.3: about 4.24, class 7) rising by 0.1.
    for (const City& city : c.cities) {
        if (city.cls != 1 || city.gemeente < 0 || c.city_fall_behind.city >= 0) continue;
        std::vector<std::int32_t> free;
        for (std::size_t k = next; k < cand.size() && free.size() < 4; ++k) {
            const std::size_t b = cand[k].second;
            if (taken[b] || c.in_centre[b] || c.gemeente_of_buurt(static_cast<std::int32_t>(b)) != city.gemeente) continue;
            free.push_back(static_cast<std::int32_t>(b));
        }
        if (free.size() < 4) continue;
        c.city_fall_behind.city = static_cast<std::int32_t>(&city - c.cities.data());
        for (std::size_t i = 0; i < 4; ++i) {
            const bool weak = i < 2;
            BuurtPlant& bp = c.buurt_plant[sz(free[i])];
            taken[sz(free[i])] = true;
            bp.score_override = true;
            for (int y = 0; y < kYears; ++y) {
                const double base = weak ? -4.5 : 0.3, trend = (weak ? -0.4 : 0.1) * y;
                // vei stays near the mean: these buurten must not enter the worst-safety lists.
                bp.field[sz(y)] = {base + trend, base + trend, base, weak ? -1.0 : base, base + trend};
            }
            (weak ? c.city_fall_behind.weak : c.city_fall_behind.good).push_back(free[i]);
        }
    }
    if (c.city_fall_behind.city < 0) progress("plants: no G40 city with four free buurten for the falling-behind city");
    for (std::size_t b = 0; b < nb; ++b) {
        if (c.buurt_plant[b].plant >= 0 && c.buurt_plant[b].population > 0 && c.plants[sz(c.buurt_plant[b].plant)].level == "buurt") {
            set_population(c, static_cast<std::int32_t>(b), c.buurt_plant[b].population);
        }
    }
    progress(fmt::format("plants: {} planted areas, {} unsafe clusters, {} city centres", c.plants.size(), c.unsafe_clusters.size(),
                         c.centres.size()));
}

}  // namespace

void build_country(Country& c, const Progress& progress) {
    make_land(c);
    make_cities(c);
    progress(fmt::format("geography: {} x {} cells, {} cities and towns", c.w, c.h, c.cities.size()));
    make_population(c);
    build_hierarchy(c, progress);
    make_years(c);
    make_tenure(c);
    make_plants(c, progress);
    compute_buurt_pop(c);
    // Drug-crime growth buurten: clusters of neighbouring populated buurten not otherwise planted (drug
    // markets cluster): a random seed buurt and its queen neighbours, until there are enough.
    const auto eligible = [&](std::size_t b) { return c.buurt_plant[b].plant < 0 && c.buurt_pop[b][5] >= 300; };
    std::vector<std::set<std::int32_t>> touching(c.buurten.size());
    for (std::int32_t y = 0; y < c.h; ++y) {
        for (std::int32_t x = 0; x < c.w; ++x) {
            const std::int32_t a = c.buurt_of[sz(y) * sz(c.w) + sz(x)];
            if (a < 0) continue;
            for (const auto& [dx, dy] : {std::pair{1, 0}, std::pair{0, 1}, std::pair{1, 1}, std::pair{-1, 1}}) {
                if (x + dx < 0 || x + dx >= c.w || y + dy >= c.h) continue;
                const std::int32_t b = c.buurt_of[sz(y + dy) * sz(c.w) + sz(x + dx)];
                if (b < 0 || b == a) continue;
                touching[sz(a)].insert(b);
                touching[sz(b)].insert(a);
            }
        }
    }
    std::vector<std::pair<std::uint64_t, std::int32_t>> cand;
    for (std::size_t b = 0; b < c.buurten.size(); ++b) {
        if (eligible(b)) cand.emplace_back(Rng(c.seed, Stream::kPlant, b, 9).next(), static_cast<std::int32_t>(b));
    }
    std::sort(cand.begin(), cand.end());
    const std::size_t nd = std::max<std::size_t>(3, static_cast<std::size_t>(std::lround(40 * std::sqrt(c.scale))));
    std::set<std::int32_t> taken, near;
    for (std::size_t k = 0; k < cand.size() && taken.size() < nd; ++k) {
        const std::int32_t seed = cand[k].second;
        if (near.count(seed) != 0) continue;  // clusters do not touch
        std::vector<std::int32_t> cluster{seed};
        for (auto b : touching[sz(seed)]) {
            if (eligible(sz(b)) && near.count(b) == 0) cluster.push_back(b);
        }
        if (cluster.size() < 3) continue;  // a lone buurt is no cluster
        for (auto b : cluster) {
            taken.insert(b);
            near.insert(b);
            for (auto n : touching[sz(b)]) near.insert(n);
        }
    }
    c.drug_growth_buurten.assign(taken.begin(), taken.end());
    std::uint64_t persons = 0;
    for (std::size_t k = 0; k < c.cells.size(); ++k) persons += static_cast<std::uint64_t>(c.cell_pop[k * kYears + 5]);
    progress(fmt::format("population: {} residents in {} populated cells (2022)", persons, c.cells.size()));
}

}  // namespace wz::synth
