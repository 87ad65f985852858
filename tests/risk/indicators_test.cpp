// The undermining indicators and the network on a hand-made extract of four persons, four dwellings
// and three entities, every count worked out by hand in the comments.
#include "risk/indicators.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "core/error.hpp"
#include "risk/network.hpp"

namespace wz::risk {
namespace {

const std::string kB1 = "BU00010001", kB2 = "BU00010002", kB3 = "BU00020001";
enum : std::int64_t {
    p1 = 11,
    p2 = 12,
    p3 = 13,
    p4 = 14,
    h1 = 21,
    h2 = 22,
    h3 = 23,
    a1 = 31,
    a2 = 32,
    a3 = 33,
    a4 = 34,
    e1 = 41,
    e2 = 42,
    e3 = 43,
    k1 = 51,
    k2 = 52
};

Table table(std::vector<std::pair<std::string, ColumnType>> cols,
            const std::vector<std::vector<std::string>>& rows) {
    Table t;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        Column col(cols[c].first, cols[c].second);
        for (const auto& r : rows) {
            if (cols[c].second == ColumnType::kText) {
                col.push_text(r[c]);
            } else {
                col.push_int(std::stoll(r[c]));
            }
        }
        t.add_column(std::move(col));
    }
    return t;
}
std::string s(std::int64_t v) {
    return std::to_string(v);
}

MicroTables tiny() {
    const auto I = ColumnType::kInt, T = ColumnType::kText;
    MicroTables m;
    // p1 and p2 share household h1 at a1 (buurt 1); p3 lives at a3 (buurt 2); p4 at a4 (buurt 3).
    m.persons =
        table({{"person", I}, {"household", I}, {"address", I}, {"buurt", T}, {"income", I}, {"assets", I}},
              {{s(p1), s(h1), s(a1), kB1, "30000", "10000"},
               {s(p2), s(h1), s(a1), kB1, "0", "0"},
               {s(p3), s(h2), s(a3), kB2, "50000", "0"},
               {s(p4), s(h3), s(a4), kB3, "0", "0"}});
    m.dwellings =
        table({{"address", I}, {"buurt", T}}, {{s(a1), kB1}, {s(a2), kB1}, {s(a3), kB2}, {s(a4), kB3}});
    // p1 owns a1; p2 (no income, no assets) owns a2 and a4; foundation e1 owns a3.
    m.ownership = table({{"address", I}, {"buurt", T}, {"owner_type", T}, {"owner", I}},
                        {{s(a1), kB1, "person", s(p1)},
                         {s(a2), kB1, "person", s(p2)},
                         {s(a3), kB2, "entity", s(e1)},
                         {s(a4), kB3, "person", s(p2)}});
    // k1: 200,000 > 4.5 x 30,000 + 10,000 = 145,000: unexplained. k2: 100,000 <= 135,000.
    m.purchases = table({{"purchase", I},
                         {"address", I},
                         {"buurt", T},
                         {"buyer_type", T},
                         {"buyer", I},
                         {"year", I},
                         {"price", I},
                         {"household_income", I},
                         {"household_assets", I}},
                        {{s(k1), s(a1), kB1, "person", s(p1), "2020", "200000", "30000", "10000"},
                         {s(k2), s(a3), kB2, "entity", s(e1), "2021", "100000", "30000", "0"}});
    m.entities = table(
        {{"entity", I}, {"legal_form", T}, {"address", I}, {"buurt", T}},
        {{s(e1), "stichting", s(a3), kB2}, {s(e2), "bv", s(a1), kB1}, {s(e3), "stichting", s(a4), kB3}});
    // p3 sits on three boards: a professional director at --min-boards 3; e1 and e3 are foundations.
    m.directors = table({{"entity", I}, {"person", I}}, {{s(e1), s(p3)}, {s(e2), s(p3)}, {s(e3), s(p3)}});
    m.suspicions = table({{"person", I}, {"offence", T}, {"year", I}, {"convicted", I}},
                         {{s(p1), "money_laundering", "2019", "1"},
                          {s(p3), "drugs_trafficking", "2020", "0"},
                          {s(p4), "violence", "2021", "0"}});
    m.transactions = table({{"year", I},
                            {"from_type", T},
                            {"from_id", I},
                            {"to_type", T},
                            {"to_id", I},
                            {"amount", I},
                            {"unusual", I}},
                           {{"2020", "person", s(p3), "entity", s(e2), "5000", "1"},
                            {"2021", "entity", s(e2), "person", s(p1), "7000", "0"}});
    return m;
}

// value of `column` in the row of (buurt, year) of `t`.
std::int64_t at(const Table& t, const std::string& buurt, std::int64_t year, const std::string& column) {
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (t.column("buurt").text_at(r) == buurt && t.column("year").int_at(r) == year)
            return t.column(column).int_at(r);
    }
    ADD_FAILURE() << "no row " << buurt << " " << year;
    return -1;
}

