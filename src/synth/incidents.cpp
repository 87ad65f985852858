// Police-registered incidents in the police export layout (';', Dutch dates, RD X;Y), drawn per cell,
// year and type from the same truths: violence and vandalism follow the true safety score, drug dealing
// grows from 2018 in the planted drug-growth buurten.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "synth/parts.hpp"

namespace wz::synth {
namespace {

std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }

struct Type {
    const char* code;
    const char* name;
    const char* object;
    double rate;       // per resident per year at average safety
    double safety;     // elasticity to the safety score
};
constexpr Type kTypes[] = {
    {"A72", "Diefstal Fiets", "Openbare Weg/-Water", 0.0040, 0.3},
    {"B70", "Woninginbraak", "Woning", 0.0020, 0.5},
    {"F20", "Mishandeling", "Openbare Weg/-Water", 0.0025, 1.0},
    {"E40", "Vernieling", "Openbare Weg/-Water, Weg", 0.0020, 0.8},
    {"D30", "Drugshandel", "Openbare Weg/-Water", 0.0005, 0.6},
};
const char* const kDays[] = {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"};

// Days since 1970-01-01 (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}
const char* daypart(int hour) { return hour < 6 ? "nacht" : hour < 12 ? "ochtend" : hour < 18 ? "middag" : "avond"; }

void put_moment(Out& o, std::int64_t minutes) {  // minutes since epoch -> "dag;dagdeel;20-9-2017 17:30"
    const std::int64_t day = minutes / 1440;
    const int mins = static_cast<int>(minutes % 1440);
    int y = 0, m = 0, d = 0;
    civil_from_days(day, y, m, d);
    o.str(kDays[sz((day + 3) % 7)]);  // 1970-01-01 was a Thursday
    o.ch(';');
    o.str(daypart(mins / 60));
    o.ch(';');
    o.num(d);
    o.ch('-');
    o.num(m);
    o.ch('-');
    o.num(y);
    o.ch(' ');
    o.num(mins / 60);
    o.ch(':');
    if (mins % 60 < 10) o.ch('0');
    o.num(mins % 60);
}

}  // namespace

nlohmann::json write_incidents(const Country& c, const Liveability& lv, const std::string& path, const Progress& progress) {
    const std::size_t nc = c.cells.size();
    std::vector<std::uint8_t> drug(c.buurten.size(), 0);
    for (auto b : c.drug_growth_buurten) drug[sz(b)] = 1;
    const std::string header =
        "Incident Identificatie;Bronregistratie;Incidentsoort code;Incidentsoort;Pleegstraatnaam;Pleeghuisnummer met toev.;"
        "Pleegpostcode;Pleegplaats;Pleeggemeente;Pleegprovincie;Pleegwijk;Pleegbuurt;Pleegsubbuurt;Buurtnummer;"
        "Begin-pleegdag v/d week;Begin-pleegdagdeel;Begin-pleegdatum/tijd;Eind-pleegdag v/d week;Eind-pleegdagdeel;"
        "Eind-pleegdatum/tijd;Kennisnamedag v/d week;Kennisnamedagdeel;Kennisnamedatum/tijd;Aangifte;Poging;Verdachten;"
        "Aanhoudingen;Opgehelderd;Object;Project(en);Temperatuur;Weer;X;Y\n";
    constexpr int kFirst = 2012, kLast = 2022;
    constexpr int kNT = static_cast<int>(std::size(kTypes));
    // Counts per chunk for the truth (chunks are fixed, so the sums are deterministic).
    const std::size_t chunk = 1024;
    const std::size_t chunks = (nc + chunk - 1) / chunk;
    std::vector<std::array<std::int64_t, kNT * (kLast - kFirst + 1)>> counts(chunks);
    std::vector<std::int64_t> drug_counts(chunks * (kLast - kFirst + 1), 0);
    write_rows(path, header, nc, chunk, [&](std::size_t first, std::size_t last, Out& o) {
        auto& cnt = counts[first / chunk];
        cnt.fill(0);
        for (std::size_t k = first; k < last; ++k) {
            const std::uint32_t idx = c.cells[k];
            const auto b = sz(c.cell_buurt[k]);
            const auto& bu = c.buurten[b];
            const auto& wk = c.wijken[sz(bu.parent)];
            const auto g = sz(wk.parent);
            const auto& gm = c.gemeenten[g];
            const auto& pv = c.provincies[sz(c.corops[sz(c.cps[sz(gm.parent)].parent)].parent)];
            for (int year = kFirst; year <= kLast; ++year) {
                const int yi = std::min(kYears - 1, (year - 2012) / 2);
                const double pop = c.cell_pop[k * kYears + sz(yi)];
                if (pop <= 0) continue;
                const double vei = lv.dim_score[(k * kYears + sz(yi)) * kDims + 3];
                Rng rng(c.seed, Stream::kIncident, idx, static_cast<std::uint64_t>(year));
                for (int t = 0; t < kNT; ++t) {
                    const Type& ty = kTypes[t];
                    double m = std::clamp(std::exp(-ty.safety * vei / 0.04 * 0.45), 0.3, 10.0);
                    if (t == 4 && drug[b] && year >= 2018) m *= 1.0 + 1.2 * (year - 2016);
                    const std::int64_t n = rng.poisson(ty.rate * pop * m);
                    cnt[sz(t * (kLast - kFirst + 1) + (year - kFirst))] += n;
                    if (t == 4 && drug[b]) drug_counts[(first / chunk) * (kLast - kFirst + 1) + sz(year - kFirst)] += n;
                    for (std::int64_t i = 0; i < n; ++i) {
                        const std::int64_t day0 = days_from_civil(year, 1, 1);
                        const std::int64_t len = days_from_civil(year + 1, 1, 1) - day0;
                        const std::int64_t begin = (day0 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(len)))) * 1440 +
                                                   static_cast<std::int64_t>(rng.below(96)) * 15;
                        std::int64_t end = begin + static_cast<std::int64_t>(rng.below(48)) * 15;
                        if (end / 1440 > (days_from_civil(year + 1, 1, 1) - 1)) end = begin;
                        const std::int64_t known = end + 10 + static_cast<std::int64_t>(rng.below(600));
                        o.str(fmt::format("PLSYN_{}_{}_{}_{};PLSYN_BVH_{};", idx, year, t, i, year));
                        o.str(ty.code);
                        o.ch(';');
                        o.str(ty.name);
                        o.ch(';');
                        o.str(fmt::format("{}straat;{};{}{}{};", bu.name.substr(0, bu.name.find(' ')), 1 + rng.below(180),
                                          1000 + (g * 37 + b) % 9000, static_cast<char>('A' + rng.below(26)), static_cast<char>('A' + rng.below(26))));
                        o.str(gm.name);
                        o.ch(';');
                        o.str(gm.name);
                        o.ch(';');
                        o.str(pv.name);
                        o.ch(';');
                        o.str(wk.name);
                        o.ch(';');
                        o.str(bu.name);
                        o.ch(';');
                        o.str(bu.name);
                        o.ch(';');
                        o.num(bu.local + 100 * wk.local);
                        o.ch(';');
                        put_moment(o, begin);
                        o.ch(';');
                        put_moment(o, end);
                        o.ch(';');
                        put_moment(o, known);
                        o.str(rng.chance(0.8) ? ";J" : ";N");
                        o.str(rng.chance(0.05) ? ";J" : ";N");
                        const bool suspect = rng.chance(t >= 2 ? 0.3 : 0.05);
                        o.str(suspect ? ";1;" : ";0;");
                        o.num(suspect && rng.chance(0.5) ? 1 : 0);
                        o.str(suspect ? ";J;" : ";N;");
                        o.str(ty.object);
                        o.str(";;n/a;Geen data aanwezig;");
                        o.num(c.x100(idx) * 100 + static_cast<std::int64_t>(rng.below(100)));
                        o.ch(';');
                        o.num(c.y100(idx) * 100 + static_cast<std::int64_t>(rng.below(100)));
                        o.ch('\n');
                    }
                }
            }
        }
    });
    nlohmann::json by = nlohmann::json::object();
    std::int64_t total = 0;
    for (int t = 0; t < kNT; ++t) {
        nlohmann::json years = nlohmann::json::object();
        for (int y = kFirst; y <= kLast; ++y) {
            std::int64_t n = 0;
            for (const auto& cc : counts) n += cc[sz(t * (kLast - kFirst + 1) + (y - kFirst))];
            years[std::to_string(y)] = n;
            total += n;
        }
        by[std::string(kTypes[t].code) + " " + kTypes[t].name] = years;
    }
    nlohmann::json drug_years = nlohmann::json::object();
    for (int y = kFirst; y <= kLast; ++y) {
        std::int64_t n = 0;
        for (std::size_t ch = 0; ch < chunks; ++ch) n += drug_counts[ch * (kLast - kFirst + 1) + sz(y - kFirst)];
        drug_years[std::to_string(y)] = n;
    }
    progress(fmt::format("incidents: {} police incidents 2012-2022", total));
    return {{"total", total},
            {"by_type_and_year", by},
            {"drug_dealing_in_drug_growth_buurten_by_year", drug_years},
            {"model", "Poisson per cell, year and type: rate x residents x clamp(exp(-elasticity x vei / 0.04 x 0.45), 0.3, 10); "
                      "drug dealing x (1 + 1.2 (year - 2016)) from 2018 in the drug-growth buurten; coordinates uniform within the cell"}};
}

}  // namespace wz::synth
