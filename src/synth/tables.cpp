// Tables in the real sources' formats: CBS grid statistics, StatLine key figures per buurt, region
// lists, and the area boundaries as GeoPackages.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "synth/parts.hpp"
#include "synth/polygons.hpp"

namespace wz::synth {
namespace {
std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }
}  // namespace

void write_text(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
}

void write_rows(const std::string& path, const std::string& header, std::size_t rows, std::size_t chunk,
                const std::function<void(std::size_t, std::size_t, Out&)>& fill) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
    const std::size_t chunks = (rows + chunk - 1) / chunk;
    constexpr std::size_t kBatch = 32;  // chunks in memory at once
    std::vector<Out> outs(kBatch);
    for (std::size_t b0 = 0; b0 < chunks && ok; b0 += kBatch) {
        const std::size_t b1 = std::min(chunks, b0 + kBatch);
        tbb::parallel_for(b0, b1, [&](std::size_t ch) {
            Out& o = outs[ch - b0];
            o.s.clear();
            fill(ch * chunk, std::min(rows, ch * chunk + chunk), o);
        });
        for (std::size_t ch = b0; ch < b1 && ok; ++ch) ok = std::fwrite(outs[ch - b0].s.data(), 1, outs[ch - b0].s.size(), f) == outs[ch - b0].s.size();
    }
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
}

std::string cell_code(const Country& c, std::uint32_t idx) {
    char b[40];
    std::snprintf(b, sizeof b, "E%04lldN%04lld", static_cast<long long>(c.x100(idx)), static_cast<long long>(c.y100(idx)));
    return b;
}

void write_grid_stats(const Country& c, const std::string& path, nlohmann::json& truth) {
    std::string header = "C28992R100";
    for (int y : kYearList) header += fmt::format(",INW{}", y);
    header += "\n";
    const std::size_t nc = c.cells.size();
    write_rows(path, header, nc, 8192, [&](std::size_t first, std::size_t last, Out& out) {
        for (std::size_t k = first; k < last; ++k) {
            out.str(cell_code(c, c.cells[k]));
            for (int y = 0; y < kYears; ++y) {
                const std::int32_t v = c.cell_pop[k * kYears + sz(y)];
                out.ch(',');
                out.num(v > 0 && v < 5 ? -99997 : v);
            }
            out.ch('\n');
        }
    });
    nlohmann::json per_year = nlohmann::json::object();
    for (int y = 0; y < kYears; ++y) {
        std::int64_t total = 0, secret = 0, secret_cells = 0, populated = 0;
        for (std::size_t k = 0; k < nc; ++k) {
            const std::int32_t v = c.cell_pop[k * kYears + sz(y)];
            total += v;
            populated += v > 0 ? 1 : 0;
            if (v > 0 && v < 5) {
                secret += v;
                ++secret_cells;
            }
        }
        per_year[std::to_string(kYearList[sz(y)])] = {{"residents", total},
                                                      {"populated_cells", populated},
                                                      {"residents_in_secret_cells", secret},
                                                      {"secret_cells", secret_cells},
                                                      {"residents_published", total - secret}};
    }
    truth["population"] = per_year;
}

// ---- key figures --------------------------------------------------------------------------------------------

namespace {
struct DkCheck {
    bool udsat, forebyggelse;
};
// Danish rules on one buurt-year: shares; ratios to national convicted share and regional income.
DkCheck danish(double residents, double work, double conv_ratio, double edu, double inc_ratio, double nw, double margin) {
    const int a = (work > 0.40 - margin) + (conv_ratio >= 3.0 - 5 * margin) + (edu > 0.60 - margin) + (inc_ratio < 0.55 + margin);
    const int b = (work > 0.30 - margin) + (conv_ratio > 2.0 - 5 * margin) + (edu > 0.60 - margin) + (inc_ratio < 0.65 + margin);
    const bool udsat = residents >= 1000 && a >= 2;
    return {udsat, !udsat && residents >= 1000 && nw > 0.30 - margin && b >= 2};
}
}  // namespace