TEST(RiskIndicators, HandComputedCounts) {
    IndicatorOptions o;
    o.min_boards = 3;
    const IndicatorResult r = compute_indicators(tiny(), o);
    EXPECT_EQ(r.reference_year, 2021);
    ASSERT_EQ(r.yearly.row_count(), 9U);  // 3 buurten x 2019, 2020, 2021
    EXPECT_EQ(at(r.yearly, kB1, 2020, "purchases"), 1);
    EXPECT_EQ(at(r.yearly, kB1, 2020, "unexplained_purchases"), 1);
    EXPECT_EQ(at(r.yearly, kB2, 2021, "purchases"), 1);
    EXPECT_EQ(at(r.yearly, kB2, 2021, "unexplained_purchases"), 0);
    EXPECT_EQ(at(r.yearly, kB1, 2019, "suspicions_money_laundering"), 1);
    EXPECT_EQ(at(r.yearly, kB2, 2020, "suspicions_drugs_trafficking"), 1);
    EXPECT_EQ(at(r.yearly, kB3, 2021, "suspicions_violence"), 1);
    EXPECT_EQ(at(r.yearly, kB3, 2021, "suspicions"), 1);
    EXPECT_EQ(at(r.yearly, kB2, 2020, "unusual_transactions"), 1);  // sent by p3, who lives in buurt 2
    EXPECT_EQ(at(r.yearly, kB1, 2021, "unusual_transactions"), 0);  // e2's transfer is not unusual
    EXPECT_EQ(at(r.yearly, kB1, 2019, "residents"), 2);
    // Snapshot 2021.
    EXPECT_EQ(at(r.snapshot, kB1, 2021, "owners"), 2);
    EXPECT_EQ(at(r.snapshot, kB1, 2021, "owners_without_means"), 1);
    EXPECT_EQ(at(r.snapshot, kB3, 2021, "owners_without_means"), 1);
    EXPECT_EQ(at(r.snapshot, kB1, 2021, "convicted_owners"), 1);
    EXPECT_EQ(at(r.snapshot, kB1, 2021, "suspected_owners"), 1);
    EXPECT_EQ(at(r.snapshot, kB2, 2021, "owners"), 0);
    EXPECT_EQ(at(r.snapshot, kB2, 2021, "professional_foundations"), 1);
    EXPECT_EQ(at(r.snapshot, kB3, 2021, "professional_foundations"), 1);
    EXPECT_EQ(at(r.snapshot, kB1, 2021, "professional_foundations"), 0);  // e2 is a bv
    EXPECT_EQ(at(r.snapshot, kB2, 2021, "professional_foundation_dwellings"), 1);
    ASSERT_EQ(r.unexplained_purchases.row_count(), 1U);
    EXPECT_EQ(r.unexplained_purchases.column("purchase").int_at(0), k1);
    ASSERT_EQ(r.owners_without_means.row_count(), 1U);
    EXPECT_EQ(r.owners_without_means.column("person").int_at(0), p2);
    ASSERT_EQ(r.professional_directors.row_count(), 1U);
    EXPECT_EQ(r.professional_directors.column("boards").int_at(0), 3);
    // At the default of 5 boards nobody is a professional director.
    EXPECT_EQ(compute_indicators(tiny(), {}).professional_directors.row_count(), 0U);
    // A higher capacity factor explains k1 (200,000 <= 7 x 30,000 + 10,000).
    o.capacity_factor = 7;
    EXPECT_EQ(compute_indicators(tiny(), o).unexplained_purchases.row_count(), 0U);
}

