// Disclosure control of the counts leaving the protected zone (src/risk/disclosure.hpp).
//
// Oracles: hand-worked tables (the suppression pattern, the rounding and the rates derived in the
// comments), totals recomputed here from the buurt rows, and an attack by an independent LP solver
// (GLPK): the attacker of the header's rule, built here from the published table and the suppression
// record alone, minimises and maximises every suppressed cell.
#include "risk/disclosure.hpp"

#include <glpk.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/table.hpp"

namespace {

using wz::Column;
using wz::Table;
using wz::risk::DisclosureOptions;
using wz::risk::DisclosureResult;
using wz::risk::Margin;
using wz::risk::protect_counts;
using wz::risk::Rate;

struct Row {
    std::string buurt;
    std::int64_t year;
    std::vector<std::int64_t> counts;
};

Table make_table(const std::vector<Row>& rows, const std::vector<std::string>& columns) {
    std::vector<std::string> codes;
    std::vector<std::int64_t> years;
    std::vector<std::vector<std::int64_t>> values(columns.size());
    for (const Row& r : rows) {
        codes.push_back(r.buurt);
        years.push_back(r.year);
        for (std::size_t k = 0; k < columns.size(); ++k) values[k].push_back(r.counts[k]);
    }
    Table t;
    t.add_column(Column::of_texts("buurt", codes));
    t.add_column(Column::of_ints("year", years));
    for (std::size_t k = 0; k < columns.size(); ++k) t.add_column(Column::of_ints(columns[k], values[k]));
    return t;
}

using CellKey = std::tuple<std::string, std::int64_t, std::string>;  // area, year, column

// The published value of a cell (nullopt when suppressed); fails when the row is absent.
std::optional<std::int64_t> published(const DisclosureResult& r, const std::string& area, std::int64_t year,
                                      const std::string& column) {
    const Column& areas = r.published.column("area");
    const Column& years = r.published.column("year");
    const Column& col = r.published.column(column);
    for (std::size_t i = 0; i < r.published.row_count(); ++i)
        if (areas.text_at(i) == area && years.int_at(i) == year) {
            if (!col.is_missing(i)) return col.int_at(i);
            EXPECT_EQ(col.missing_reason(i), wz::Missing::kSecret) << area << " " << column;
            return std::nullopt;
        }
    ADD_FAILURE() << "no published row for " << area << " " << year;
    return std::nullopt;
}

std::map<CellKey, std::string> reasons(const DisclosureResult& r) {
    std::map<CellKey, std::string> out;
    const Table& s = r.suppressed;
    for (std::size_t i = 0; i < s.row_count(); ++i)
        out[{s.column("area").text_at(i), s.column("year").int_at(i), s.column("column").text_at(i)}] =
            s.column("reason").text_at(i);
    return out;
}

// ---------------------------------------------------------------------------------------------------
// The attacker, independent of the module: the published table (rounded values, base 5, so a published
// v means a true count in [v-2, v+2]; and not below the minimum, or it would be suppressed), the
// suppression record (primary: [0, 9]; secondary: at least 10), non-negativity, and the relations
// derived here from the codes: wijk = Σ its buurten (WK + the buurt's first 6 digits), gemeente = Σ
// its wijken, NL00 = Σ gemeenten, and every margin in every row. GLPK's simplex gives each suppressed
// cell's interval.
struct AttackCell {
    std::string area;
    std::int64_t year;
    std::string column;
    std::optional<std::int64_t> value;  // published (rounded) value
    bool primary = false;
};

struct Interval {
    double lo, hi;
};

std::string parent_code(const std::string& area) {
    if (area.rfind("BU", 0) == 0) return "WK" + area.substr(2, 6);
    if (area.rfind("WK", 0) == 0) return "GM" + area.substr(2, 4);
    if (area.rfind("GM", 0) == 0) return "NL00";
    return "";
}

std::map<CellKey, Interval> attack_year(const std::vector<AttackCell>& cells,
                                        const std::vector<Margin>& margins) {
    constexpr double kCeiling = 9;  // minimum 10, base 5
    std::map<CellKey, int> var;     // 1-based GLPK column
    for (const AttackCell& c : cells) var[{c.area, c.year, c.column}] = static_cast<int>(var.size()) + 1;
    glp_prob* lp = glp_create_prob();
    glp_add_cols(lp, static_cast<int>(cells.size()));
    for (const AttackCell& c : cells) {
        const int j = var.at({c.area, c.year, c.column});
        if (c.value)
            glp_set_col_bnds(lp, j, GLP_DB, std::max(static_cast<double>(*c.value) - 2, kCeiling + 1),
                             static_cast<double>(*c.value) + 2);
        else if (c.primary)
            glp_set_col_bnds(lp, j, GLP_DB, 0, kCeiling);
        else
            glp_set_col_bnds(lp, j, GLP_LO, kCeiling + 1, 0);
    }
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0};
    int rows = 0;
    auto add_row = [&](int lhs, const std::vector<int>& rhs) {
        ++rows;
        glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, rows, GLP_FX, 0, 0);
        ia.push_back(rows);
        ja.push_back(lhs);
        ar.push_back(1);
        for (int j : rhs) {
            ia.push_back(rows);
            ja.push_back(j);
            ar.push_back(-1);
        }
    };
    // hierarchy: per (parent, year, column) the children found in the table
    std::map<CellKey, std::vector<int>> children;
    for (const AttackCell& c : cells) {
        const std::string parent = parent_code(c.area);
        if (!parent.empty())
            children[{parent, c.year, c.column}].push_back(var.at({c.area, c.year, c.column}));
    }
    for (const auto& [key, kids] : children) add_row(var.at(key), kids);
    for (const AttackCell& c : cells)
        for (const Margin& m : margins)
            if (c.column == m.total) {
                std::vector<int> parts;
                for (const std::string& p : m.parts) parts.push_back(var.at({c.area, c.year, p}));
                add_row(var.at({c.area, c.year, c.column}), parts);
            }
    glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    std::map<CellKey, Interval> out;
    for (const AttackCell& c : cells) {
        if (c.value) continue;
        const int j = var.at({c.area, c.year, c.column});
        glp_set_obj_coef(lp, j, 1);
        Interval iv{};
        for (int dir : {GLP_MIN, GLP_MAX}) {
            glp_set_obj_dir(lp, dir);
            const int rc = glp_simplex(lp, &parm);
            const int status = glp_get_status(lp);
            double v = std::numeric_limits<double>::infinity();
            if (rc == 0 && status == GLP_OPT)
                v = glp_get_obj_val(lp);
            else
                EXPECT_TRUE(dir == GLP_MAX && status == GLP_UNBND) << "LP status " << status << " rc " << rc;
            (dir == GLP_MIN ? iv.lo : iv.hi) = v;
        }
        glp_set_obj_coef(lp, j, 0);
        out[{c.area, c.year, c.column}] = iv;
    }
    glp_delete_prob(lp);
    return out;
}

