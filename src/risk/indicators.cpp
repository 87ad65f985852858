#include "risk/indicators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/id_index.hpp"

namespace wz::risk {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const Column& col(const Table& t, const char* name) {
    return t.column(name);
}

// Buurt codes -> dense indices, in sorted order.
class Buurten {
  public:
    void add(const std::string& code) {
        if (code != last_) {
            codes_.insert(code);
            last_ = code;
        }
    }
    void freeze() {
        list_.assign(codes_.begin(), codes_.end());
        std::sort(list_.begin(), list_.end());
        for (std::size_t i = 0; i < list_.size(); ++i) index_[list_[i]] = i;
    }
    std::size_t size() const { return list_.size(); }
    std::size_t of(const std::string& code) const { return index_.at(code); }
    const std::vector<std::string>& list() const { return list_; }

  private:
    std::unordered_set<std::string> codes_;
    std::string last_;
    std::vector<std::string> list_;
    std::unordered_map<std::string, std::size_t> index_;
};

void add_buurten(Buurten& b, const Table& t) {
    const Column& c = col(t, "buurt");
    for (std::size_t r = 0; r < c.size(); ++r) {
        if (!c.is_missing(r)) b.add(c.text_at(r));
    }
}

std::int64_t value_or(const Column& c, std::size_t r, std::int64_t fallback) {
    return c.is_missing(r) ? fallback : c.int_at(r);
}

std::string gemeente_of(const std::string& buurt) {
    return "GM" + buurt.substr(2, 4);
}

}  // namespace

const std::vector<std::string>& offence_kinds() {
    static const std::vector<std::string> k = {"drugs_possession", "drugs_trafficking", "money_laundering",
                                               "violence", "property"};
    return k;
}

const std::vector<IndicatorDef>& indicator_defs() {
    static const std::vector<IndicatorDef> d = [] {
        std::vector<IndicatorDef> v = {
            {"unexplained_purchases", "yearly", "purchases",
             "dwelling purchases whose price exceeds what the household's income and assets can explain"},
            {"unusual_transactions", "yearly", "residents",
             "unusual transactions (FIU) sent by persons or entities of the buurt"},
            {"suspicions", "yearly", "residents", "suspicions against residents, all kinds"},
        };
        for (const auto& k : offence_kinds()) {
            v.push_back(
                {"suspicions_" + k, "yearly", "residents", "suspicions of " + k + " against residents"});
        }
        v.push_back({"owners_without_means", "snapshot", "owners",
                     "owners of dwellings here with neither income nor assets"});
        v.push_back(
            {"convicted_owners", "snapshot", "owners", "owners of dwellings here who were convicted"});
        v.push_back({"suspected_owners", "snapshot", "owners",
                     "owners of dwellings here who were suspected of an offence"});
        v.push_back({"professional_foundations", "snapshot", "residents",
                     "foundations registered here with a professional director"});
        v.push_back({"professional_foundation_dwellings", "snapshot", "dwellings",
                     "dwellings here owned by foundations with a professional director"});
        return v;
    }();
    return d;
}