void make_key_figures(const Country& c, KeyFigures& kf, const Progress& progress) {
    const std::size_t nb = c.buurten.size();
    const std::size_t n = nb * kYears;
    for (auto* v : {&kf.work, &kf.convicted, &kf.basic_edu, &kf.income, &kf.nonwestern, &kf.unemp, &kf.longunemp, &kf.transfer,
                    &kf.childpov, &kf.regional_income}) {
        v->assign(n, 0.0);
    }
    std::vector<double> dep_z(nb);
    for (std::size_t b = 0; b < nb; ++b) dep_z[b] = c.deprivation[b];
    for (std::size_t b = 0; b < nb; ++b) {
        Rng rng(c.seed, Stream::kBuurt, b);
        const double z = dep_z[b];
        const double u = c.urbanity[b];
        const double e1 = rng.normal(), e2 = rng.normal(), e3 = rng.normal(), e4 = rng.normal(), e5 = rng.normal();
        const double drift = rng.normal(0, 0.08);
        for (int y = 0; y < kYears; ++y) {
            const double zy = z + drift * y + 0.06 * rng.normal();
            const std::size_t i = b * kYears + sz(y);
            kf.work[i] = std::clamp(0.15 + 0.06 * zy + 0.025 * e1, 0.03, 0.6);
            kf.convicted[i] = std::clamp(0.009 * std::exp(0.4 * zy + 0.25 * e2), 0.0005, 0.08);
            kf.basic_edu[i] = std::clamp(0.17 + 0.08 * zy + 0.03 * e3, 0.02, 0.7);
            kf.income[i] = 38.0 * std::exp(-0.12 * zy + 0.06 * e4) * (1 + 0.012 * (kYearList[sz(y)] - 2012));
            kf.nonwestern[i] = std::clamp(0.08 * std::exp(0.5 * zy + 0.35 * e5) * (0.4 + 1.2 * u), 0.0, 0.85);
            kf.unemp[i] = std::clamp(0.045 + 0.018 * zy + 0.005 * rng.normal(), 0.005, 0.3);
            kf.longunemp[i] = std::clamp(kf.unemp[i] * (0.38 + 0.04 * rng.normal()), 0.0, 0.2);
            kf.transfer[i] = std::clamp(0.08 + 0.035 * zy + 0.01 * rng.normal(), 0.005, 0.5);
            kf.childpov[i] = std::clamp(0.08 + 0.045 * zy + 0.012 * rng.normal(), 0.0, 0.6);
        }
    }
    // National convicted share and regional (COROP) income, resident-weighted, without the planted buurten.
    // The region of a buurt for the income comparison: its COROP region, or its provincie (or the country)
    // when fewer than 2,000 residents of that region live outside planted buurten (small scales).
    std::vector<std::int32_t> region(nb);
    {
        std::vector<double> cr_free(c.corops.size(), 0.0), pv_free(c.provincies.size(), 0.0);
        for (std::size_t b = 0; b < nb; ++b) {
            if (c.buurt_plant[b].key_override) continue;
            cr_free[sz(c.corop_of_buurt(static_cast<std::int32_t>(b)))] += static_cast<double>(c.buurt_pop[b][5]);
            pv_free[sz(c.provincie_of_buurt(static_cast<std::int32_t>(b)))] += static_cast<double>(c.buurt_pop[b][5]);
        }
        for (std::size_t b = 0; b < nb; ++b) {
            const auto cr = c.corop_of_buurt(static_cast<std::int32_t>(b));
            const auto pv = c.provincie_of_buurt(static_cast<std::int32_t>(b));
            region[b] = cr_free[sz(cr)] >= 2000 ? cr : pv_free[sz(pv)] >= 2000 ? static_cast<std::int32_t>(c.corops.size()) + pv
                                                                                 : static_cast<std::int32_t>(c.corops.size() + c.provincies.size());
        }
    }
    const std::size_t nregions = c.corops.size() + c.provincies.size() + 1;
    auto averages = [&](bool with_plants) {
        std::vector<double> inc(nregions * kYears, 0.0), pop(nregions * kYears, 0.0);
        std::array<double, kYears> conv{}, cpop{};
        for (std::size_t b = 0; b < nb; ++b) {
            if (!with_plants && c.buurt_plant[b].key_override) continue;
            const auto r = sz(region[b]);
            for (int y = 0; y < kYears; ++y) {
                const double p = static_cast<double>(c.buurt_pop[b][sz(y)]);
                const std::size_t i = b * kYears + sz(y);
                inc[r * kYears + sz(y)] += p * kf.income[i];
                pop[r * kYears + sz(y)] += p;
                conv[sz(y)] += p * kf.convicted[i];
                cpop[sz(y)] += p;
            }
        }
        for (int y = 0; y < kYears; ++y) kf.national_convicted[sz(y)] = cpop[sz(y)] > 0 ? conv[sz(y)] / cpop[sz(y)] : 0.0;
        for (std::size_t b = 0; b < nb; ++b) {
            const auto r = sz(region[b]);
            for (int y = 0; y < kYears; ++y) {
                const double p = pop[r * kYears + sz(y)];
                kf.regional_income[b * kYears + sz(y)] = p > 0 ? inc[r * kYears + sz(y)] / p : 38.0;
            }
        }
    };
    // Natural buurten never meet a Danish rule (checked with a margin): their values are pulled towards the mean.
    std::size_t pulled = 0;
    for (int round = 0; round < 3; ++round) {
        averages(false);
        for (std::size_t b = 0; b < nb; ++b) {
            if (c.buurt_plant[b].key_override) continue;
            for (int y = 0; y < kYears; ++y) {
                const std::size_t i = b * kYears + sz(y);
                for (int it = 0; it < 40; ++it) {
                    const DkCheck d = danish(static_cast<double>(c.buurt_pop[b][sz(y)]), kf.work[i], kf.convicted[i] / kf.national_convicted[sz(y)],
                                             kf.basic_edu[i], kf.income[i] / kf.regional_income[i], kf.nonwestern[i], 0.03);
                    if (!d.udsat && !d.forebyggelse) break;
                    if (it == 0) ++pulled;
                    kf.work[i] = 0.15 + (kf.work[i] - 0.15) * 0.85;
                    kf.convicted[i] = kf.national_convicted[sz(y)] * (1 + (kf.convicted[i] / kf.national_convicted[sz(y)] - 1) * 0.85);
                    kf.basic_edu[i] = 0.17 + (kf.basic_edu[i] - 0.17) * 0.85;
                    kf.income[i] = kf.regional_income[i] * (1 + (kf.income[i] / kf.regional_income[i] - 1) * 0.85);
                }
            }
        }
    }
    // Planted values: shares as given, ratios against the national / regional means including the planted
    // buurten themselves (a fixed point: at small scales a planted buurt is a large part of its region).
    for (int it = 0; it < 30; ++it) {
    averages(it > 0);
    for (std::size_t b = 0; b < nb; ++b) {
        const BuurtPlant& bp = c.buurt_plant[b];
        if (!bp.key_override) continue;
        for (int y = 0; y < kYears; ++y) {
            const std::size_t i = b * kYears + sz(y);
            kf.work[i] = bp.work[sz(y)];
            kf.convicted[i] = bp.convicted_ratio[sz(y)] * kf.national_convicted[sz(y)];
            kf.basic_edu[i] = bp.basic_edu[sz(y)];
            kf.income[i] = bp.income_ratio[sz(y)] * kf.regional_income[i];
            kf.nonwestern[i] = bp.nonwestern[sz(y)];
            kf.unemp[i] = bp.unemp[sz(y)];
            kf.longunemp[i] = bp.longunemp[sz(y)];
            kf.transfer[i] = bp.transfer[sz(y)];
            kf.childpov[i] = bp.childpov[sz(y)];
        }
    }
    }
    averages(true);
    progress(fmt::format("key figures: {} buurten x {} years ({} natural buurt-years pulled below the Danish thresholds)", nb, kYears, pulled));
}

