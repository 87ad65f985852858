#include "risk/disclosure.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

namespace wz::risk {

std::int64_t round_to_base(std::int64_t count, std::int64_t base) {
    if (base <= 1) return count;
    const std::int64_t r = count % base;
    return 2 * r < base ? count - r : count - r + base;
}

namespace {

// The primary rule: a true count below the minimum, or one whose published value would be below it.
bool is_primary(std::int64_t count, const DisclosureOptions& o) {
    return count < o.minimum_count || round_to_base(count, o.rounding_base) < o.minimum_count;
}

}  // namespace

std::int64_t primary_ceiling(const DisclosureOptions& options) {
    for (std::int64_t x = options.minimum_count + options.rounding_base; x >= 0; --x)
        if (is_primary(x, options)) return x;
    return -1;
}

namespace {

constexpr const char* kSource = "buurt counts";
constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max() / 4;
constexpr std::uint8_t kPublished = 0, kPrimary = 1, kSecondary = 2;
constexpr const char* kLevelNames[] = {"buurt", "wijk", "gemeente", "land"};

struct Signed {
    std::int32_t index;
    std::int8_t sign;
};

// Column patterns: vectors d over the count columns with entries in {-1, 0, 1} that satisfy every
// margin (d[total] = Σ d[parts]), of minimal support (at most kMaxColumnSupport columns). For each
// column the patterns that contain it, oriented so that it has +1.
constexpr int kMaxColumnSupport = 4;
using ColumnPatterns = std::vector<std::vector<std::vector<Signed>>>;

ColumnPatterns column_patterns(int columns, const std::vector<std::pair<int, std::vector<int>>>& margins) {
    std::vector<std::vector<Signed>> found;
    std::vector<std::vector<int>> supports;
    std::vector<int> chosen;
    std::vector<int> d(static_cast<std::size_t>(columns), 0);
    auto satisfies = [&] {
        for (const auto& [total, parts] : margins) {
            int sum = 0;
            for (int p : parts) sum += d[static_cast<std::size_t>(p)];
            if (d[static_cast<std::size_t>(total)] != sum) return false;
        }
        return true;
    };
    auto contains_found_support = [&] {
        for (const auto& s : supports)
            if (std::includes(chosen.begin(), chosen.end(), s.begin(), s.end())) return true;
        return false;
    };
    for (int size = 1; size <= std::min(kMaxColumnSupport, columns); ++size) {
        // every combination of `size` columns, in lexicographic order
        chosen.resize(static_cast<std::size_t>(size));
        std::iota(chosen.begin(), chosen.end(), 0);
        std::vector<std::vector<int>> new_supports;
        while (true) {
            if (!contains_found_support()) {
                // signs: the first column +1, the others every combination
                const int combos = 1 << (size - 1);
                bool any = false;
                for (int mask = 0; mask < combos; ++mask) {
                    for (int k = 0; k < size; ++k)
                        d[static_cast<std::size_t>(chosen[static_cast<std::size_t>(k)])] =
                            (k == 0 || ((mask >> (k - 1)) & 1) == 0) ? 1 : -1;
                    if (satisfies()) {
                        std::vector<Signed> pattern;
                        for (int col : chosen)
                            pattern.push_back(
                                {col, static_cast<std::int8_t>(d[static_cast<std::size_t>(col)])});
                        found.push_back(std::move(pattern));
                        any = true;
                    }
                }
                for (int col : chosen) d[static_cast<std::size_t>(col)] = 0;
                if (any) new_supports.push_back(chosen);
            }
            int k = size - 1;
            while (k >= 0 && chosen[static_cast<std::size_t>(k)] == columns - size + k) --k;
            if (k < 0) break;
            ++chosen[static_cast<std::size_t>(k)];
            for (int j = k + 1; j < size; ++j)
                chosen[static_cast<std::size_t>(j)] = chosen[static_cast<std::size_t>(j - 1)] + 1;
        }
        supports.insert(supports.end(), new_supports.begin(), new_supports.end());
    }
    ColumnPatterns by_column(static_cast<std::size_t>(columns));
    for (const auto& pattern : found)
        for (const Signed& s : pattern) {
            std::vector<Signed> oriented = pattern;
            if (s.sign < 0)
                for (Signed& o : oriented) o.sign = static_cast<std::int8_t>(-o.sign);
            // the column itself first
            std::stable_partition(oriented.begin(), oriented.end(),
                                  [&](const Signed& o) { return o.index == s.index; });
            by_column[static_cast<std::size_t>(s.index)].push_back(std::move(oriented));
        }
    return by_column;
}

// The areas of one year: buurten (sorted codes), then wijken, gemeenten and the land.
struct Areas {
    std::vector<std::string> code;
    std::vector<std::uint8_t> level;
    std::vector<std::int32_t> parent;  // -1 for the land
    std::vector<std::vector<std::int32_t>> children;
};

Areas build_areas(const std::vector<std::string>& buurten) {
    Areas areas;
    const std::size_t nb = buurten.size();
    std::vector<std::string> wijken, gemeenten;
    for (const std::string& b : buurten) {
        std::string w = "WK" + b.substr(2, 6), g = "GM" + b.substr(2, 4);
        if (wijken.empty() || wijken.back() != w) wijken.push_back(std::move(w));
        if (gemeenten.empty() || gemeenten.back() != g) gemeenten.push_back(std::move(g));
    }
    const std::size_t nw = wijken.size(), ng = gemeenten.size(), n = nb + nw + ng + 1;
    areas.code.reserve(n);
    areas.code.insert(areas.code.end(), buurten.begin(), buurten.end());
    areas.code.insert(areas.code.end(), wijken.begin(), wijken.end());
    areas.code.insert(areas.code.end(), gemeenten.begin(), gemeenten.end());
    areas.code.emplace_back("NL00");
    areas.level.assign(n, 0);
    areas.parent.assign(n, -1);
    areas.children.assign(n, {});
    auto index = [](std::size_t i) { return static_cast<std::int32_t>(i); };
    std::size_t w = 0, g = 0;
    for (std::size_t b = 0; b < nb; ++b) {
        while (wijken[w].compare(2, 6, buurten[b], 2, 6) != 0) ++w;
        areas.parent[b] = index(nb + w);
    }
    for (std::size_t i = 0; i < nw; ++i) {
        while (gemeenten[g].compare(2, 4, wijken[i], 2, 4) != 0) ++g;
        areas.level[nb + i] = 1;
        areas.parent[nb + i] = index(nb + nw + g);
    }
    for (std::size_t i = 0; i < ng; ++i) {
        areas.level[nb + nw + i] = 2;
        areas.parent[nb + nw + i] = index(n - 1);
    }
    areas.level[n - 1] = 3;
    for (std::size_t a = 0; a + 1 < n; ++a)
        areas.children[static_cast<std::size_t>(areas.parent[a])].push_back(index(a));
    return areas;
}

// Secondary suppression and the audit for one year's table.
class YearEngine {
  public:
    YearEngine(const Areas& areas, const ColumnPatterns& patterns, int columns, std::int64_t ceiling,
               std::int64_t primary_width, std::int64_t secondary_width, std::vector<std::int64_t> values,
               const ProgressStep& step)
        : step_(step),
          areas_(areas),
          patterns_(patterns),
          columns_(columns),
          ceiling_(ceiling),
          primary_width_(primary_width),
          secondary_width_(secondary_width),
          value_(std::move(values)),
          state_(value_.size(), kPublished),
          protects_(value_.size(), -1),
          delta_(value_.size(), 0) {}