// Years are separate tables: one LP each.
std::map<CellKey, Interval> attack(const std::vector<AttackCell>& cells, const std::vector<Margin>& margins) {
    std::map<std::int64_t, std::vector<AttackCell>> by_year;
    for (const AttackCell& c : cells) by_year[c.year].push_back(c);
    std::map<CellKey, Interval> out;
    for (const auto& [year, year_cells] : by_year) out.merge(attack_year(year_cells, margins));
    return out;
}

// The attacker's view of a result: every cell of the published table with the suppression record.
std::vector<AttackCell> view_of(const DisclosureResult& r, const std::vector<std::string>& columns) {
    const auto why = reasons(r);
    std::vector<AttackCell> cells;
    const Table& p = r.published;
    for (std::size_t i = 0; i < p.row_count(); ++i)
        for (const std::string& col : columns) {
            AttackCell c{p.column("area").text_at(i), p.column("year").int_at(i), col, std::nullopt, false};
            const Column& values = p.column(col);
            if (!values.is_missing(i))
                c.value = values.int_at(i);
            else
                c.primary = why.at({c.area, c.year, col}) == "primary";
            cells.push_back(c);
        }
    return cells;
}

// The documented rule: a primary cell's interval at least protection_level (5) wide, a secondary's at
// least rounding_base - 1 (4). LP round-off: 1e-6.
void expect_protected(const std::map<CellKey, Interval>& intervals, const std::vector<AttackCell>& cells) {
    std::size_t suppressed = 0;
    for (const AttackCell& c : cells) {
        if (c.value) continue;
        ++suppressed;
        const Interval iv = intervals.at({c.area, c.year, c.column});
        const double need = c.primary ? 5 : 4;
        EXPECT_GE(iv.hi - iv.lo, need - 1e-6)
            << (c.primary ? "primary " : "secondary ") << c.area << " " << c.year << " " << c.column
            << " recovered to [" << iv.lo << ", " << iv.hi << "]";
    }
    EXPECT_EQ(suppressed, intervals.size());
}

