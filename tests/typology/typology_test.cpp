// Typology rule sets on hand-built tables: every operator at its boundary, k of n, persistence over gaps,
// percentiles with ties, means (weighted, regional), aggregation, grouping, unknowns, parse errors with
// file:line:col, and the shipped Danish, Berlin and LBM 2018 rule sets on small tables worked out here.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "typology/evaluate.hpp"
#include "typology/rules.hpp"

namespace wz::typology {
namespace {

constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

struct Row {
    std::string code;
    int year;
    std::vector<double> values;
};

Table make_table(const std::vector<std::string>& columns, const std::vector<Row>& rows) {
    Table t;
    Column code("code", ColumnType::kText), year("year", ColumnType::kInt);
    std::vector<Column> cols;
    for (const auto& c : columns) cols.emplace_back(c, ColumnType::kReal);
    for (const auto& r : rows) {
        code.push_text(r.code);
        year.push_int(r.year);
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (std::isnan(r.values[i])) {
                cols[i].push_missing(Missing::kNotAvailable);
            } else {
                cols[i].push_real(r.values[i]);
            }
        }
    }
    t.add_column(std::move(code));
    t.add_column(std::move(year));
    for (auto& c : cols) t.add_column(std::move(c));
    return t;
}

const AreaResult& area(const Evaluation& ev, const std::string& code) {
    for (const auto& a : ev.areas)
        if (a.code == code) return a;
    throw std::runtime_error("no area " + code);
}

Tri state(const RuleSet& r, const Evaluation& ev, const std::string& code, const std::string& criterion) {
    const auto* c = r.find_criterion(criterion);
    if (c == nullptr) throw std::runtime_error("no criterion " + criterion);
    return area(ev, code).criteria[static_cast<std::size_t>(c - r.criteria.data())].state;
}

const CriterionResult& result(const RuleSet& r, const Evaluation& ev, const std::string& code,
                              const std::string& criterion) {
    const auto* c = r.find_criterion(criterion);
    return area(ev, code).criteria[static_cast<std::size_t>(c - r.criteria.data())];
}

Tri designated(const RuleSet& r, const Evaluation& ev, const std::string& code,
               const std::string& designation = "") {
    return designated_state(r, area(ev, code), OutputOptions{designation});
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RuleSet shipped(const std::string& name) {
    const std::string path = std::string(WZ_SOURCE_DIR) + "/share/wijkzicht/rules/" + name + ".toml";
    return parse_rule_set(read_file(path), path);
}

// ---- operators at the boundary --------------------------------------------------------------------------

TEST(TypologyOperators, EveryOperatorAtItsThreshold) {
    const std::string text = R"(name = "ops"
level = "buurt"
[parameters]
t = 10
[variables]
x = "d:x"
[[criterion]]
id = "lt"
variable = "x"
op = "<"
value = "t"
[[criterion]]
id = "le"
variable = "x"
op = "<="
value = "t"
[[criterion]]
id = "gt"
variable = "x"
op = ">"
value = 10
[[criterion]]
id = "ge"
variable = "x"
op = ">="
value = 10.0
[[criterion]]
id = "eq"
variable = "x"
op = "=="
value = "t"
[[criterion]]
id = "ne"
variable = "x"
op = "!="
value = "t"
)";
    const RuleSet r = parse_rule_set(text, "ops.toml");
    const Table d = make_table(
        {"x"},
        {{"BU01", 2020, {10.0}}, {"BU02", 2020, {9.5}}, {"BU03", 2020, {10.5}}, {"BU04", 2020, {kNA}}});
    Inputs in;
    in.datasets["d"] = &d;
    const auto ev = evaluate(r, in, 2020);
    // Equal to the threshold: <= >= == met; < > != not met.
    EXPECT_EQ(state(r, ev, "BU01", "lt"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU01", "le"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU01", "gt"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU01", "ge"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU01", "eq"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU01", "ne"), Tri::kNo);
    // Below and above.
    EXPECT_EQ(state(r, ev, "BU02", "lt"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU02", "ge"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "gt"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU03", "le"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "ne"), Tri::kYes);
    // Missing value: unknown for every operator, never "not met".
    for (const char* id : {"lt", "le", "gt", "ge", "eq", "ne"})
        EXPECT_EQ(state(r, ev, "BU04", id), Tri::kUnknown) << id;
    EXPECT_DOUBLE_EQ(result(r, ev, "BU02", "lt").value, 9.5);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU02", "lt").threshold, 10.0);
    // The default designation needs every criterion: BU01 fails lt; BU04 is unknown.
    EXPECT_EQ(designated(r, ev, "BU01"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "BU04"), Tri::kUnknown);
    const Counts c = count_results(r, ev);
    EXPECT_EQ(c.unknown_criteria, 6u);
    EXPECT_EQ(c.unknown_per_criterion.at("ge"), 1u);
    const Table s = summary_table(r, ev);
    EXPECT_EQ(s.column("criteria_unknown").int_at(3), 6);
    EXPECT_TRUE(s.column("designated").is_missing(3));
    EXPECT_EQ(s.column("criteria_met").int_at(0), 3);  // le, ge, eq
    EXPECT_NE(s.column("reasons").text_at(0).find("not met: lt (10, needs < 10)"), std::string::npos)
        << s.column("reasons").text_at(0);
}

// ---- k of n ---------------------------------------------------------------------------------------------

TEST(TypologyAtLeast, TwoOfThreeWithUnknowns) {
    const std::string text = R"(name = "kofn"
level = "buurt"
[variables]
a = "d:a"
b = "d:b"
c = "d:c"
[[criterion]]
id = "ca"
variable = "a"
op = ">"
value = 0
[[criterion]]
id = "cb"
variable = "b"
op = ">"
value = 0
[[criterion]]
id = "cc"
variable = "c"
op = ">"
value = 0
[[criterion]]
id = "two"
at_least = 2
of = ["ca", "cb", "cc"]
)";
    const RuleSet r = parse_rule_set(text, "k.toml");
    const Table d =
        make_table({"a", "b", "c"}, {
                                        {"BU01", 2020, {1, 1, 0}},    // 2 met: yes (exactly k)
                                        {"BU02", 2020, {1, 0, 0}},    // 1 met: no
                                        {"BU03", 2020, {1, kNA, 0}},  // 1 met + 1 unknown: unknown
                                        {"BU04", 2020, {0, kNA, 0}},  // 0 met + 1 unknown: no
                                        {"BU05", 2020, {1, 1, kNA}},  // 2 met: yes despite unknown
                                        {"BU06", 2020, {1, 1, 1}},    // 3 met
                                    });
    Inputs in;
    in.datasets["d"] = &d;
    const auto ev = evaluate(r, in, 2020);
    EXPECT_EQ(state(r, ev, "BU01", "two"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU02", "two"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "two"), Tri::kUnknown);
    EXPECT_EQ(state(r, ev, "BU04", "two"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU05", "two"), Tri::kYes);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU06", "two").value, 3.0);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU06", "two").threshold, 2.0);
    // Only "two" is a designation requirement (the others feed it).
    ASSERT_EQ(r.designations.size(), 1u);
    EXPECT_EQ(r.designations[0].require, std::vector<std::string>{"two"});
}

// ---- persistence over gaps ------------------------------------------------------------------------------

TEST(TypologyPersistence, MeasurementsAndRunningOverGaps) {
    const std::string text = R"(name = "persist"
level = "buurt"
[parameters]
k = 3
span = 4
step = 2
[variables]
cls = "d:class"
[[criterion]]
id = "weak3"
variable = "cls"
op = "<="
value = 4
measurements = "k"
ending_at_year = false
[[criterion]]
id = "weak3_now"
variable = "cls"
op = "<="
value = 4
measurements = "k"
[[criterion]]
id = "weak_window"
variable = "cls"
op = "<="
value = 4
measurements = 2
window_years = 4
[[criterion]]
id = "running"
variable = "cls"
op = "<="
value = 4
running_years = "span"
step_years = "step"
)";
    const RuleSet r = parse_rule_set(text, "p.toml");
    // Measurements 2012, 2014, 2018, 2020, 2022: 2016 is missing from the data (a gap).
    const Table d = make_table(
        {"class"}, {
                       {"BU01", 2012, {3}}, {"BU01", 2014, {6}}, {"BU01", 2018, {4}}, {"BU01", 2020, {2}},
                       {"BU01", 2022, {7}}, {"BU02", 2012, {5}}, {"BU02", 2014, {4}}, {"BU02", 2018, {kNA}},
                       {"BU02", 2020, {3}}, {"BU02", 2022, {6}}, {"BU03", 2012, {4}}, {"BU03", 2014, {4}},
                       {"BU03", 2018, {4}}, {"BU03", 2020, {4}}, {"BU03", 2022, {4}}, {"BU04", 2012, {9}},
                       {"BU04", 2014, {9}}, {"BU04", 2018, {5}}, {"BU04", 2020, {4}}, {"BU04", 2022, {4}},
                   });
    Inputs in;
    in.datasets["d"] = &d;
    const auto ev = evaluate(r, in, 2022);
    EXPECT_EQ(ev.measurement_years, (std::vector<int>{2012, 2014, 2018, 2020, 2022}));
    // BU01: weak in 2012, 2018, 2020 -> 3 of 5: met when any three count (ending_at_year = false), and
    // those are the years that counted; by default ("langdurig" ends at the evaluated measurement) 2022,
    // class 7, must be weak too: not met.
    EXPECT_EQ(state(r, ev, "BU01", "weak3"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU01", "weak3_now"), Tri::kNo);
    EXPECT_EQ(result(r, ev, "BU01", "weak3_now").years_met, (std::vector<int>{2012, 2018, 2020}));
    // BU03: weak every year, 2022 included: met either way.
    EXPECT_EQ(state(r, ev, "BU03", "weak3_now"), Tri::kYes);
    EXPECT_EQ(result(r, ev, "BU01", "weak3").years_met, (std::vector<int>{2012, 2018, 2020}));
    // BU02: weak in 2014 and 2020, 2018 unknown -> 2 met + 1 unknown for k = 3: unknown.
    EXPECT_EQ(state(r, ev, "BU02", "weak3"), Tri::kUnknown);
    EXPECT_EQ(result(r, ev, "BU02", "weak3").years_unknown, (std::vector<int>{2018}));
    // ... but not weak in 2022 (class 6): not met once the window ends at the evaluated measurement.
    EXPECT_EQ(state(r, ev, "BU02", "weak3_now"), Tri::kNo);
    // At 2020 BU02 is weak (2014, 2020; 2018 unknown): unknown in both readings.
    EXPECT_EQ(state(r, evaluate(r, in, 2020), "BU02", "weak3_now"), Tri::kUnknown);
    // BU04: weak only 2020 and 2022 -> 2 of 5: not met.
    EXPECT_EQ(state(r, ev, "BU04", "weak3"), Tri::kNo);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU04", "weak3").value, 2.0);
    // Window of 4 years (2019..2022: 2020, 2022): BU04 met both; BU01 only 2020.
    EXPECT_EQ(state(r, ev, "BU04", "weak_window"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU01", "weak_window"), Tri::kNo);
    // Running 4 years with a measurement every 2: 2022, 2020, 2018 all needed.
    EXPECT_EQ(state(r, ev, "BU03", "running"), Tri::kYes);
    EXPECT_EQ(result(r, ev, "BU03", "running").years_met, (std::vector<int>{2018, 2020, 2022}));
    EXPECT_EQ(state(r, ev, "BU04", "running"), Tri::kNo);  // 2018 class 5
    EXPECT_EQ(state(r, ev, "BU02", "running"), Tri::kNo);  // 2022 class 6
    // At 2018 the running window needs 2014, 2016, 2018: 2016 has no measurement -> unknown, not met.
    const auto ev18 = evaluate(r, in, 2018);
    EXPECT_EQ(state(r, ev18, "BU03", "running"), Tri::kUnknown);
    EXPECT_EQ(result(r, ev18, "BU03", "running").years_unknown, (std::vector<int>{2016}));
    // At 2014 only 2012 and 2014 count for weak3: at most 2 -> not met.
    const auto ev14 = evaluate(r, in, 2014);
    EXPECT_EQ(state(r, ev14, "BU03", "weak3"), Tri::kNo);
    // A year without data is a usage error.
    EXPECT_THROW(evaluate(r, in, 2016), UsageError);
}

// ---- percentiles with ties, means -----------------------------------------------------------------------

TEST(TypologyReferences, PercentilesWithTiesAndMeans) {
    const std::string text = R"(name = "refs"
level = "buurt"
[parameters]
p = 25
[variables]
v = "d:v"
w = "d:w"
[[criterion]]
id = "p20"
variable = "v"
op = "<="
reference = "national_percentile"
percentile = 20
[[criterion]]
id = "p25"
variable = "v"
op = "<="
reference = "national_percentile"
percentile = "p"
[[criterion]]
id = "p50w"
variable = "v"
op = "<="
reference = "national_percentile"
percentile = 50
weight = "w"
[[criterion]]
id = "mean2"
variable = "v"
op = ">="
reference = "national_mean"
multiple = 2
[[criterion]]
id = "wmean"
variable = "v"
op = ">"
reference = "national_mean"
weight = "w"
[[criterion]]
id = "regional"
variable = "v"
op = ">"
reference = "regional_mean"
region = "gemeente"
)";
    const RuleSet r = parse_rule_set(text, "r.toml");
    // v: 1, 2, 2, 2, 5 (ties at 2), and one area without a value.
    const Table d = make_table({"v", "w"}, {{"BU01", 2020, {1, 10}},
                                            {"BU02", 2020, {2, 10}},
                                            {"BU03", 2020, {2, 10}},
                                            {"BU04", 2020, {2, 10}},
                                            {"BU05", 2020, {5, 60}},
                                            {"BU06", 2020, {kNA, 10}}});
    Inputs in;
    in.datasets["d"] = &d;
    for (const char* c : {"BU01", "BU02", "BU03", "BU04", "BU05", "BU06"}) {
        const std::string code = c;
        in.areas.push_back({code, {{"gemeente", code <= "BU03" ? "GM01" : "GM02"}}});
    }
    const auto ev = evaluate(r, in, 2020);
    // P20 of (1,2,2,2,5): position 0.2 * 4 = 0.8 -> 1 + 0.8 * (2 - 1) = 1.8: only BU01.
    EXPECT_DOUBLE_EQ(result(r, ev, "BU01", "p20").threshold, 1.8);
    EXPECT_EQ(state(r, ev, "BU01", "p20"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU02", "p20"), Tri::kNo);
    // P25: position 1.0 -> 2; the three tied areas all meet "<=".
    EXPECT_DOUBLE_EQ(result(r, ev, "BU02", "p25").threshold, 2.0);
    for (const char* c : {"BU01", "BU02", "BU03", "BU04"}) EXPECT_EQ(state(r, ev, c, "p25"), Tri::kYes) << c;
    EXPECT_EQ(state(r, ev, "BU05", "p25"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU06", "p25"), Tri::kUnknown);
    // Weighted P50: weights 10,10,10,10,60 (total 100): cumulative 10,20,30,40,100 -> 5 is the first to
    // reach 50.
    EXPECT_DOUBLE_EQ(result(r, ev, "BU01", "p50w").threshold, 5.0);
    // Unweighted mean of known values: 12 / 5 = 2.4; x2 = 4.8.
    EXPECT_DOUBLE_EQ(result(r, ev, "BU05", "mean2").threshold, 4.8);
    EXPECT_EQ(state(r, ev, "BU05", "mean2"), Tri::kYes);
    // Weighted mean: (10 + 20 + 20 + 20 + 300) / 100 = 3.7.
    EXPECT_DOUBLE_EQ(result(r, ev, "BU05", "wmean").threshold, 3.7);
    // Regional means: GM01 (1,2,2) = 5/3; GM02 (2,5) = 3.5 (BU06 has no value).
    EXPECT_DOUBLE_EQ(result(r, ev, "BU02", "regional").threshold, 5.0 / 3.0);
    EXPECT_EQ(state(r, ev, "BU02", "regional"), Tri::kYes);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU04", "regional").threshold, 3.5);
    EXPECT_EQ(state(r, ev, "BU04", "regional"), Tri::kNo);
}

// ---- aggregation, changes, z-scores, grouping -----------------------------------------------------------

TEST(TypologyVariables, AggregationChangesAveragesAndGroups) {
    const std::string text = R"(name = "agg"
level = "wijk"
group_adjacent = true
[variables]
share = { sum = ["b:low1", "b:low2"], divide_by = "b:res", from_level = "buurt" }
wmean = { source = "b:pct", from_level = "buurt", aggregate = "weighted_mean", weight = "b:res" }
res = { source = "b:res", from_level = "buurt" }
avg = { source = "b:res", from_level = "buurt", last = 2 }
down = { source = "b:res", from_level = "buurt", change = "previous" }
[[criterion]]
id = "share"
variable = "share"
op = ">="
value = 0.25
)";
    const RuleSet r = parse_rule_set(text, "a.toml");
    // Wijk WK01: BU01 (100 residents, 20 + 10 low), BU02 (300, 40 + 5); WK02: BU03 (200, 0 + 0); WK03: BU04
    // (50, 30+0).
    const Table b = make_table({"res", "low1", "low2", "pct"}, {{"BU01", 2020, {100, 20, 10, 10}},
                                                                {"BU02", 2020, {300, 40, 5, 30}},
                                                                {"BU03", 2020, {200, 0, 0, 50}},
                                                                {"BU04", 2020, {50, 30, 0, 5}},
                                                                {"BU01", 2018, {120, 0, 0, 10}},
                                                                {"BU02", 2018, {300, 0, 0, 30}},
                                                                {"BU03", 2018, {200, 0, 0, 50}},
                                                                {"BU04", 2018, {40, 0, 0, 5}}});
    Inputs in;
    in.datasets["b"] = &b;
    in.areas = {{"WK01", {}}, {"WK02", {}}, {"WK03", {}}};
    in.finer["buurt"] = {{"BU01", {{"wijk", "WK01"}}},
                         {"BU02", {{"wijk", "WK01"}}},
                         {"BU03", {{"wijk", "WK02"}}},
                         {"BU04", {{"wijk", "WK03"}}}};
    in.neighbours = {{1}, {0, 2}, {1}};  // a chain WK01 - WK02 - WK03
    const auto ev = evaluate(r, in, 2020);
    // Share of sums: (20 + 10 + 40 + 5) / 400 = 0.1875 for WK01; WK03: 30 / 50 = 0.6.
    EXPECT_DOUBLE_EQ(result(r, ev, "WK01", "share").value, 0.1875);
    EXPECT_EQ(state(r, ev, "WK01", "share"), Tri::kNo);
    EXPECT_DOUBLE_EQ(result(r, ev, "WK03", "share").value, 0.6);
    EXPECT_EQ(state(r, ev, "WK03", "share"), Tri::kYes);
    // Only WK03 is designated (WK02: 0 / 200): one group of one wijk.
    EXPECT_EQ(area(ev, "WK01").group, 0);
    EXPECT_EQ(area(ev, "WK03").group, 1);
    EXPECT_EQ(ev.group_count, 1u);
    // Other variables through criteria on them.
    const std::string text2 = R"(name = "agg2"
level = "wijk"
group_adjacent = true
[variables]
wmean = { source = "b:pct", from_level = "buurt", aggregate = "weighted_mean", weight = "b:res" }
avg = { source = "b:res", from_level = "buurt", last = 2 }
down = { source = "b:res", from_level = "buurt", change = "previous" }
[[criterion]]
id = "wmean"
variable = "wmean"
op = ">"
value = 20
[[criterion]]
id = "avg"
variable = "avg"
op = ">"
value = 0
[[criterion]]
id = "down"
variable = "down"
op = "<="
value = 0
)";
    const RuleSet r2 = parse_rule_set(text2, "a2.toml");
    const auto ev2 = evaluate(r2, in, 2020);
    // Weighted mean for WK01: (100 * 10 + 300 * 30) / 400 = 25.
    EXPECT_DOUBLE_EQ(result(r2, ev2, "WK01", "wmean").value, 25.0);
    // Average of the last two measurements: WK01 (420 + 400) / 2 = 410.
    EXPECT_DOUBLE_EQ(result(r2, ev2, "WK01", "avg").value, 410.0);
    // Change since the previous measurement: WK01 400 - 420 = -20; WK03 50 - 40 = +10.
    EXPECT_DOUBLE_EQ(result(r2, ev2, "WK01", "down").value, -20.0);
    EXPECT_EQ(state(r2, ev2, "WK03", "down"), Tri::kNo);
    // Designated: WK01 (25 > 20, avg > 0, down) and WK02 (50 > 20, 200 - 200 = 0 <= 0): adjacent, one group.
    EXPECT_EQ(designated(r2, ev2, "WK01"), Tri::kYes);
    EXPECT_EQ(designated(r2, ev2, "WK02"), Tri::kYes);
    EXPECT_EQ(designated(r2, ev2, "WK03"), Tri::kNo);
    EXPECT_EQ(area(ev2, "WK01").group, 1);
    EXPECT_EQ(area(ev2, "WK02").group, 1);
    EXPECT_EQ(ev2.group_count, 1u);
    // At 2018 there is no previous measurement: the change is unknown, not "not met".
    const auto ev18 = evaluate(r2, in, 2018);
    EXPECT_EQ(state(r2, ev18, "WK01", "down"), Tri::kUnknown);
    EXPECT_EQ(state(r2, ev18, "WK01", "avg"), Tri::kUnknown);
}

TEST(TypologyVariables, ZScoreIndexOverEligibleAreas) {
    const std::string text = R"(name = "z"
level = "buurt"
[variables]
res = "d:res"
a = "d:a"
b = "d:b"
idx = { zscore_mean = ["a", "b"], among = "res", among_at_least = 300 }
[[criterion]]
id = "high"
variable = "idx"
op = ">"
value = 1
)";
    const RuleSet r = parse_rule_set(text, "z.toml");
    // Eligible (>= 300): BU01..BU04 with a = 1, 2, 3, 6 (mean 3, population sd sqrt(14/4)) and b = 0, 0, 0, 4
    // (mean 1, sd sqrt(12/4) = sqrt 3). BU05 (100 residents) is outside the reference population.
    const Table d = make_table({"res", "a", "b"}, {{"BU01", 2020, {300, 1, 0}},
                                                   {"BU02", 2020, {400, 2, 0}},
                                                   {"BU03", 2020, {500, 3, 0}},
                                                   {"BU04", 2020, {600, 6, 4}},
                                                   {"BU05", 2020, {100, 100, 100}}});
    Inputs in;
    in.datasets["d"] = &d;
    const auto ev = evaluate(r, in, 2020);
    const double za = (6 - 3) / std::sqrt(14.0 / 4), zb = (4 - 1) / std::sqrt(3.0);
    EXPECT_NEAR(result(r, ev, "BU04", "high").value, (za + zb) / 2, 1e-12);
    EXPECT_EQ(state(r, ev, "BU04", "high"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "BU03", "high"), Tri::kNo);
}

// A list that must hold on n lists in a row (yearly lists: "de seneste fire år"), an index standardised
// again after summing z-scores, and a rule set that says which designations count as "designated".
TEST(TypologyVariables, RunningListsStandardisedIndexAndDesignatedList) {
    const std::string text = R"(name = "lists"
level = "buurt"
designated = ["high_listed"]
[parameters]
lists = 4
step = 1
[variables]
flag = "d:flag"
a = "d:a"
b = "d:b"
idx = { zscore_mean = ["a", "b"], standardise = true }
[[criterion]]
id = "listed"
variable = "flag"
op = "=="
value = 1
[[criterion]]
id = "listed_running"
all_of = ["listed"]
running = "lists"
step_years = "step"
[[criterion]]
id = "high"
variable = "idx"
op = ">"
value = 1
[[designation]]
id = "listed4"
require = ["listed_running"]
[[designation]]
id = "high_listed"
require = ["high", "listed"]
)";
    RuleSet r = parse_rule_set(text, "lists.toml");
    EXPECT_EQ(r.designated, (std::vector<std::string>{"high_listed"}));
    // Yearly flags 2019..2022. BU01 listed every year; BU02 not in 2020; BU03 2021 missing.
    // a, b (2022): BU01 (3, 0), BU02 (1, 0), BU03 (2, 0), BU04 (6, 4) -> z-scores of a: mean 3,
    // sd sqrt(14/4); of b: mean 1, sd sqrt(3). Sum for BU04: 3/sqrt(3.5) + 3/sqrt(3); the sums of all four
    // standardised again (mean 0, population sd 1).
    std::vector<Row> rows;
    for (int y = 2019; y <= 2022; ++y) {
        const bool last = y == 2022;
        rows.push_back({"BU01", y, {1, last ? 3.0 : 0, 0}});
        rows.push_back({"BU02", y, {y == 2020 ? 0.0 : 1.0, last ? 1.0 : 0, 0}});
        rows.push_back({"BU03", y, {y == 2021 ? kNA : 1.0, last ? 2.0 : 0, 0}});
        rows.push_back({"BU04", y, {1, last ? 6.0 : 0, last ? 4.0 : 0}});
    }
    const Table d = make_table({"flag", "a", "b"}, rows);
    Inputs in;
    in.datasets["d"] = &d;
    auto ev = evaluate(r, in, 2022);
    EXPECT_EQ(state(r, ev, "BU01", "listed_running"), Tri::kYes);
    EXPECT_EQ(result(r, ev, "BU01", "listed_running").years_met, (std::vector<int>{2019, 2020, 2021, 2022}));
    EXPECT_EQ(state(r, ev, "BU02", "listed_running"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "listed_running"), Tri::kUnknown);
    EXPECT_EQ(result(r, ev, "BU03", "listed_running").years_unknown, (std::vector<int>{2021}));
    // The standardised index: sums s_i of the z-scores, then (s_i - mean) / sd.
    const double sa = std::sqrt(3.5), sb = std::sqrt(3.0);
    const std::array<double, 4> sum = {0 / sa - 1 / sb, -2 / sa - 1 / sb, -1 / sa - 1 / sb, 3 / sa + 3 / sb};
    double m = 0, v = 0;
    for (double x : sum) m += x / 4;
    for (double x : sum) v += (x - m) * (x - m) / 4;
    EXPECT_NEAR(result(r, ev, "BU04", "high").value, (sum[3] - m) / std::sqrt(v), 1e-12);
    EXPECT_NEAR(result(r, ev, "BU01", "high").value, (sum[0] - m) / std::sqrt(v), 1e-12);
    // Only high_listed counts as designated: BU04 (index > 1, listed); BU01 meets listed4 but is not
    // "designated" under the rule set's list, unless listed4 is asked for by name.
    EXPECT_EQ(designated(r, ev, "BU04"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU01"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "BU01", "listed4"), Tri::kYes);
    EXPECT_EQ(count_results(r, ev).designated, 1u);
    // Lists every two years (t, t-2, t-4, t-6): the data hold no 2016 or 2018: unknown.
    override_parameters(r, {"step=2"});
    ev = evaluate(r, in, 2022);
    EXPECT_EQ(state(r, ev, "BU01", "listed_running"), Tri::kUnknown);
    EXPECT_EQ(result(r, ev, "BU01", "listed_running").years_unknown, (std::vector<int>{2016, 2018}));
}

// ---- parse errors ---------------------------------------------------------------------------------------

InputError parse_error(const std::string& text) {
    try {
        parse_rule_set(text, "bad.toml");
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no InputError for:\n" << text;
    return InputError("", 0, 0, "", "");
}

TEST(TypologyParse, ErrorsNameFileLineAndColumn) {
    const std::string head = "name = \"x\"\nlevel = \"buurt\"\n[variables]\nv = \"d:v\"\n";
    {
        const auto e =
            parse_error(head + "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \"=>\"\nvalue = 1\n");
        EXPECT_EQ(e.source(), "bad.toml");
        EXPECT_EQ(e.line(), 8);
        EXPECT_EQ(e.column(), 6);
        EXPECT_EQ(e.found(), "\"=>\"");
    }
    {
        const auto e =
            parse_error(head + "[[criterion]]\nid = \"a\"\nvariable = \"w\"\nop = \">\"\nvalue = 1\n");
        EXPECT_EQ(e.line(), 7);
        EXPECT_NE(std::string(e.what()).find("bad.toml:7:"), std::string::npos) << e.what();
        EXPECT_EQ(e.found(), "'w'");
    }
    {
        const auto e =
            parse_error(head + "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \">\"\nvalue = \"nope\"\n");
        EXPECT_EQ(e.found(), "'nope'");  // an undefined parameter
    }
    {
        const auto e = parse_error(head + "[[criterion]]\nid = \"a\"\nvariabel = \"v\"\n");
        EXPECT_EQ(e.line(), 7);
        EXPECT_EQ(e.found(), "'variabel'");
    }
    {
        const auto e = parse_error(head +
                                   "[[criterion]]\nid = \"a\"\nat_least = 1\nof = [\"b\"]\n[[criterion]]\nid "
                                   "= \"b\"\nnot = \"a\"\n");
        EXPECT_NE(e.found().find("cycle"), std::string::npos);
    }
    {
        const auto e = parse_error("name = \"x\"\nlevel = \"buurt\"\n[variables\n");  // TOML syntax
        EXPECT_EQ(e.line(), 3);
        EXPECT_GT(e.column(), 0);
    }
    {
        const auto e = parse_error("name = \"x\"\nlevel = \"bairro\"\n");
        EXPECT_EQ(e.line(), 2);
        EXPECT_EQ(e.column(), 9);
    }
    const std::string crit = "[[criterion]]\nid = \"a\"\nvariable = \"v\"\nop = \">\"\nvalue = 1\n";
    {
        // select without of; select naming an undefined parameter.
        auto e = parse_error(head + crit + "[[criterion]]\nid = \"s\"\nselect = 1\n");
        EXPECT_EQ(e.found(), "no of");
        e = parse_error(head + "[parameters]\n" + crit +
                        "[[criterion]]\nid = \"s\"\nselect = \"which\"\nof = [\"a\"]\n");
        EXPECT_EQ(e.found(), "'which'");
    }
    {
        // ending_at_year belongs to measurements; two kinds of persistence at once.
        auto e = parse_error(head + crit + "ending_at_year = true\n");
        EXPECT_EQ(e.found(), "no measurements");
        e = parse_error(head + crit + "measurements = 3\nrunning = 4\n");
        EXPECT_EQ(e.found(), "several");
    }
    {
        // levels must hold the rule set's level; designated must name designations.
        auto e = parse_error(
            "name = \"x\"\nlevel = \"buurt\"\nlevels = [\"wijk\"]\n[variables]\nv = \"d:v\"\n" + crit);
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.found(), "no 'buurt'");
        e = parse_error("name = \"x\"\nlevel = \"buurt\"\ndesignated = [\"z\"]\n[variables]\nv = \"d:v\"\n" +
                        crit + "[[designation]]\nid = \"d\"\nrequire = [\"a\"]\n");
        EXPECT_EQ(e.found(), "'z'");
    }
}

TEST(TypologyParse, ParametersCanBeOverridden) {
    RuleSet r = shipped("denmark-2018");
    override_parameters(r, {"min_residents=500", "work_pct = 35.5"});
    EXPECT_DOUBLE_EQ(r.parameters.at("min_residents"), 500);
    EXPECT_DOUBLE_EQ(r.parameters.at("work_pct"), 35.5);
    EXPECT_THROW(override_parameters(r, {"no_such=1"}), UsageError);
    EXPECT_THROW(override_parameters(r, {"work_pct=abc"}), UsageError);
    EXPECT_THROW(override_parameters(r, {"work_pct"}), UsageError);
}

TEST(TypologyParse, EveryShippedRuleSetParses) {
    for (const char* name :
         {"lbm2018-type1", "lbm2018-type2", "lbm2018-type3", "denmark-2018", "denmark-2021", "berlin-mss"}) {
        const RuleSet r = shipped(name);
        EXPECT_EQ(r.name, name);
        EXPECT_FALSE(r.designations.empty()) << name;
        EXPECT_FALSE(r.parameters.empty()) << name;
    }
}

// ---- the Danish rules on a small table ------------------------------------------------------------------

const std::vector<std::string> kDkColumns = {"Bevolking/Aantal inwoners",
                                             "Arbeid/Buiten werk of opleiding 18 tot 65 jaar",
                                             "Veiligheid/Veroordeelden 15 jaar of ouder",
                                             "Onderwijs/Alleen basisonderwijs 30 tot 60 jaar",
                                             "Inkomen/Gemiddeld bruto inkomen 15 tot 65 jaar",
                                             "Inkomen/Gemiddeld bruto inkomen regio",
                                             "Bevolking/Migratieachtergrond/Niet-westers totaal"};

// Six buurten, measurements 2020 and 2022 (2-year averages in brackets; the law averages work and
// convictions only, education and income are the year's figures):
//        residents  work          convicted     basic edu  income / regional     non-Western (2022)
//   A    1000       39, 41 (40)   8, 10 (9)     70         20 / 40 = 0.50        60
//   B    1000       42, 44 (43)   1             60         22 / 40 = 0.55        55
//   C    1000       50            1             61         30 / 40 = 0.75        50
//   D    1000       41            1             20         19, 23 / 40: 2022 0.575 (average 0.525)  70
//   E     900       50            1             70         20 / 40 = 0.50        80
//   F    1000       35            1             10         24 / 40 = 0.60        30
// National convicted (resident-weighted, 2022 residents): (9000 + 5 * ... ) = (9000 + 1000 * 4 + 900) / 5900
//   = 13900 / 5900 = 2.3559; x3 = 7.068 (only A); x2 = 4.712 (only A).
Table danish_table() {
    std::vector<Row> rows;
    auto add = [&](const std::string& code, double res, std::array<double, 2> work,
                   std::array<double, 2> conv, double edu, std::array<double, 2> inc, double nw) {
        for (int k = 0; k < 2; ++k)
            rows.push_back({code, 2020 + 2 * k, {res, work[k], conv[k], edu, inc[k], 40.0, nw}});
    };
    add("BU0000000A", 1000, {39, 41}, {8, 10}, 70, {20, 20}, 60);
    add("BU0000000B", 1000, {42, 44}, {1, 1}, 60, {22, 22}, 55);
    add("BU0000000C", 1000, {50, 50}, {1, 1}, 61, {30, 30}, 50);
    add("BU0000000D", 1000, {41, 41}, {1, 1}, 20, {19, 23}, 70);
    add("BU0000000E", 900, {50, 50}, {1, 1}, 70, {20, 20}, 80);
    add("BU0000000F", 1000, {35, 35}, {1, 1}, 10, {24, 24}, 30);
    return make_table(kDkColumns, rows);
}

TEST(TypologyDenmark, Rules2018OnASmallTable) {
    const RuleSet r = shipped("denmark-2018");
    const Table t = danish_table();
    Inputs in;
    in.datasets["kerncijfers_buurten"] = &t;
    const auto ev = evaluate(r, in, 2022);
    EXPECT_NEAR(result(r, ev, "BU0000000A", "convicted").threshold, 3 * 13900.0 / 5900.0, 1e-9);
    // A: work 40 is not > 40 (boundary); convicted 9 >= 7.07, edu 70 > 60, income 0.50 < 0.55: 3 of 4 ->
    // udsat;
    //    non-Western 60 > 50 -> ghetto; hard ghetto needs the yearly lists 2019-2022: unknown.
    EXPECT_EQ(state(r, ev, "BU0000000A", "work"), Tri::kNo);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000A", "two_of_four").value, 3.0);
    EXPECT_EQ(designated(r, ev, "BU0000000A", "udsat"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000A", "ghetto"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000A", "hard_ghetto"), Tri::kUnknown);
    // 2019 and 2021 have no measurement; in 2020 education (70) and income (0.50) are the year's figures
    // and make A udsat without the averages that need 2018: a ghetto in 2020 and 2022.
    EXPECT_EQ(result(r, ev, "BU0000000A", "ghetto_running").years_unknown, (std::vector<int>{2019, 2021}));
    EXPECT_EQ(result(r, ev, "BU0000000A", "ghetto_running").years_met, (std::vector<int>{2020, 2022}));
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000A", "ghetto_running").threshold, 4.0);  // four lists
    // B: work 43 yes; edu 60 not > 60; income 22/40 = 0.55 not < 0.55: 1 of 4 -> not udsat (two_of_four).
    EXPECT_EQ(state(r, ev, "BU0000000B", "basic_education"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU0000000B", "income"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "BU0000000B", "udsat"), Tri::kNo);
    EXPECT_NE(reasons_text(r, area(ev, "BU0000000B"), {"udsat"}).find("not met: two_of_four"),
              std::string::npos);
    // C: work + edu 61 -> udsat; non-Western exactly 50 -> not a ghetto, reason "nonwestern".
    EXPECT_EQ(designated(r, ev, "BU0000000C", "udsat"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000C", "ghetto"), Tri::kNo);
    EXPECT_NE(
        reasons_text(r, area(ev, "BU0000000C"), {"ghetto"}).find("not met: nonwestern (50, needs > 50)"),
        std::string::npos)
        << reasons_text(r, area(ev, "BU0000000C"), {"ghetto"});
    // D: income of the year 23 / 40 = 0.575: not below -> 1 of 4 (a 2-year average, 21 / 40 = 0.525,
    // would have made D udsat with work 41 > 40).
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000D", "income").value, 23.0);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000D", "income").threshold, 0.55 * 40);
    EXPECT_EQ(state(r, ev, "BU0000000D", "income"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "BU0000000D", "udsat"), Tri::kNo);
    // Lists every 2 years (an approximation for biennial figures): 2016 and 2018 lack data -> unknown.
    RuleSet r2 = r;
    override_parameters(r2, {"list_step_years=2"});
    const auto ev2 = evaluate(r2, in, 2022);
    EXPECT_EQ(result(r2, ev2, "BU0000000A", "ghetto_running").years_unknown, (std::vector<int>{2016, 2018}));
    EXPECT_EQ(designated(r2, ev2, "BU0000000A", "hard_ghetto"), Tri::kUnknown);
    // E: 3 of 4 but 900 residents -> not udsat, reason "residents".
    EXPECT_EQ(state(r, ev, "BU0000000E", "two_of_four"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000E", "udsat"), Tri::kNo);
    const std::string why_e = reasons_text(r, area(ev, "BU0000000E"), {"udsat"});
    EXPECT_NE(why_e.find("not met: residents (900, needs >= 1000)"), std::string::npos) << why_e;
    // F: 0 of 4.
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000F", "two_of_four").value, 0.0);
    const Counts c = count_results(r, ev);
    EXPECT_EQ(c.per_designation.at("udsat"), 2u);
    EXPECT_EQ(c.per_designation.at("ghetto"), 1u);
    EXPECT_EQ(c.per_designation.at("hard_ghetto"), 0u);
    EXPECT_EQ(c.designated, 2u);  // any designation: A and C
}

TEST(TypologyDenmark, Rules2021OnASmallTable) {
    const RuleSet r = shipped("denmark-2021");
    const Table t = danish_table();
    Inputs in;
    in.datasets["kerncijfers_buurten"] = &t;
    const auto ev = evaluate(r, in, 2022);
    const std::string fore = "forebyggelsesomraade";
    // A: udsat with 60% non-Western -> parallelsamfund; not forebyggelse (it is udsat).
    EXPECT_EQ(designated(r, ev, "BU0000000A", "parallelsamfund"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000A", fore), Tri::kNo);
    EXPECT_NE(reasons_text(r, area(ev, "BU0000000A"), {fore}).find("not_udsat"), std::string::npos);
    // B: not udsat, 55% > 30%, work 43 > 30 and income 0.55 < 0.65 (2 of 4) -> forebyggelse.
    EXPECT_EQ(designated(r, ev, "BU0000000B", fore), Tri::kYes);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000B", "two_of_four_preventive").value, 2.0);
    // C: udsat (work, edu) but 50% is not > 50%: no parallelsamfund; udsat: no forebyggelse.
    EXPECT_EQ(designated(r, ev, "BU0000000C", "parallelsamfund"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "BU0000000C", fore), Tri::kNo);
    // D: 41 > 30 and 0.575 < 0.65 -> forebyggelse.
    EXPECT_EQ(designated(r, ev, "BU0000000D", fore), Tri::kYes);
    // E: 900 residents -> nothing.
    EXPECT_EQ(designated(r, ev, "BU0000000E"), Tri::kNo);
    // F: work 35 > 30 and 0.60 < 0.65 (2 of 4) but 30% non-Western is not > 30%: reason "nonwestern".
    EXPECT_EQ(state(r, ev, "BU0000000F", "two_of_four_preventive"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000F", fore), Tri::kNo);
    EXPECT_NE(reasons_text(r, area(ev, "BU0000000F"), {fore}).find("not met: nonwestern (30, needs > 30)"),
              std::string::npos);
    // Preventive convicted: >= 2 x 2.3559 = 4.712: only A.
    EXPECT_NEAR(result(r, ev, "BU0000000B", "preventive_convicted").threshold, 2 * 13900.0 / 5900.0, 1e-9);
    // Omdannelsesområde: a parallelsamfund on the lists of the last five years (2018-2022): unknown.
    EXPECT_EQ(designated(r, ev, "BU0000000A", "omdannelsesomraade"), Tri::kUnknown);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU0000000A", "parallelsamfund_running").threshold, 5.0);
}

// ---- Berlin MSS: 12 status x dynamics groups ------------------------------------------------------------

// Five buurten, 2020 and 2022, the four index indicators equal (so each index is the z-score of one
// series): 2022 shares 8, 9, 10, 11, 12 (z = -1.41, -0.71, 0, 0.71, 1.41), changes since 2020 +1, -2, 0,
// -1, +2 (z = 0.71, -1.41, 0, -0.71, 1.41). With the cut-offs set to +-0.5 (status 1 <= -0.5, 3 > 0.5,
// 4 > 1.0; dynamics + <= -0.5, - > 0.5): A "1 -", B "1 +", C "2 +/-", D "3 +", E "4 -".
TEST(TypologyBerlin, TwelveGroupsAndTheDesignatedOne) {
    RuleSet r = shipped("berlin-mss");
    EXPECT_EQ(r.designations.size(), 13u);  // special_attention and the 12 groups
    override_parameters(r, {"high_status=-0.5", "low_status=0.5", "very_low_status=1.0",
                            "positive_dynamics=-0.5", "negative_dynamics=0.5"});
    const std::vector<std::string> cols = {
        "Bevolking/Aantal inwoners", "Arbeid/Werkloosheid", "Arbeid/Langdurige werkloosheid",
        "Sociale zekerheid/Uitkeringsontvangers", "Inkomen/Kinderen in armoede"};
    const std::array<double, 5> now = {8, 9, 10, 11, 12}, change = {1, -2, 0, -1, 2};
    std::vector<Row> rows;
    for (std::size_t i = 0; i < 5; ++i) {
        const std::string code = std::string("BU0000000") + static_cast<char>('A' + i);
        const double before = now[i] - change[i];
        rows.push_back({code, 2020, {1000, before, before, before, before}});
        rows.push_back({code, 2022, {1000, now[i], now[i], now[i], now[i]}});
    }
    const Table t = make_table(cols, rows);
    Inputs in;
    in.datasets["kerncijfers_buurten"] = &t;
    const auto ev = evaluate(r, in, 2022);
    EXPECT_NEAR(result(r, ev, "BU0000000E", "status").value, 2 / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(result(r, ev, "BU0000000B", "dynamics").value, -2 / std::sqrt(2.0), 1e-12);
    const std::map<std::string, std::string> group = {{"BU0000000A", "group_1_negative"},
                                                      {"BU0000000B", "group_1_positive"},
                                                      {"BU0000000C", "group_2_stable"},
                                                      {"BU0000000D", "group_3_positive"},
                                                      {"BU0000000E", "group_4_negative"}};
    for (const auto& [code, id] : group) {
        // Exactly one of the 12 groups.
        std::vector<std::string> met;
        for (std::size_t d = 0; d < r.designations.size(); ++d)
            if (area(ev, code).designations[d] == Tri::kYes && r.designations[d].id.rfind("group_", 0) == 0)
                met.push_back(r.designations[d].id);
        EXPECT_EQ(met, std::vector<std::string>{id}) << code;
    }
    // Only "4 -" counts as designated (the rule set's `designated`), and its summary names the group.
    EXPECT_EQ(designated(r, ev, "BU0000000E"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU0000000A"), Tri::kNo);
    EXPECT_EQ(count_results(r, ev).designated, 1u);
    const Table sum = summary_table(r, ev);
    for (std::size_t i = 0; i < sum.row_count(); ++i) {
        const std::string code = sum.column("code").text_at(i);
        EXPECT_NE(sum.column("designation").text_at(i).find(group.at(code)), std::string::npos) << code;
    }
    // Any group can be asked for by name.
    EXPECT_EQ(designated(r, ev, "BU0000000C", "group_2_stable"), Tri::kYes);
}

// ---- the LBM 2018 types on small score tables -----------------------------------------------------------

std::vector<std::string> score_columns() {
    std::vector<std::string> c = {"residents", "cells", "score", "rel", "won",
                                  "bev",       "vrz",   "vei",   "fys", "class"};
    for (int k = 1; k <= 9; ++k) c.push_back("res_k" + std::to_string(k));
    for (int k = 1; k <= 9; ++k) c.push_back("cells_k" + std::to_string(k));
    return c;
}

// One row of a score table: residents and cells spread over classes as given.
Row score_row(const std::string& code, int year, double score, double vei, double cls,
              std::array<double, 9> res_k, std::array<double, 9> cells_k) {
    double res = 0, cells = 0;
    for (double v : res_k) res += v;
    for (double v : cells_k) cells += v;
    std::vector<double> v = {res, cells, score, score - 4.18, 0, 0, 0, vei, 0, cls};
    for (double x : res_k) v.push_back(x);
    for (double x : cells_k) v.push_back(x);
    return {code, year, v};
}

TEST(TypologyLbm2018, Type2OnASmallScoreTable) {
    const RuleSet r = shipped("lbm2018-type2");
    std::vector<Row> rows;
    const std::array<int, 3> years = {2014, 2016, 2018};
    // vei in 2018: BU01 -0.20, BU02 -0.15, BU03 -0.10, BU04 -0.05, BU05 0.0, BU06 0.1 -> P20 = position 1 =
    // -0.15.
    for (int y : years) {
        const bool last = y == 2018;
        rows.push_back(score_row("BU01", y, 3.8, last ? -0.20 : 0, 4, {0, 0, 100, 1100, 0, 0, 0, 0, 0},
                                 {0, 0, 2, 20, 0, 0, 0, 0, 0}));
        // BU02: weak and unsafe but 999 residents.
        rows.push_back(score_row("BU02", y, 3.8, last ? -0.15 : 0, 4, {0, 0, 99, 900, 0, 0, 0, 0, 0},
                                 {0, 0, 1, 10, 0, 0, 0, 0, 0}));
        // BU03: weak only in 2016 and 2018 (2 of 3).
        rows.push_back(score_row("BU03", y, 3.8, last ? -0.10 : 0, y == 2014 ? 5 : 4,
                                 {0, 0, 50, 1000, 0, 0, 0, 0, 0}, {0, 0, 1, 10, 0, 0, 0, 0, 0}));
        // BU04: no onvoldoende cell; vei -0.05 above P20.
        rows.push_back(score_row("BU04", y, 3.8, last ? -0.05 : 0, 4, {0, 0, 0, 1500, 0, 0, 0, 0, 0},
                                 {0, 0, 0, 20, 0, 0, 0, 0, 0}));
        rows.push_back(
            score_row("BU05", y, 4.2, 0.0, 7, {0, 0, 0, 0, 0, 0, 2000, 0, 0}, {0, 0, 0, 0, 0, 0, 20, 0, 0}));
        rows.push_back(
            score_row("BU06", y, 4.3, 0.1, 8, {0, 0, 0, 0, 0, 0, 0, 2000, 0}, {0, 0, 0, 0, 0, 0, 0, 20, 0}));
    }
    const Table t = make_table(score_columns(), rows);
    Inputs in;
    in.datasets["score_buurt"] = &t;
    const auto ev = evaluate(r, in, 2018);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU01", "safety").threshold, -0.15);
    EXPECT_EQ(designated(r, ev, "BU01"), Tri::kYes);
    EXPECT_EQ(result(r, ev, "BU01", "persistence").years_met, (std::vector<int>{2014, 2016, 2018}));
    EXPECT_EQ(designated(r, ev, "BU02"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU02", "residents"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU02", "safety"), Tri::kYes);  // equal to P20
    EXPECT_EQ(state(r, ev, "BU03", "persistence"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "safety"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU04", "onvoldoende_cells"), Tri::kNo);
    EXPECT_EQ(count_results(r, ev).designated, 1u);
}

// Type 1 on ten wijken, 2012..2018, with the development classes of each period (development_wijk, as
// `wijkzicht score` stores them and the typology job reads them: the period ending at the year).
// vei (2018) of WK01..WK10 = -0.5, -0.4, ..., 0.4; P10 = position 0.9 -> -0.41: only WK01 is unsafe
// enough; where a case needs more, the percentile is raised to 50 (-0.05: WK01..WK05).
// Development class of the period into 2018 (LBM 2.0: 3 lichte achteruitgang, 4 geen verandering, 5
// lichte vooruitgang), and into 2016:
//   WK01 3 (2016: 3)   WK02 4 (2016: 5)   WK03 5 (2016: 4)   WK04..WK10 4
// Classes: WK01..WK04 class 4 every year; WK05 class 4 in 2012, 2014, 2016 and class 5 in 2018 (weak
// only long ago); WK06..WK10 class 6. Onvoldoende share 0.3 everywhere.
TEST(TypologyLbm2018, Type1PersistenceAndTheOutlookFromDevelopmentClasses) {
    RuleSet r = shipped("lbm2018-type1");
    std::vector<Row> rows, dev;
    for (int w = 1; w <= 10; ++w) {
        const std::string code = fmt::format("WK{:02d}", w);
        for (int y = 2012; y <= 2018; y += 2) {
            const double vei = -0.5 + 0.1 * (w - 1);
            const double cls = w <= 4 ? 4 : w == 5 ? (y < 2018 ? 4 : 5) : 6;
            rows.push_back(score_row(code, y, 3.9, vei, cls, {0, 100, 200, 700, 0, 0, 0, 0, 0},
                                     {0, 1, 2, 7, 0, 0, 0, 0, 0}));
            if (y == 2012) continue;
            double d = 4;
            if (w == 1) d = 3;
            if (w == 2) d = y == 2018 ? 4 : 5;
            if (w == 3) d = y == 2018 ? 5 : 4;
            dev.push_back({code, y, {d}});
        }
    }
    const Table t = make_table(score_columns(), rows);
    const Table d = make_table({"development_class"}, dev);
    Inputs in;
    in.datasets["score_wijk"] = &t;
    in.datasets["development_wijk"] = &d;
    // Defaults: no improvement beyond the no-change band in the last period (class <= 4).
    auto ev = evaluate(r, in, 2018);
    EXPECT_NEAR(result(r, ev, "WK01", "safety").threshold, -0.41, 1e-12);
    EXPECT_EQ(designated(r, ev, "WK01"), Tri::kYes);
    EXPECT_DOUBLE_EQ(result(r, ev, "WK01", "development").value, 3.0);
    EXPECT_DOUBLE_EQ(result(r, ev, "WK01", "onvoldoende_share").value, 0.3);
    EXPECT_EQ(state(r, ev, "WK02", "development"), Tri::kYes);  // geen verandering: no improvement
    EXPECT_EQ(state(r, ev, "WK03", "development"), Tri::kNo);   // lichte vooruitgang
    EXPECT_EQ(state(r, ev, "WK05", "weak"), Tri::kNo);          // weak 2012-2016, not in 2018
    EXPECT_EQ(result(r, ev, "WK05", "weak").years_met, (std::vector<int>{2012, 2014, 2016}));
    // Safety for WK01..WK05: P50 = position 4.5 -> -0.05.
    override_parameters(r, {"safety_percentile=50"});
    ev = evaluate(r, in, 2018);
    EXPECT_EQ(designated(r, ev, "WK02"), Tri::kYes);  // "geen verandering" counts as not improving
    EXPECT_EQ(designated(r, ev, "WK03"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "WK04"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "WK05"), Tri::kNo);
    EXPECT_NE(reasons_text(r, area(ev, "WK05"), {}).find("not met: weak"), std::string::npos);
    // A decline required (class <= 3): WK02 and WK04 ("geen verandering") drop out, WK01 stays.
    override_parameters(r, {"max_development_class=3"});
    ev = evaluate(r, in, 2018);
    EXPECT_EQ(designated(r, ev, "WK01"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "WK02"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "WK02", "development"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "WK04"), Tri::kNo);
    // Back to <= 4 over the last two periods: WK02's 2016 period (class 5) now counts against it.
    override_parameters(r, {"max_development_class=4", "outlook_periods=2"});
    ev = evaluate(r, in, 2018);
    EXPECT_DOUBLE_EQ(result(r, ev, "WK02", "development").value, 5.0);
    EXPECT_EQ(designated(r, ev, "WK02"), Tri::kNo);
    EXPECT_EQ(designated(r, ev, "WK04"), Tri::kYes);
    // The old reading (any three measurements in history) designates the area weak only long ago.
    override_parameters(r, {"outlook_periods=1", "persistence_ends_at_year=0"});
    ev = evaluate(r, in, 2018);
    EXPECT_EQ(designated(r, ev, "WK05"), Tri::kYes);
}

// Type 2 on buurten measured 2012..2018: BU01 weak in every measurement; BU02 weak 2012-2016 only (weak
// long ago); BU03 weak and unsafe, but its onvoldoende cells have no residents (cells_k3 = 2, res_k3 = 0).
// vei (2018): -0.3, -0.3, -0.3, 0.1, 0.2 -> P20 = position 0.8 -> -0.3.
TEST(TypologyLbm2018, Type2WeakLongAgoAndPopulatedOnvoldoendeCells) {
    RuleSet r = shipped("lbm2018-type2");
    std::vector<Row> rows;
    for (int y = 2012; y <= 2018; y += 2) {
        const bool last = y == 2018;
        rows.push_back(score_row("BU01", y, 3.8, last ? -0.3 : 0, 4, {0, 0, 100, 1100, 0, 0, 0, 0, 0},
                                 {0, 0, 2, 20, 0, 0, 0, 0, 0}));
        rows.push_back(score_row("BU02", y, 3.8, last ? -0.3 : 0, last ? 5 : 4,
                                 {0, 0, 100, 1100, 0, 0, 0, 0, 0}, {0, 0, 2, 20, 0, 0, 0, 0, 0}));
        rows.push_back(score_row("BU03", y, 3.8, last ? -0.3 : 0, 4, {0, 0, 0, 1200, 0, 0, 0, 0, 0},
                                 {0, 0, 2, 20, 0, 0, 0, 0, 0}));
        rows.push_back(
            score_row("BU04", y, 4.2, 0.1, 7, {0, 0, 0, 0, 0, 0, 2000, 0, 0}, {0, 0, 0, 0, 0, 0, 20, 0, 0}));
        rows.push_back(
            score_row("BU05", y, 4.3, 0.2, 8, {0, 0, 0, 0, 0, 0, 0, 2000, 0}, {0, 0, 0, 0, 0, 0, 0, 20, 0}));
    }
    const Table t = make_table(score_columns(), rows);
    Inputs in;
    in.datasets["score_buurt"] = &t;
    auto ev = evaluate(r, in, 2018);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU01", "safety").threshold, -0.3);
    EXPECT_EQ(designated(r, ev, "BU01"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "BU02"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU02", "persistence"), Tri::kNo);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU02", "persistence").value, 3.0);  // three weak measurements, not 2018
    EXPECT_EQ(designated(r, ev, "BU03"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "BU03", "onvoldoende_cells"), Tri::kNo);
    EXPECT_DOUBLE_EQ(result(r, ev, "BU03", "onvoldoende_cells").value, 0.0);
    // Any three measurements in history (the old reading): BU02 is designated.
    override_parameters(r, {"persistence_ends_at_year=0"});
    ev = evaluate(r, in, 2018);
    EXPECT_EQ(designated(r, ev, "BU02"), Tri::kYes);
}

// Type 3 relative to the country and to the other regions, at COROP-plus and at gemeente level. Six
// regions of 1,000 residents and 100 scored cells, the same in 2018, 2020 and 2022:
//          residents in class <= 5   cells in class 8-9
//   R1     600 (0.60)                 2 (0.02)
//   R2     520 (0.52)                 4 (0.04)
//   R3     510 (0.51, just above)     6 (0.06, just above)
//   R4     190                       20
//   R5      90                       25
//   R6     490 (0.49, just below)     3 (0.03)
// National shares: 2,400 / 6,000 = 0.40 (x 1.25 = 0.50) and 60 / 600 = 0.10 (x 0.5 = 0.05).
std::vector<Row> type3_rows(const std::string& prefix) {
    const std::array<double, 6> le5 = {600, 520, 510, 190, 90, 490};
    const std::array<double, 6> c89 = {2, 4, 6, 20, 25, 3};
    std::vector<Row> rows;
    for (int y = 2018; y <= 2022; y += 2) {
        for (std::size_t i = 0; i < 6; ++i) {
            rows.push_back(score_row(fmt::format("{}{:02d}", prefix, i + 1), y, 4.0, 0, 5,
                                     {0, 0, 0, le5[i], 0, 1000 - le5[i], 0, 0, 0},
                                     {0, 0, 0, 0, 100 - c89[i], 0, 0, c89[i], 0}));
        }
    }
    return rows;
}

TEST(TypologyLbm2018, Type3RelativeToTheCountryOrTheRegionsAtBothLevels) {
    // National: residents in class <= 5 2,400 / 6,000 = 0.40 -> at least 1.25 x = 0.50; land in 8-9
    // 60 / 600 = 0.10 -> at most 0.5 x = 0.05.
    RuleSet r = shipped("lbm2018-type3");
    EXPECT_EQ(r.level, "corop_plus");
    const Table t = make_table(score_columns(), type3_rows("CP"));
    Inputs in;
    in.datasets["score_corop_plus"] = &t;
    auto ev = evaluate(r, in, 2022);
    EXPECT_NEAR(result(r, ev, "CP03", "share_le5").value, 0.51, 1e-12);
    EXPECT_NEAR(result(r, ev, "CP03", "share_le5").threshold, 0.50, 1e-12);
    EXPECT_NEAR(result(r, ev, "CP03", "share_89").threshold, 0.05, 1e-12);
    EXPECT_EQ(designated(r, ev, "CP01"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "CP02"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "CP03", "share_le5"), Tri::kYes);  // 0.51 just above 0.50
    EXPECT_EQ(state(r, ev, "CP03", "share_89"), Tri::kNo);    // 0.06 just above 0.05
    EXPECT_EQ(designated(r, ev, "CP03"), Tri::kNo);
    EXPECT_EQ(state(r, ev, "CP06", "share_le5"), Tri::kNo);  // 0.49 just below 0.50
    EXPECT_EQ(state(r, ev, "CP06", "share_89"), Tri::kYes);
    EXPECT_EQ(designated(r, ev, "CP06"), Tri::kNo);
    EXPECT_EQ(result(r, ev, "CP01", "persistence").years_met, (std::vector<int>{2018, 2020, 2022}));
    EXPECT_EQ(count_results(r, ev).designated, 2u);
    // Relative to the other regions: share_le5 at or above P80 of (0.09 0.19 0.49 0.51 0.52 0.60) = 0.52,
    // share_89 at or below P20 of (0.02 0.03 0.04 0.06 0.20 0.25) = 0.03: only R1.
    override_parameters(r, {"relative_to=2"});
    ev = evaluate(r, in, 2022);
    EXPECT_NEAR(result(r, ev, "CP02", "share_le5").threshold, 0.52, 1e-12);
    EXPECT_NEAR(result(r, ev, "CP02", "share_89").threshold, 0.03, 1e-12);
    EXPECT_EQ(designated(r, ev, "CP01"), Tri::kYes);
    EXPECT_EQ(state(r, ev, "CP02", "share_le5"), Tri::kYes);  // exactly P80
    EXPECT_EQ(state(r, ev, "CP02", "share_89"), Tri::kNo);    // 0.04 above P20
    EXPECT_EQ(state(r, ev, "CP06", "share_89"), Tri::kYes);   // exactly P20
    EXPECT_EQ(count_results(r, ev).designated, 1u);
    // A parameter choosing neither reading is a usage error naming both.
    override_parameters(r, {"relative_to=3"});
    try {
        evaluate(r, in, 2022);
        ADD_FAILURE() << "relative_to=3 accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("share_le5_country, share_le5_regions"), std::string::npos)
            << e.what();
    }
    // The same rule set at gemeente level reads score_gemeente.
    RuleSet g = shipped("lbm2018-type3");
    set_level(g, "gemeente");
    EXPECT_EQ(g.level, "gemeente");
    EXPECT_EQ(datasets_used(g), (std::vector<std::string>{"score_gemeente"}));
    const Table tg = make_table(score_columns(), type3_rows("GM00"));
    Inputs ig;
    ig.datasets["score_gemeente"] = &tg;
    const auto eg = evaluate(g, ig, 2022);
    EXPECT_EQ(designated(g, eg, "GM0001"), Tri::kYes);
    EXPECT_EQ(designated(g, eg, "GM0002"), Tri::kYes);
    EXPECT_EQ(designated(g, eg, "GM0003"), Tri::kNo);
    // A level the rule set does not offer.
    EXPECT_THROW(set_level(g, "buurt"), UsageError);
}

// The comparison tables checked whole against hand-worked tables: the designations of the six areas of
// danish_table() are derived in Rules2018OnASmallTable and Rules2021OnASmallTable above.
struct CompareRow {
    const char* code;
    const char* designated_a;
    const char* designated_b;
    const char* status;
    const char* why;  // a part the why text must hold ("" = the why text is empty)
};

void expect_compare_table(const Table& c, const std::vector<CompareRow>& want, const std::string& what) {
    ASSERT_EQ(c.column_count(), 5u) << what;
    EXPECT_EQ(c.columns()[0].name(), "code") << what;
    EXPECT_EQ(c.columns()[1].name(), "designated_a") << what;
    EXPECT_EQ(c.columns()[2].name(), "designated_b") << what;
    EXPECT_EQ(c.columns()[3].name(), "status") << what;
    EXPECT_EQ(c.columns()[4].name(), "why") << what;
    ASSERT_EQ(c.row_count(), want.size()) << what << ": one row per area of either evaluation";
    for (std::size_t i = 0; i < want.size(); ++i) {
        const CompareRow& w = want[i];
        EXPECT_EQ(c.column("code").text_at(i), w.code) << what << " row " << i;
        EXPECT_EQ(c.column("designated_a").text_at(i), w.designated_a) << what << " " << w.code;
        EXPECT_EQ(c.column("designated_b").text_at(i), w.designated_b) << what << " " << w.code;
        EXPECT_EQ(c.column("status").text_at(i), w.status) << what << " " << w.code;
        const std::string why = c.column("why").text_at(i);
        if (std::string(w.why).empty()) {
            EXPECT_EQ(why, "") << what << " " << w.code;
        } else {
            EXPECT_NE(why.find(w.why), std::string::npos) << what << " " << w.code << ": " << why;
        }
    }
}

TEST(TypologyCompare, OverlapAndWhy) {
    const RuleSet a = shipped("denmark-2018");
    const RuleSet b = shipped("denmark-2021");
    const Table t = danish_table();
    Inputs in;
    in.datasets["kerncijfers_buurten"] = &t;
    const auto ea = evaluate(a, in, 2022);
    const auto eb = evaluate(b, in, 2022);
    ASSERT_EQ(ea.areas.size(), 6u);
    ASSERT_EQ(eb.areas.size(), 6u);
    // Ghetto (2018) against parallelsamfund (2021): only A is either (udsat with 60% non-Western); B, D, E,
    // F are not udsat, C is udsat with exactly 50% non-Western. No area is undecided in 2022.
    const Table c = compare_table(a, ea, b, eb, {"ghetto"}, {"parallelsamfund"});
    ASSERT_NO_FATAL_FAILURE(expect_compare_table(c,
                                                 {{"BU0000000A", "yes", "yes", "both", ""},
                                                  {"BU0000000B", "no", "no", "neither", ""},
                                                  {"BU0000000C", "no", "no", "neither", ""},
                                                  {"BU0000000D", "no", "no", "neither", ""},
                                                  {"BU0000000E", "no", "no", "neither", ""},
                                                  {"BU0000000F", "no", "no", "neither", ""}},
                                                 "ghetto vs parallelsamfund"));
    // Udsat (2018) against forebyggelsesomraade (2021): A and C are udsat, so not preventive (why names the
    // 2021 criterion not_udsat); B and D are preventive (2 of 4 at the 2021 thresholds) but 1 of 4 at the
    // 2018 ones (why names two_of_four); E has 900 residents, F 0 of 4 and 30% non-Western: neither.
    const Table c2 = compare_table(a, ea, b, eb, {"udsat"}, {"forebyggelsesomraade"});
    ASSERT_NO_FATAL_FAILURE(expect_compare_table(c2,
                                                 {{"BU0000000A", "yes", "no", "only_a", "denmark-2021: "},
                                                  {"BU0000000B", "no", "yes", "only_b", "denmark-2018: "},
                                                  {"BU0000000C", "yes", "no", "only_a", "denmark-2021: "},
                                                  {"BU0000000D", "no", "yes", "only_b", "denmark-2018: "},
                                                  {"BU0000000E", "no", "no", "neither", ""},
                                                  {"BU0000000F", "no", "no", "neither", ""}},
                                                 "udsat vs forebyggelsesomraade"));
    for (std::size_t i : {0u, 2u})
        EXPECT_NE(c2.column("why").text_at(i).find("not_udsat"), std::string::npos)
            << c2.column("why").text_at(i);
    for (std::size_t i : {1u, 3u})
        EXPECT_NE(c2.column("why").text_at(i).find("not met: two_of_four"), std::string::npos)
            << c2.column("why").text_at(i);
}

}  // namespace
}  // namespace wz::typology
