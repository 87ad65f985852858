#include "risk/network.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/id_index.hpp"
#include "core/progress.hpp"

namespace wz::risk {
namespace {

enum NodeType : std::uint8_t { kPerson, kHousehold, kAddress, kEntity, kTypes };
constexpr const char* kTypeNames[kTypes] = {"person", "household", "property", "entity"};

class Nodes {
  public:
    std::uint32_t of(NodeType t, std::int64_t id) {
        const std::int32_t found = index_[t].find(id);
        if (found >= 0) return static_cast<std::uint32_t>(found);
        const auto n = static_cast<std::uint32_t>(type_.size());
        index_[t].insert(id, static_cast<std::int32_t>(n));
        type_.push_back(t);
        id_.push_back(id);
        return n;
    }
    std::int64_t find(NodeType t, std::int64_t id) const { return index_[t].find(id); }
    // Room for `n` nodes of type `t` without growing (growing copies into fresh memory).
    void reserve(NodeType t, std::size_t n) {
        index_[t].reserve(n);
        type_.reserve(type_.capacity() + n);
        id_.reserve(id_.capacity() + n);
    }
    std::size_t size() const { return type_.size(); }
    NodeType type(std::size_t n) const { return type_[n]; }
    std::int64_t id(std::size_t n) const { return id_[n]; }

  private:
    IdIndex index_[kTypes];
    std::vector<NodeType> type_;
    std::vector<std::int64_t> id_;
};

class UnionFind {
  public:
    explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0U); }
    std::uint32_t find(std::uint32_t x) {
        while (parent_[x] != x) {
            parent_[x] = parent_[parent_[x]];
            x = parent_[x];
        }
        return x;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a);
        b = find(b);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
    }

  private:
    std::vector<std::uint32_t> parent_;
};

}  // namespace