    void run() {
        std::deque<std::int32_t> queue;
        // primaries, buurten first (areas are ordered by level)
        for (std::size_t i = 0; i < value_.size(); ++i)
            if (value_[i] <= ceiling_) {
                state_[i] = kPrimary;
                queue.push_back(static_cast<std::int32_t>(i));
            }
        auto drain = [&] {
            while (!queue.empty()) {
                const std::int32_t cell = queue.front();
                queue.pop_front();
                if ((++handled_ & 1023U) == 0) step_.check();
                protect(cell, queue);
            }
        };
        drain();
        // The audit: every suppressed cell again, with the witness search alone (no new suppression).
        for (int round = 0; round < 4; ++round) {
            std::vector<std::int32_t> failed;
            for (std::size_t i = 0; i < value_.size(); ++i) {
                if ((i & 4095U) == 0) step_.check();
                if (state_[i] != kPublished && !audit(static_cast<std::int32_t>(i)))
                    failed.push_back(static_cast<std::int32_t>(i));
            }
            if (failed.empty()) return;
            if (round == 3) {
                unprotected_ = std::move(failed);
                return;
            }
            for (std::int32_t cell : failed) protect(cell, queue);
            drain();
        }
    }

    std::vector<std::int64_t>& values() { return value_; }
    std::vector<std::uint8_t>& states() { return state_; }
    std::vector<std::int32_t>& protects() { return protects_; }
    std::vector<std::int32_t>& unprotected() { return unprotected_; }

  private:
    std::size_t at(std::int32_t cell) const { return static_cast<std::size_t>(cell); }
    std::int32_t area_of(std::int32_t cell) const { return cell / columns_; }
    std::int32_t cell_of(std::int32_t area, std::int32_t column) const { return area * columns_ + column; }
    std::size_t area_at(std::int32_t area) const { return static_cast<std::size_t>(area); }

