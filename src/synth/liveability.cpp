// The true liveability model: 100 indicators in five dimensions driven by smooth latent fields, city
// effects, tenure effects (with a turning point), trends, planted areas and noise; the score is
// S = sum_j w_j (T_j(x_j) - c_j) and the dimension scores add up to it. Survey ratings and house prices
// are drawn from S.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "synth/parts.hpp"

namespace wz::synth {
namespace {

std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }

const char* const kConcepts[kDims][10] = {
    {"koopwoningen", "sociale_huur", "bouwjaar_voor_1945", "bouwjaar_na_2000", "vrijstaand", "meergezins", "woningdichtheid",
     "gem_woonoppervlak", "leegstand", "monumenten"},
    {"eenpersoonshuishoudens", "gezinnen_kinderen", "verhuismobiliteit", "lage_inkomens", "hoge_inkomens", "uitkeringen",
     "ouderen_75plus", "jongeren_15_25", "niet_westers", "werkloosheid"},
    {"afstand_supermarkt", "afstand_huisarts", "afstand_basisschool", "afstand_station", "horeca_1km", "winkels_1km",
     "podia_5km", "bibliotheek", "sportvoorzieningen", "kinderopvang"},
    {"geweldsmisdrijven", "vernielingen", "inbraken", "overlast", "drugsoverlast", "verkeersongevallen", "diefstal_auto",
     "straatroof", "burenruzies", "vuurwerkoverlast"},
    {"groen_500m", "water_500m", "geluid_weg", "geluid_spoor", "fijnstof", "bos_1km", "strand_10km", "bedrijventerrein",
     "hoogspanning", "overstromingsrisico"}};
const char* const kRadius[2] = {"", "_2"};

}  // namespace