NetworkResult analyse_network(const MicroTables& t, const Table& professional_directors, const NetworkOptions& o) {
    if (o.spread_hops < 0 || o.spread_hops > 6) throw UsageError("--hops must be from 0 to 6");
    ProgressStep step("building the network");
    Nodes nodes;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> control, living;  // edges for components / only for the spread
    std::vector<std::uint8_t> unusual_edge;
    {
        const std::size_t persons = t.persons.row_count(), entities = t.entities.row_count();
        nodes.reserve(kPerson, persons);
        nodes.reserve(kHousehold, persons);
        nodes.reserve(kAddress, t.dwellings.row_count() + entities);  // most persons live in a dwelling
        nodes.reserve(kEntity, entities);
        living.reserve(2 * persons + entities);
        control.reserve(t.ownership.row_count() + t.purchases.row_count() + t.directors.row_count() +
                        t.transactions.row_count());
        unusual_edge.reserve(t.transactions.row_count());
    }
    // Persons: household and residence; residence buurt.
    const Column& pid = t.persons.column("person");
    const Column& phh = t.persons.column("household");
    const Column& pad = t.persons.column("address");
    const Column& pbu = t.persons.column("buurt");
    for (std::size_t r = 0; r < pid.size(); ++r) {
        const std::uint32_t p = nodes.of(kPerson, pid.int_at(r));
        living.emplace_back(p, nodes.of(kHousehold, phh.int_at(r)));
        living.emplace_back(p, nodes.of(kAddress, pad.int_at(r)));
    }
    step.check();
    const Column& eid = t.entities.column("entity");
    const Column& ead = t.entities.column("address");
    for (std::size_t r = 0; r < eid.size(); ++r) living.emplace_back(nodes.of(kEntity, eid.int_at(r)), nodes.of(kAddress, ead.int_at(r)));
    auto party = [&](const std::string& type, std::int64_t id) { return nodes.of(type == "person" ? kPerson : kEntity, id); };
    {
        const Column& a = t.ownership.column("address");
        const Column& ty = t.ownership.column("owner_type");
        const Column& ow = t.ownership.column("owner");
        for (std::size_t r = 0; r < a.size(); ++r) control.emplace_back(party(ty.text_at(r), ow.int_at(r)), nodes.of(kAddress, a.int_at(r)));
    }
    {
        const Column& a = t.purchases.column("address");
        const Column& ty = t.purchases.column("buyer_type");
        const Column& b = t.purchases.column("buyer");
        for (std::size_t r = 0; r < a.size(); ++r) control.emplace_back(party(ty.text_at(r), b.int_at(r)), nodes.of(kAddress, a.int_at(r)));
    }
    {
        const Column& e = t.directors.column("entity");
        const Column& p = t.directors.column("person");
        for (std::size_t r = 0; r < e.size(); ++r) control.emplace_back(nodes.of(kPerson, p.int_at(r)), nodes.of(kEntity, e.int_at(r)));
    }
    const std::size_t money_start = control.size();
    {
        const Column& ft = t.transactions.column("from_type");
        const Column& f = t.transactions.column("from_id");
        const Column& tt = t.transactions.column("to_type");
        const Column& to = t.transactions.column("to_id");
        const Column& u = t.transactions.column("unusual");
        for (std::size_t r = 0; r < f.size(); ++r) {
            control.emplace_back(party(ft.text_at(r), f.int_at(r)), party(tt.text_at(r), to.int_at(r)));
            unusual_edge.push_back(!u.is_missing(r) && u.int_at(r) == 1 ? 1 : 0);
        }
    }
    step.check();
    const std::size_t n = nodes.size();
    // Suspects (drugs trafficking or money laundering up to the reference year).
    std::int64_t ref = o.reference_year;
    const Column& sp = t.suspicions.column("person");
    const Column& so = t.suspicions.column("offence");
    const Column& sy = t.suspicions.column("year");
    if (ref == 0) {
        for (std::size_t r = 0; r < sy.size(); ++r) ref = std::max(ref, sy.int_at(r));
    }
    std::vector<std::uint8_t> suspect(n, 0), pro(n, 0);
    for (std::size_t r = 0; r < sp.size(); ++r) {
        if (sy.int_at(r) > ref) continue;
        if (so.text_at(r) != "drugs_trafficking" && so.text_at(r) != "money_laundering") continue;
        const auto k = nodes.find(kPerson, sp.int_at(r));
        if (k >= 0) suspect[static_cast<std::size_t>(k)] = 1;
    }
    {
        const Column& pp = professional_directors.column("person");
        for (std::size_t r = 0; r < pp.size(); ++r) {
            const auto k = nodes.find(kPerson, pp.int_at(r));
            if (k >= 0) pro[static_cast<std::size_t>(k)] = 1;
        }
    }
    // Components over control and money edges.
    UnionFind uf(n);
    for (const auto& [a, b] : control) uf.unite(a, b);
    std::vector<std::uint32_t> root(n);
    for (std::size_t v = 0; v < n; ++v) root[v] = uf.find(static_cast<std::uint32_t>(v));
    // Components (roots of nodes with a control edge) numbered densely in the order of their roots.
    struct Comp {
        std::int64_t persons = 0, entities = 0, properties = 0, transactions = 0, unusual = 0, suspects = 0, pros = 0;
        std::uint32_t root = 0;
        std::int32_t first_buurt = -1;  // the first buurt seen; others go to `other_buurten`
        std::int64_t buurten = 0;       // distinct buurten (counted at the end)
    };
    std::vector<Comp> comps;
    std::vector<std::int32_t> comp_of_root(n, -1);
    std::vector<std::pair<std::int32_t, std::int32_t>> other_buurten;  // (component, buurt) beyond the first
    auto comp_of = [&](std::uint32_t r) -> Comp& {
        std::int32_t& k = comp_of_root[r];
        if (k < 0) {
            k = static_cast<std::int32_t>(comps.size());
            comps.emplace_back().root = r;
        }
        return comps[static_cast<std::size_t>(k)];
    };
    auto add_buurt = [&](Comp& c, std::int32_t b) {
        if (c.first_buurt < 0) {
            c.first_buurt = b;
        } else if (b != c.first_buurt) {
            other_buurten.emplace_back(static_cast<std::int32_t>(&c - comps.data()), b);
        }
    };
    // Buurt of each person node and dwelling node (index into `buurt_codes`, -1 none).
    std::vector<std::string> buurt_codes;
    std::unordered_map<std::string, std::int32_t> buurt_index;
    auto buurt_of_code = [&](const std::string& code) {
        const auto [it, added] = buurt_index.emplace(code, static_cast<std::int32_t>(buurt_codes.size()));
        if (added) buurt_codes.push_back(code);
        return it->second;
    };
    std::vector<std::int32_t> node_buurt(n, -1);
    for (std::size_t r = 0; r < pid.size(); ++r) {
        node_buurt[static_cast<std::size_t>(nodes.find(kPerson, pid.int_at(r)))] = buurt_of_code(pbu.text_at(r));
    }
    {
        const Column& a = t.dwellings.column("address");
        const Column& b = t.dwellings.column("buurt");
        for (std::size_t r = 0; r < a.size(); ++r) {
            const auto v = nodes.find(kAddress, a.int_at(r));
            if (v >= 0) node_buurt[static_cast<std::size_t>(v)] = buurt_of_code(b.text_at(r));
        }
    }
    std::vector<std::uint8_t> in_control(n, 0);
    for (const auto& [a, b] : control) in_control[a] = in_control[b] = 1;
    for (std::size_t v = 0; v < n; ++v) {
        if (in_control[v] == 0) continue;
        Comp& c = comp_of(root[v]);
        switch (nodes.type(v)) {
            case kPerson:
                ++c.persons;
                c.suspects += suspect[v];
                c.pros += pro[v];
                if (node_buurt[v] >= 0) add_buurt(c, node_buurt[v]);
                break;
            case kEntity:
                ++c.entities;
                break;
            case kAddress:
                ++c.properties;
                if (node_buurt[v] >= 0) add_buurt(c, node_buurt[v]);
                break;
            default:
                break;
        }
    }
    for (Comp& c : comps) c.buurten = c.first_buurt >= 0 ? 1 : 0;
    std::sort(other_buurten.begin(), other_buurten.end());
    other_buurten.erase(std::unique(other_buurten.begin(), other_buurten.end()), other_buurten.end());
    for (const auto& [k, b] : other_buurten) ++comps[static_cast<std::size_t>(k)].buurten;
    for (std::size_t e = money_start; e < control.size(); ++e) {
        Comp& c = comp_of(root[control[e].first]);
        ++c.transactions;
        c.unusual += unusual_edge[e - money_start];
    }
    // Number components by size (persons + entities), largest first; keep those with two or more.
    std::vector<std::pair<std::uint32_t, const Comp*>> order;
    for (const Comp& c : comps) {
        if (c.persons + c.entities >= 2) order.emplace_back(c.root, &c);
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        const auto sa = a.second->persons + a.second->entities, sb = b.second->persons + b.second->entities;
        return sa != sb ? sa > sb : a.first < b.first;
    });
    std::vector<std::int64_t> number(comps.size(), 0);  // by component index; 0: not listed
    std::vector<std::uint8_t> risky(comps.size(), 0);
    NetworkResult res;
    {
        Column cc("component", ColumnType::kInt), cp("persons", ColumnType::kInt), ce("entities", ColumnType::kInt),
            cq("properties", ColumnType::kInt), ct("transactions", ColumnType::kInt), cs("suspects", ColumnType::kInt),
            cd("professional_directors", ColumnType::kInt), cb("buurten", ColumnType::kInt), cr("risk", ColumnType::kInt);
        for (std::size_t k = 0; k < order.size(); ++k) {
            const Comp& c = *order[k].second;
            const auto ci = static_cast<std::size_t>(&c - comps.data());
            number[ci] = static_cast<std::int64_t>(k + 1);
            const bool risk = c.suspects >= o.min_suspects || (c.suspects >= 1 && c.unusual >= 1);
            if (risk) risky[ci] = 1;
            cc.push_int(static_cast<std::int64_t>(k + 1));
            cp.push_int(c.persons);
            ce.push_int(c.entities);
            cq.push_int(c.properties);
            ct.push_int(c.transactions);
            cs.push_int(c.suspects);
            cd.push_int(c.pros);
            cb.push_int(c.buurten);
            cr.push_int(risk ? 1 : 0);
        }
        for (Column* c : {&cc, &cp, &ce, &cq, &ct, &cs, &cd, &cb, &cr}) res.components.add_column(std::move(*c));
    }
    step.check();
    // Risk spread: breadth-first from the suspects over every edge.
    std::vector<std::uint32_t> start(n + 1, 0), adj;
    {
        for (const auto* list : {&control, &living}) {
            for (const auto& [a, b] : *list) {
                ++start[a + 1];
                ++start[b + 1];
            }
        }
        for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
        adj.resize(start[n]);
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (const auto* list : {&control, &living}) {
            for (const auto& [a, b] : *list) {
                adj[fill[a]++] = b;
                adj[fill[b]++] = a;
            }
        }
    }
    res.nodes = static_cast<std::int64_t>(n);
    res.edges = static_cast<std::int64_t>(control.size() + living.size());
    std::vector<std::int8_t> dist(n, -1);
    std::vector<std::uint32_t> frontier, next;
    for (std::size_t v = 0; v < n; ++v) {
        if (suspect[v] != 0) {
            dist[v] = 0;
            frontier.push_back(static_cast<std::uint32_t>(v));
        }
    }
    for (int h = 1; h <= o.spread_hops && !frontier.empty(); ++h) {
        next.clear();
        for (auto v : frontier) {
            for (std::uint32_t k = start[v]; k < start[v + 1]; ++k) {
                const auto w = adj[k];
                if (dist[w] < 0) {
                    dist[w] = static_cast<std::int8_t>(h);
                    next.push_back(w);
                }
            }
        }
        frontier.swap(next);
        step.check();
    }
    auto risk_of = [&](std::size_t v) { return dist[v] < 0 ? 0.0 : std::ldexp(1.0, -dist[v]); };
    {
        Column mt("node_type", ColumnType::kText), mn("node", ColumnType::kInt), mc("component", ColumnType::kInt),
            mr("risk", ColumnType::kReal);
        for (std::size_t v = 0; v < n; ++v) {
            const std::int32_t ci = comp_of_root[root[v]];
            const std::int64_t num = ci >= 0 ? number[static_cast<std::size_t>(ci)] : 0;
            const bool listed = num > 0 && in_control[v] != 0;
            if (!listed && dist[v] < 0) continue;
            if (nodes.type(v) == kHousehold) continue;
            mt.push_text(kTypeNames[nodes.type(v)]);
            mn.push_int(nodes.id(v));
            if (listed) {
                mc.push_int(num);
            } else {
                mc.push_missing(Missing::kEmpty);
            }
            mr.push_real(risk_of(v));
        }
        for (Column* c : {&mt, &mn, &mc, &mr}) res.members.add_column(std::move(*c));
    }
    // Per buurt.
    // Per buurt index: at risk, suspects, risk components, entity-owned, via suspect entities.
    const Column& ob = t.ownership.column("buurt");
    for (std::size_t r = 0; r < ob.size(); ++r) buurt_of_code(ob.text_at(r));
    std::vector<std::array<std::int64_t, 5>> per(buurt_codes.size(), std::array<std::int64_t, 5>{});
    for (std::size_t r = 0; r < pid.size(); ++r) {
        const auto v = static_cast<std::size_t>(nodes.find(kPerson, pid.int_at(r)));
        auto& a = per[static_cast<std::size_t>(node_buurt[v])];
        if (suspect[v] != 0) {
            ++a[1];
        } else if (dist[v] > 0) {
            ++a[0];
        }
    }
    {
        std::set<std::pair<std::int32_t, std::uint32_t>> seen;  // (buurt, risky component)
        for (std::size_t v = 0; v < n; ++v) {
            if (in_control[v] == 0 || node_buurt[v] < 0) continue;
            const std::int32_t ci = comp_of_root[root[v]];
            if (ci < 0 || risky[static_cast<std::size_t>(ci)] == 0) continue;
            if (seen.emplace(node_buurt[v], root[v]).second) ++per[static_cast<std::size_t>(node_buurt[v])][2];
        }
    }
    {
        // Ownership chains: dwelling <- entity <- directors.
        std::unordered_set<std::int64_t> flagged_entities;
        const Column& e = t.directors.column("entity");
        const Column& p = t.directors.column("person");
        for (std::size_t r = 0; r < e.size(); ++r) {
            const auto v = nodes.find(kPerson, p.int_at(r));
            if (v >= 0 && (suspect[static_cast<std::size_t>(v)] != 0 || pro[static_cast<std::size_t>(v)] != 0)) flagged_entities.insert(e.int_at(r));
        }
        const Column& ty = t.ownership.column("owner_type");
        const Column& ow = t.ownership.column("owner");
        for (std::size_t r = 0; r < ob.size(); ++r) {
            if (ty.text_at(r) != "entity") continue;
            auto& a = per[static_cast<std::size_t>(buurt_index.at(ob.text_at(r)))];
            ++a[3];
            if (flagged_entities.count(ow.int_at(r)) != 0) ++a[4];
        }
    }
    {
        Column cb("buurt", ColumnType::kText), c0("persons_at_risk", ColumnType::kInt), c1("suspects", ColumnType::kInt),
            c2("risk_components", ColumnType::kInt), c3("entity_owned_dwellings", ColumnType::kInt),
            c4("dwellings_via_suspect_entities", ColumnType::kInt);
        std::vector<std::size_t> order_b(buurt_codes.size());
        std::iota(order_b.begin(), order_b.end(), 0U);
        std::sort(order_b.begin(), order_b.end(), [&](std::size_t x, std::size_t y) { return buurt_codes[x] < buurt_codes[y]; });
        for (const auto bi : order_b) {
            const auto& a = per[bi];
            cb.push_text(buurt_codes[bi]);
            c0.push_int(a[0]);
            c1.push_int(a[1]);
            c2.push_int(a[2]);
            c3.push_int(a[3]);
            c4.push_int(a[4]);
        }
        for (Column* c : {&cb, &c0, &c1, &c2, &c3, &c4}) res.buurten.add_column(std::move(*c));
    }
    return res;
}

}  // namespace wz::risk