IndicatorResult compute_indicators(const MicroTables& t, const IndicatorOptions& o) {
    if (!(o.capacity_factor > 0)) throw UsageError("the capacity factor must be positive");
    if (o.min_boards < 2)
        throw UsageError("a professional director sits on at least 2 boards (--min-boards)");
    IndicatorResult res;
    Buurten buurten;
    for (const Table* x : {&t.persons, &t.dwellings, &t.purchases, &t.entities}) add_buurten(buurten, *x);
    buurten.freeze();
    const std::size_t nb = buurten.size();
    // Persons: residence, means.
    const Column& p_id = col(t.persons, "person");
    const Column& p_buurt = col(t.persons, "buurt");
    const Column& p_income = col(t.persons, "income");
    const Column& p_assets = col(t.persons, "assets");
    IdIndex person_row(p_id.size());
    std::vector<std::int64_t> residents(nb, 0);
    std::vector<std::int32_t> person_bi(p_id.size());
    for (std::size_t r = 0; r < p_id.size(); ++r) {
        person_row.insert(p_id.int_at(r), static_cast<std::int32_t>(r));
        person_bi[r] = r > 0 && p_buurt.text_at(r) == p_buurt.text_at(r - 1)
                           ? person_bi[r - 1]
                           : static_cast<std::int32_t>(buurten.of(p_buurt.text_at(r)));
        ++residents[static_cast<std::size_t>(person_bi[r])];
    }
    auto person_buurt = [&](std::int64_t id) -> std::ptrdiff_t {
        const std::int32_t row = person_row.find(id);
        return row < 0 ? -1 : static_cast<std::ptrdiff_t>(person_bi[static_cast<std::size_t>(row)]);
    };
    // Entities: seat.
    const Column& e_id = col(t.entities, "entity");
    const Column& e_form = col(t.entities, "legal_form");
    const Column& e_buurt = col(t.entities, "buurt");
    IdIndex entity_row(e_id.size());
    for (std::size_t r = 0; r < e_id.size(); ++r)
        entity_row.insert(e_id.int_at(r), static_cast<std::int32_t>(r));
    // Years.
    std::set<std::int64_t> years;
    const Column& q_year = col(t.purchases, "year");
    const Column& s_year = col(t.suspicions, "year");
    const Column& x_year = col(t.transactions, "year");
    for (const Column* c : {&q_year, &s_year, &x_year}) {
        for (std::size_t r = 0; r < c->size(); ++r) years.insert(c->int_at(r));
    }
    if (years.empty())
        throw InputError("protected zone", 0, 0, "purchases, suspicions or transactions with years", "none");
    res.reference_year = o.reference_year != 0 ? o.reference_year : *years.rbegin();
    const std::vector<std::int64_t> year_list(years.begin(), years.end());
    const std::size_t ny = year_list.size();
    auto yi = [&](std::int64_t y) {
        return static_cast<std::size_t>(std::lower_bound(year_list.begin(), year_list.end(), y) -
                                        year_list.begin());
    };
    const std::size_t nk = offence_kinds().size();
    // ---- yearly counts
    std::vector<std::int64_t> purchases(nb * ny, 0), unexplained(nb * ny, 0), unusual(nb * ny, 0);
    std::vector<double> unusual_amount(nb * ny, 0.0);
    std::vector<std::int64_t> susp(nb * ny * nk, 0);
    {
        const Column& id = col(t.purchases, "purchase");
        const Column& b = col(t.purchases, "buurt");
        const Column& price = col(t.purchases, "price");
        const Column& inc = col(t.purchases, "household_income");
        const Column& ass = col(t.purchases, "household_assets");
        Column flag("purchase", ColumnType::kInt);
        for (std::size_t r = 0; r < id.size(); ++r) {
            const std::size_t k = buurten.of(b.text_at(r)) * ny + yi(q_year.int_at(r));
            ++purchases[k];
            if (inc.is_missing(r) || ass.is_missing(r)) continue;
            const double capacity =
                o.capacity_factor * static_cast<double>(inc.int_at(r)) + static_cast<double>(ass.int_at(r));
            if (static_cast<double>(price.int_at(r)) > capacity) {
                ++unexplained[k];
                flag.push_int(id.int_at(r));
            }
        }
        res.unexplained_purchases.add_column(std::move(flag));
    }
    // Suspicions per person (for the owners) and per residence buurt and year.
    std::unordered_set<std::int64_t> suspected, convicted;
    {
        const Column& pid = col(t.suspicions, "person");
        const Column& off = col(t.suspicions, "offence");
        const Column& conv = col(t.suspicions, "convicted");
        for (std::size_t r = 0; r < pid.size(); ++r) {
            const std::int64_t y = s_year.int_at(r);
            if (y <= res.reference_year) {
                suspected.insert(pid.int_at(r));
                if (value_or(conv, r, 0) == 1) convicted.insert(pid.int_at(r));
            }
            const auto b = person_buurt(pid.int_at(r));
            const auto kind = std::find(offence_kinds().begin(), offence_kinds().end(), off.text_at(r)) -
                              offence_kinds().begin();
            if (b < 0 || static_cast<std::size_t>(kind) >= nk) continue;
            ++susp[(static_cast<std::size_t>(b) * ny + yi(y)) * nk + static_cast<std::size_t>(kind)];
        }
    }
    {
        const Column& ft = col(t.transactions, "from_type");
        const Column& from = col(t.transactions, "from_id");
        const Column& amount = col(t.transactions, "amount");
        const Column& flag = col(t.transactions, "unusual");
        for (std::size_t r = 0; r < from.size(); ++r) {
            if (value_or(flag, r, 0) != 1) continue;
            std::ptrdiff_t b = -1;
            if (ft.text_at(r) == "person") {
                b = person_buurt(from.int_at(r));
            } else {
                const std::int32_t row = entity_row.find(from.int_at(r));
                if (row >= 0)
                    b = static_cast<std::ptrdiff_t>(
                        buurten.of(e_buurt.text_at(static_cast<std::size_t>(row))));
            }
            if (b < 0) continue;
            const std::size_t k = static_cast<std::size_t>(b) * ny + yi(x_year.int_at(r));
            ++unusual[k];
            unusual_amount[k] += static_cast<double>(amount.int_at(r));
        }
    }
    {
        Column cb("buurt", ColumnType::kText), cy("year", ColumnType::kInt),
            cres("residents", ColumnType::kInt), cp("purchases", ColumnType::kInt),
            cu("unexplained_purchases", ColumnType::kInt);
        std::vector<Column> ck;
        for (const auto& k : offence_kinds()) ck.emplace_back("suspicions_" + k, ColumnType::kInt);
        Column cs("suspicions", ColumnType::kInt), cx("unusual_transactions", ColumnType::kInt),
            ca("unusual_amount", ColumnType::kReal);
        for (std::size_t b = 0; b < nb; ++b) {
            for (std::size_t y = 0; y < ny; ++y) {
                const std::size_t k = b * ny + y;
                cb.push_text(buurten.list()[b]);
                cy.push_int(year_list[y]);
                cres.push_int(residents[b]);
                cp.push_int(purchases[k]);
                cu.push_int(unexplained[k]);
                std::int64_t total = 0;
                for (std::size_t j = 0; j < nk; ++j) {
                    ck[j].push_int(susp[k * nk + j]);
                    total += susp[k * nk + j];
                }
                cs.push_int(total);
                cx.push_int(unusual[k]);
                ca.push_real(unusual_amount[k]);
            }
        }
        for (Column* c : {&cb, &cy, &cres, &cp, &cu}) res.yearly.add_column(std::move(*c));
        for (auto& c : ck) res.yearly.add_column(std::move(c));
        for (Column* c : {&cs, &cx, &ca}) res.yearly.add_column(std::move(*c));
    }
    // ---- snapshot: owners, professional directors
    std::vector<std::int64_t> dwellings(nb, 0), owners(nb, 0), without_means(nb, 0), conv_owners(nb, 0),
        susp_owners(nb, 0), pro_foundations(nb, 0), pro_dwellings(nb, 0);
    {
        const Column& b = col(t.dwellings, "buurt");
        for (std::size_t r = 0; r < b.size(); ++r) ++dwellings[buurten.of(b.text_at(r))];
    }
    // Professional directors: persons on at least min_boards boards.
    std::unordered_map<std::int64_t, std::int64_t> boards;
    {
        const Column& pid = col(t.directors, "person");
        for (std::size_t r = 0; r < pid.size(); ++r) ++boards[pid.int_at(r)];
    }
    std::unordered_set<std::int64_t> pro_entities;
    {
        Column fp("person", ColumnType::kInt), fb("boards", ColumnType::kInt);
        std::vector<std::pair<std::int64_t, std::int64_t>> pros;
        for (const auto& [p, n] : boards) {
            if (n >= o.min_boards) pros.emplace_back(p, n);
        }
        std::sort(pros.begin(), pros.end());
        for (const auto& [p, n] : pros) {
            fp.push_int(p);
            fb.push_int(n);
        }
        res.professional_directors.add_column(std::move(fp));
        res.professional_directors.add_column(std::move(fb));
        const Column& eid = col(t.directors, "entity");
        const Column& pid = col(t.directors, "person");
        for (std::size_t r = 0; r < eid.size(); ++r) {
            if (boards[pid.int_at(r)] < o.min_boards) continue;
            const std::int32_t row = entity_row.find(eid.int_at(r));
            if (row < 0 || e_form.text_at(static_cast<std::size_t>(row)) != "stichting") continue;
            if (pro_entities.insert(eid.int_at(r)).second)
                ++pro_foundations[buurten.of(e_buurt.text_at(static_cast<std::size_t>(row)))];
        }
    }
    {
        const Column& b = col(t.ownership, "buurt");
        const Column& type = col(t.ownership, "owner_type");
        const Column& owner = col(t.ownership, "owner");
        // Each (buurt, person owner) once: sorted pairs.
        std::vector<std::pair<std::size_t, std::int64_t>> pairs;
        pairs.reserve(b.size());
        std::set<std::int64_t> flagged;
        std::size_t last_bi = 0;
        const std::string* last_code = nullptr;
        for (std::size_t r = 0; r < b.size(); ++r) {
            if (last_code == nullptr || b.text_at(r) != *last_code) {
                last_bi = buurten.of(b.text_at(r));
                last_code = &b.text_at(r);
            }
            const std::size_t bi = last_bi;
            const std::int64_t id = owner.int_at(r);
            if (type.text_at(r) == "entity") {
                if (pro_entities.count(id) != 0) ++pro_dwellings[bi];
                continue;
            }
            pairs.emplace_back(bi, id);
        }
        std::sort(pairs.begin(), pairs.end());
        pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
        for (const auto& [bi, id] : pairs) {
            ++owners[bi];
            const std::int32_t row = person_row.find(id);
            const auto pr = static_cast<std::size_t>(row);
            if (row >= 0 && value_or(p_income, pr, 1) == 0 && value_or(p_assets, pr, 1) == 0) {
                ++without_means[bi];
                flagged.insert(id);
            }
            if (convicted.count(id) != 0) ++conv_owners[bi];
            if (suspected.count(id) != 0) ++susp_owners[bi];
        }
        Column fp("person", ColumnType::kInt);
        for (auto id : flagged) fp.push_int(id);
        res.owners_without_means.add_column(std::move(fp));
    }
    {
        std::vector<std::pair<const char*, const std::vector<std::int64_t>*>> cols = {
            {"residents", &residents},
            {"dwellings", &dwellings},
            {"owners", &owners},
            {"owners_without_means", &without_means},
            {"convicted_owners", &conv_owners},
            {"suspected_owners", &susp_owners},
            {"professional_foundations", &pro_foundations},
            {"professional_foundation_dwellings", &pro_dwellings}};
        Column cb("buurt", ColumnType::kText), cy("year", ColumnType::kInt);
        for (std::size_t b = 0; b < nb; ++b) {
            cb.push_text(buurten.list()[b]);
            cy.push_int(res.reference_year);
        }
        res.snapshot.add_column(std::move(cb));
        res.snapshot.add_column(std::move(cy));
        for (const auto& [name, v] : cols) {
            Column c(name, ColumnType::kInt);
            for (std::size_t b = 0; b < nb; ++b) c.push_int((*v)[b]);
            res.snapshot.add_column(std::move(c));
        }
    }
    return res;
}

