// Evaluates the typology rules on the true values (true liveability scores, key figures as written), so
// truth.json can say for every planted area whether it meets its rule, and list every area that does.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "synth/parts.hpp"

namespace wz::synth {
namespace {

std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// Values as written in the StatLine file (rounded), so a reader of the files gets the same answers.
double pct_w(double share) { return std::round(share * 1000) / 1000; }

}  // namespace

nlohmann::json evaluate_rules(const Country& c, const Liveability& lv, const KeyFigures& kf) {
    using nlohmann::json;
    const std::size_t nb = c.buurten.size(), nw = c.wijken.size(), ncp = c.cps.size();
    const std::size_t nc = c.cells.size();
    // Per buurt / wijk / cp and year: residents, sum of pop*score, pop*vei, residents in onvoldoende cells.
    struct Acc {
        double pop = 0, s = 0, vei = 0, onv = 0, le5 = 0, cells = 0, c89 = 0;
    };
    std::vector<Acc> bu(nb * kYears), wk(nw * kYears), cp(ncp * kYears);
    for (std::size_t k = 0; k < nc; ++k) {
        const auto b = sz(c.cell_buurt[k]);
        const auto w = sz(c.buurten[b].parent);
        const auto r = sz(c.cp_of_buurt(static_cast<std::int32_t>(b)));
        for (int y = 0; y < kYears; ++y) {
            const double p = c.cell_pop[k * kYears + sz(y)];
            const double s = lv.score[k * kYears + sz(y)];
            const double v = lv.dim_score[(k * kYears + sz(y)) * kDims + 3];
            const int cls = lbm2_class(kAbsoluteOffset + s);
            for (Acc* a : {&bu[b * kYears + sz(y)], &wk[w * kYears + sz(y)], &cp[r * kYears + sz(y)]}) {
                a->pop += p;
                a->s += p * s;
                a->vei += p * v;
                if (p > 0 && cls <= 3) a->onv += p;
                if (cls <= 5) a->le5 += p;
                if (p > 0) a->cells += 1;
                if (p > 0 && cls >= 8) a->c89 += 1;
            }
        }
    }
    json out = json::object();
    {
        json national = json::object();
        for (int y = 0; y < kYears; ++y) {
            std::array<double, 10> by{};
            double tot = 0;
            for (std::size_t k = 0; k < nc; ++k) {
                const double p = c.cell_pop[k * kYears + sz(y)];
                by[sz(lbm2_class(kAbsoluteOffset + lv.score[k * kYears + sz(y)]))] += p;
                tot += p;
            }
            json shares = json::array();
            for (int k = 1; k <= 9; ++k) shares.push_back(tot > 0 ? by[sz(k)] / tot : 0.0);
            std::size_t onv_buurten = 0;
            for (std::size_t b = 0; b < nb; ++b) onv_buurten += bu[b * kYears + sz(y)].onv >= 100 ? 1 : 0;
            national[std::to_string(kYearList[sz(y)])] = {{"resident_share_by_class", shares}, {"onvoldoende_buurten", onv_buurten}};
        }
        out["national"] = national;
    }
    json params = {
        {"score", "S = sum_j w_j (T_j(x_j) - center_j) over the written indicator values; absolute = 4.1847 + S; "
                  "classes by LBM 2.0 edges; area scores are resident-weighted means of cell scores"},
        {"type1", {{"level", "wijk"}, {"weak", "class <= 4 in >= 3 measurements, 2022 among them"},
                   {"development", "development class 2020 -> 2022 at most 4 (LBM 2.0: change of the mean score < +0.067)"},
                   {"safety", "vei score in the lowest 10% of wijken (2022)"}, {"onvoldoende_share", ">= 0.25 of residents in cells of class <= 3 (2022)"}}},
        {"type2", {{"level", "buurt"}, {"residents", ">= 1000 (2022)"}, {"persistence", "class <= 4 in >= 3 measurements, 2022 among them"},
                   {"onvoldoende_cells", "a populated cell of class <= 3 (2022)"}, {"safety", "vei score in the lowest 20% of populated buurten (2022)"}}},
        {"type3", {{"level", "corop_plus"}, {"share_le5", ">= 1.25 x the national share of residents in cells of class <= 5"},
                   {"share_89", "<= 0.5 x the national share of populated cells in class 8-9"},
                   {"persistence", "both in >= 3 measurements, 2022 among them"}}},
        {"dk2018", {{"udsat", ">= 1000 residents and >= 2 of: outside work/education (18-64) > 40%, convicted >= 3x national, "
                              "basic education only (30-59) > 60%, income (15-64) < 55% of the regional mean (column 'regio' of the key figures: COROP, or provincie/country at small scales); "
                              "work and convictions averaged over the last two measurements, education and income of the year"},
                    {"ghetto", "udsat and non-Western > 50%"},
                    {"hard_ghetto", "ghetto on 4 lists in a row: yearly lists by the law (unknown on these biennial key figures); "
                                    "with list_step_years=2 the lists of 2016, 2018, 2020 and 2022"}}},
        {"dk2021", {{"forebyggelse", "not udsat, >= 1000 residents, non-Western > 30% and >= 2 of: outside work > 30%, convicted >= 2x national, "
                                     "basic education > 60%, income < 65% of regional mean (work and convictions two-measurement averages)"}}},
        {"berlin", {{"status", "index = sum of the z-scores (over buurten with >= 300 residents) of unemployment, long-term unemployment, "
                               "transfer receipt, child poverty, standardised again; very low when index > 1.5 (2022)"},
                    {"dynamics", "the same of the 2020->2022 changes of the four; negative when > 1"},
                    {"designation", "very low status and negative dynamics"}}},
    };
    out["rules"] = params;
    auto cls_of = [](const Acc& a) { return a.pop > 0 ? lbm2_class(kAbsoluteOffset + a.s / a.pop) : 0; };
    // ---- type 2 (buurten).
    std::vector<double> vei_b;
    for (std::size_t b = 0; b < nb; ++b) {
        const Acc& a = bu[b * kYears + 5];
        if (a.pop > 0) vei_b.push_back(a.vei / a.pop);
    }
    const double vei20 = quantile(vei_b, 0.2);
    std::map<std::string, json> area_eval;  // plant id -> values
    json t2 = json::array();
    std::vector<json> b_eval(nb);
    for (std::size_t b = 0; b < nb; ++b) {
        int weak = 0;
        for (int y = 0; y < kYears; ++y) weak += (bu[b * kYears + sz(y)].pop > 0 && cls_of(bu[b * kYears + sz(y)]) <= 4) ? 1 : 0;
        const Acc& a = bu[b * kYears + 5];
        const bool residents = a.pop >= 1000;
        const bool onv = a.onv > 0;
        const bool safety = a.pop > 0 && a.vei / a.pop <= vei20;
        const bool weak_now = a.pop > 0 && cls_of(a) <= 4;
        const bool persistent = weak >= 3 && weak_now;
        const bool meet = residents && persistent && onv && safety;
        if (meet) t2.push_back(c.buurten[b].code);
        b_eval[b]["type2"] = {{"designated", meet}, {"residents", a.pop}, {"measurements_weak", weak}, {"onvoldoende_residents", a.onv},
                              {"vei", a.pop > 0 ? a.vei / a.pop : 0.0}, {"score", a.pop > 0 ? a.s / a.pop : 0.0},
                              {"criteria", {{"residents", residents}, {"persistence", persistent}, {"onvoldoende_cells", onv}, {"safety", safety}}}};
    }
    out["type2"] = {{"designated", t2}, {"vei_threshold_p20", vei20}};
    // ---- type 1 (wijken).
    std::vector<double> vei_w;
    for (std::size_t w = 0; w < nw; ++w) {
        const Acc& a = wk[w * kYears + 5];
        if (a.pop > 0) vei_w.push_back(a.vei / a.pop);
    }
    const double vei10 = quantile(vei_w, 0.1);
    json t1 = json::array();
    std::vector<json> w_eval(nw);
    for (std::size_t w = 0; w < nw; ++w) {
        int weak = 0;
        for (int y = 0; y < kYears; ++y) weak += (wk[w * kYears + sz(y)].pop > 0 && cls_of(wk[w * kYears + sz(y)]) <= 4) ? 1 : 0;
        const Acc& a = wk[w * kYears + 5];
        auto mean = [&](int y) { const Acc& q = wk[w * kYears + sz(y)]; return q.pop > 0 ? q.s / q.pop : 0.0; };
        // Development class of 2020 -> 2022 at most 4 (no improvement beyond the +0.067 band).
        const bool dev = a.pop > 0 && wk[w * kYears + 4].pop > 0 && mean(5) - mean(4) < 0.067;
        const bool safety = a.pop > 0 && a.vei / a.pop <= vei10;
        const double share = a.pop > 0 ? a.onv / a.pop : 0.0;
        const bool persistent = weak >= 3 && a.pop > 0 && cls_of(a) <= 4;
        const bool meet = persistent && dev && safety && share >= 0.25;
        if (meet) t1.push_back(c.wijken[w].code);
        w_eval[w]["type1"] = {{"designated", meet}, {"measurements_weak", weak}, {"score_2012", mean(0)}, {"score_2020", mean(4)}, {"score_2022", mean(5)},
                              {"onvoldoende_share", share},
                              {"criteria", {{"weak", persistent}, {"development", dev}, {"safety", safety}, {"onvoldoende_share", share >= 0.25}}}};
    }
    out["type1"] = {{"designated", t1}, {"vei_threshold_p10", vei10}};
    // ---- type 3 (COROP-plus).
    // Relative to the country: the national shares of residents in class <= 5 and of land in 8-9.
    std::array<double, kYears> nat_le5{}, nat_89{};
    for (int y = 0; y < kYears; ++y) {
        double pop = 0, le5 = 0, cells = 0, c89 = 0;
        for (std::size_t r = 0; r < ncp; ++r) {
            const Acc& a = cp[r * kYears + sz(y)];
            pop += a.pop;
            le5 += a.le5;
            cells += a.cells;
            c89 += a.c89;
        }
        nat_le5[sz(y)] = pop > 0 ? le5 / pop : 0.0;
        nat_89[sz(y)] = cells > 0 ? c89 / cells : 0.0;
    }
    json t3 = json::array();
    std::vector<json> cp_eval(ncp);
    for (std::size_t r = 0; r < ncp; ++r) {
        int both = 0;
        json shares = json::array();
        bool le5_last = false, c89_last = false;
        for (int y = 0; y < kYears; ++y) {
            const Acc& a = cp[r * kYears + sz(y)];
            const double le5 = a.pop > 0 ? a.le5 / a.pop : 0.0;
            const double c89 = a.cells > 0 ? a.c89 / a.cells : 0.0;
            le5_last = a.pop > 0 && le5 / nat_le5[sz(y)] >= 1.25;
            c89_last = a.cells > 0 && (nat_89[sz(y)] > 0 ? c89 / nat_89[sz(y)] <= 0.5 : c89 <= 0.0);
            both += (le5_last && c89_last) ? 1 : 0;
            shares.push_back({{"year", kYearList[sz(y)]}, {"share_le5", le5}, {"share_89", c89},
                              {"national_share_le5", nat_le5[sz(y)]}, {"national_share_89", nat_89[sz(y)]}});
        }
        const bool meet = both >= 3 && le5_last && c89_last;
        if (meet) t3.push_back(c.cps[r].code);
        cp_eval[r]["type3"] = {{"designated", meet}, {"measurements_both", both}, {"shares", shares},
                               {"criteria", {{"share_le5_2022", le5_last}, {"share_89_2022", c89_last}, {"persistence", meet}}}};
    }
    out["type3"] = {{"designated", t3}};
    // ---- Danish lists (values as written: rounded shares).
    json udsat = json::array(), ghetto = json::array(), hard = json::array(), fore = json::array();
    auto avg2 = [&](const std::vector<double>& v, std::size_t b, int y) { return (v[b * kYears + sz(y)] + v[b * kYears + sz(y - 1)]) / 2; };
    for (std::size_t b = 0; b < nb; ++b) {
        bool g[kYears] = {};
        json per_year = json::object();
        for (int y = 1; y < kYears; ++y) {
            const double res = static_cast<double>(c.buurt_pop[b][sz(y)]);
            const double work = (pct_w(kf.work[b * kYears + sz(y)]) + pct_w(kf.work[b * kYears + sz(y - 1)])) / 2;
            const double edu = pct_w(kf.basic_edu[b * kYears + sz(y)]);
            const double conv = avg2(kf.convicted, b, y) / ((kf.national_convicted[sz(y)] + kf.national_convicted[sz(y - 1)]) / 2);
            const double inc = kf.income[b * kYears + sz(y)] / kf.regional_income[b * kYears + sz(y)];
            const double nwn = pct_w(kf.nonwestern[b * kYears + sz(y)]);
            const int a = (work > 0.40) + (conv >= 3.0) + (edu > 0.60) + (inc < 0.55);
            const int f = (work > 0.30) + (conv >= 2.0) + (edu > 0.60) + (inc < 0.65);
            const bool u = res >= 1000 && a >= 2;
            g[y] = u && nwn > 0.5;
            const bool fo = !u && res >= 1000 && nwn > 0.30 && f >= 2;
            if (y == kYears - 1) {
                if (u) udsat.push_back(c.buurten[b].code);
                if (g[y]) ghetto.push_back(c.buurten[b].code);
                if (fo) fore.push_back(c.buurten[b].code);
                // Four lists in a row, every 2 years on these biennial key figures (list_step_years=2).
                const bool h = g[2] && g[3] && g[4] && g[5];
                if (h) hard.push_back(c.buurten[b].code);
                b_eval[b]["dk2018_udsat"] = {{"designated", u}, {"criteria_met", a}, {"residents", res}, {"work", work}, {"convicted_ratio", conv},
                                             {"basic_edu", edu}, {"income_ratio", inc}, {"nonwestern", nwn}};
                b_eval[b]["dk2018_ghetto"] = {{"designated", g[y]}, {"udsat", u}, {"nonwestern", nwn}};
                b_eval[b]["dk2018_hard_ghetto"] = {{"designated", h}};
                b_eval[b]["dk2021_forebyggelse"] = {{"designated", fo}, {"criteria_met", f}, {"nonwestern", nwn}, {"udsat", u}};
            }
        }
    }
    out["dk2018"] = {{"udsat", udsat}, {"ghetto", ghetto}, {"hard_ghetto", hard}};
    out["dk2021"] = {{"forebyggelse", fore}};
    // ---- Berlin.
    {
        const std::vector<const std::vector<double>*> ind{&kf.unemp, &kf.longunemp, &kf.transfer, &kf.childpov};
        std::vector<std::size_t> eligible;
        for (std::size_t b = 0; b < nb; ++b) {
            if (c.buurt_pop[b][5] >= 300 && c.buurt_pop[b][4] >= 300) eligible.push_back(b);
        }
        auto zscores = [&](auto&& value) {
            double m = 0, s2 = 0;
            for (auto b : eligible) m += value(b);
            m /= static_cast<double>(std::max<std::size_t>(1, eligible.size()));
            for (auto b : eligible) s2 += (value(b) - m) * (value(b) - m);
            const double sd = std::sqrt(s2 / static_cast<double>(std::max<std::size_t>(1, eligible.size()))) + 1e-12;
            std::vector<double> z(nb, 0.0);
            for (auto b : eligible) z[b] = (value(b) - m) / sd;
            return z;
        };
        std::vector<double> status(nb, 0.0), dyn(nb, 0.0);
        for (const auto* v : ind) {
            auto zs = zscores([&](std::size_t b) { return pct_w((*v)[b * kYears + 5]); });
            auto zd = zscores([&](std::size_t b) { return pct_w((*v)[b * kYears + 5]) - pct_w((*v)[b * kYears + 4]); });
            for (auto b : eligible) {
                status[b] += zs[b];
                dyn[b] += zd[b];
            }
        }
        // The sums standardised again over the same buurten (MSS: the index is a z-score itself).
        status = zscores([&](std::size_t b) { return status[b]; });
        dyn = zscores([&](std::size_t b) { return dyn[b]; });
        json berlin = json::array();
        for (std::size_t b = 0; b < nb; ++b) {
            const bool el = c.buurt_pop[b][5] >= 300 && c.buurt_pop[b][4] >= 300;
            const bool meet = el && status[b] > 1.5 && dyn[b] > 1.0;
            if (meet) berlin.push_back(c.buurten[b].code);
            b_eval[b]["berlin"] = {{"designated", meet}, {"status_index", status[b]}, {"dynamics_index", dyn[b]},
                                   {"criteria", {{"status", el && status[b] > 1.5}, {"dynamics", el && dyn[b] > 1.0}}}};
        }
        out["berlin"] = {{"designated", berlin}};
    }
    // ---- planted areas: expected outcome against the evaluation.
    json plants = json::array();
    std::size_t failures = 0;
    for (const Plant& p : c.plants) {
        json e = json::object();
        std::vector<std::string> rules;
        std::stringstream ss(p.rule);
        for (std::string r; std::getline(ss, r, '+');) rules.push_back(r);
        bool ok = true;
        for (const auto& r : rules) {
            json v;
            if (p.level == "buurt") v = b_eval[sz(p.area)][r];
            if (p.level == "wijk") v = w_eval[sz(p.area)][r];
            if (p.level == "corop_plus") v = cp_eval[sz(p.area)][r];
            const bool designated = v.is_object() && v.value("designated", false);
            ok = ok && designated == (p.expect == "meet");
            e[r] = v;
        }
        if (!ok) ++failures;
        std::string code = p.level == "buurt" ? c.buurten[sz(p.area)].code : p.level == "wijk" ? c.wijken[sz(p.area)].code : c.cps[sz(p.area)].code;
        json members = json::array();
        for (auto b : p.buurten) members.push_back(c.buurten[sz(b)].code);
        plants.push_back({{"id", p.id}, {"rules", rules}, {"expect", p.expect}, {"missed_criterion", p.missed}, {"level", p.level},
                          {"code", code}, {"buurten", members}, {"design", p.details}, {"evaluation", e}, {"as_expected", ok}});
    }
    out["plants"] = plants;
    out["plants_not_as_expected"] = failures;
    return out;
}

}  // namespace wz::synth