void make_liveability(const Country& c, Liveability& lv, const std::string& dir, const Progress& progress) {
    const std::uint64_t seed = c.seed;
    lv.kappa = {0.035, 0.040, 0.030, 0.040, 0.030};
    lv.indicators.clear();
    // Indicator definitions.
    for (int j = 0; j < 100; ++j) {
        Rng rng(seed, Stream::kModel, static_cast<std::uint64_t>(j));
        Indicator in;
        in.dim = j / 20;
        in.id = fmt::format("ind{:03d}", j + 1);
        in.name = fmt::format("{}_{}{}", kDimNames[sz(in.dim)], kConcepts[in.dim][(j % 20) % 10], kRadius[(j % 20) / 10]);
        in.dim2 = kDimNames[sz(in.dim)];
        static const char* const kLbm3[kDims] = {"won", "soc", "vrz", "onv", "fys"};
        in.dim3 = kLbm3[in.dim];
        if (in.dim == 1 && (j % 20 == 5 || j % 20 == 9 || j % 20 == 15)) in.dim3 = "onv";  // nuisance-like population indicators
        if (in.dim == 4 && (j % 20 == 2 || j % 20 == 3)) in.dim3 = "onv";                   // noise
        const double u = rng.uniform();
        if (u < 0.4) {
            in.transform = "identity";
            in.center = std::round(rng.uniform(5, 80));
            in.sd = std::round(rng.uniform(2, 15) * 10) / 10;
            in.decimals = 3;
        } else if (u < 0.7) {
            in.transform = "log";
            in.kind = 1;
            in.center = std::round(rng.uniform(0.5, 4.0) * 100) / 100;
            in.sd = std::round(rng.uniform(0.2, 0.6) * 100) / 100;
            in.decimals = 4;
        } else {
            in.transform = "logit";
            in.kind = 2;
            in.center = std::round(rng.uniform(-2.0, 0.8) * 100) / 100;
            in.sd = std::round(rng.uniform(0.3, 0.6) * 100) / 100;
            in.decimals = 6;
        }
        in.loading = rng.uniform(0.45, 0.9) * (rng.chance(0.3) ? -1.0 : 1.0);
        in.own = rng.uniform(0.3, 0.7);
        in.white = rng.uniform(0.3, 0.6);
        in.trend = rng.normal(0, 0.04);
        lv.indicators.push_back(in);
    }
    // The indicator that drives the national change (the 2018 report: Veiligheid, "overlast" in particular):
    // vei_overlast (ind064) improves by 2.5 of its standard deviations per measurement, about +0.008 of
    // the national mean each time, more than the tenure effect takes off (truth.json picture).
    {
        Indicator& driver = lv.indicators[63];
        driver.trend = 2.5 * (driver.loading < 0 ? -1.0 : 1.0);
    }
    // Weights: w_j * sd_j * loading_j sums to kappa_d over the indicators of dimension d.
    for (int d = 0; d < kDims; ++d) {
        double norm = 0;
        std::vector<double> alpha(100, 0.0);
        for (int j = d * 20; j < d * 20 + 20; ++j) {
            alpha[sz(j)] = Rng(seed, Stream::kModel, static_cast<std::uint64_t>(j), 1).uniform(0.3, 1.0);
            norm += alpha[sz(j)] * std::abs(lv.indicators[sz(j)].loading);
        }
        for (int j = d * 20; j < d * 20 + 20; ++j) {
            Indicator& in = lv.indicators[sz(j)];
            const double a = lv.kappa[sz(d)] * alpha[sz(j)] / norm * (in.loading < 0 ? -1.0 : 1.0);
            in.weight = a / in.sd;
        }
    }
    // Latent fields.
    const double W = c.w, H = c.h;
    NoiseField common(seed, 10, W, H, 40), common_fine(seed, 11, W, H, 10);
    std::vector<NoiseField> dim_fields, dim_fine, own;
    for (int d = 0; d < kDims; ++d) {
        dim_fields.emplace_back(seed, 20 + static_cast<std::uint64_t>(d), W, H, 30);
        dim_fine.emplace_back(seed, 30 + static_cast<std::uint64_t>(d), W, H, 8);
    }
    for (int j = 0; j < 100; ++j) own.emplace_back(seed, 100 + static_cast<std::uint64_t>(j), W, H, 15);
    // Cells of planted CP regions and disks.
    std::vector<int> cp_plant(c.cps.size(), -1);
    for (std::size_t p = 0; p < c.plants.size(); ++p) {
        if (c.plants[p].level == "corop_plus") cp_plant[sz(c.plants[p].area)] = static_cast<int>(p);
    }
    const std::size_t nc = c.cells.size();
    // F per cell, dimension and year (before centring).
    auto fields = [&](std::size_t k, int y, std::array<double, kDims>& f, double& white_scale) {
        const std::uint32_t idx = c.cells[k];
        const double x = static_cast<double>(idx % static_cast<std::uint32_t>(c.w)) + 0.5;
        const double yy = static_cast<double>(idx / static_cast<std::uint32_t>(c.w)) + 0.5;
        const auto b = sz(c.cell_buurt[k]);
        const BuurtPlant& bp = c.buurt_plant[b];
        white_scale = 1.0;
        if (bp.score_override) {
            white_scale = 0.5;
            const bool low = Rng(seed, Stream::kPlant, idx, 11).uniform() < bp.low_cell_share;
            for (int d = 0; d < kDims; ++d) {
                f[sz(d)] = bp.field[sz(y)][sz(d)] + 0.1 * dim_fine[sz(d)].at(x, yy) - (low ? bp.low_cell_drop : 0.0);
            }
            return;
        }
        // City centres, every cell of their buurten, set like the planted buurten (not centred): many
        // amenities, very poor safety (vei about -0.24 before noise), a total well above average (about +0.16).
        if (c.in_centre[b]) {
            white_scale = 0.5;
            static constexpr double kCentre[kDims] = {0.5, 1.0, 10.0, -6.0, 1.5};
            for (int d = 0; d < kDims; ++d) f[sz(d)] = kCentre[d] + 0.3 * dim_fine[sz(d)].at(x, yy);
            return;
        }
        const double u = std::clamp(std::log1p(static_cast<double>(c.cell_pop[k * kYears + 5])) / std::log1p(150.0), 0.0, 1.0);
        const double cm = 0.8 * common.at(x, yy) + 0.4 * common_fine.at(x, yy);
        static constexpr double kUrban[kDims] = {-0.3, -0.4, 1.5, -1.0, -0.8};
        for (int d = 0; d < kDims; ++d) {
            f[sz(d)] = 1.3 * (0.55 * cm + 0.7 * dim_fields[sz(d)].at(x, yy) + 0.35 * dim_fine[sz(d)].at(x, yy)) + kUrban[d] * u;
        }
        // Tenure: a level effect and a trend that steepens above the breakpoint.
        const double corp = c.corp_share[b];
        const double step = y;
        const double tenure = -1.0 * corp + step * (-0.05 * corp - 0.6 * std::max(0.0, corp - c.tenure_breakpoint));
        f[0] += tenure;
        f[1] += tenure;
        f[3] += tenure;
        // Krimpregio's lack amenities: Voorzieningen 2 field units lower (about -0.06 of the score), the
        // dimension the 2018 report explained them by: where they lag behind the country most.
        if (c.cp_status[sz(c.cp_of_buurt(static_cast<std::int32_t>(b)))] == 1) f[2] -= 2.0;
        const int cpp = cp_plant[sz(c.cp_of_buurt(static_cast<std::int32_t>(b)))];
        if (cpp >= 0 && (c.plants[sz(cpp)].expect == "meet" || y >= 4)) {
            for (double& v : f) v -= 3.0;
        }
        for (const auto& disk : c.unsafe_clusters) {
            if (std::hypot(x - disk.x, yy - disk.y) <= disk.r) {
                f[3] -= 3.0;
                f[4] -= 0.8;
            }
        }

    };
    // Centre the natural fields: the resident-weighted mean of F in 2016 is 0 for each dimension.
    std::array<double, kDims> centre{};
    {
        const std::size_t chunks = (nc + 4095) / 4096;
        std::vector<std::array<double, kDims + 1>> part(chunks);
        tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t ch) {
            std::array<double, kDims + 1> acc{};
            for (std::size_t k = ch * 4096; k < std::min(nc, ch * 4096 + 4096); ++k) {
                std::array<double, kDims> f{};
                double ws = 1;
                fields(k, 2, f, ws);
                const double p = c.cell_pop[k * kYears + 2];
                for (int d = 0; d < kDims; ++d) acc[sz(d)] += p * f[sz(d)];
                acc[kDims] += p;
            }
            part[ch] = acc;
        });
        std::array<double, kDims + 1> tot{};
        for (const auto& a : part) {
            for (int d = 0; d <= kDims; ++d) tot[sz(d)] += a[sz(d)];
        }
        for (int d = 0; d < kDims; ++d) centre[sz(d)] = tot[kDims] > 0 ? tot[sz(d)] / tot[kDims] : 0.0;
    }
    lv.score.assign(nc * kYears, 0.0);
    lv.dim_score.assign(nc * kYears * kDims, 0.0);
    std::string header = "code";
    for (const auto& in : lv.indicators) header += "," + in.id;
    header += "\n";
    for (int y = 0; y < kYears; ++y) {
        const std::string path = fmt::format("{}/indicators_{}.csv", dir, kYearList[sz(y)]);
        write_rows(path, header, nc, 2048, [&](std::size_t first, std::size_t last, Out& out) {
            for (std::size_t k = first; k < last; ++k) {
                std::array<double, kDims> f{};
                double ws = 1;
                fields(k, y, f, ws);
                if (!c.buurt_plant[sz(c.cell_buurt[k])].score_override && !c.in_centre[sz(c.cell_buurt[k])]) {
                    for (int d = 0; d < kDims; ++d) f[sz(d)] -= centre[sz(d)];
                }
                const std::uint32_t idx = c.cells[k];
                const double x = static_cast<double>(idx % static_cast<std::uint32_t>(c.w)) + 0.5;
                const double yy = static_cast<double>(idx / static_cast<std::uint32_t>(c.w)) + 0.5;
                Rng rng(seed, Stream::kIndicatorNoise, idx, static_cast<std::uint64_t>(y));
                out.str(cell_code(c, idx));
                std::array<double, kDims> dims{};
                double spare = 0;
                for (const auto& in : lv.indicators) {
                    const std::size_t j = sz(&in - lv.indicators.data());
                    double eps = spare;
                    if (j % 2 == 0) rng.normal_pair(eps, spare);
                    const double z = in.loading * f[sz(in.dim)] + in.own * own[j].at(x, yy) + ws * in.white * eps + in.trend * (y - 2);
                    double t = in.center + in.sd * z;
                    double raw = t;
                    if (in.kind == 1) {
                        raw = std::exp(t);
                    } else if (in.kind == 2) {
                        raw = 1.0 / (1.0 + std::exp(-t));
                    }
                    // The written (rounded) value defines the truth: transform it back.
                    static constexpr double kPow[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
                    raw = std::round(raw * kPow[in.decimals]) / kPow[in.decimals];
                    if (in.kind == 1) {
                        raw = std::max(raw, 1e-4);
                        t = std::log(raw);
                    } else if (in.kind == 2) {
                        raw = std::clamp(raw, 1e-6, 1 - 1e-6);
                        t = std::log(raw / (1 - raw));
                    } else {
                        t = raw;
                    }
                    dims[sz(in.dim)] += in.weight * (t - in.center);
                    out.ch(',');
                    out.fixed(raw, in.decimals);
                }
                out.ch('\n');
                double total = 0;
                for (int d = 0; d < kDims; ++d) {
                    lv.dim_score[(k * kYears + sz(y)) * kDims + sz(d)] = dims[sz(d)];
                    total += dims[sz(d)];
                }
                lv.score[k * kYears + sz(y)] = total;
            }
        });
        progress(fmt::format("liveability: indicators {} written ({} cells x 100)", kYearList[sz(y)], nc));
    }
    // Indicator metadata.
    Out meta;
    meta.str("id,name,dimension_lbm2,dimension_lbm3,transform\n");
    for (const auto& in : lv.indicators) {
        meta.str(in.id);
        meta.ch(',');
        meta.str(in.name);
        meta.ch(',');
        meta.str(in.dim2);
        meta.ch(',');
        meta.str(in.dim3);
        meta.ch(',');
        meta.str(in.transform);
        meta.ch('\n');
    }
    write_text(dir + "/indicator_meta.csv", meta.s);
}