Table indicator_views(const IndicatorResult& result,
                      const std::map<std::string, std::string>& gemeente_corop) {
    struct Key {
        std::string level, area;
        std::int64_t year;
        bool operator<(const Key& o) const {
            return std::tie(level, area, year) < std::tie(o.level, o.area, o.year);
        }
    };
    Column cl("level", ColumnType::kText), ca("area", ColumnType::kText), cy("year", ColumnType::kInt),
        ci("indicator", ColumnType::kText), cc("count", ColumnType::kInt),
        cd("denominator", ColumnType::kInt), cr("rate", ColumnType::kReal),
        cn("ratio_national", ColumnType::kReal);
    for (const auto& def : indicator_defs()) {
        const Table& t = def.table == "yearly" ? result.yearly : result.snapshot;
        const Column& b = t.column("buurt");
        const Column& y = t.column("year");
        const Column& count = t.column(def.name);
        const Column& den = t.column(def.denominator);
        std::map<Key, std::pair<std::int64_t, std::int64_t>> sums;
        for (std::size_t r = 0; r < b.size(); ++r) {
            const std::string& code = b.text_at(r);
            const std::string gm = gemeente_of(code);
            std::vector<std::pair<std::string, std::string>> areas = {
                {"buurt", code}, {"gemeente", gm}, {"land", "NL00"}};
            const auto corop = gemeente_corop.find(gm);
            if (corop != gemeente_corop.end()) areas.emplace_back("corop", corop->second);
            for (const auto& [level, area] : areas) {
                auto& s = sums[{level, area, y.int_at(r)}];
                s.first += count.int_at(r);
                s.second += den.int_at(r);
            }
        }
        std::map<std::int64_t, double> national;
        for (const auto& [k, s] : sums) {
            if (k.level == "land")
                national[k.year] =
                    s.second > 0 ? static_cast<double>(s.first) / static_cast<double>(s.second) : kNaN;
        }
        for (const auto& [k, s] : sums) {
            cl.push_text(k.level);
            ca.push_text(k.area);
            cy.push_int(k.year);
            ci.push_text(def.name);
            cc.push_int(s.first);
            cd.push_int(s.second);
            const double rate =
                s.second > 0 ? static_cast<double>(s.first) / static_cast<double>(s.second) : kNaN;
            const double nat = national[k.year];
            if (std::isnan(rate)) {
                cr.push_missing(Missing::kNotAvailable);
            } else {
                cr.push_real(rate);
            }
            if (std::isnan(rate) || !(nat > 0)) {
                cn.push_missing(Missing::kNotAvailable);
            } else {
                cn.push_real(rate / nat);
            }
        }
    }
    Table out;
    for (Column* c : {&cl, &ca, &cy, &ci, &cc, &cd, &cr, &cn}) out.add_column(std::move(*c));
    return out;
}