    // Bounds the attacker knows; `tentative`: a published cell as it would be if made secondary.
    std::int64_t lower(std::int32_t cell, bool tentative) const {
        switch (state_[at(cell)]) {
            case kPrimary:
                return 0;
            case kSecondary:
                return ceiling_ + 1;
            default:
                return tentative ? ceiling_ + 1 : value_[at(cell)];
        }
    }
    std::int64_t upper(std::int32_t cell, bool tentative) const {
        switch (state_[at(cell)]) {
            case kPrimary:
                return ceiling_;
            case kSecondary:
                return kInfinity;
            default:
                return tentative ? kInfinity : value_[at(cell)];
        }
    }
    // How far the pattern can move (every cell by sign * direction * t) from the current witness.
    std::int64_t capacity(const std::vector<Signed>& pattern, int direction, bool tentative) const {
        std::int64_t cap = kInfinity;
        for (const Signed& s : pattern) {
            const std::int64_t now = value_[at(s.index)] + delta_[at(s.index)];
            const std::int64_t room =
                s.sign * direction > 0 ? upper(s.index, tentative) - now : now - lower(s.index, tentative);
            cap = std::min(cap, room / std::abs(s.sign));
            if (cap <= 0) return 0;
        }
        return cap;
    }
    void apply(const std::vector<Signed>& pattern, int direction, std::int64_t t) {
        for (const Signed& s : pattern) {
            if (delta_[at(s.index)] == 0) touched_.push_back(s.index);
            delta_[at(s.index)] += std::int64_t{s.sign} * direction * t;
        }
    }
    void reset() {
        for (std::int32_t cell : touched_) delta_[at(cell)] = 0;
        touched_.clear();
    }
    std::int64_t cost(std::int32_t cell) const {
        if (state_[at(cell)] != kPublished) return 0;
        return (value_[at(cell)] + 1) << areas_.level[area_at(area_of(cell))];
    }
    std::int64_t area_cost(std::int32_t area, const std::vector<Signed>& d) const {
        std::int64_t sum = 0;
        for (const Signed& s : d) sum += cost(cell_of(area, s.index));
        return sum;
    }
    // How far the cells of `area` in the column pattern d can move together when the area moves in
    // direction `move` (each cell by move * its sign), from the current witness; 0 when any is at its bound.
    std::int64_t area_room(std::int32_t area, const std::vector<Signed>& d, int move, bool tentative) const {
        std::int64_t r = kInfinity;
        for (const Signed& s : d) {
            const std::int32_t c = cell_of(area, s.index);
            const std::int64_t now = value_[at(c)] + delta_[at(c)];
            r = std::min(r, move * s.sign > 0 ? upper(c, tentative) - now : now - lower(c, tentative));
        }
        return std::max<std::int64_t>(r, 0);
    }

    // Calls visit(pattern) for patterns e ⊗ d through `cell` with sign +1 (e a hierarchy pattern, d a
    // column pattern), nearest relation first, until visit returns true. `restricted`: only patterns
    // of suppressed cells (the witness search); otherwise any (the candidates for new suppression).
    // Only patterns whose top relation is at a level in [min_level, max_level]: 1 two buurten of a
    // wijk, 2 two wijken of a gemeente, 3 two gemeenten, 4 the chain up to the land.
    // `direction`: where the pattern will move `cell`. Siblings and chains are tried in the order of how
    // far they can follow (most room first; in the candidate search the cheapest of those that can move
    // at all), so that the caps below never hide the one sibling that has room among many at their
    // bound (a sparse column: a gemeente of 99 buurten at 0 and one with 30; 340 gemeenten).
    template <class Visit>
    bool for_each_pattern(std::int32_t cell, int direction, bool restricted, int min_level, int max_level,
                          Visit&& visit) {
        const std::int32_t a = area_of(cell), c = cell % columns_;
        const std::size_t chain_cap = restricted ? 8 : 2, sibling_cap = restricted ? 64 : 12;
        for (const std::vector<Signed>& d : patterns_[static_cast<std::size_t>(c)]) {
            auto ok = [&](std::int32_t area) {
                if (!restricted) return true;
                for (const Signed& s : d)
                    if (state_[at(cell_of(area, s.index))] == kPublished) return false;
                return true;
            };
            if (!ok(a)) continue;
            auto emit = [&](std::span<const std::int32_t> plus, std::span<const std::int32_t> minus) {
                pattern_.clear();
                auto add = [&](std::int32_t area, int sign) {
                    for (const Signed& s : d)
                        pattern_.push_back({cell_of(area, s.index), static_cast<std::int8_t>(sign * s.sign)});
                };
                for (std::int32_t area : plus) add(area, 1);
                for (std::int32_t area : path_) add(area, 1);
                for (std::int32_t area : minus) add(area, -1);
                return visit(pattern_);
            };
            down_chains(a, d, direction, ok, restricted, chain_cap, chains_a_);
            for (std::size_t ka = 0; ka < chains_a_.count(); ++ka) {
                const auto chain = chains_a_[ka];
                std::int32_t anc = a;
                path_.clear();  // ancestors of a so far (+1)
                while (true) {
                    const std::int32_t parent = areas_.parent[area_at(anc)];
                    const int level = parent < 0 ? 4 : areas_.level[area_at(parent)];
                    if (level > max_level) break;
                    if (parent < 0) {  // a chain to the land: every area on it +1
                        if (emit(chain, {})) return true;
                        break;
                    }
                    if (level >= min_level) {
                        // a sibling moves against the cell
                        siblings_.clear();
                        for (std::int32_t sib : areas_.children[area_at(parent)]) {
                            if (sib == anc || !ok(sib)) continue;
                            const std::int64_t room = area_room(sib, d, -direction, !restricted);
                            const std::int64_t key = restricted  ? -room
                                                     : room == 0 ? kInfinity + area_cost(sib, d)
                                                                 : area_cost(sib, d);
                            siblings_.push_back({key, sib});
                        }
                        const std::size_t keep = std::min(sibling_cap, siblings_.size());
                        std::partial_sort(siblings_.begin(), siblings_.begin() + static_cast<std::ptrdiff_t>(keep),
                                          siblings_.end());
                        for (std::size_t k = 0; k < keep; ++k) {
                            down_chains(siblings_[k].second, d, -direction, ok, restricted, chain_cap, chains_s_);
                            for (std::size_t ks = 0; ks < chains_s_.count(); ++ks)
                                if (emit(chain, chains_s_[ks])) return true;
                        }
                    }
                    if (!ok(parent)) break;
                    path_.push_back(parent);
                    anc = parent;
                }
            }
        }
        return false;
    }