namespace {
// Values as published: rounded like the StatLine table (percentages one decimal, income one decimal).
double pct(double share) { return std::round(share * 1000) / 10; }
}  // namespace

void write_key_figures(const Country& c, const KeyFigures& kf, const std::string& path) {
    Out o;
    o.str("\"Kerncijfers wijken en buurten 2012-2022 (synthetisch)\"\n");
    o.str("\"Synthetic Netherlands by wijkzicht synth; StatLine CSV layout (CBS)\"\n");
    o.str("\"\"\n");
    const char* const cols[] = {
        "Wijken en buurten", "Regioaanduiding/Codering (code)", "Perioden", "Bevolking/Aantal inwoners (aantal)",
        "Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)", "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)",
        "Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)", "Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)",
        "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)", "Bevolking/Leeftijdsgroepen/18 tot 65 jaar (aantal)",
        "Bevolking/Leeftijdsgroepen/30 tot 60 jaar (aantal)", "Bevolking/Leeftijdsgroepen/15 tot 65 jaar (aantal)",
        "Bevolking/Migratieachtergrond/Niet-westers totaal (%)", "Arbeid/Buiten werk of opleiding 18 tot 65 jaar (%)",
        "Onderwijs/Alleen basisonderwijs 30 tot 60 jaar (%)", "Veiligheid/Veroordeelden 15 jaar of ouder (%)",
        "Inkomen/Gemiddeld bruto inkomen 15 tot 65 jaar (x 1 000 euro)", "Inkomen/Gemiddeld bruto inkomen regio (x 1 000 euro)",
        "Arbeid/Werkloosheid (%)", "Arbeid/Langdurige werkloosheid (%)", "Sociale zekerheid/Uitkeringsontvangers (%)",
        "Inkomen/Kinderen in armoede (%)", "Wonen/Eigendom/Koopwoningen (%)", "Wonen/Eigendom/Huurwoningen corporatie (%)",
        "Wonen/Eigendom/Goedkope particuliere huur (%)", "Wonen/Eigendom/Overige particuliere huur (%)",
        "Stedelijkheid/Mate van stedelijkheid (1 zeer sterk - 5 niet stedelijk)"};
    for (std::size_t k = 0; k < std::size(cols); ++k) {
        if (k) o.ch(';');
        o.quoted(cols[k]);
    }
    o.ch('\n');
    for (std::size_t b = 0; b < c.buurten.size(); ++b) {
        Rng rng(c.seed, Stream::kBuurt, b, 2);
        const double u = c.urbanity[b];
        // Age structure: shares of 0-15, 15-25, 25-45, 45-65, 65+.
        std::array<double, 5> share{0.16 - 0.03 * u, 0.11 + 0.05 * u, 0.24 + 0.06 * u, 0.28 - 0.04 * u, 0.21 - 0.04 * u};
        for (double& v : share) v = std::max(0.02, v * rng.lognormal(0, 0.12));
        for (int y = 0; y < kYears; ++y) {
            const std::size_t i = b * kYears + sz(y);
            const std::int64_t pop = c.buurt_pop[b][sz(y)];
            // Integer age bands summing to the total (largest remainder).
            double tot = 0;
            for (double v : share) tot += v;
            std::array<std::int64_t, 5> band{};
            std::array<std::pair<double, int>, 5> rem{};
            std::int64_t given = 0;
            for (int a = 0; a < 5; ++a) {
                const double exact = share[sz(a)] / tot * static_cast<double>(pop);
                band[sz(a)] = static_cast<std::int64_t>(exact);
                rem[sz(a)] = {exact - std::floor(exact), a};
                given += band[sz(a)];
            }
            std::sort(rem.begin(), rem.end(), [](auto& l, auto& r) { return l.first != r.first ? l.first > r.first : l.second < r.second; });
            for (int a = 0; given < pop; ++a, ++given) ++band[sz(rem[sz(a % 5)].second)];
            const std::int64_t a18_64 = band[2] + band[3] + band[1] * 7 / 10;
            const std::int64_t a30_59 = (band[2] * 15 + band[3] * 15) / 20;
            const std::int64_t a15_64 = band[1] + band[2] + band[3];
            o.quoted(c.buurten[b].name);
            o.ch(';');
            o.quoted(fmt::format("{:<10}  ", c.buurten[b].code));
            o.ch(';');
            o.quoted(fmt::format("{}JJ00", kYearList[sz(y)]));
            o.str(";\"");
            o.num(pop);
            o.ch('"');
            for (std::int64_t v : {band[0], band[1], band[2], band[3], band[4], a18_64, a30_59, a15_64}) {
                o.str(";\"");
                o.num(v);
                o.ch('"');
            }
            const bool small = pop < 50;
            auto value = [&](double v, int decimals) {
                o.str(";\"");
                if (small) {
                    o.ch('.');
                } else {
                    o.fixed(v, decimals, true);
                }
                o.ch('"');
            };
            value(pct(kf.nonwestern[i]), 1);
            value(pct(kf.work[i]), 1);
            value(pct(kf.basic_edu[i]), 1);
            value(std::round(kf.convicted[i] * 10000) / 100, 2);
            value(std::round(kf.income[i] * 10) / 10, 1);
            value(std::round(kf.regional_income[i] * 10) / 10, 1);
            value(pct(kf.unemp[i]), 1);
            value(pct(kf.longunemp[i]), 1);
            value(pct(kf.transfer[i]), 1);
            value(pct(kf.childpov[i]), 1);
            const double other = std::max(0.0, 1.0 - c.owner_share[b] - c.corp_share[b] - c.cheap_private_share[b]);
            value(pct(c.owner_share[b]), 1);
            value(pct(c.corp_share[b]), 1);
            value(pct(c.cheap_private_share[b]), 1);
            value(pct(other), 1);
            // CBS "mate van stedelijkheid" from the address density: here from the buurt's urbanity (its
            // populated cells' log density), 1 = zeer sterk stedelijk ... 5 = niet stedelijk; given for
            // every buurt, as CBS does.
            o.str(";\"");
            o.num(static_cast<std::int64_t>(u >= 0.8 ? 1 : u >= 0.6 ? 2 : u >= 0.4 ? 3 : u >= 0.2 ? 4 : 5));
            o.ch('"');
            o.ch('\n');
        }
    }
    o.str("\"Bron: wijkzicht synth (synthetische gegevens)\"\n");
    write_text(path, o.s);
}

