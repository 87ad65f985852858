#pragma once
// Evaluating a rule set on in-memory tables: per area and criterion the value, the threshold, met /
// not met / unknown and the measurement years that counted; per area the designations and reasons.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "typology/rules.hpp"

namespace wz::typology {

// A finer area with its parent codes by level name ("wijk", "gemeente", "corop", "corop_plus",
// "provincie"), for aggregation and regional means.
struct AreaLinks {
    std::string code;
    std::map<std::string, std::string> parents;
};

struct Inputs {
    // Datasets by name; each has text column `code` and int column `year`.
    std::map<std::string, const Table*> datasets;
    // The areas of the rule's level (with their parents, for regional means). Empty = every code found
    // in the datasets the rule set reads at its own level.
    std::vector<AreaLinks> areas;
    // Finer areas with their parents, for variables with from_level (by level name).
    std::map<std::string, std::vector<AreaLinks>> finer;
    // Optional neighbour lists aligned with `areas` (queen contiguity), for group_adjacent.
    std::vector<std::vector<std::uint32_t>> neighbours;
};

struct CriterionResult {
    Tri state = Tri::kUnknown;
    double value = 0.0;              // NaN when unknown; k-of-n: number met; persistence: measurements met
    double threshold = 0.0;          // NaN when it could not be computed
    std::vector<int> years_met;      // persistence: the measurements that counted
    std::vector<int> years_unknown;  // persistence: measurements without data
};

struct AreaResult {
    std::string code;
    std::vector<CriterionResult> criteria;  // aligned with RuleSet::criteria
    std::vector<Tri> designations;          // aligned with RuleSet::designations
    int group = 0;                          // group of adjacent designated areas (1..), 0 = none
};

struct Evaluation {
    int year = 0;
    std::vector<int> measurement_years;  // years with data up to `year`
    // Variables whose source columns are not in the store, with the rule file's reason ("name: reason");
    // they are missing everywhere, so the criteria that need them are unknown.
    std::vector<std::string> absent;
    std::vector<AreaResult> areas;
    std::size_t group_count = 0;
};

// Evaluates the rules for `year`. UsageError when a dataset or column is absent or the year has no data.
Evaluation evaluate(const RuleSet& rules, const Inputs& inputs, int year);

// Which designations count as "designated" for output: empty = any designation of the set.
struct OutputOptions {
    std::string designation;
};

// One row per area: code, designated (1/0), designation (ids met, ';'), criteria_met, criteria_unknown,
// reasons, group, then per criterion <id>_state, <id>_value, <id>_threshold (and <id>_years for
// persistence). criteria_met / _unknown count the criteria that feed the selected designation(s).
Table summary_table(const RuleSet& rules, const Evaluation& ev, const OutputOptions& options = {});

// One row per area and criterion: code, criterion, state, value, threshold, years_met, years_unknown.
Table detail_table(const RuleSet& rules, const Evaluation& ev);

// Totals: areas, designated per designation, unknown criteria, groups.
struct Counts {
    std::size_t areas = 0;
    std::size_t designated = 0;
    std::map<std::string, std::size_t> per_designation;
    std::map<std::string, std::size_t> unknown_per_criterion;
    std::size_t unknown_criteria = 0;  // area-criterion pairs that are unknown
};
Counts count_results(const RuleSet& rules, const Evaluation& ev, const OutputOptions& options = {});

// Whether designation `d` counts as "designated": the one named in the options, else those the rule
// set lists in `designated`, else any.
bool counts_as_designated(const RuleSet& rules, const Designation& d, const OutputOptions& options);

// Whether an area is designated under the options (yes / no / unknown).
Tri designated_state(const RuleSet& rules, const AreaResult& area, const OutputOptions& options);

// The reason text of an area: "met: a (3 >= 2); not met: b (900 < 1000); unknown: c (missing)".
std::string reasons_text(const RuleSet& rules, const AreaResult& area, const OutputOptions& options);

// Comparison of two rule sets on the same areas: code, designated_a, designated_b, status (both,
// only_a, only_b, neither), why (the criteria the other set failed or could not decide).
Table compare_table(const RuleSet& a, const Evaluation& ea, const RuleSet& b, const Evaluation& eb,
                    const OutputOptions& oa = {}, const OutputOptions& ob = {});

}  // namespace wz::typology
