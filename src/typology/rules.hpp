#pragma once
// Typologies (METHODS.md §4): a rule set designates attention areas from criteria on area variables,
// and every designation carries its reasons (per criterion: value, threshold, met / not met / unknown,
// and for persistence the measurements that counted). A rule set is data: a TOML file (docs/typology.md).
// Pure module: in-memory tables in, tables out; no file formats other than the rule text itself.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.hpp"

namespace wz::typology {

// Three-valued logic: a criterion whose inputs are missing is unknown, never silently "not met".
enum class Tri : std::uint8_t { kNo = 0, kYes = 1, kUnknown = 2 };
std::string_view tri_name(Tri t);  // "no", "yes", "unknown"

// A number in a rule: a constant, or the name of a parameter of the rule set (resolved on evaluation,
// so a parameter can be varied from the command line).
struct Number {
    double constant = 0.0;
    std::string parameter;  // empty = constant
};

// "dataset:column" (the column of a dataset with `code` and `year`).
struct Source {
    std::string dataset;
    std::string column;
    std::string dataset_template;  // as written, when it holds "{level}" (set_level fills it in)
};

enum class Reduce : std::uint8_t { kMean, kMin, kMax };
enum class Change : std::uint8_t { kNone, kPrevious, kFirst };
enum class Aggregate : std::uint8_t { kNone, kSum, kMean, kWeightedMean };

// A variable: value per area and measurement year.
//   value(y) = scale * (sum of `sum` sources) / divide_by        (all present, else missing)
//   aggregate: computed per finer area (from_level) and summed / averaged into its parent area
//   last > 1: reduced (mean, min, max) over the last n measurements up to y (all present); n may be a
//             parameter
//   standardise: zscore_mean summed, then standardised again over the same areas (mean 0, sd 1)
//   change: value(y) - value(previous measurement) or - value(first measurement)
//   zscore_mean: mean over the listed variables of (v - mean) / sd, mean and population sd over the
//                areas whose `among_variable` is >= among_at_least (all areas when not given)
struct Variable {
    std::string name;
    std::vector<Source> sum;
    std::optional<Source> divide_by;
    double scale = 1.0;
    std::string from_level;  // finer level of the sources (aggregation); empty = the rule's level
    Aggregate aggregate = Aggregate::kNone;
    std::optional<Source> weight;  // for weighted_mean
    Number last{1.0, {}};
    Reduce reduce = Reduce::kMean;
    Change change = Change::kNone;
    std::vector<std::string> zscore_mean;
    bool standardise = false;
    std::string among_variable;
    Number among_at_least;
    // When a source column is not in the store at all: the reason (e.g. "CBS publishes no convictions per
    // buurt"); the variable is then missing for every area, so its criteria are unknown, never an error.
    // Empty: an absent column is an error.
    std::string if_absent;
    long line = 0, column = 0;
};

enum class Op : std::uint8_t { kLt, kLe, kGt, kGe, kEq, kNe };
std::string_view op_text(Op op);

enum class Reference : std::uint8_t {
    kConstant,            // value = number or parameter
    kNationalMean,        // multiple x mean over the areas of the level in that year
    kRegionalMean,        // multiple x mean over the areas of the same parent region
    kNationalPercentile,  // the p-th percentile over the areas of the level in that year
    kVariable,            // multiple x another variable of the same area (e.g. a published regional mean)
};

// kSelect: the state of one of its criteria, chosen by a parameter (1 = the first) — a rule set offers
// alternative readings of the same words (relative to the country or to the other regions) and a
// parameter says which one counts.
enum class Kind : std::uint8_t { kCompare, kAtLeast, kAllOf, kAnyOf, kNot, kSelect };

enum class Persistence : std::uint8_t { kNone, kMeasurements, kRunning };

struct Criterion {
    std::string id;
    std::string title;
    Kind kind = Kind::kCompare;
    // kCompare
    std::string variable;
    Op op = Op::kGe;
    Reference reference = Reference::kConstant;
    Number value;     // kConstant
    Number multiple;  // means and kVariable (default 1)
    Number percentile;
    std::string weight;  // variable name: weighted means and percentiles; empty = every area counts once
    std::string region;  // parent level for kRegionalMean ("corop", "gemeente", ...)
    std::string of;      // kVariable
    // kAtLeast / kAllOf / kAnyOf / kNot / kSelect
    Number at_least;
    Number select;  // kSelect: which of `children` (1-based)
    std::vector<std::string> children;
    // persistence of the criterion (evaluated per measurement year)
    Persistence persistence = Persistence::kNone;
    Number min_measurements;         // kMeasurements: met in at least this many measurements up to the year
    Number window_years;             // kMeasurements: only measurements in (year - window, year]; 0 = all
    Number ending_at_year{1.0, {}};  // kMeasurements: 1 = the evaluated measurement must meet it too
    Number running_years;            // kRunning: met at year, year - step, ..., down to year - running_years
    Number running_count;            // kRunning (alternative): met in this many lists year, year - step, ...
    Number step_years;               // kRunning: years between measurements (default 2)
    long line = 0, column = 0;
};

struct Designation {
    std::string id;
    std::string title;
    std::vector<std::string> require;  // criteria that must all be met
};

struct RuleSet {
    std::string name;
    std::string title;
    std::string source;  // what the rules follow (METHODS.md section, law, report)
    std::string level;   // level name of the areas it designates
    // Levels the rule set can be applied at (dataset names may hold "{level}"); empty = `level` only.
    std::vector<std::string> levels;
    // The designations that count as "designated" when none is named; empty = any designation.
    std::vector<std::string> designated;
    bool group_adjacent = false;
    std::map<std::string, double> parameters;
    std::vector<Variable> variables;
    std::vector<Criterion> criteria;
    std::vector<Designation> designations;
    std::string file;  // where it was read from

    const Variable* find_variable(std::string_view name) const;
    const Criterion* find_criterion(std::string_view id) const;
    // The value of a Number (throws UsageError for an unknown parameter).
    double resolve(const Number& n) const;
};

// Parses a rule set. Errors are InputError with file:line:col (syntax, unknown keys, bad values,
// references to undefined variables, criteria or parameters, cycles).
RuleSet parse_rule_set(std::string_view toml_text, const std::string& source);

// Applies the rule set at another of its `levels`: fills "{level}" in every dataset name. UsageError
// for a level the rule set does not offer.
void set_level(RuleSet& rules, const std::string& level);

// Sets parameters from "name=value" overrides; UsageError for unknown names or non-numbers.
void override_parameters(RuleSet& rules, const std::vector<std::string>& assignments);

// The datasets (names) a rule set reads.
std::vector<std::string> datasets_used(const RuleSet& rules);

}  // namespace wz::typology