    // Chains from `area` down to a buurt (the area first), each `length` areas, one after the other;
    // the chain moves in direction `move`. Restricted: chains of suppressed areas (at most `cap`, the
    // children with the most room first); otherwise the cheapest chain and the one through the largest
    // counts.
    struct Chains {
        std::vector<std::int32_t> flat;
        std::size_t length = 1;
        std::size_t count() const { return flat.size() / length; }
        std::span<const std::int32_t> operator[](std::size_t k) const {
            return {flat.data() + k * length, length};
        }
    };
    template <class Ok>
    void down_chains(std::int32_t area, const std::vector<Signed>& d, int move, const Ok& ok, bool restricted,
                     std::size_t cap, Chains& out) const {
        out.flat.clear();
        out.length = std::size_t{areas_.level[area_at(area)]} + 1;
        if (restricted) {
            chain_.clear();
            chain_.push_back(area);
            collect_chains(d, move, ok, cap, out);
            return;
        }
        for (int kind = 0; kind < 2; ++kind) {
            const std::size_t start = out.flat.size();
            std::int32_t at_area = area;
            out.flat.push_back(area);
            while (!areas_.children[area_at(at_area)].empty()) {
                const auto& kids = areas_.children[area_at(at_area)];
                std::int32_t best = kids.front();
                for (std::int32_t k : kids) {
                    const bool better = kind == 0 ? area_cost(k, d) < area_cost(best, d)
                                                  : value_[at(cell_of(k, d.front().index))] >
                                                        value_[at(cell_of(best, d.front().index))];
                    if (better) best = k;
                }
                out.flat.push_back(best);
                at_area = best;
            }
            if (kind == 1 &&
                std::equal(out.flat.begin(), out.flat.begin() + static_cast<std::ptrdiff_t>(start),
                           out.flat.begin() + static_cast<std::ptrdiff_t>(start)))
                out.flat.resize(start);
        }
    }
    // Two passes: first the chains on which every area below the top can move (children with the most
    // room first), then, while the cap allows, those through an area at its bound (a sum of patterns can
    // still use them). Without the first pass, one wijk of buurten at 0 would fill the cap.
    template <class Ok>
    void collect_chains(const std::vector<Signed>& d, int move, const Ok& ok, std::size_t cap, Chains& out) const {
        for (int pass = 0; pass < 2 && out.count() < cap; ++pass) collect_pass(d, move, ok, cap, pass == 1, false, out);
    }
    template <class Ok>
    void collect_pass(const std::vector<Signed>& d, int move, const Ok& ok, std::size_t cap, bool blocked_pass,
                      bool blocked, Chains& out) const {
        const auto& kids = areas_.children[area_at(chain_.back())];
        if (kids.empty()) {
            if (blocked == blocked_pass) out.flat.insert(out.flat.end(), chain_.begin(), chain_.end());
            return;
        }
        // one buffer per depth (below the land: gemeente, wijk)
        auto& order = kid_order_[std::min(chain_.size(), kid_order_.size() - 1)];
        order.clear();
        for (std::int32_t k : kids)
            if (ok(k)) order.push_back({-area_room(k, d, move, false), k});
        std::sort(order.begin(), order.end());
        for (std::size_t i = 0; i < order.size(); ++i) {
            if (out.count() >= cap) return;
            const bool now_blocked = blocked || order[i].first == 0;
            if (now_blocked && !blocked_pass) return;  // the rest are at their bound too
            chain_.push_back(order[i].second);
            collect_pass(d, move, ok, cap, blocked_pass, now_blocked, out);
            chain_.pop_back();
        }
    }

    // Moves `cell` by direction * need along patterns of suppressed cells (a witness table); returns
    // what is left.
    // `combine`: also sums of two patterns (the audit; the heuristic tries them only when stuck).
    std::int64_t witness(std::int32_t cell, int direction, std::int64_t need, bool combine) {
        std::int64_t remaining = need;
        if (remaining <= 0) return 0;
        auto take = [&](const std::vector<Signed>& pattern) {
            const std::int64_t t = std::min(remaining, capacity(pattern, direction, false));
            if (t > 0) {
                apply(pattern, direction, t);
                remaining -= t;
            }
            return remaining == 0;
        };
        if (!for_each_pattern(cell, direction, true, 0, 4, take) && combine)
            for_each_combined(cell, direction, true, take);
        return remaining;
    }

