#pragma once
// Disclosure control of the counts that leave the protected zone (issue 13, METHODS.md §6,
// docs/undermining.md "Disclosure control"): rounding to a base, primary suppression of small counts,
// secondary suppression so that no suppressed cell can be recomputed from the published margins
// (rows, columns, hierarchy buurt → wijk → gemeente → land), and rates from published counts only.
//
// The table of one year is the cells (area, column) of every buurt, wijk, gemeente and the land, with
// the relations
//   hierarchy: x[parent, c] = Σ x[child, c]  for every column c (wijk = its buurten, gemeente = its
//              wijken, land = the gemeenten),
//   margins:   x[a, total] = Σ x[a, part]    for every area a and every Margin.
// Years are independent tables (no relation across years).
//
// The attacker ("cannot be recomputed"). The attacker knows every relation, every published value v as
// the interval of true values that round to v (for base 5: v-2 … v+2; and above P, or it would have
// been suppressed), that every count is a
// non-negative integer, and the suppression record: a primary cell lies in [0, P] (P = primary_ceiling(),
// the largest count that is suppressed as primary: minimum_count - 1 for base 5 and minimum 10), a
// secondary cell in [P + 1, ∞). For each suppressed cell the attacker solves the linear programme
// (minimise / maximise the cell subject to all of this; the linear relaxation, integrality ignored) and
// gets an interval [lo, hi].
// A cell is protected when its interval is wide enough:
//   primary:   hi - lo >= min(protection_level, P) (default 5: at least six possible values, more
//              than a published count, whose interval has rounding_base values);
//   secondary: hi - lo >= max(1, rounding_base - 1): never known more precisely than a published count.
// (Asking more of a primary, e.g. that [lo, hi] = [0, P], cannot always be met: a wijk of two buurten
// with 8 and 2 has a total of 10, not primary; whether published or suppressed as secondary the
// attacker knows it is at least 10, so each buurt is at least 1.)
// protect_counts guarantees the rule: after the heuristic every suppressed cell is audited, and the
// audit is constructive. For each cell it builds explicit feasible tables that move the cell up and
// down by amounts adding up to the width, out of moves along patterns that keep every relation (outer
// products of a hierarchy pattern and a margin pattern, e.g. the +1 -1 / -1 +1 rectangle of two sibling
// areas by two parts of a margin; margin patterns span at most 4 columns), and sums of two such patterns
// where one alone is blocked, touching suppressed cells only and keeping each within its bounds.
// The audit lets the attacker know every published cell exactly (a stronger attacker than the real one,
// whose intervals are therefore at least as wide): the rounding can only widen the intervals, never
// narrow them. The witnesses are integer tables, so integrality does not help the attacker either.
// A cell for which the audit finds no witness even after further suppression is listed in
// `unprotected` (none in the tests; `risk publish` must refuse to publish when there is one).
//
// Secondary cells are chosen by a greedy heuristic: for a cell that its witnesses do not yet move far
// enough, the candidate patterns through it (siblings first, then cousins in the next relation up,
// then the chain to the land) are costed by the cells they would newly suppress, (count + 1) * 2^level
// (buurt 0 … land 3: small counts and low levels first), and the cheapest one that moves the cell far
// enough is taken (else the one that moves it furthest). Cells are handled buurten first, in code
// order; the result does not depend on threads.
#include <cstdint>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz::risk {

// `parts` sum to `total` in every row (e.g. suspicions by kind). All are count columns.
struct Margin {
    std::string total;
    std::vector<std::string> parts;
};

// A rate column: published(count) / published(denominator) * per, from the PUBLISHED (rounded) counts
// only; missing (Missing::kSecret) when either is suppressed, kNotAvailable when the denominator is 0.
struct Rate {
    std::string name, count, denominator;
    double per = 1000;
};

struct DisclosureOptions {
    // Counts are published as the nearest multiple (ties, only with an even base, upwards).
    std::int64_t rounding_base = 5;
    // A cell whose true count is below this, or whose rounded count would be below it, is primary.
    std::int64_t minimum_count = 10;
    // The width a primary cell's interval must have (capped at the primary ceiling).
    std::int64_t protection_level = 5;
};

struct DisclosureResult {
    // level ("buurt", "wijk", "gemeente", "land"), area (code: BU…, WK…, GM…, NL00), year, then every
    // count column (int: rounded, or missing kSecret when suppressed), then the rate columns (real).
    // Rows by year, then level (buurt first), then code.
    Table published;
    // One row per suppressed cell: level, area, year, column, reason ("primary", or "secondary: protects
    // COLUMN in AREA"). Never the value.
    Table suppressed;
    std::size_t primary_cells = 0;
    std::size_t secondary_cells = 0;
    // "AREA YEAR COLUMN" of suppressed cells the audit could not prove protected (empty in every test).
    std::vector<std::string> unprotected;
};

// `buurt_counts`: one row per buurt and year: `buurt` (text, BU + 8 digits), `year` (int) and the
// `count_columns` (int, non-negative, none missing). The wijk is WK + the first 6 digits, the gemeente
// GM + the first 4, the land NL00; their totals are the sums of the buurt counts (before rounding).
// Throws UsageError for bad arguments (unknown or repeated columns, a margin or rate naming a column
// that is not a count column, options out of range) and InputError (source "buurt counts", the row
// and column, never a count) for malformed codes, missing or negative counts, margins that do not
// add up, and repeated (buurt, year) rows. Deterministic.
DisclosureResult protect_counts(const Table& buurt_counts, const std::vector<std::string>& count_columns,
                                const std::vector<Margin>& margins, const std::vector<Rate>& rates,
                                const DisclosureOptions& options = {});

// The published value of a count: the nearest multiple of `base` (ties upwards).
std::int64_t round_to_base(std::int64_t count, std::int64_t base);
// The largest count that is suppressed as primary under `options` (-1 when none is).
std::int64_t primary_ceiling(const DisclosureOptions& options);

}  // namespace wz::risk