void write_survey_and_sales(const Country& c, const Liveability& lv, const std::string& dir, const Progress& progress) {
    const std::size_t nc = c.cells.size();
    const double s = c.scale;
    const std::size_t per_year_survey = std::max<std::size_t>(300, static_cast<std::size_t>(std::lround(10000 * s)));
    const std::size_t per_year_sales = std::max<std::size_t>(300, static_cast<std::size_t>(std::lround(100000 * s)));
    // Cumulative residents per year for sampling cells.
    std::vector<std::vector<double>> cum(kYears, std::vector<double>(nc));
    for (int y = 0; y < kYears; ++y) {
        double acc = 0;
        for (std::size_t k = 0; k < nc; ++k) cum[sz(y)][k] = (acc += c.cell_pop[k * kYears + sz(y)]);
    }
    auto pick = [&](int y, double u) {
        const auto& v = cum[sz(y)];
        return std::min(nc - 1, static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), u * v.back()) - v.begin()));
    };
    {
        const std::size_t n = per_year_survey * kYears;
        write_rows(dir + "/survey.csv", "respondent,year,code,rating,age,owner\n", n, 4096, [&](std::size_t first, std::size_t last, Out& out) {
            for (std::size_t r = first; r < last; ++r) {
                const int y = static_cast<int>(r / per_year_survey);
                Rng rng(c.seed, Stream::kSurvey, r);
                const std::size_t k = pick(y, rng.uniform());
                const double owner_p = c.owner_share[sz(c.cell_buurt[k])];
                const int owner = rng.chance(owner_p) ? 1 : 0;
                const double v = 7.4 + 5.0 * lv.score[k * kYears + sz(y)] + 0.25 * owner + rng.normal(0, 0.9);
                const auto rating = std::clamp<std::int64_t>(std::lround(v), 1, 10);
                out.str(fmt::format("R{:07d},", r + 1));
                out.num(kYearList[sz(y)]);
                out.ch(',');
                out.str(cell_code(c, c.cells[k]));
                out.ch(',');
                out.num(rating);
                out.ch(',');
                out.num(rng.range(18, 90));
                out.ch(',');
                out.num(owner);
                out.ch('\n');
            }
        });
    }
    progress(fmt::format("liveability: survey with {} respondents", per_year_survey * kYears));
    {
        const std::size_t n = per_year_sales * kYears;
        static const char* const kTypes[] = {"appartement", "tussenwoning", "hoekwoning", "twee-onder-een-kap", "vrijstaand"};
        static constexpr double kTypeEffect[] = {-0.10, 0.0, 0.03, 0.10, 0.22};
        write_rows(dir + "/sales.csv", "sale,year,month,code,price,floor_area,rooms,dwelling_type,build_year\n", n, 4096,
                   [&](std::size_t first, std::size_t last, Out& out) {
                       for (std::size_t r = first; r < last; ++r) {
                           const int y = static_cast<int>(r / per_year_sales);
                           Rng rng(c.seed, Stream::kSales, r);
                           const std::size_t k = pick(y, rng.uniform());
                           const double u = std::clamp(std::log1p(static_cast<double>(c.cell_pop[k * kYears + 5])) / std::log1p(150.0), 0.0, 1.0);
                           const double pa = 0.15 + 0.6 * u;  // apartments in towns
                           std::size_t type = rng.chance(pa) ? 0 : 1 + rng.below(4);
                           const double area = std::round(std::clamp(rng.lognormal(std::log(type == 0 ? 75.0 : 120.0), 0.3), 25.0, 600.0));
                           const std::int64_t rooms = std::clamp<std::int64_t>(std::lround(area / 28.0 + rng.normal(0, 0.7)), 1, 12);
                           const std::int64_t built = std::clamp<std::int64_t>(std::lround(rng.normal(1975 - 25 * u, 25)), 1700, kYearList[sz(y)]);
                           const double market = kYearList[sz(y)] <= 2014 ? -0.02 * (kYearList[sz(y)] - 2012) : -0.04 + 0.07 * (kYearList[sz(y)] - 2014);
                           const double lp = 12.2 + 1.8 * lv.score[k * kYears + sz(y)] + 0.9 * std::log(area / 100.0) + kTypeEffect[type] +
                                             0.002 * static_cast<double>(built - 1970) + market + rng.normal(0, 0.15);
                           const std::int64_t price = std::lround(std::exp(lp) / 500.0) * 500;
                           out.str(fmt::format("S{:08d},", r + 1));
                           out.num(kYearList[sz(y)]);
                           out.ch(',');
                           out.num(rng.range(1, 12));
                           out.ch(',');
                           out.str(cell_code(c, c.cells[k]));
                           out.ch(',');
                           out.num(price);
                           out.ch(',');
                           out.num(static_cast<std::int64_t>(area));
                           out.ch(',');
                           out.num(rooms);
                           out.ch(',');
                           out.str(kTypes[type]);
                           out.ch(',');
                           out.num(built);
                           out.ch('\n');
                       }
                   });
    }
    progress(fmt::format("liveability: {} house sales", per_year_sales * kYears));
}

}  // namespace wz::synth