// ---------------------------------------------------------------------------------------------------
// Hand-worked: one gemeente, two wijken of three buurten, one column.
//   WK000101: BU00010101 = 3, BU00010102 = 25, BU00010103 = 40  (wijk 68)
//   WK000102: BU00010201 = 12, BU00010202 = 30, BU00010203 = 50 (wijk 92); GM0001 = NL00 = 160.
// 3 is primary. Published as it is, the wijk total minus the two published buurten gives it exactly
// (with the rounding: [66, 70] - [23, 27] - [38, 42] = [-3, 9], still ≤ 9 known, but the module's own
// audit lets the attacker know published counts exactly). The cheapest partner is the smaller sibling,
// 25 (cost 26 against 41 for 40); it can give up 15 (down to 10), enough for the 5 needed.
TEST(Disclosure, HierarchyOneColumnByHand) {
    const std::vector<std::string> cols{"n"};
    const Table t = make_table({{"BU00010101", 2020, {3}},
                                {"BU00010102", 2020, {25}},
                                {"BU00010103", 2020, {40}},
                                {"BU00010201", 2020, {12}},
                                {"BU00010202", 2020, {30}},
                                {"BU00010203", 2020, {50}}},
                               cols);
    const DisclosureResult r = protect_counts(t, cols, {}, {}, {});
    ASSERT_EQ(r.published.row_count(), 6u + 2u + 1u + 1u);
    EXPECT_EQ(r.primary_cells, 1u);
    EXPECT_EQ(r.secondary_cells, 1u);
    EXPECT_TRUE(r.unprotected.empty());
    const auto why = reasons(r);
    ASSERT_EQ(why.size(), 2u);
    EXPECT_EQ(why.at({"BU00010101", 2020, "n"}), "primary");
    EXPECT_EQ(why.at({"BU00010102", 2020, "n"}), "secondary: protects n in BU00010101");
    EXPECT_EQ(published(r, "BU00010101", 2020, "n"), std::nullopt);
    EXPECT_EQ(published(r, "BU00010102", 2020, "n"), std::nullopt);
    EXPECT_EQ(published(r, "BU00010103", 2020, "n"), 40);
    EXPECT_EQ(published(r, "BU00010201", 2020, "n"), 10);  // 12 rounds down
    EXPECT_EQ(published(r, "BU00010202", 2020, "n"), 30);
    EXPECT_EQ(published(r, "WK000101", 2020, "n"), 70);  // 68 rounds up
    EXPECT_EQ(published(r, "WK000102", 2020, "n"), 90);  // 92 rounds down
    EXPECT_EQ(published(r, "GM0001", 2020, "n"), 160);
    EXPECT_EQ(published(r, "NL00", 2020, "n"), 160);
    // levels and order: buurten, wijken, gemeente, land
    const Column& level = r.published.column("level");
    EXPECT_EQ(level.text_at(0), "buurt");
    EXPECT_EQ(level.text_at(6), "wijk");
    EXPECT_EQ(level.text_at(8), "gemeente");
    EXPECT_EQ(level.text_at(9), "land");
    EXPECT_EQ(r.published.column("area").text_at(9), "NL00");
}