Concentration hot_spot_concentration(const IndicatorResult& result, std::span<const std::string> buurt_ids,
                                     const spatial::Weights& weights,
                                     const spatial::HotspotSettings& settings, int recent_years) {
    if (recent_years < 1) throw UsageError("--hot-spot-years must be at least 1");
    if (weights.size() != buurt_ids.size())
        throw InternalError("hot_spot_concentration: weights and ids differ in size");
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < buurt_ids.size(); ++i) at.emplace(buurt_ids[i], i);
    const std::size_t n = buurt_ids.size();
    Column si("indicator", ColumnType::kText), sf("from_year", ColumnType::kInt),
        sy("to_year", ColumnType::kInt), sn("buurten", ColumnType::kInt), sh("hot_spots", ColumnType::kInt),
        sc("count", ColumnType::kInt), sin("count_in_hot_spots", ColumnType::kInt),
        ss("share_in_hot_spots", ColumnType::kReal), sr("residents_share_in_hot_spots", ColumnType::kReal);
    Column hi("indicator", ColumnType::kText), hb("buurt", ColumnType::kText), hr("rate", ColumnType::kReal),
        hz("gstar_z", ColumnType::kReal), hp("gstar_p", ColumnType::kReal), hh("hotspot", ColumnType::kText);
    for (const auto& def : indicator_defs()) {
        const bool yearly = def.table == "yearly";
        const Table& t = yearly ? result.yearly : result.snapshot;
        const Column& b = t.column("buurt");
        const Column& yr = t.column("year");
        const Column& count = t.column(def.name);
        const Column& den = t.column(def.denominator);
        const Column& res_col = t.column("residents");
        const std::int64_t from = yearly ? result.reference_year - recent_years + 1 : result.reference_year;
        std::vector<std::int64_t> c(n, 0), d(n, 0), residents(n, 0);
        std::vector<std::uint8_t> seen(n, 0);
        for (std::size_t r = 0; r < b.size(); ++r) {
            const auto it = at.find(b.text_at(r));
            if (it == at.end() || yr.int_at(r) < from || yr.int_at(r) > result.reference_year) continue;
            c[it->second] += count.int_at(r);
            d[it->second] += den.int_at(r);
            if (seen[it->second] == 0) residents[it->second] = res_col.int_at(r);  // the same in every year
            seen[it->second] = 1;
        }
        std::vector<double> rate(n, kNaN);
        for (std::size_t i = 0; i < n; ++i) {
            if (d[i] > 0) rate[i] = static_cast<double>(c[i]) / static_cast<double>(d[i]);
        }
        const spatial::HotspotResult hs = spatial::analyse_hotspots(rate, weights, {}, settings);
        const Table ht = spatial::hotspot_table(buurt_ids, rate, hs);
        const Column& flag = ht.column("hotspot");
        const Column& z = ht.column("Gstar_z");
        const Column& p = ht.column("Gstar_p");
        std::int64_t hot = 0, total = 0, inside = 0, res_total = 0, res_inside = 0;
        for (std::size_t i = 0; i < n; ++i) {
            total += c[i];
            res_total += residents[i];
            const bool is_hot = !flag.is_missing(i) && flag.text_at(i) == "hot";
            if (is_hot) {
                ++hot;
                inside += c[i];
                res_inside += residents[i];
            }
            if (!flag.is_missing(i) && flag.text_at(i) != "ns") {
                hi.push_text(def.name);
                hb.push_text(buurt_ids[i]);
                hr.push_real(rate[i]);
                hz.push_real(z.is_missing(i) ? kNaN : z.real_at(i));
                hp.push_real(p.is_missing(i) ? kNaN : p.real_at(i));
                hh.push_text(flag.text_at(i));
            }
        }
        si.push_text(def.name);
        sf.push_int(from);
        sy.push_int(result.reference_year);
        sn.push_int(static_cast<std::int64_t>(n));
        sh.push_int(hot);
        sc.push_int(total);
        sin.push_int(inside);
        if (total > 0) {
            ss.push_real(static_cast<double>(inside) / static_cast<double>(total));
        } else {
            ss.push_missing(Missing::kNotAvailable);
        }
        if (res_total > 0) {
            sr.push_real(static_cast<double>(res_inside) / static_cast<double>(res_total));
        } else {
            sr.push_missing(Missing::kNotAvailable);
        }
    }
    Concentration out;
    for (Column* c : {&si, &sf, &sy, &sn, &sh, &sc, &sin, &ss, &sr}) out.summary.add_column(std::move(*c));
    for (Column* c : {&hi, &hb, &hr, &hz, &hp, &hh}) out.hot_spots.add_column(std::move(*c));
    return out;
}