    // Sums of two patterns: one through `cell` that is blocked (a cell other than `cell` already at
    // its bound) and one through the blocking cell that cancels it there (it must not touch `cell`).
    // Where a single pattern cannot move a cell, such a sum often can: e.g. a buurt whose sibling is
    // at 0 in one part but free in the row total, repaired through the wijk above. Up to 256 of each.
    template <class Visit>
    bool for_each_combined(std::int32_t cell, int direction, bool restricted, Visit&& visit) {
        std::vector<std::vector<Signed>> firsts, seconds;
        for_each_pattern(cell, direction, restricted, 0, 4, [&](const std::vector<Signed>& p) {
            firsts.push_back(p);
            return firsts.size() >= 256;
        });
        std::vector<Signed> merged;
        for (const auto& first : firsts) {
            const Signed* blocker = nullptr;
            for (const Signed& s : first) {
                if (s.index == cell) continue;
                const std::int64_t now = value_[at(s.index)] + delta_[at(s.index)];
                const std::int64_t room = s.sign * direction > 0 ? upper(s.index, !restricted) - now
                                                                 : now - lower(s.index, !restricted);
                if (room <= 0) {
                    blocker = &s;
                    break;
                }
            }
            if (blocker == nullptr) continue;
            seconds.clear();
            // the blocker moves by -sign(blocker) * direction in the second pattern
            for_each_pattern(blocker->index, -blocker->sign * direction, restricted, 0, 4,
                             [&](const std::vector<Signed>& p) {
                seconds.push_back(p);
                return seconds.size() >= 256;
            });
            for (const auto& second : seconds) {
                if (std::any_of(second.begin(), second.end(),
                                [&](const Signed& s) { return s.index == cell; }))
                    continue;
                // first - sign(blocker) * second: the blocker cancels (it has +1 in second)
                merged = first;
                for (const Signed& s : second)
                    merged.push_back({s.index, static_cast<std::int8_t>(-blocker->sign * s.sign)});
                std::sort(merged.begin(), merged.end(),
                          [](const Signed& x, const Signed& y) { return x.index < y.index; });
                std::size_t out = 0;
                for (std::size_t i = 0; i < merged.size();) {
                    std::size_t j = i;
                    int sum = 0;
                    while (j < merged.size() && merged[j].index == merged[i].index) sum += merged[j++].sign;
                    if (sum != 0) merged[out++] = {merged[i].index, static_cast<std::int8_t>(sum)};
                    i = j;
                }
                merged.resize(out);
                if (visit(merged)) return true;
            }
        }
        return false;
    }

    // The witness, completed by new secondary suppressions where it falls short; returns how far
    // the cell moved.
    std::int64_t witness_or_suppress(std::int32_t cell, int direction, std::int64_t need,
                                     std::deque<std::int32_t>& queue) {
        std::int64_t remaining = witness(cell, direction, need, false);
        std::vector<Signed> best;
        while (remaining > 0) {
            std::int64_t best_cost = kInfinity, best_cap = 0;
            bool best_full = false;
            auto consider = [&](const std::vector<Signed>& pattern) {
                const std::int64_t cap = capacity(pattern, direction, true);
                if (cap <= 0) return false;
                std::int64_t pattern_cost = 0;
                for (const Signed& s : pattern) pattern_cost += cost(s.index);
                const bool full = cap >= remaining;
                const bool better =
                    full ? (!best_full || pattern_cost < best_cost)
                         : (!best_full && (cap > best_cap || (cap == best_cap && pattern_cost < best_cost)));
                if (better) {
                    best = pattern;
                    best_cost = pattern_cost;
                    best_cap = cap;
                    best_full = full;
                }
                return false;
            };
            // the lowest relation that can do it all; else the pattern that moves the cell furthest
            for (int level = 1; level <= 4 && !best_full; ++level)
                for_each_pattern(cell, direction, false, level, level, consider);
            if (best_cap <= 0) for_each_combined(cell, direction, false, consider);
            if (best_cap <= 0) break;
            for (const Signed& s : best)
                if (state_[at(s.index)] == kPublished) {
                    state_[at(s.index)] = kSecondary;
                    protects_[at(s.index)] = cell;
                    queue.push_back(s.index);
                }
            const std::int64_t t = std::min(best_cap, remaining);
            apply(best, direction, t);
            remaining -= t;
        }
        reset();
        return need - remaining;
    }

    // The width the attacker's interval of a suppressed cell must have, and how far the cell can
    // move up and down within its bounds (each capped at that width).
    std::int64_t target(std::int32_t cell) const {
        return state_[at(cell)] == kPrimary ? primary_width_ : secondary_width_;
    }
    std::int64_t room(std::int32_t cell, int direction) const {
        const std::int64_t x = value_[at(cell)];
        const std::int64_t r = direction > 0 ? upper(cell, false) - x : x - lower(cell, false);
        return std::min(r, target(cell));
    }
    std::int64_t moved(std::int32_t cell, int direction, std::int64_t need, bool combine) {
        const std::int64_t got = need - witness(cell, direction, need, combine);
        reset();
        return got;
    }

    // True when explicit witness tables move the cell over an interval of the target width.
    bool audit(std::int32_t cell) {
        const std::int64_t width = target(cell);
        const std::int64_t up = moved(cell, +1, room(cell, +1), true);
        if (up >= width) return true;
        return up + moved(cell, -1, std::min(room(cell, -1), width - up), true) >= width;
    }

    void protect(std::int32_t cell, std::deque<std::int32_t>& queue) {
        const std::int64_t width = target(cell);
        const std::int64_t down = moved(cell, -1, room(cell, -1), false);
        if (down >= width) return;
        const std::int64_t up = witness_or_suppress(cell, +1, std::min(room(cell, +1), width - down), queue);
        if (up + down >= width) return;
        witness_or_suppress(cell, -1, std::min(room(cell, -1), width - up), queue);
    }