// Hand-worked with a margin over kinds (total = drugs + money) and a rate drugs / total * 100:
//   WK000101: B1 (BU00010101) 4 + 30 = 34, B2 20 + 40 = 60, B3 35 + 50 = 85   (wijk 59 + 120 = 179)
//   WK000102: B4 15 + 15 = 30, B5 22 + 33 = 55, B6 40 + 60 = 100             (wijk 77 + 108 = 185)
//   GM0001 = NL00: 136 + 228 = 364.
// Drugs in B1 (4) is the only primary cell. Row, column and margin must all stay consistent, so the
// partners form a rectangle. The candidates in the wijk (cost = count + 1 of each new cell):
//   drugs/-money x B1/-B2: money B1 31 + drugs B2 21 + money B2 41 = 93   <- cheapest
//   drugs/-money x B1/-B3: 31 + 36 + 51 = 118;  drugs/total x B1/-B2: 35 + 21 + 61 = 117; …
// Each can move B1's drugs up by 5 (B2's drugs 20 can go down to 10, B1's money 30 to 10).
TEST(Disclosure, MarginOverKindsByHand) {
    const std::vector<std::string> cols{"total", "drugs", "money"};
    const Table t = make_table({{"BU00010101", 2021, {34, 4, 30}},
                                {"BU00010102", 2021, {60, 20, 40}},
                                {"BU00010103", 2021, {85, 35, 50}},
                                {"BU00010201", 2021, {30, 15, 15}},
                                {"BU00010202", 2021, {55, 22, 33}},
                                {"BU00010203", 2021, {100, 40, 60}}},
                               cols);
    const std::vector<Margin> margins{{"total", {"drugs", "money"}}};
    const DisclosureResult r = protect_counts(t, cols, margins, {{"drug_share", "drugs", "total", 100}}, {});
    EXPECT_TRUE(r.unprotected.empty());
    const auto why = reasons(r);
    ASSERT_EQ(why.size(), 4u);
    EXPECT_EQ(why.at({"BU00010101", 2021, "drugs"}), "primary");
    for (const CellKey& k : {CellKey{"BU00010101", 2021, "money"}, CellKey{"BU00010102", 2021, "drugs"},
                             CellKey{"BU00010102", 2021, "money"}})
        EXPECT_EQ(why.at(k), "secondary: protects drugs in BU00010101") << std::get<0>(k) << std::get<2>(k);
    EXPECT_EQ(published(r, "BU00010101", 2021, "total"), 35);  // 34
    EXPECT_EQ(published(r, "BU00010102", 2021, "total"), 60);
    // totals from the true buurt counts, then rounded: 59 -> 60, 179 -> 180, 136 -> 135, 228 -> 230,
    // 364 -> 365 (the sums of the rounded buurten would differ: e.g. drugs in WK000102 15+20+40 = 75
    // against 77 -> 75, money in GM0001 …)
    EXPECT_EQ(published(r, "WK000101", 2021, "drugs"), 60);
    EXPECT_EQ(published(r, "WK000101", 2021, "total"), 180);
    EXPECT_EQ(published(r, "WK000102", 2021, "money"), 110);  // 108
    EXPECT_EQ(published(r, "GM0001", 2021, "drugs"), 135);
    EXPECT_EQ(published(r, "GM0001", 2021, "money"), 230);
    EXPECT_EQ(published(r, "NL00", 2021, "total"), 365);
    // rates from the published counts only
    const Column& rate = r.published.column("drug_share");
    const Column& area = r.published.column("area");
    ASSERT_EQ(r.published.row_count(), 10u);
    int checked = 0;
    for (std::size_t i = 0; i < r.published.row_count(); ++i) {
        const std::string& a = area.text_at(i);
        if (a == "BU00010101" || a == "BU00010102") {
            EXPECT_TRUE(rate.is_missing(i));
            EXPECT_EQ(rate.missing_reason(i), wz::Missing::kSecret);
            ++checked;
        } else if (a == "BU00010103") {
            EXPECT_NEAR(rate.real_at(i), 35.0 / 85.0 * 100, 1e-12);
            ++checked;
        } else if (a == "WK000101") {
            EXPECT_NEAR(rate.real_at(i), 60.0 / 180.0 * 100, 1e-12);  // not 59 / 179
            ++checked;
        } else if (a == "BU00010202") {
            EXPECT_NEAR(rate.real_at(i), 20.0 / 55.0 * 100, 1e-12);  // 22 -> 20, 55 -> 55
            ++checked;
        }
    }
    EXPECT_EQ(checked, 5);
    // the attack confirms the pattern
    expect_protected(attack(view_of(r, cols), margins), view_of(r, cols));
}