void write_regions(const Country& c, const std::string& path) {
    Out o;
    o.str("\"Regio-indeling en bevolkingsdaling (synthetisch)\"\n\"\"\n");
    o.str("\"Regio's\";\"Regioaanduiding/Codering (code)\";\"Niveau\";\"Bovenliggende regio\";\"Stedenklasse\";\"Bevolkingsdaling\"\n");
    static const char* const kStatus[] = {"geen", "krimpregio", "anticipeerregio"};
    static const char* const kClass[] = {"G4", "G40", "overig"};
    for (std::size_t k = 0; k < c.cps.size(); ++k) {
        o.quoted(c.cps[k].name);
        o.ch(';');
        o.quoted(c.cps[k].code);
        o.str(";\"corop_plus\";");
        o.quoted(c.corops[sz(c.cps[k].parent)].code);
        o.str(";\"\";");
        o.quoted(kStatus[c.cp_status[k]]);
        o.ch('\n');
    }
    for (std::size_t g = 0; g < c.gemeenten.size(); ++g) {
        o.quoted(c.gemeenten[g].name);
        o.ch(';');
        o.quoted(c.gemeenten[g].code);
        o.str(";\"gemeente\";");
        o.quoted(c.cps[sz(c.gemeenten[g].parent)].code);
        o.ch(';');
        o.quoted(kClass[c.gemeente_class[g]]);
        o.ch(';');
        o.quoted(kStatus[c.cp_status[sz(c.gemeenten[g].parent)]]);
        o.ch('\n');
    }
    write_text(path, o.s);
}