    const ProgressStep& step_;
    std::uint32_t handled_ = 0;
    const Areas& areas_;
    const ColumnPatterns& patterns_;
    std::int32_t columns_;
    std::int64_t ceiling_;
    std::int64_t primary_width_;
    std::int64_t secondary_width_;
    std::vector<std::int64_t> value_;
    std::vector<std::uint8_t> state_;
    std::vector<std::int32_t> protects_;
    std::vector<std::int64_t> delta_;
    std::vector<std::int32_t> touched_;
    // buffers of for_each_pattern
    std::vector<std::int32_t> path_;
    mutable std::vector<std::int32_t> chain_;
    mutable std::array<std::vector<std::pair<std::int64_t, std::int32_t>>, 4> kid_order_;
    std::vector<Signed> pattern_;
    Chains chains_a_, chains_s_;
    std::vector<std::pair<std::int64_t, std::int32_t>> siblings_;
    std::vector<std::int32_t> unprotected_;
};

std::size_t column_position(const Table& table, const Column& column) {
    return static_cast<std::size_t>(&column - table.columns().data()) + 1;
}

}  // namespace

DisclosureResult protect_counts(const Table& buurt_counts, const std::vector<std::string>& count_columns,
                                const std::vector<Margin>& margins, const std::vector<Rate>& rates,
                                const DisclosureOptions& options) {
    // Arguments.
    if (options.rounding_base < 1)
        throw UsageError("disclosure control: the rounding base must be at least 1, not " +
                         std::to_string(options.rounding_base));
    if (options.minimum_count < 0)
        throw UsageError("disclosure control: the minimum count must be at least 0, not " +
                         std::to_string(options.minimum_count));
    if (options.protection_level < 0)
        throw UsageError("disclosure control: the protection level must be at least 0, not " +
                         std::to_string(options.protection_level));
    if (count_columns.empty()) throw UsageError("disclosure control: no count columns given");
    std::unordered_map<std::string, int> column_index;
    for (const std::string& name : count_columns) {
        if (name == "buurt" || name == "year" || name == "level" || name == "area")
            throw UsageError("disclosure control: '" + name + "' cannot be a count column");
        if (!column_index.emplace(name, static_cast<int>(column_index.size())).second)
            throw UsageError("disclosure control: count column '" + name + "' named twice");
    }
    auto count_index = [&](const std::string& name, const std::string& role) {
        const auto it = column_index.find(name);
        if (it == column_index.end())
            throw UsageError("disclosure control: " + role + " '" + name + "' is not a count column");
        return it->second;
    };
    std::vector<std::pair<int, std::vector<int>>> margin_index;
    for (const Margin& m : margins) {
        const int total = count_index(m.total, "margin total");
        if (m.parts.empty()) throw UsageError("disclosure control: margin '" + m.total + "' has no parts");
        std::vector<int> parts;
        for (const std::string& p : m.parts) {
            const int part = count_index(p, "part of margin " + m.total);
            if (part == total || std::find(parts.begin(), parts.end(), part) != parts.end())
                throw UsageError("disclosure control: margin '" + m.total + "' names '" + p + "' twice");
            parts.push_back(part);
        }
        margin_index.emplace_back(total, std::move(parts));
    }
    for (const Rate& r : rates) {
        count_index(r.count, "count of rate " + r.name);
        count_index(r.denominator, "denominator of rate " + r.name);
        if (r.name.empty() || column_index.count(r.name) != 0 || r.name == "buurt" || r.name == "year" ||
            r.name == "level" || r.name == "area")
            throw UsageError("disclosure control: rate name '" + r.name + "' is empty or taken");
        if (!(r.per > 0) || !std::isfinite(r.per))
            throw UsageError("disclosure control: rate '" + r.name + "' needs a positive 'per'");
    }
    for (std::size_t i = 0; i < rates.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (rates[i].name == rates[j].name)
                throw UsageError("disclosure control: rate '" + rates[i].name + "' named twice");

    // Input.
    const Column& buurt = buurt_counts.column("buurt");
    const Column& year = buurt_counts.column("year");
    if (buurt.type() != ColumnType::kText)
        throw UsageError("disclosure control: column 'buurt' must be text (BU + 8 digits)");
    if (year.type() != ColumnType::kInt)
        throw UsageError("disclosure control: column 'year' must be integer");
    const int columns = static_cast<int>(count_columns.size());
    std::vector<const Column*> counts;
    for (const std::string& name : count_columns) {
        const Column& col = buurt_counts.column(name);
        if (col.type() != ColumnType::kInt)
            throw UsageError("disclosure control: count column '" + name + "' must be integer");
        counts.push_back(&col);
    }
    const std::size_t rows = buurt_counts.row_count();
    const long buurt_pos = static_cast<long>(column_position(buurt_counts, buurt));
    const long year_pos = static_cast<long>(column_position(buurt_counts, year));
    for (std::size_t r = 0; r < rows; ++r) {
        const long line = static_cast<long>(r) + 1;
        if (buurt.is_missing(r) || !is_code_of_level(Level::kBuurt, buurt.text_at(r)))
            throw InputError(kSource, line, buurt_pos, "a buurt code (BU + 8 digits)",
                             buurt.is_missing(r) ? "a missing value" : quote_found(buurt.text_at(r)));
        if (year.is_missing(r) || !is_plausible_year(static_cast<long>(year.int_at(r))))
            throw InputError(kSource, line, year_pos, "a year (1990-2100)",
                             year.is_missing(r) ? "a missing value" : std::to_string(year.int_at(r)));
        for (std::size_t k = 0; k < counts.size(); ++k) {
            const Column& col = *counts[k];
            const long pos = static_cast<long>(column_position(buurt_counts, col));
            if (col.is_missing(r))
                throw InputError(kSource, line, pos, "a count in '" + col.name() + "'", "a missing value");
            if (col.int_at(r) < 0)
                throw InputError(kSource, line, pos, "a non-negative count in '" + col.name() + "'",
                                 "a negative count");
        }
        for (const auto& [total, parts] : margin_index) {
            std::int64_t sum = 0;
            for (int p : parts) sum += counts[static_cast<std::size_t>(p)]->int_at(r);
            const Column& tc = *counts[static_cast<std::size_t>(total)];
            if (sum != tc.int_at(r))
                throw InputError(kSource, line, static_cast<long>(column_position(buurt_counts, tc)),
                                 "'" + tc.name() + "' equal to the sum of its parts", "a different count");
        }
    }
    // Rows by year and code; repeated (buurt, year) rows are an error.
    std::vector<std::size_t> order(rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (year.int_at(x) != year.int_at(y)) return year.int_at(x) < year.int_at(y);
        if (buurt.text_at(x) != buurt.text_at(y)) return buurt.text_at(x) < buurt.text_at(y);
        return x < y;
    });
    for (std::size_t i = 1; i < rows; ++i) {
        const std::size_t p = order[i - 1], q = order[i];
        if (year.int_at(p) == year.int_at(q) && buurt.text_at(p) == buurt.text_at(q))
            throw InputError(kSource, static_cast<long>(q) + 1, buurt_pos, "one row per buurt and year",
                             buurt.text_at(q) + " in " + std::to_string(year.int_at(q)) +
                                 " again (first at row " + std::to_string(p + 1) + ")");
    }
    struct YearRows {
        std::int64_t year;
        std::size_t begin, end;  // in `order`
    };
    std::vector<YearRows> years;
    for (std::size_t i = 0; i < rows; ++i) {
        if (years.empty() || years.back().year != year.int_at(order[i]))
            years.push_back({year.int_at(order[i]), i, i});
        years.back().end = i + 1;
    }

    const ColumnPatterns patterns = column_patterns(columns, margin_index);
    const std::int64_t ceiling = primary_ceiling(options);
    const std::int64_t primary_width = std::min(options.protection_level, std::max<std::int64_t>(ceiling, 0));
    const std::int64_t secondary_width = std::max<std::int64_t>(1, options.rounding_base - 1);

    // One year's rows of both tables, made in the parallel loop and joined in year order.
    struct Output {
        std::vector<std::string> level, area;
        std::vector<std::int64_t> year;
        std::vector<std::vector<std::int64_t>> values;
        std::vector<std::vector<std::uint8_t>> status;
        std::vector<std::string> s_level, s_area, s_column, s_reason;
        std::vector<std::int64_t> s_year;
        std::size_t primary = 0, secondary = 0;
        std::vector<std::string> unprotected;
    };
    const std::size_t cols = static_cast<std::size_t>(columns);
    std::vector<Output> outputs(years.size());
    ProgressStep step("disclosure control", years.size(), "years");
    tbb::parallel_for(std::size_t{0}, years.size(), [&](std::size_t y) {
        const YearRows& yr = years[y];
        std::vector<std::string> codes;
        for (std::size_t i = yr.begin; i < yr.end; ++i) codes.push_back(buurt.text_at(order[i]));
        const Areas areas = build_areas(codes);
        const std::size_t n = areas.code.size();
        std::vector<std::int64_t> values(n * cols, 0);
        for (std::size_t i = yr.begin; i < yr.end; ++i)
            for (std::size_t k = 0; k < cols; ++k)
                values[(i - yr.begin) * cols + k] = counts[k]->int_at(order[i]);
        for (std::size_t a = 0; a + 1 < n; ++a) {  // children before parents
            const auto p = static_cast<std::size_t>(areas.parent[a]);
            for (std::size_t k = 0; k < cols; ++k) values[p * cols + k] += values[a * cols + k];
        }
        YearEngine engine(areas, patterns, columns, ceiling, primary_width, secondary_width,
                          std::move(values), step);
        engine.run();
        const auto& value = engine.values();
        const auto& state = engine.states();
        const auto& protects = engine.protects();
        Output& out = outputs[y];
        const std::size_t hidden = static_cast<std::size_t>(
            std::count_if(state.begin(), state.end(), [](std::uint8_t st) { return st != kPublished; }));
        out.level.reserve(n);
        out.area.reserve(n);
        out.year.assign(n, yr.year);
        out.values.assign(cols, std::vector<std::int64_t>(n, 0));
        out.status.assign(cols, std::vector<std::uint8_t>(n, 0));
        out.s_level.reserve(hidden);
        out.s_area.reserve(hidden);
        out.s_column.reserve(hidden);
        out.s_reason.reserve(hidden);
        out.s_year.assign(hidden, yr.year);
        for (std::size_t a = 0; a < n; ++a) {
            out.level.emplace_back(kLevelNames[areas.level[a]]);
            out.area.push_back(areas.code[a]);
            for (std::size_t k = 0; k < cols; ++k) {
                const std::size_t cell = a * cols + k;
                if (state[cell] == kPublished) {
                    out.values[k][a] = round_to_base(value[cell], options.rounding_base);
                    continue;
                }
                out.status[k][a] = static_cast<std::uint8_t>(Missing::kSecret);
                out.s_level.emplace_back(kLevelNames[areas.level[a]]);
                out.s_area.push_back(areas.code[a]);
                out.s_column.push_back(count_columns[k]);
                if (state[cell] == kPrimary) {
                    ++out.primary;
                    out.s_reason.emplace_back("primary");
                } else {
                    ++out.secondary;
                    const auto p = static_cast<std::size_t>(protects[cell]);
                    out.s_reason.push_back("secondary: protects " + count_columns[p % cols] + " in " +
                                           areas.code[p / cols]);
                }
            }
        }
        for (std::int32_t cell : engine.unprotected()) {
            const auto c = static_cast<std::size_t>(cell);
            out.unprotected.push_back(areas.code[c / cols] + " " + std::to_string(yr.year) + " " +
                                      count_columns[c % cols]);
        }
        step.advance();
    });

    // Join the years.
    DisclosureResult result;
    Output all;
    all.values.resize(cols);
    all.status.resize(cols);
    auto join = [](auto& to, auto& from) {
        to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
        from = {};
    };
    std::size_t rows_out = 0, hidden_out = 0;
    for (const Output& o : outputs) {
        rows_out += o.level.size();
        hidden_out += o.s_level.size();
    }
    for (auto* v : {&all.level, &all.area, &all.s_level, &all.s_area, &all.s_column, &all.s_reason})
        v->reserve(v == &all.level || v == &all.area ? rows_out : hidden_out);
    all.year.reserve(rows_out);
    all.s_year.reserve(hidden_out);
    for (std::size_t k = 0; k < cols; ++k) {
        all.values[k].reserve(rows_out);
        all.status[k].reserve(rows_out);
    }
    for (Output& o : outputs) {
        join(all.level, o.level);
        join(all.area, o.area);
        join(all.year, o.year);
        for (std::size_t k = 0; k < cols; ++k) {
            join(all.values[k], o.values[k]);
            join(all.status[k], o.status[k]);
        }
        join(all.s_level, o.s_level);
        join(all.s_area, o.s_area);
        join(all.s_column, o.s_column);
        join(all.s_reason, o.s_reason);
        join(all.s_year, o.s_year);
        join(result.unprotected, o.unprotected);
        result.primary_cells += o.primary;
        result.secondary_cells += o.secondary;
    }
    const std::size_t total_rows = all.level.size();
    std::vector<std::string>& level_col = all.level;
    std::vector<std::string>& area_col = all.area;
    std::vector<std::int64_t>& year_col = all.year;
    std::vector<std::vector<std::int64_t>>& count_vals = all.values;
    std::vector<std::vector<std::uint8_t>>& count_status = all.status;
    std::vector<std::string>&s_level = all.s_level, &s_area = all.s_area, &s_column = all.s_column,
    &s_reason = all.s_reason;
    std::vector<std::int64_t>& s_year = all.s_year;
    // Rates from the published columns.
    std::vector<std::vector<double>> rate_vals(rates.size());
    std::vector<std::vector<std::uint8_t>> rate_status(rates.size());
    for (std::size_t j = 0; j < rates.size(); ++j) {
        const auto c = static_cast<std::size_t>(column_index.at(rates[j].count));
        const auto d = static_cast<std::size_t>(column_index.at(rates[j].denominator));
        rate_vals[j].resize(total_rows, 0.0);
        rate_status[j].resize(total_rows, 0);
        for (std::size_t i = 0; i < total_rows; ++i) {
            if (count_status[c][i] != 0 || count_status[d][i] != 0)
                rate_status[j][i] = static_cast<std::uint8_t>(Missing::kSecret);
            else if (count_vals[d][i] == 0)
                rate_status[j][i] = static_cast<std::uint8_t>(Missing::kNotAvailable);
            else
                rate_vals[j][i] = static_cast<double>(count_vals[c][i]) /
                                  static_cast<double>(count_vals[d][i]) * rates[j].per;
        }
    }
    Table& pub = result.published;
    pub.add_column(Column::of_texts("level", std::move(level_col)));
    pub.add_column(Column::of_texts("area", std::move(area_col)));
    pub.add_column(Column::of_ints("year", std::move(year_col)));
    for (std::size_t k = 0; k < count_columns.size(); ++k) {
        Column& col = pub.add_column(
            Column::of_ints(count_columns[k], std::move(count_vals[k]), std::move(count_status[k])));
        col.unit = "aantal";
    }
    for (std::size_t j = 0; j < rates.size(); ++j)
        pub.add_column(Column::of_reals(rates[j].name, std::move(rate_vals[j]), std::move(rate_status[j])));
    Table& sup = result.suppressed;
    sup.add_column(Column::of_texts("level", std::move(s_level)));
    sup.add_column(Column::of_texts("area", std::move(s_area)));
    sup.add_column(Column::of_ints("year", std::move(s_year)));
    sup.add_column(Column::of_texts("column", std::move(s_column)));
    sup.add_column(Column::of_texts("reason", std::move(s_reason)));
    return result;
}

}  // namespace wz::risk