// Primary suppression alone is recovered; the secondary step is what protects.
//   WK000101: BU00010101 = 0, BU00010102 = 12 (wijk 12); WK000102: 30 and 40 (wijk 70); GM = NL = 82.
// With only the 0 suppressed the attacker has wijk 10 → [10, 12] (published, so at least 10) and the
// buurt 10 → [10, 12]: the 0 lies in [-2, 2] ∩ [0, 9] = [0, 2], width 2 < 5. The sibling 12 can give
// up only 2 (down to 10), so the module goes one level up: the rectangle of the 0 and its wijk
// against the other wijk and its cheaper buurt (30), cost 13·2 + 71·2 + 31 = 199 (the chain to the
// land would cost more).
TEST(Disclosure, PrimaryAloneIsRecoveredSecondaryProtects) {
    const std::vector<std::string> cols{"n"};
    const Table t = make_table({{"BU00010101", 2019, {0}},
                                {"BU00010102", 2019, {12}},
                                {"BU00010201", 2019, {30}},
                                {"BU00010202", 2019, {40}}},
                               cols);
    const DisclosureResult r = protect_counts(t, cols, {}, {}, {});
    EXPECT_TRUE(r.unprotected.empty());
    const auto why = reasons(r);
    ASSERT_EQ(why.size(), 4u);
    EXPECT_EQ(why.at({"BU00010101", 2019, "n"}), "primary");
    for (const char* a : {"WK000101", "WK000102", "BU00010201"})
        EXPECT_EQ(why.at({a, 2019, "n"}), "secondary: protects n in BU00010101") << a;

    // primary suppression alone: everything else published, rounded
    std::vector<AttackCell> alone{{"BU00010101", 2019, "n", std::nullopt, true},
                                  {"BU00010102", 2019, "n", 10, false},
                                  {"BU00010201", 2019, "n", 30, false},
                                  {"BU00010202", 2019, "n", 40, false},
                                  {"WK000101", 2019, "n", 10, false},
                                  {"WK000102", 2019, "n", 70, false},
                                  {"GM0001", 2019, "n", 80, false},
                                  {"NL00", 2019, "n", 80, false}};
    const auto bare = attack(alone, {});
    ASSERT_EQ(bare.size(), 1u);
    EXPECT_NEAR(bare.at({"BU00010101", 2019, "n"}).lo, 0, 1e-9);
    EXPECT_NEAR(bare.at({"BU00010101", 2019, "n"}).hi, 2, 1e-9);

    const auto cells = view_of(r, cols);
    const auto intervals = attack(cells, {});
    ASSERT_EQ(intervals.size(), 4u);
    // the 0 can be anything in [0, 9]: GM 80 → [78, 82] = 0 + 12ish + wijk 2 (≥ 10)
    EXPECT_NEAR(intervals.at({"BU00010101", 2019, "n"}).lo, 0, 1e-9);
    EXPECT_NEAR(intervals.at({"BU00010101", 2019, "n"}).hi, 9, 1e-9);
    expect_protected(intervals, cells);
}

// ---------------------------------------------------------------------------------------------------
// A random country: `gemeenten` gemeenten of 1 to `wijken` wijken of 1 to `buurten` buurten, two years,
// a margin over four kinds and one free column, counts from a mixture of small and large.
struct RandomCountry {
    std::vector<std::string> columns{"suspicions",  "laundering", "drugs",
                                     "trafficking", "violence",   "owners"};
    std::vector<Margin> margins{{"suspicions", {"laundering", "drugs", "trafficking", "violence"}}};
    std::vector<Row> rows;
};

