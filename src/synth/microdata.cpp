// Undermining micro-data: persons, households, addresses and dwellings, ownership and purchases, legal
// entities and directors, suspicions, unusual transactions; with planted unexplained purchases, owners
// without income or assets, professional directors, criminal networks, and buurten where drug crime
// grows after earlier money-laundering and possession suspicions. Synthetic identifiers only: BSNs pass
// the 11-test, KvK numbers have 8 digits, BAG ids 16 (gemeente digits, object type 01, serial).
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "synth/parts.hpp"

namespace wz::synth {
namespace {

std::size_t sz(std::int64_t v) { return static_cast<std::size_t>(v); }

// Person index -> a distinct 9-digit number passing the 11-test.
std::string bsn_of(std::uint64_t i) {
    constexpr std::uint64_t kSpace = 90000000ULL;  // 10^7 bodies x 9 valid eighth digits
    const std::uint64_t j = (i * 7368787ULL + 24681357ULL) % kSpace;
    const std::uint64_t body = j / 9, k = j % 9;
    char d[10];
    std::snprintf(d, sizeof d, "%07llu", static_cast<unsigned long long>(body));
    int sum = 0;
    for (int p = 0; p < 7; ++p) sum += (9 - p) * (d[p] - '0');
    std::uint64_t seen = 0;
    for (int t = 0; t <= 9; ++t) {
        const int check = (sum + 2 * t) % 11;
        if (check == 10) continue;
        if (seen++ == k) {
            d[7] = static_cast<char>('0' + t);
            d[8] = static_cast<char>('0' + check);
            d[9] = 0;
            return std::string(d, 9);
        }
    }
    throw std::logic_error("bsn_of");
}
std::string kvk_of(std::uint64_t e) { return std::to_string(10000000ULL + (e * 4657ULL + 1234567ULL) % 90000000ULL); }
std::string bag_of(const Country& c, std::int32_t gemeente, std::uint64_t serial) {
    return fmt::format("{}01{:010d}", c.gemeenten[sz(gemeente)].code.substr(2), serial);
}
std::string date(int y, int m, int d) { return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d); }
std::string rdate(Rng& r, int y0, int y1) {
    return date(static_cast<int>(r.range(y0, y1)), static_cast<int>(r.range(1, 12)), static_cast<int>(r.range(1, 28)));
}

enum File { kPersons, kAddresses, kDwellings, kOwnership, kPurchases, kEntities, kDirectors, kSuspicions, kTransactions, kFiles };
const char* const kNames[kFiles] = {"persons", "addresses", "dwellings", "ownership", "purchases", "entities", "directors", "suspicions", "transactions"};
const char* const kHeaders[kFiles] = {
    "bsn,birth_year,household,address,income,assets\n",
    "address,buurt,cell,postcode,house_number\n",
    "address,dwelling_type,floor_area,value,tenure\n",
    "address,owner_type,owner,since\n",
    "purchase,address,buyer_type,buyer,date,price,household_income,household_assets\n",
    "kvk,legal_form,name,founded,address\n",
    "kvk,bsn,since\n",
    "suspicion,bsn,offence,date,convicted\n",
    "transaction,date,from_type,from,to_type,to,amount,unusual\n"};

struct Head {
    std::uint64_t person;
    std::string bag;
    std::int32_t buurt;
};

struct BuurtOut {
    Out f[kFiles];
    std::vector<std::string> unexplained, windhappers;
    std::vector<Head> heads;  // a few adults for the networks and the professional directors
    std::int64_t purchases = 0, suspicions_ml_poss_early = 0, trafficking_late = 0;
};

}  // namespace