void write_boundaries(const Country& c, const std::string& dir, const Progress& progress) {
    const GridFrame frame{c.x0, c.y0, c.w, c.h};
    const std::size_t n = c.buurt_of.size();
    auto relabel = [&](auto&& up) {
        std::vector<std::int32_t> out(n, -1);
        for (std::size_t i = 0; i < n; ++i) {
            if (c.buurt_of[i] >= 0) out[i] = up(c.buurt_of[i]);
        }
        return out;
    };
    auto layer = [&](const std::string& name, const std::vector<Region>& regions, const std::vector<std::int32_t>& label,
                     const std::vector<std::string>& fields, auto&& row) {
        auto wkb = dissolve(frame, label, regions.size());
        std::vector<std::vector<std::string>> rows;
        for (std::size_t k = 0; k < regions.size(); ++k) rows.push_back(row(k));
        write_gpkg(dir + "/" + name + ".gpkg", name, fields, rows, wkb);
        progress(fmt::format("boundaries: {} ({} areas)", name, regions.size()));
    };
    auto bu = relabel([](std::int32_t b) { return b; });
    layer("buurt_2022", c.buurten, bu, {"statcode", "statnaam"}, [&](std::size_t k) {
        return std::vector<std::string>{c.buurten[k].code, c.buurten[k].name};
    });
    auto wk = relabel([&](std::int32_t b) { return c.buurten[sz(b)].parent; });
    layer("wijk_2022", c.wijken, wk, {"statcode", "statnaam"}, [&](std::size_t k) {
        return std::vector<std::string>{c.wijken[k].code, c.wijken[k].name};
    });
    auto gm = relabel([&](std::int32_t b) { return c.gemeente_of_buurt(b); });
    layer("gemeente_2022", c.gemeenten, gm, {"statcode", "statnaam", "corop_gebied", "corop_plus_gebied", "provincie"}, [&](std::size_t k) {
        const Region& cp = c.cps[sz(c.gemeenten[k].parent)];
        const Region& cr = c.corops[sz(cp.parent)];
        return std::vector<std::string>{c.gemeenten[k].code, c.gemeenten[k].name, cr.code, cp.code, c.provincies[sz(cr.parent)].code};
    });
    auto cp = relabel([&](std::int32_t b) { return c.cp_of_buurt(b); });
    layer("coropplusgebied_2022", c.cps, cp, {"statcode", "statnaam", "corop_gebied", "provincie"}, [&](std::size_t k) {
        const Region& cr = c.corops[sz(c.cps[k].parent)];
        return std::vector<std::string>{c.cps[k].code, c.cps[k].name, cr.code, c.provincies[sz(cr.parent)].code};
    });
    auto cr = relabel([&](std::int32_t b) { return c.corop_of_buurt(b); });
    layer("coropgebied_2022", c.corops, cr, {"statcode", "statnaam", "provincie"}, [&](std::size_t k) {
        return std::vector<std::string>{c.corops[k].code, c.corops[k].name, c.provincies[sz(c.corops[k].parent)].code};
    });
    auto pv = relabel([&](std::int32_t b) { return c.provincie_of_buurt(b); });
    layer("provincie_2022", c.provincies, pv, {"statcode", "statnaam"}, [&](std::size_t k) {
        return std::vector<std::string>{c.provincies[k].code, c.provincies[k].name};
    });
}

}  // namespace wz::synth