RandomCountry random_country(std::uint64_t seed, int gemeenten, std::int64_t wijken_max,
                             std::int64_t buurten_max) {
    RandomCountry c;
    wz::Rng rng(wz::splitmix64(seed));
    for (std::int64_t year : {2018, 2019})
        for (int g = 1; g <= gemeenten; ++g) {
            wz::Rng shape(wz::splitmix64(seed + static_cast<std::uint64_t>(g)));  // same areas each year
            const std::int64_t wijken = shape.range(1, wijken_max);
            for (std::int64_t w = 0; w < wijken; ++w) {
                const std::int64_t buurten = shape.range(1, buurten_max);
                for (std::int64_t b = 0; b < buurten; ++b) {
                    const std::string code = "BU0" + std::to_string(100 + g) + std::to_string(10 + w) +
                                             std::to_string(10 + b);  // g < 900, w, b < 90
                    Row row{code, year, std::vector<std::int64_t>(c.columns.size(), 0)};
                    for (std::size_t k = 1; k < c.columns.size(); ++k) {
                        // a third small (0-9), the rest 0-150 on a log scale
                        row.counts[k] = rng.uniform() < 0.33
                                            ? rng.range(0, 9)
                                            : static_cast<std::int64_t>(std::exp(rng.uniform() * 5.0));
                        if (k <= 4) row.counts[0] += row.counts[k];
                    }
                    c.rows.push_back(std::move(row));
                }
            }
        }
    return c;
}

// Totals recomputed here from the buurt rows.
std::map<CellKey, std::int64_t> true_totals(const RandomCountry& c) {
    std::map<CellKey, std::int64_t> out;
    for (const Row& r : c.rows)
        for (std::size_t k = 0; k < c.columns.size(); ++k) {
            std::string area = r.buurt;
            while (!area.empty()) {
                out[{area, r.year, c.columns[k]}] += r.counts[k];
                area = parent_code(area);
            }
        }
    return out;
}

TEST(Disclosure, RandomTableProperties) {
    const RandomCountry c = random_country(13, 10, 9, 9);
    const Table t = make_table(c.rows, c.columns);
    ASSERT_GE(c.rows.size(), 400u);
    const DisclosureResult r = protect_counts(t, c.columns, c.margins, {}, {});
    EXPECT_TRUE(r.unprotected.empty());
    const auto truth = true_totals(c);
    const auto why = reasons(r);
    const Table& p = r.published;
    ASSERT_EQ(p.row_count() * c.columns.size(), truth.size());
    std::size_t shown = 0, hidden = 0, primaries = 0;
    for (std::size_t i = 0; i < p.row_count(); ++i)
        for (const std::string& col : c.columns) {
            const CellKey key{p.column("area").text_at(i), p.column("year").int_at(i), col};
            const std::int64_t x = truth.at(key);
            const Column& values = p.column(col);
            if (!values.is_missing(i)) {
                ++shown;
                const std::int64_t v = values.int_at(i);
                EXPECT_EQ(v % 5, 0) << std::get<0>(key) << " " << col;
                EXPECT_GE(v, 10) << std::get<0>(key) << " " << col;
                EXPECT_LE(std::abs(v - x), 2) << std::get<0>(key) << " " << col;
                EXPECT_EQ(why.count(key), 0u);
                EXPECT_GE(x, 10);
            } else {
                ++hidden;
                EXPECT_EQ(values.missing_reason(i), wz::Missing::kSecret);
                ASSERT_EQ(why.count(key), 1u) << std::get<0>(key) << " " << col;
                const bool primary = why.at(key) == "primary";
                primaries += primary ? 1 : 0;
                EXPECT_EQ(primary, x < 10) << std::get<0>(key) << " " << col;
            }
        }
    EXPECT_EQ(hidden, why.size());
    EXPECT_EQ(hidden, r.primary_cells + r.secondary_cells);
    EXPECT_EQ(primaries, r.primary_cells);
    EXPECT_GT(r.primary_cells, 20u);
    EXPECT_GT(r.secondary_cells, 0u);
    EXPECT_GT(shown, 100u);
    // The suppression record names cells, never values: exactly five columns.
    ASSERT_EQ(r.suppressed.column_count(), 5u);
    // Deterministic.
    const DisclosureResult again = protect_counts(t, c.columns, c.margins, {}, {});
    EXPECT_EQ(reasons(again), why);
}