TEST(RiskIndicators, RatesAndRatiosToTheNationalRate) {
    IndicatorOptions o;
    o.min_boards = 3;
    const IndicatorResult r = compute_indicators(tiny(), o);
    const Table v = indicator_views(r, {{"GM0001", "CR01"}});
    std::map<std::string, std::pair<double, double>> got;  // level/area -> rate, ratio
    for (std::size_t i = 0; i < v.row_count(); ++i) {
        if (v.column("indicator").text_at(i) != "owners_without_means") continue;
        got[v.column("level").text_at(i) + "/" + v.column("area").text_at(i)] = {
            v.column("rate").real_at(i), v.column("ratio_national").real_at(i)};
    }
    // Country: 2 of 3 owners. Buurt 1: 1 of 2 (ratio 0.75); buurt 3: 1 of 1 (1.5); gemeente 0001 = buurt 1.
    EXPECT_DOUBLE_EQ(got["land/NL00"].first, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(got["buurt/" + kB1].second, 0.75);
    EXPECT_DOUBLE_EQ(got["buurt/" + kB3].second, 1.5);
    EXPECT_DOUBLE_EQ(got["gemeente/GM0001"].first, 0.5);
    EXPECT_DOUBLE_EQ(got["corop/CR01"].first, 0.5);
    ASSERT_EQ(got.count("buurt/" + kB2), 1U);
    EXPECT_TRUE(std::isnan(got["buurt/" + kB2].first)) << "a buurt without owners has no rate";
}

// Buurt characteristics against hot-spot status, worked by hand: indicator A is hot in b1 and b2, not
// in b3 (no row: not significant) and b4 (cold); x = 1, 3 | 10, 14: means 2 and 12, difference -10;
// sample variances 2 and 8, pooled sd sqrt((2 + 8) / 2) = sqrt(5), d = -10 / sqrt(5) = -4.4721. y is
// missing in b1: one hot buurt, no standardised difference. b5 is hot but has no characteristics.
// Indicator B has no hot spot: all four buurten are "other".
TEST(RiskIndicators, CharacteristicsByHotSpotByHand) {
    Table hs;
    hs.add_column(Column::of_texts("indicator", {"A", "A", "A", "A"}));
    hs.add_column(Column::of_texts("buurt", {"b1", "b2", "b4", "b5"}));
    hs.add_column(Column::of_texts("hotspot", {"hot", "hot", "cold", "hot"}));
    Table ch;
    ch.add_column(Column::of_texts("buurt", {"b4", "b3", "b2", "b1"}));
    ch.add_column(Column::of_reals("x", {14, 10, 3, 1}));
    ch.add_column(Column::of_reals("y", {5, 6, 7, 0}, {0, 0, 0, 1}));
    ch.add_column(Column::of_texts("label", {"a", "b", "c", "d"}));  // text: not a characteristic
    const Table t = characteristics_by_hot_spot({"A", "B"}, hs, ch);
    ASSERT_EQ(t.row_count(), 4u);
    EXPECT_EQ(t.column("indicator").text_at(3), "B");
    EXPECT_EQ(t.column("hot_buurten").int_at(2), 0);
    EXPECT_EQ(t.column("other_buurten").int_at(2), 4);
    EXPECT_DOUBLE_EQ(t.column("mean_other").real_at(2), 7.0);
    EXPECT_TRUE(t.column("mean_hot").is_missing(2));
    EXPECT_TRUE(t.column("difference").is_missing(2));
    EXPECT_EQ(t.column("characteristic").text_at(0), "x");
    EXPECT_EQ(t.column("hot_buurten").int_at(0), 2);
    EXPECT_EQ(t.column("other_buurten").int_at(0), 2);
    EXPECT_DOUBLE_EQ(t.column("mean_hot").real_at(0), 2.0);
    EXPECT_DOUBLE_EQ(t.column("mean_other").real_at(0), 12.0);
    EXPECT_DOUBLE_EQ(t.column("difference").real_at(0), -10.0);
    EXPECT_NEAR(t.column("standardised_difference").real_at(0), -10.0 / std::sqrt(5.0), 1e-12);
    EXPECT_EQ(t.column("characteristic").text_at(1), "y");
    EXPECT_EQ(t.column("hot_buurten").int_at(1), 1);
    EXPECT_DOUBLE_EQ(t.column("mean_hot").real_at(1), 7.0);
    EXPECT_DOUBLE_EQ(t.column("mean_other").real_at(1), 5.5);
    EXPECT_TRUE(t.column("standardised_difference").is_missing(1));
}

TEST(RiskNetwork, HandComputedComponentsSpreadAndChains) {
    IndicatorOptions io;
    io.min_boards = 3;
    const MicroTables m = tiny();
    const IndicatorResult ind = compute_indicators(m, io);
    const NetworkResult n = analyse_network(m, ind.professional_directors, {});
    // Control edges: p1-a1 (owns, bought), p2-a2, p2-a4, e1-a3 (owns, bought), p3-e1, p3-e2, p3-e3,
    // p3->e2 and e2->p1 (transactions): {p1, p3, e1, e2, e3, a1, a3} and {p2, a2, a4} (one person only).
    ASSERT_EQ(n.components.row_count(), 1U);
    EXPECT_EQ(n.components.column("persons").int_at(0), 2);
    EXPECT_EQ(n.components.column("entities").int_at(0), 3);
    EXPECT_EQ(n.components.column("properties").int_at(0), 2);
    EXPECT_EQ(n.components.column("transactions").int_at(0), 2);
    EXPECT_EQ(n.components.column("suspects").int_at(0), 2);  // p1 (laundering), p3 (trafficking)
    EXPECT_EQ(n.components.column("professional_directors").int_at(0), 1);
    EXPECT_EQ(n.components.column("risk").int_at(0), 1);
    std::map<std::string, std::vector<std::int64_t>> b;
    for (std::size_t r = 0; r < n.buurten.row_count(); ++r) {
        auto& v = b[n.buurten.column("buurt").text_at(r)];
        for (const char* c : {"persons_at_risk", "suspects", "risk_components", "entity_owned_dwellings",
                              "dwellings_via_suspect_entities"})
            v.push_back(n.buurten.column(c).int_at(r));
    }
    // p2 is two hops from p1 (household h1); p4 is three hops from p3 (e3, a4, p4).
    EXPECT_EQ(b[kB1], (std::vector<std::int64_t>{1, 1, 1, 0, 0}));
    EXPECT_EQ(b[kB2], (std::vector<std::int64_t>{0, 1, 1, 1, 1}));
    EXPECT_EQ(b[kB3], (std::vector<std::int64_t>{0, 0, 0, 0, 0}));
    NetworkOptions three;
    three.spread_hops = 3;
    const NetworkResult n3 = analyse_network(m, ind.professional_directors, three);
    for (std::size_t r = 0; r < n3.buurten.row_count(); ++r) {
        if (n3.buurten.column("buurt").text_at(r) == kB3) {
            EXPECT_EQ(n3.buurten.column("persons_at_risk").int_at(r), 1);
        }
    }
    NetworkOptions bad;
    bad.spread_hops = 9;
    EXPECT_THROW(analyse_network(m, ind.professional_directors, bad), UsageError);
}

}  // namespace
}  // namespace wz::risk