nlohmann::json write_microdata(const Country& c, const KeyFigures& kf, const std::string& dir, const Progress& progress) {
    const std::size_t nb = c.buurten.size();
    std::vector<std::uint64_t> person_base(nb + 1, 0), entity_base(nb + 1, 0);
    for (std::size_t b = 0; b < nb; ++b) {
        person_base[b + 1] = person_base[b] + static_cast<std::uint64_t>(c.buurt_pop[b][5]);
        entity_base[b + 1] = entity_base[b] + static_cast<std::uint64_t>(c.buurt_pop[b][5]) / 12;
    }
    std::vector<std::uint8_t> drug(nb, 0);
    for (auto b : c.drug_growth_buurten) drug[sz(b)] = 1;
    std::vector<std::FILE*> files(kFiles);
    for (int f = 0; f < kFiles; ++f) {
        files[sz(f)] = std::fopen(fmt::format("{}/{}.csv", dir, kNames[f]).c_str(), "wb");
        if (files[sz(f)] == nullptr) throw std::runtime_error("cannot write micro-data in " + dir);
        std::fputs(kHeaders[f], files[sz(f)]);
    }
    nlohmann::json unexplained = nlohmann::json::array(), windhappers = nlohmann::json::array();
    std::vector<Head> heads;
    std::int64_t purchases = 0, early = 0, late = 0;
    std::int64_t drug_buurt_persons = 0;
    const std::uint64_t total_entities = entity_base[nb];
    constexpr std::size_t kBatch = 64;
    std::vector<BuurtOut> outs(kBatch);
    for (std::size_t b0 = 0; b0 < nb; b0 += kBatch) {
        const std::size_t b1 = std::min(nb, b0 + kBatch);
        tbb::parallel_for(b0, b1, [&](std::size_t b) {
            BuurtOut& o = outs[b - b0];
            o = BuurtOut{};
            const auto gm = c.gemeente_of_buurt(static_cast<std::int32_t>(b));
            Rng rng(c.seed, Stream::kPerson, b);
            const std::int64_t P = c.buurt_pop[b][5];
            const double mean_income = kf.income[b * kYears + 5] * 1000;
            const double conv_ratio = kf.convicted[b * kYears + 5] / std::max(1e-9, kf.national_convicted[5]);
            // Cells of the buurt for the addresses.
            std::vector<std::uint32_t> cells;
            for (std::size_t k = 0; k < c.cells.size(); ++k) {
                if (c.cell_buurt[k] == static_cast<std::int32_t>(b) && c.cell_pop[k * kYears + 5] > 0) cells.push_back(c.cells[k]);
            }
            const bool windhapper_buurt = P >= 200 && rng.chance(1.0 / 40);
            bool windhapper_done = false;
            int wh_owned = 0;
            std::int64_t i = 0;
            std::uint64_t ent_next = entity_base[b];
            const std::uint64_t ent_end = entity_base[b + 1];
            std::vector<std::uint64_t> own_entities;
            // Legal entities of the buurt (registered at a household's address below).
            while (i < P) {
                const std::int64_t size = std::min<std::int64_t>(P - i, 1 + std::min<std::int64_t>(5, rng.poisson(1.25)));
                const std::uint64_t head = person_base[b] + static_cast<std::uint64_t>(i);
                const std::string bag = bag_of(c, gm, head + 1);
                const std::string hh = fmt::format("HH{:09d}", head + 1);
                const std::uint32_t cell = cells.empty() ? 0 : cells[rng.below(cells.size())];
                // Household members.
                double hh_income = 0, hh_assets = 0;
                bool windhapper = false;
                for (std::int64_t m = 0; m < size; ++m) {
                    const std::uint64_t pid = head + static_cast<std::uint64_t>(m);
                    const bool adult = m < 2 || rng.chance(0.2);
                    const int birth = adult ? static_cast<int>(rng.range(1935, 2004)) : static_cast<int>(rng.range(2005, 2022));
                    double income = 0, assets = 0;
                    if (adult) {
                        income = rng.chance(0.1) ? 0.0 : std::round(rng.lognormal(std::log(mean_income), 0.45) / 100) * 100;
                        assets = std::round(rng.lognormal(std::log(25000.0), 1.2) / 100) * 100;
                        if (income == 0 && assets == 0) assets = 500;
                    }
                    if (m == 0 && size == 1 && windhapper_buurt && !windhapper_done) {
                        windhapper = true;
                        windhapper_done = true;
                        income = 0;
                        assets = 0;
                    }
                    hh_income += income;
                    hh_assets += assets;
                    Out& f = o.f[kPersons];
                    f.str(bsn_of(pid));
                    f.ch(',');
                    f.num(birth);
                    f.ch(',');
                    f.str(hh);
                    f.ch(',');
                    f.str(bag);
                    f.ch(',');
                    f.num(static_cast<std::int64_t>(income));
                    f.ch(',');
                    f.num(static_cast<std::int64_t>(assets));
                    f.ch('\n');
                    // Suspicions by year.
                    if (adult) {
                        for (int y = 2012; y <= 2022; ++y) {
                            struct Off {
                                const char* name;
                                double p;
                            };
                            const bool dg = drug[b] != 0;
                            const Off offs[] = {{"drugs_possession", 0.0012 * (dg && y <= 2016 ? 4.0 : 1.0)},
                                                {"money_laundering", 0.0002 * (dg && y <= 2016 ? 6.0 : 1.0)},
                                                {"drugs_trafficking", 0.0003 * (dg && y >= 2018 ? 1.0 + 1.5 * (y - 2016) : 1.0)},
                                                {"violence", 0.0015 * conv_ratio},
                                                {"property", 0.0015 * conv_ratio}};
                            for (int k = 0; k < 5; ++k) {
                                if (!rng.chance(offs[k].p)) continue;
                                if (dg && y <= 2016 && k <= 1) ++o.suspicions_ml_poss_early;
                                if (dg && y >= 2018 && k == 2) ++o.trafficking_late;
                                Out& s = o.f[kSuspicions];
                                s.str(fmt::format("V{}_{}_{},", pid + 1, y, k));
                                s.str(bsn_of(pid));
                                s.ch(',');
                                s.str(offs[k].name);
                                s.ch(',');
                                s.str(date(y, static_cast<int>(rng.range(1, 12)), static_cast<int>(rng.range(1, 28))));
                                s.str(rng.chance(0.4) ? ",1\n" : ",0\n");
                            }
                        }
                        if (rng.chance(0.002) && ent_end > entity_base[b]) {
                            const std::uint64_t to = entity_base[b] + rng.below(ent_end - entity_base[b]);
                            Out& t = o.f[kTransactions];
                            t.str(fmt::format("T{}_0,", pid + 1));
                            t.str(rdate(rng, 2012, 2022));
                            t.str(",person,");
                            t.str(bsn_of(pid));
                            t.str(",entity,");
                            t.str(kvk_of(to));
                            t.ch(',');
                            t.num(static_cast<std::int64_t>(std::round(rng.uniform(10000, 60000))));
                            t.str(",1\n");
                        }
                    }
                }
                if (o.heads.size() < 4 && !windhapper && hh_income > 0) o.heads.push_back({head, bag, static_cast<std::int32_t>(b)});
                // Address and dwelling.
                const std::string cellc = cells.empty() ? std::string("") : cell_code(c, cell);
                Out& a = o.f[kAddresses];
                a.str(bag);
                a.ch(',');
                a.str(c.buurten[b].code);
                a.ch(',');
                a.str(cellc);
                a.ch(',');
                a.str(fmt::format("{}{}{}", 1000 + (b * 7) % 9000, static_cast<char>('A' + b % 26), static_cast<char>('A' + (b / 26) % 26)));
                a.ch(',');
                a.num(rng.range(1, 250));
                a.ch('\n');
                const double u = rng.uniform();
                const char* tenure = u < c.owner_share[b] ? "owner" : u < c.owner_share[b] + c.corp_share[b] ? "corporation" : "private";
                const double value = std::round(rng.lognormal(std::log(260000.0 * mean_income / 38000.0), 0.3) / 1000) * 1000;
                Out& d = o.f[kDwellings];
                d.str(bag);
                d.ch(',');
                d.str(rng.chance(0.4) ? "appartement" : "eengezinswoning");
                d.ch(',');
                d.num(rng.range(35, 220));
                d.ch(',');
                d.num(static_cast<std::int64_t>(value));
                d.ch(',');
                d.str(tenure);
                d.ch('\n');
                Out& ow = o.f[kOwnership];
                ow.str(bag);
                if (tenure[0] == 'o') {
                    const std::string buyer = bsn_of(head);
                    ow.str(",person,");
                    ow.str(buyer);
                    ow.ch(',');
                    const int year = static_cast<int>(rng.range(1995, 2022));
                    ow.str(date(year, 1, 1));
                    ow.ch('\n');
                    const double capacity = 4.5 * hh_income + hh_assets;
                    if (year >= 2012 && hh_income > 0 && capacity >= 40000) {
                        const bool plant = rng.chance(0.04);
                        const double price = std::round((plant ? capacity * rng.uniform(1.3, 2.5) : std::min(value, capacity * rng.uniform(0.5, 0.95))) / 500) * 500;
                        const std::string id = fmt::format("K{}", bag);
                        if (plant) o.unexplained.push_back(id);
                        ++o.purchases;
                        Out& p = o.f[kPurchases];
                        p.str(id);
                        p.ch(',');
                        p.str(bag);
                        p.str(",person,");
                        p.str(buyer);
                        p.ch(',');
                        p.str(date(year, static_cast<int>(rng.range(1, 12)), static_cast<int>(rng.range(1, 28))));
                        p.ch(',');
                        p.num(static_cast<std::int64_t>(price));
                        p.ch(',');
                        p.num(static_cast<std::int64_t>(hh_income));
                        p.ch(',');
                        p.num(static_cast<std::int64_t>(hh_assets));
                        p.ch('\n');
                    }
                } else if (tenure[0] == 'c') {
                    ow.str(",entity,");
                    ow.str(kvk_of(total_entities + static_cast<std::uint64_t>(gm)));
                    ow.str(",1990-01-01\n");
                } else if (windhapper_done && wh_owned < 3) {
                    ++wh_owned;
                    // The planted owner without income or assets owns this private rental.
                    ow.str(",person,WINDHAPPER,2015-06-01\n");
                } else {
                    ow.str(",entity,");
                    ow.str(kvk_of(ent_end > entity_base[b] ? entity_base[b] + rng.below(ent_end - entity_base[b]) : total_entities + static_cast<std::uint64_t>(gm)));
                    ow.str(",2005-01-01\n");
                }
                if (windhapper) o.windhappers.push_back(bsn_of(head));
                // Entities registered here, with the head as director.
                if (ent_next < ent_end && hh_income > 0 && rng.chance(0.25)) {
                    const std::uint64_t e = ent_next++;
                    const bool stichting = rng.chance(0.3);
                    Out& en = o.f[kEntities];
                    en.str(kvk_of(e));
                    en.str(stichting ? ",stichting," : rng.chance(0.6) ? ",bv," : ",eenmanszaak,");
                    en.str(fmt::format("{} {}", stichting ? "Stichting" : "Onderneming", e + 1));
                    en.ch(',');
                    en.str(rdate(rng, 1990, 2021));
                    en.ch(',');
                    en.str(bag);
                    en.ch('\n');
                    Out& di = o.f[kDirectors];
                    di.str(kvk_of(e));
                    di.ch(',');
                    di.str(bsn_of(head));
                    di.ch(',');
                    di.str(rdate(rng, 2000, 2021));
                    di.ch('\n');
                }
                i += size;
            }
            // Entities that found no household: registered at the first address of the buurt.
            while (ent_next < ent_end) {
                const std::uint64_t e = ent_next++;
                Out& en = o.f[kEntities];
                en.str(kvk_of(e));
                en.str(",bv,");
                en.str(fmt::format("Onderneming {},", e + 1));
                en.str(rdate(rng, 1990, 2021));
                en.ch(',');
                en.str(bag_of(c, gm, person_base[b] + 1));
                en.ch('\n');
            }
        });
        for (std::size_t b = b0; b < b1; ++b) {
            BuurtOut& o = outs[b - b0];
            // The windhapper placeholder becomes the planted person's BSN.
            if (!o.windhappers.empty() && o.f[kOwnership].s.find("WINDHAPPER") != std::string::npos) {
                std::string& own = o.f[kOwnership].s;
                for (auto pos = own.find("WINDHAPPER"); pos != std::string::npos; pos = own.find("WINDHAPPER")) own.replace(pos, 10, o.windhappers[0]);
                windhappers.push_back(o.windhappers[0]);
            } else {
                std::string& own = o.f[kOwnership].s;
                for (auto pos = own.find(",person,WINDHAPPER"); pos != std::string::npos; pos = own.find(",person,WINDHAPPER")) {
                    own.replace(pos, 18, ",entity," + kvk_of(total_entities + static_cast<std::uint64_t>(c.gemeente_of_buurt(static_cast<std::int32_t>(b)))));
                }
            }
            for (int f = 0; f < kFiles; ++f) std::fwrite(o.f[f].s.data(), 1, o.f[f].s.size(), files[sz(f)]);
            for (auto& u : o.unexplained) unexplained.push_back(std::move(u));
            for (auto& h : o.heads) heads.push_back(h);
            purchases += o.purchases;
            early += o.suspicions_ml_poss_early;
            late += o.trafficking_late;
            if (drug[b]) drug_buurt_persons += c.buurt_pop[b][5];
        }
    }
    // Housing corporations: one foundation per gemeente.
    {
        Out en;
        for (std::size_t g = 0; g < c.gemeenten.size(); ++g) {
            en.str(kvk_of(total_entities + g));
            en.str(",stichting,");
            en.str(fmt::format("Woningstichting {},1990-01-01,", c.gemeenten[g].name));
            en.str(bag_of(c, static_cast<std::int32_t>(g), 9000000000ULL + g));
            en.ch('\n');
        }
        std::fwrite(en.s.data(), 1, en.s.size(), files[kEntities]);
        Out ad;
        for (std::size_t g = 0; g < c.gemeenten.size(); ++g) {
            // Corporation offices: an address in the gemeente's first buurt, not a dwelling.
            std::size_t b = 0;
            while (b < nb && c.gemeente_of_buurt(static_cast<std::int32_t>(b)) != static_cast<std::int32_t>(g)) ++b;
            ad.str(bag_of(c, static_cast<std::int32_t>(g), 9000000000ULL + g));
            ad.ch(',');
            ad.str(b < nb ? c.buurten[b].code : c.buurten[0].code);
            ad.str(",,1000AA,1\n");
        }
        std::fwrite(ad.s.data(), 1, ad.s.size(), files[kAddresses]);
    }
    // Professional directors and criminal networks, drawn from the recorded household heads.
    const std::uint64_t next_entity = total_entities + c.gemeenten.size();
    nlohmann::json pros = nlohmann::json::array(), networks = nlohmann::json::array();
    Out en, di, ad, dw, ow, pu, su, tr;
    Rng rng(c.seed, Stream::kNetwork, 0);
    const std::size_t n_pro = std::max<std::size_t>(4, static_cast<std::size_t>(std::lround(300 * c.scale)));
    const std::size_t n_net = std::max<std::size_t>(3, static_cast<std::size_t>(std::lround(60 * c.scale)));
    std::uint64_t e_next = next_entity, addr_next = 9100000000ULL;
    std::size_t used = 0;
    auto take = [&]() -> const Head& { return heads[(used++ * 7919) % heads.size()]; };
    if (heads.size() < 100) progress("microdata: too few households for the planted networks");
    for (std::size_t k = 0; k < n_pro && heads.size() >= 100; ++k) {
        const Head& h = take();
        const std::size_t boards = static_cast<std::size_t>(rng.range(8, 20));
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t j = 0; j < boards; ++j) {
            const std::uint64_t e = e_next++;
            en.str(kvk_of(e));
            en.str(",stichting,");
            en.str(fmt::format("Stichting Beheer {},", e + 1));
            en.str(rdate(rng, 2005, 2021));
            en.ch(',');
            en.str(h.bag);
            en.ch('\n');
            di.str(kvk_of(e));
            di.ch(',');
            di.str(bsn_of(h.person));
            di.ch(',');
            di.str(rdate(rng, 2005, 2021));
            di.ch('\n');
            list.push_back(kvk_of(e));
        }
        pros.push_back({{"bsn", bsn_of(h.person)}, {"boards", list}});
    }
    for (std::size_t k = 0; k < n_net && heads.size() >= 100; ++k) {
        const std::size_t n_members = static_cast<std::size_t>(rng.range(5, 12));
        std::vector<Head> members;
        for (std::size_t j = 0; j < n_members; ++j) members.push_back(take());
        nlohmann::json mem = nlohmann::json::array(), ents = nlohmann::json::array(), props = nlohmann::json::array(),
                       txs = nlohmann::json::array();
        for (const auto& m : members) {
            mem.push_back(bsn_of(m.person));
            for (const char* off : {"drugs_trafficking", "money_laundering"}) {
                su.str(fmt::format("VN{}_{}_{},", k, m.person + 1, off[0]));
                su.str(bsn_of(m.person));
                su.ch(',');
                su.str(off);
                su.ch(',');
                su.str(rdate(rng, 2016, 2022));
                su.str(",0\n");
            }
        }
        const std::size_t n_ent = static_cast<std::size_t>(rng.range(2, 4));
        std::vector<std::string> kv;
        for (std::size_t j = 0; j < n_ent; ++j) {
            const std::uint64_t e = e_next++;
            kv.push_back(kvk_of(e));
            en.str(kv.back());
            en.str(j == 0 ? ",stichting," : ",bv,");
            en.str(fmt::format("Holding {} {},", k + 1, j + 1));
            en.str(rdate(rng, 2012, 2018));
            en.ch(',');
            en.str(members[j % members.size()].bag);
            en.ch('\n');
            for (std::size_t q = 0; q < 2; ++q) {
                di.str(kv.back());
                di.ch(',');
                di.str(bsn_of(members[(j + q) % members.size()].person));
                di.ch(',');
                di.str(rdate(rng, 2012, 2018));
                di.ch('\n');
            }
            ents.push_back(kv.back());
        }
        const std::size_t n_prop = static_cast<std::size_t>(rng.range(3, 8));
        for (std::size_t j = 0; j < n_prop; ++j) {
            const Head& m = members[j % members.size()];
            const auto gm = c.gemeente_of_buurt(m.buurt);
            const std::string bag = bag_of(c, gm, addr_next++);
            ad.str(bag);
            ad.ch(',');
            ad.str(c.buurten[sz(m.buurt)].code);
            ad.str(",,1000AA,");
            ad.num(static_cast<std::int64_t>(j + 1));
            ad.ch('\n');
            dw.str(bag);
            dw.str(",eengezinswoning,120,350000,private\n");
            const bool by_entity = j % 2 == 1;
            const std::string buyer = by_entity ? kv[j % kv.size()] : bsn_of(m.person);
            ow.str(bag);
            ow.str(by_entity ? ",entity," : ",person,");
            ow.str(buyer);
            ow.str(",2019-01-01\n");
            const std::string id = fmt::format("K{}", bag);
            pu.str(id);
            pu.ch(',');
            pu.str(bag);
            pu.str(by_entity ? ",entity," : ",person,");
            pu.str(buyer);
            pu.ch(',');
            pu.str(rdate(rng, 2017, 2022));
            // Paid far beyond any income-based capacity: declared household income and assets are small.
            pu.str(",");
            pu.num(static_cast<std::int64_t>(std::round(rng.uniform(300000, 900000) / 500) * 500));
            pu.str(",12000,5000\n");
            props.push_back(bag);
            unexplained.push_back(id);
            ++purchases;
        }
        const std::size_t n_tx = static_cast<std::size_t>(rng.range(20, 60));
        for (std::size_t j = 0; j < n_tx; ++j) {
            const bool from_person = rng.chance(0.5);
            const std::string id = fmt::format("TN{}_{}", k + 1, j + 1);
            tr.str(id);
            tr.ch(',');
            tr.str(rdate(rng, 2016, 2022));
            tr.str(from_person ? ",person," : ",entity,");
            tr.str(from_person ? bsn_of(members[rng.below(members.size())].person) : kv[rng.below(kv.size())]);
            tr.str(from_person ? ",entity," : ",person,");
            tr.str(from_person ? kv[rng.below(kv.size())] : bsn_of(members[rng.below(members.size())].person));
            tr.ch(',');
            tr.num(static_cast<std::int64_t>(std::round(rng.uniform(9000, 250000))));
            tr.str(",1\n");
            txs.push_back(id);
        }
        networks.push_back({{"id", fmt::format("network_{}", k + 1)}, {"persons", mem}, {"entities", ents}, {"properties", props}, {"transactions", txs}});
    }
    const std::pair<File, Out*> tail[] = {{kEntities, &en}, {kDirectors, &di}, {kAddresses, &ad}, {kDwellings, &dw}, {kOwnership, &ow},
                                          {kPurchases, &pu}, {kSuspicions, &su}, {kTransactions, &tr}};
    for (const auto& [f, o] : tail) std::fwrite(o->s.data(), 1, o->s.size(), files[f]);
    for (auto* f : files) {
        if (std::fclose(f) != 0) throw std::runtime_error("cannot write micro-data in " + dir);
    }
    // The pseudonymisation key for `import microdata` (synthetic data only: a real key never sits beside the data).
    write_text(dir + "/pseudonym.key", fmt::format("{:016x}{:016x}\n", Rng(c.seed, Stream::kKey, 0).next(), Rng(c.seed, Stream::kKey, 1).next()));
    nlohmann::json dg = nlohmann::json::array();
    for (auto b : c.drug_growth_buurten) dg.push_back(c.buurten[sz(b)].code);
    progress(fmt::format("microdata: {} persons, {} purchases ({} unexplained), {} windhappers, {} professional directors, {} networks",
                         person_base[nb], purchases, unexplained.size(), windhappers.size(), pros.size(), networks.size()));
    return {{"persons", person_base[nb]},
            {"purchases", purchases},
            {"unexplained_purchases", {{"rule", "price > 4.5 x household gross income + household assets (columns of purchases.csv)"},
                                       {"ids", unexplained}}},
            {"windhappers", {{"rule", "owner (ownership.csv) with income 0 and assets 0 (persons.csv)"}, {"bsn", windhappers}}},
            {"professional_directors", {{"rule", "director of >= 8 legal entities; other persons direct at most 2"}, {"persons", pros}}},
            {"networks", networks},
            {"drug_growth", {{"buurten", dg},
                             {"rule", "drugs_possession x4 and money_laundering x6 in 2012-2016, then drugs_trafficking x (1 + 1.5 (year - 2016)) from 2018"},
                             {"early_possession_and_laundering_suspicions", early},
                             {"late_trafficking_suspicions", late}}},
            {"identifiers", "BSN: 9 digits passing the 11-test (synthetic, not drawn from any register); KvK: 8 digits; BAG: 16 digits "
                            "= gemeente digits + 01 + serial"}};
}

}  // namespace wz::synth