TEST(Disclosure, RandomTableAttackRecoversNothing) {
    // about 80 buurten a year, then two smaller countries (where more of the land is small)
    for (std::uint64_t seed : {13u, 14u, 15u}) {
        SCOPED_TRACE(seed);
        const RandomCountry c = seed == 13 ? random_country(seed, 6, 6, 7) : random_country(seed, 3, 6, 7);
        const DisclosureResult r =
            protect_counts(make_table(c.rows, c.columns), c.columns, c.margins, {}, {});
        EXPECT_TRUE(r.unprotected.empty());
        const auto cells = view_of(r, c.columns);
        const auto intervals = attack(cells, c.margins);
        ASSERT_EQ(intervals.size(), r.primary_cells + r.secondary_cells);
        expect_protected(intervals, cells);
    }
}

// Sparse columns over many areas, as the snapshot and network tables are at scale 1 (convicted owners,
// professional foundations: a few per gemeente): nearly every cell is primary, the land total is
// published or not, and the one sibling or chain that can move hides among dozens at 0: a total of 9
// spread as 1s over buurten of several wijken can only go down by 5 along chains through different
// wijken. Before the witness search took siblings and chains by their room, the audit could not prove
// such cells (seeds 36 and 47 of this generator: the land total of "rare"; at scale 1, 902 cells) and
// `risk publish` refused to publish.
TEST(Disclosure, SparseColumnsManyAreasAttackRecoversNothing) {
    for (std::uint64_t seed : {36u, 47u}) {
        SCOPED_TRACE(seed);
        wz::Rng rng(wz::splitmix64(seed));
        const std::vector<std::string> cols{"rare", "sparse", "few"};
        const double p[] = {0.02, 0.1, 0.3};
        std::vector<Row> rows;
        for (int g = 1; g <= 40; ++g) {
            // most gemeenten of one or two wijken, a few of up to ten; wijken of 1 to 10 buurten
            const auto wijken = 1 + static_cast<int>(std::pow(rng.uniform(), 4) * 10);
            for (int w = 0; w < wijken; ++w) {
                const auto buurten = 1 + static_cast<int>(std::pow(rng.uniform(), 2) * 10);
                for (int b = 0; b < buurten; ++b) {
                    char code[40];
                    std::snprintf(code, sizeof code, "BU%04d%02d%02d", g, w, b);
                    Row row{code, 2022, {}};
                    for (double q : p) row.counts.push_back(rng.chance(q) ? (rng.chance(0.2) ? 2 : 1) : 0);
                    rows.push_back(std::move(row));
                }
            }
        }
        ASSERT_GT(rows.size(), 150u);
        const DisclosureResult r = protect_counts(make_table(rows, cols), cols, {}, {}, {});
        EXPECT_TRUE(r.unprotected.empty())
            << r.unprotected.size() << " unproved, first " << r.unprotected.front();
        EXPECT_GT(r.primary_cells, rows.size() * 2);  // sparse: most buurt cells are primary
        // without margins the columns are separate tables: one attack each
        std::size_t attacked = 0;
        for (const std::string& col : cols) {
            const auto cells = view_of(r, {col});
            const auto intervals = attack(cells, {});
            attacked += intervals.size();
            expect_protected(intervals, cells);
        }
        EXPECT_EQ(attacked, r.primary_cells + r.secondary_cells);
    }
}

// ---------------------------------------------------------------------------------------------------
// Bad input.
template <class E>
std::string message_of(const Table& t, const std::vector<std::string>& cols,
                       const std::vector<Margin>& margins = {}, const std::vector<Rate>& rates = {},
                       const DisclosureOptions& o = {}) {
    try {
        protect_counts(t, cols, margins, rates, o);
    } catch (const E& e) {
        return e.what();
    }
    ADD_FAILURE() << "no error of the expected kind";
    return "";
}