Table characteristics_by_hot_spot(const std::vector<std::string>& indicators, const Table& hot_spots,
                                  const Table& characteristics) {
    const Column& ind = hot_spots.column("indicator");
    const Column& hb = hot_spots.column("buurt");
    const Column& hs = hot_spots.column("hotspot");
    const Column& cb = characteristics.column("buurt");
    std::set<std::pair<std::string, std::string>> hot;  // (indicator, buurt)
    for (std::size_t r = 0; r < hot_spots.row_count(); ++r)
        if (!hs.is_missing(r) && hs.text_at(r) == "hot") hot.emplace(ind.text_at(r), hb.text_at(r));
    std::map<std::string, std::vector<std::pair<std::size_t, bool>>> members;  // every buurt, hot or not
    for (const std::string& indicator : indicators)
        for (std::size_t r = 0; r < cb.size(); ++r)
            if (!cb.is_missing(r))
                members[indicator].emplace_back(r, hot.count({indicator, cb.text_at(r)}) != 0);
    Column o_ind("indicator", ColumnType::kText), o_char("characteristic", ColumnType::kText),
        o_nh("hot_buurten", ColumnType::kInt), o_no("other_buurten", ColumnType::kInt),
        o_mh("mean_hot", ColumnType::kReal), o_mo("mean_other", ColumnType::kReal),
        o_d("difference", ColumnType::kReal), o_smd("standardised_difference", ColumnType::kReal);
    for (const std::string& indicator : indicators) {
        for (const Column& c : characteristics.columns()) {
            if (&c == &cb || c.type() == ColumnType::kText) continue;
            // Welford per group: count, mean, sum of squared deviations
            double n[2] = {0, 0}, mean[2] = {0, 0}, m2[2] = {0, 0};
            for (const auto& [row, is_hot] : members[indicator]) {
                if (c.is_missing(row) || !std::isfinite(c.number_at(row))) continue;
                const int g = is_hot ? 0 : 1;
                const double x = c.number_at(row);
                n[g] += 1;
                const double d = x - mean[g];
                mean[g] += d / n[g];
                m2[g] += d * (x - mean[g]);
            }
            o_ind.push_text(indicator);
            o_char.push_text(c.name());
            o_nh.push_int(static_cast<std::int64_t>(n[0]));
            o_no.push_int(static_cast<std::int64_t>(n[1]));
            for (int g = 0; g < 2; ++g) {
                Column& out = g == 0 ? o_mh : o_mo;
                if (n[g] > 0)
                    out.push_real(mean[g]);
                else
                    out.push_missing(Missing::kNotAvailable);
            }
            if (n[0] > 0 && n[1] > 0)
                o_d.push_real(mean[0] - mean[1]);
            else
                o_d.push_missing(Missing::kNotAvailable);
            const double pooled =
                n[0] >= 2 && n[1] >= 2 ? std::sqrt((m2[0] + m2[1]) / (n[0] + n[1] - 2)) : 0.0;
            if (pooled > 0)
                o_smd.push_real((mean[0] - mean[1]) / pooled);
            else
                o_smd.push_missing(Missing::kNotAvailable);
        }
    }
    Table out;
    for (Column* c : {&o_ind, &o_char, &o_nh, &o_no, &o_mh, &o_mo, &o_d, &o_smd})
        out.add_column(std::move(*c));
    return out;
}

}  // namespace wz::risk