TEST(Disclosure, BadInput) {
    const std::vector<std::string> cols{"total", "a", "b"};
    const Table good =
        make_table({{"BU00010101", 2020, {7, 3, 4}}, {"BU00010102", 2020, {25, 13, 12}}}, cols);

    EXPECT_EQ(message_of<wz::UsageError>(good, {"total", "c"}),
              "no column 'c' (columns: buurt, year, total, a, b)");
    EXPECT_EQ(message_of<wz::UsageError>(good, {"a", "a"}),
              "disclosure control: count column 'a' named twice");
    EXPECT_EQ(message_of<wz::UsageError>(good, cols, {{"total", {"a", "x"}}}),
              "disclosure control: part of margin total 'x' is not a count column");
    EXPECT_EQ(message_of<wz::UsageError>(good, cols, {}, {{"r", "a", "z", 1000}}),
              "disclosure control: denominator of rate r 'z' is not a count column");
    EXPECT_EQ(message_of<wz::UsageError>(good, cols, {}, {}, DisclosureOptions{0, 10, 5}),
              "disclosure control: the rounding base must be at least 1, not 0");

    // negative count: row 2, column 5 (buurt, year, total, a, b); the value is never shown
    const Table negative =
        make_table({{"BU00010101", 2020, {7, 3, 4}}, {"BU00010102", 2020, {1, 13, -12}}}, cols);
    EXPECT_EQ(message_of<wz::InputError>(negative, cols),
              "buurt counts:2:5: expected a non-negative count in 'b', found a negative count");

    const Table malformed = make_table({{"BU0001010", 2020, {7, 3, 4}}}, cols);
    EXPECT_EQ(message_of<wz::InputError>(malformed, cols),
              "buurt counts:1:1: expected a buurt code (BU + 8 digits), found 'BU0001010'");
    const Table wijk = make_table({{"WK000101", 2020, {7, 3, 4}}}, cols);
    EXPECT_EQ(message_of<wz::InputError>(wijk, cols),
              "buurt counts:1:1: expected a buurt code (BU + 8 digits), found 'WK000101'");

    const Table duplicate = make_table({{"BU00010101", 2020, {7, 3, 4}},
                                        {"BU00010102", 2020, {25, 13, 12}},
                                        {"BU00010101", 2020, {7, 3, 4}}},
                                       cols);
    EXPECT_EQ(
        message_of<wz::InputError>(duplicate, cols),
        "buurt counts:3:1: expected one row per buurt and year, found BU00010101 in 2020 again (first at "
        "row 1)");
    // the same buurt in another year is fine
    const Table two_years =
        make_table({{"BU00010101", 2020, {7, 3, 4}}, {"BU00010101", 2021, {7, 3, 4}}}, cols);
    EXPECT_NO_THROW(protect_counts(two_years, cols, {}, {}, {}));

    // a margin that does not add up (row 2: 26 != 13 + 12)
    const Table off = make_table({{"BU00010101", 2020, {7, 3, 4}}, {"BU00010102", 2020, {26, 13, 12}}}, cols);
    EXPECT_EQ(message_of<wz::InputError>(off, cols, {{"total", {"a", "b"}}}),
              "buurt counts:2:3: expected 'total' equal to the sum of its parts, found a different count");

    // a missing count
    Table missing;
    missing.add_column(Column::of_texts("buurt", {"BU00010101"}));
    missing.add_column(Column::of_ints("year", {2020}));
    missing.add_column(Column::of_ints("total", {0}, {static_cast<std::uint8_t>(wz::Missing::kEmpty)}));
    EXPECT_EQ(message_of<wz::InputError>(missing, {"total"}),
              "buurt counts:1:3: expected a count in 'total', found a missing value");
}

TEST(Disclosure, RoundingAndCeiling) {
    using wz::risk::round_to_base;
    EXPECT_EQ(round_to_base(0, 5), 0);
    EXPECT_EQ(round_to_base(2, 5), 0);
    EXPECT_EQ(round_to_base(3, 5), 5);
    EXPECT_EQ(round_to_base(12, 5), 10);
    EXPECT_EQ(round_to_base(13, 5), 15);
    EXPECT_EQ(round_to_base(15, 10), 20);  // tie upwards
    EXPECT_EQ(round_to_base(7, 1), 7);
    EXPECT_EQ(wz::risk::primary_ceiling({}), 9);
    // minimum 11: 11 and 12 would be published as 10, below the minimum, so they are primary too
    EXPECT_EQ(wz::risk::primary_ceiling({5, 11, 5}), 12);
    EXPECT_EQ(wz::risk::primary_ceiling({5, 0, 5}), -1);
}

}  // namespace
