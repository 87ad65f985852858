// Rule-set file format (TOML) and its parser; errors carry file:line:col.
#include "typology/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/codes.hpp"
#include "core/error.hpp"

namespace wz::typology {

std::string_view tri_name(Tri t) {
    switch (t) {
        case Tri::kNo:
            return "no";
        case Tri::kYes:
            return "yes";
        case Tri::kUnknown:
            return "unknown";
    }
    return "unknown";
}

std::string_view op_text(Op op) {
    switch (op) {
        case Op::kLt:
            return "<";
        case Op::kLe:
            return "<=";
        case Op::kGt:
            return ">";
        case Op::kGe:
            return ">=";
        case Op::kEq:
            return "==";
        case Op::kNe:
            return "!=";
    }
    return "?";
}

const Variable* RuleSet::find_variable(std::string_view n) const {
    for (const auto& v : variables)
        if (v.name == n) return &v;
    return nullptr;
}

const Criterion* RuleSet::find_criterion(std::string_view id) const {
    for (const auto& c : criteria)
        if (c.id == id) return &c;
    return nullptr;
}

double RuleSet::resolve(const Number& n) const {
    if (n.parameter.empty()) return n.constant;
    auto it = parameters.find(n.parameter);
    if (it == parameters.end())
        throw UsageError(fmt::format("rule set {}: unknown parameter '{}'", name, n.parameter));
    return it->second;
}

namespace {

struct Parser {
    std::string source;

    [[noreturn]] void fail(const toml::value& where, const std::string& expected,
                           const std::string& found) const {
        const auto loc = where.location();
        throw InputError(source, static_cast<long>(loc.line()), static_cast<long>(loc.column()), expected,
                         found);
    }

    static std::string found_of(const toml::value& v) {
        switch (v.type()) {
            case toml::value_t::string:
                return "\"" + v.as_string().str + "\"";
            case toml::value_t::integer:
                return std::to_string(v.as_integer());
            case toml::value_t::floating:
                return fmt::format("{}", v.as_floating());
            case toml::value_t::boolean:
                return v.as_boolean() ? "true" : "false";
            case toml::value_t::array:
                return "an array";
            case toml::value_t::table:
                return "a table";
            default:
                return "another value";
        }
    }

    void check_keys(const toml::value& table, const std::set<std::string>& allowed,
                    const std::string& what) const {
        for (const auto& [k, v] : table.as_table()) {
            if (allowed.count(k) == 0) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                fail(v, fmt::format("a key of {} ({})", what, list), "'" + k + "'");
            }
        }
    }

    std::string text(const toml::value& table, const std::string& key, const std::string& what, bool required,
                     const std::string& fallback = "") const {
        if (!table.contains(key)) {
            if (required) fail(table, fmt::format("'{}' in {}", key, what), "no '" + key + "'");
            return fallback;
        }
        const auto& v = table.at(key);
        if (!v.is_string()) fail(v, fmt::format("a string for {}.{}", what, key), found_of(v));
        return v.as_string().str;
    }

    double number(const toml::value& v, const std::string& what) const {
        if (v.is_integer()) return static_cast<double>(v.as_integer());
        if (v.is_floating()) return v.as_floating();
        fail(v, "a number for " + what, found_of(v));
    }

    Number num_or_param(const toml::value& v, const std::string& what) const {
        Number n;
        if (v.is_string()) {
            n.parameter = v.as_string().str;
            if (n.parameter.empty()) fail(v, "a parameter name or a number for " + what, "\"\"");
            return n;
        }
        n.constant = number(v, what);
        return n;
    }

    std::vector<std::string> names(const toml::value& v, const std::string& what) const {
        if (!v.is_array() || v.as_array().empty())
            fail(v, "a non-empty array of names for " + what, found_of(v));
        std::vector<std::string> out;
        for (const auto& e : v.as_array()) {
            if (!e.is_string()) fail(e, "a name (string) in " + what, found_of(e));
            out.push_back(e.as_string().str);
        }
        return out;
    }

    Source source_of(const toml::value& v, const std::string& what) const {
        if (!v.is_string()) fail(v, "\"dataset:column\" for " + what, found_of(v));
        const std::string s = v.as_string().str;
        const auto colon = s.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 >= s.size())
            fail(v, "\"dataset:column\" for " + what, "\"" + s + "\"");
        Source out{s.substr(0, colon), s.substr(colon + 1), {}};
        if (out.dataset.find("{level}") != std::string::npos) out.dataset_template = out.dataset;
        return out;
    }

    Variable variable(const std::string& name, const toml::value& v) const {
        Variable out;
        out.name = name;
        out.line = static_cast<long>(v.location().line());
        out.column = static_cast<long>(v.location().column());
        const std::string what = "variables." + name;
        if (v.is_string()) {
            out.sum.push_back(source_of(v, what));
            return out;
        }
        if (!v.is_table()) fail(v, "\"dataset:column\" or a table for " + what, found_of(v));
        check_keys(v,
                   {"source", "sum", "divide_by", "scale", "from_level", "aggregate", "weight", "last",
                    "reduce", "change", "zscore_mean", "standardise", "among", "among_at_least", "if_absent"},
                   what);
        if (v.contains("source")) out.sum.push_back(source_of(v.at("source"), what + ".source"));
        if (v.contains("sum")) {
            const auto& arr = v.at("sum");
            if (!arr.is_array() || arr.as_array().empty())
                fail(arr, "an array of \"dataset:column\" for " + what + ".sum", found_of(arr));
            for (const auto& e : arr.as_array()) out.sum.push_back(source_of(e, what + ".sum"));
        }
        if (v.contains("zscore_mean")) out.zscore_mean = names(v.at("zscore_mean"), what + ".zscore_mean");
        if (out.sum.empty() == out.zscore_mean.empty())
            fail(v, "exactly one of source, sum or zscore_mean in " + what, out.sum.empty() ? "none" : "two");
        if (v.contains("divide_by")) out.divide_by = source_of(v.at("divide_by"), what + ".divide_by");
        if (v.contains("scale")) out.scale = number(v.at("scale"), what + ".scale");
        if (v.contains("from_level")) {
            out.from_level = text(v, "from_level", what, true);
            if (!parse_level(out.from_level))
                fail(v.at("from_level"), "a level name for " + what + ".from_level",
                     "\"" + out.from_level + "\"");
            out.from_level = std::string(level_name(*parse_level(out.from_level)));
            const std::string agg = text(v, "aggregate", what, false, "sum");
            if (agg == "sum") {
                out.aggregate = Aggregate::kSum;
            } else if (agg == "mean") {
                out.aggregate = Aggregate::kMean;
            } else if (agg == "weighted_mean") {
                out.aggregate = Aggregate::kWeightedMean;
                if (!v.contains("weight"))
                    fail(v, "a weight (\"dataset:column\") for the weighted_mean of " + what, "no weight");
                out.weight = source_of(v.at("weight"), what + ".weight");
            } else {
                fail(v.at("aggregate"), "sum, mean or weighted_mean for " + what + ".aggregate",
                     "\"" + agg + "\"");
            }
        } else if (v.contains("aggregate")) {
            fail(v.at("aggregate"), "from_level with aggregate in " + what, "aggregate without from_level");
        }
        if (v.contains("last")) {
            const auto& l = v.at("last");
            if (l.is_string()) {
                out.last = num_or_param(l, what + ".last");
            } else {
                if (!l.is_integer() || l.as_integer() < 1 || l.as_integer() > 100)
                    fail(l, "a whole number of measurements >= 1 (or a parameter) for " + what + ".last",
                         found_of(l));
                out.last.constant = static_cast<double>(l.as_integer());
            }
        }
        if (v.contains("standardise")) {
            const auto& st = v.at("standardise");
            if (!st.is_boolean()) fail(st, "true or false for " + what + ".standardise", found_of(st));
            if (out.zscore_mean.empty())
                fail(st, "standardise with zscore_mean in " + what, "no zscore_mean");
            out.standardise = st.as_boolean();
        }
        const std::string red = text(v, "reduce", what, false, "mean");
        if (red == "mean") {
            out.reduce = Reduce::kMean;
        } else if (red == "min") {
            out.reduce = Reduce::kMin;
        } else if (red == "max") {
            out.reduce = Reduce::kMax;
        } else {
            fail(v.at("reduce"), "mean, min or max for " + what + ".reduce", "\"" + red + "\"");
        }
        const std::string ch = text(v, "change", what, false, "");
        if (ch == "previous") {
            out.change = Change::kPrevious;
        } else if (ch == "first") {
            out.change = Change::kFirst;
        } else if (!ch.empty()) {
            fail(v.at("change"), "previous or first for " + what + ".change", "\"" + ch + "\"");
        }
        out.if_absent = text(v, "if_absent", what, false);
        if (v.contains("among")) {
            out.among_variable = text(v, "among", what, true);
            if (!v.contains("among_at_least"))
                fail(v, "among_at_least with among in " + what, "no among_at_least");
            out.among_at_least = num_or_param(v.at("among_at_least"), what + ".among_at_least");
        }
        return out;
    }

    Op op_of(const toml::value& v, const std::string& what) const {
        if (!v.is_string()) fail(v, "an operator (<, <=, >, >=, ==, !=) for " + what, found_of(v));
        const std::string s = v.as_string().str;
        for (Op op : {Op::kLt, Op::kLe, Op::kGt, Op::kGe, Op::kEq, Op::kNe})
            if (op_text(op) == s) return op;
        fail(v, "an operator (<, <=, >, >=, ==, !=) for " + what, "\"" + s + "\"");
    }

    Criterion criterion(const toml::value& v) const {
        if (!v.is_table()) fail(v, "a table for [[criterion]]", found_of(v));
        Criterion c;
        c.line = static_cast<long>(v.location().line());
        c.column = static_cast<long>(v.location().column());
        c.id = text(v, "id", "[[criterion]]", true);
        const std::string what = "criterion '" + c.id + "'";
        check_keys(v, {"id",
                       "title",
                       "variable",
                       "op",
                       "value",
                       "reference",
                       "multiple",
                       "percentile",
                       "weight",
                       "region",
                       "of",
                       "at_least",
                       "all_of",
                       "any_of",
                       "not",
                       "select",
                       "measurements",
                       "window_years",
                       "ending_at_year",
                       "running_years",
                       "running",
                       "step_years"},
                   what);
        c.title = text(v, "title", what, false, c.id);
        const int kinds = static_cast<int>(v.contains("variable")) +
                          static_cast<int>(v.contains("at_least")) + static_cast<int>(v.contains("all_of")) +
                          static_cast<int>(v.contains("any_of")) + static_cast<int>(v.contains("not")) +
                          static_cast<int>(v.contains("select"));
        if (kinds != 1)
            fail(v,
                 "exactly one of variable, at_least (with of), all_of, any_of, not, select (with of) in " +
                     what,
                 kinds == 0 ? "none" : "several");
        c.multiple.constant = 1.0;
        c.step_years.constant = 2.0;
        if (v.contains("variable")) {
            c.kind = Kind::kCompare;
            c.variable = text(v, "variable", what, true);
            if (!v.contains("op")) fail(v, "'op' in " + what, "no op");
            c.op = op_of(v.at("op"), what + ".op");
            const std::string ref = text(v, "reference", what, false, "constant");
            if (ref == "constant") {
                c.reference = Reference::kConstant;
                if (!v.contains("value"))
                    fail(v, "'value' (a number or parameter name) in " + what, "no value");
                c.value = num_or_param(v.at("value"), what + ".value");
            } else if (ref == "national_mean" || ref == "regional_mean" || ref == "variable") {
                c.reference = ref == "national_mean"   ? Reference::kNationalMean
                              : ref == "regional_mean" ? Reference::kRegionalMean
                                                       : Reference::kVariable;
                if (v.contains("multiple")) c.multiple = num_or_param(v.at("multiple"), what + ".multiple");
                if (c.reference == Reference::kRegionalMean) {
                    c.region = text(v, "region", what, true);
                    const auto lv = parse_level(c.region);
                    if (!lv)
                        fail(v.at("region"), "a level name for " + what + ".region", "\"" + c.region + "\"");
                    c.region = std::string(level_name(*lv));
                }
                if (c.reference == Reference::kVariable) c.of = text(v, "of", what, true);
            } else if (ref == "national_percentile") {
                c.reference = Reference::kNationalPercentile;
                if (!v.contains("percentile")) fail(v, "'percentile' (0..100) in " + what, "no percentile");
                c.percentile = num_or_param(v.at("percentile"), what + ".percentile");
                if (c.percentile.parameter.empty() &&
                    (c.percentile.constant < 0 || c.percentile.constant > 100))
                    fail(v.at("percentile"), "a percentile in 0..100 for " + what,
                         found_of(v.at("percentile")));
            } else {
                fail(v.at("reference"),
                     "constant, national_mean, regional_mean, national_percentile or variable for " + what +
                         ".reference",
                     "\"" + ref + "\"");
            }
            if (v.contains("weight")) c.weight = text(v, "weight", what, true);
        } else if (v.contains("at_least")) {
            c.kind = Kind::kAtLeast;
            c.at_least = num_or_param(v.at("at_least"), what + ".at_least");
            if (!v.contains("of")) fail(v, "'of' (the criteria counted) with at_least in " + what, "no of");
            c.children = names(v.at("of"), what + ".of");
        } else if (v.contains("select")) {
            c.kind = Kind::kSelect;
            c.select = num_or_param(v.at("select"), what + ".select");
            if (!v.contains("of")) fail(v, "'of' (the criteria chosen from) with select in " + what, "no of");
            c.children = names(v.at("of"), what + ".of");
        } else if (v.contains("all_of")) {
            c.kind = Kind::kAllOf;
            c.children = names(v.at("all_of"), what + ".all_of");
        } else if (v.contains("any_of")) {
            c.kind = Kind::kAnyOf;
            c.children = names(v.at("any_of"), what + ".any_of");
        } else {
            c.kind = Kind::kNot;
            c.children = {text(v, "not", what, true)};
        }
        const int persistence_kinds = static_cast<int>(v.contains("measurements")) +
                                      static_cast<int>(v.contains("running_years")) +
                                      static_cast<int>(v.contains("running"));
        if (persistence_kinds > 1)
            fail(v, "one of measurements, running_years or running in " + what, "several");
        if (v.contains("measurements")) {
            c.persistence = Persistence::kMeasurements;
            c.min_measurements = num_or_param(v.at("measurements"), what + ".measurements");
            if (v.contains("window_years"))
                c.window_years = num_or_param(v.at("window_years"), what + ".window_years");
            if (v.contains("ending_at_year")) {
                const auto& e = v.at("ending_at_year");
                if (e.is_boolean()) {
                    c.ending_at_year.constant = e.as_boolean() ? 1.0 : 0.0;
                } else {
                    c.ending_at_year = num_or_param(e, what + ".ending_at_year");
                }
            }
        } else if (v.contains("running_years") || v.contains("running")) {
            c.persistence = Persistence::kRunning;
            if (v.contains("running_years")) {
                c.running_years = num_or_param(v.at("running_years"), what + ".running_years");
            } else {
                c.running_count = num_or_param(v.at("running"), what + ".running");
            }
            if (v.contains("step_years"))
                c.step_years = num_or_param(v.at("step_years"), what + ".step_years");
        }
        if (c.persistence != Persistence::kMeasurements &&
            (v.contains("window_years") || v.contains("ending_at_year")))
            fail(v.contains("window_years") ? v.at("window_years") : v.at("ending_at_year"),
                 "window_years and ending_at_year with measurements in " + what, "no measurements");
        if (c.persistence != Persistence::kRunning && v.contains("step_years"))
            fail(v.at("step_years"), "step_years with running_years or running in " + what, "no running");
        return c;
    }
};

}  // namespace

RuleSet parse_rule_set(std::string_view toml_text, const std::string& source) {
    Parser p{source};
    toml::value root;
    try {
        std::istringstream in{std::string(toml_text)};
        root = toml::parse(in, source);
    } catch (const toml::syntax_error& e) {
        std::string msg = e.what();
        // toml11: "[error] toml::parse_...: <what>\n --> file\n ..."; keep the first line without the prefix.
        msg = msg.substr(0, msg.find('\n'));
        const auto colon = msg.find(": ");
        if (msg.rfind("[error]", 0) == 0 && colon != std::string::npos) msg = msg.substr(colon + 2);
        const long line = static_cast<long>(e.location().line());
        const long col = static_cast<long>(e.location().column());
        throw InputError(source, line, col, "a TOML rule set", msg);
    }
    RuleSet r;
    r.file = source;
    p.check_keys(root,
                 {"name", "title", "source", "level", "levels", "designated", "group_adjacent", "parameters",
                  "variables", "criterion", "designation"},
                 "the rule set");
    r.name = p.text(root, "name", "the rule set", true);
    r.title = p.text(root, "title", "the rule set", false, r.name);
    r.source = p.text(root, "source", "the rule set", false);
    r.level = p.text(root, "level", "the rule set", true);
    const auto lv = parse_level(r.level);
    if (!lv)
        p.fail(root.at("level"), "a level (grid, buurt, wijk, gemeente, corop_plus, corop, provincie)",
               "\"" + r.level + "\"");
    r.level = std::string(level_name(*lv));
    if (root.contains("levels")) {
        for (const auto& name : p.names(root.at("levels"), "levels")) {
            const auto l = parse_level(name);
            if (!l) p.fail(root.at("levels"), "level names in levels", "\"" + name + "\"");
            r.levels.emplace_back(level_name(*l));
        }
        if (std::find(r.levels.begin(), r.levels.end(), r.level) == r.levels.end())
            p.fail(root.at("levels"), "levels that include the rule set's level '" + r.level + "'",
                   "no '" + r.level + "'");
    }
    if (root.contains("group_adjacent")) {
        const auto& g = root.at("group_adjacent");
        if (!g.is_boolean()) p.fail(g, "true or false for group_adjacent", Parser::found_of(g));
        r.group_adjacent = g.as_boolean();
    }
    if (root.contains("parameters")) {
        const auto& params = root.at("parameters");
        if (!params.is_table()) p.fail(params, "a table [parameters]", Parser::found_of(params));
        for (const auto& [k, v] : params.as_table()) {
            r.parameters[k] = p.number(v, "parameters." + k);
        }
    }
    if (!root.contains("variables")) p.fail(root, "a [variables] table", "none");
    const auto& vars = root.at("variables");
    if (!vars.is_table()) p.fail(vars, "a table [variables]", Parser::found_of(vars));
    std::map<std::string, const toml::value*> where_var;
    for (const auto& [k, v] : vars.as_table()) {
        r.variables.push_back(p.variable(k, v));
        where_var[k] = &v;
    }
    if (!root.contains("criterion")) p.fail(root, "at least one [[criterion]]", "none");
    const auto& crit = root.at("criterion");
    if (!crit.is_array()) p.fail(crit, "[[criterion]] tables", Parser::found_of(crit));
    std::map<std::string, const toml::value*> where_crit;
    for (const auto& c : crit.as_array()) {
        Criterion parsed = p.criterion(c);
        if (where_crit.count(parsed.id))
            p.fail(c.at("id"), "a criterion id used once", "'" + parsed.id + "' again");
        where_crit[parsed.id] = &c;
        r.criteria.push_back(std::move(parsed));
    }
    if (root.contains("designation")) {
        const auto& ds = root.at("designation");
        if (!ds.is_array()) p.fail(ds, "[[designation]] tables", Parser::found_of(ds));
        std::set<std::string> seen;
        for (const auto& d : ds.as_array()) {
            if (!d.is_table()) p.fail(d, "a table for [[designation]]", Parser::found_of(d));
            p.check_keys(d, {"id", "title", "require"}, "[[designation]]");
            Designation des;
            des.id = p.text(d, "id", "[[designation]]", true);
            if (!seen.insert(des.id).second)
                p.fail(d.at("id"), "a designation id used once", "'" + des.id + "' again");
            des.title = p.text(d, "title", "designation '" + des.id + "'", false, des.id);
            if (!d.contains("require"))
                p.fail(d, "'require' (criteria) in designation '" + des.id + "'", "no require");
            des.require = p.names(d.at("require"), "designation '" + des.id + "'.require");
            for (const auto& id : des.require) {
                if (!where_crit.count(id))
                    p.fail(d.at("require"), "names of criteria in designation '" + des.id + "'",
                           "'" + id + "'");
            }
            r.designations.push_back(std::move(des));
        }
        if (root.contains("designated")) {
            r.designated = p.names(root.at("designated"), "designated");
            for (const auto& id : r.designated)
                if (!seen.count(id))
                    p.fail(root.at("designated"), "names of designations in designated", "'" + id + "'");
        }
    } else {
        if (root.contains("designated"))
            p.fail(root.at("designated"), "[[designation]] tables with designated", "no [[designation]]");
        // One designation: every criterion that no other criterion uses.
        std::set<std::string> used;
        for (const auto& c : r.criteria) used.insert(c.children.begin(), c.children.end());
        Designation des{"designated", r.title, {}};
        for (const auto& c : r.criteria)
            if (!used.count(c.id)) des.require.push_back(c.id);
        r.designations.push_back(std::move(des));
    }
    // References: parameters, variables, criteria; cycles.
    auto check_number = [&](const Number& n, const toml::value& where, const std::string& what) {
        if (!n.parameter.empty() && !r.parameters.count(n.parameter))
            p.fail(where, "a parameter defined in [parameters] for " + what, "'" + n.parameter + "'");
    };
    auto check_var = [&](const std::string& name, const toml::value& where, const std::string& what) {
        if (!r.find_variable(name))
            p.fail(where, "a variable defined in [variables] for " + what, "'" + name + "'");
    };
    for (const auto& var : r.variables) {
        const auto& w = *where_var[var.name];
        for (const auto& z : var.zscore_mean) check_var(z, w, "variables." + var.name + ".zscore_mean");
        if (!var.among_variable.empty()) check_var(var.among_variable, w, "variables." + var.name + ".among");
        check_number(var.among_at_least, w, "variables." + var.name + ".among_at_least");
        check_number(var.last, w, "variables." + var.name + ".last");
    }
    // Variable cycles (zscore_mean / among).
    {
        std::map<std::string, int> mark;
        std::function<void(const Variable&)> visit = [&](const Variable& v) {
            if (mark[v.name] == 2) return;
            if (mark[v.name] == 1)
                p.fail(*where_var[v.name], "variables that do not depend on themselves",
                       "a cycle through '" + v.name + "'");
            mark[v.name] = 1;
            for (const auto& z : v.zscore_mean) visit(*r.find_variable(z));
            if (!v.among_variable.empty()) visit(*r.find_variable(v.among_variable));
            mark[v.name] = 2;
        };
        for (const auto& v : r.variables) visit(v);
    }
    for (const auto& c : r.criteria) {
        const auto& w = *where_crit[c.id];
        const std::string what = "criterion '" + c.id + "'";
        if (c.kind == Kind::kCompare) {
            check_var(c.variable, w.at("variable"), what);
            if (!c.weight.empty()) check_var(c.weight, w.at("weight"), what + ".weight");
            if (!c.of.empty()) check_var(c.of, w.at("of"), what + ".of");
            check_number(c.value, w, what + ".value");
            check_number(c.multiple, w, what + ".multiple");
            check_number(c.percentile, w, what + ".percentile");
        } else {
            for (const auto& ch : c.children) {
                if (!where_crit.count(ch)) p.fail(w, "names of criteria in " + what, "'" + ch + "'");
            }
            check_number(c.at_least, w, what + ".at_least");
            check_number(c.select, w, what + ".select");
        }
        check_number(c.min_measurements, w, what + ".measurements");
        check_number(c.window_years, w, what + ".window_years");
        check_number(c.running_years, w, what + ".running_years");
        check_number(c.running_count, w, what + ".running");
        check_number(c.ending_at_year, w, what + ".ending_at_year");
        check_number(c.step_years, w, what + ".step_years");
    }
    {
        std::map<std::string, int> mark;
        std::function<void(const Criterion&)> visit = [&](const Criterion& c) {
            if (mark[c.id] == 2) return;
            if (mark[c.id] == 1)
                p.fail(*where_crit[c.id], "criteria that do not depend on themselves",
                       "a cycle through '" + c.id + "'");
            mark[c.id] = 1;
            for (const auto& ch : c.children) visit(*r.find_criterion(ch));
            mark[c.id] = 2;
        };
        for (const auto& c : r.criteria) visit(c);
    }
    set_level(r, r.level);
    return r;
}

void set_level(RuleSet& rules, const std::string& level) {
    const auto lv = parse_level(level);
    const std::string name = lv ? std::string(level_name(*lv)) : level;
    if (name != rules.level &&
        std::find(rules.levels.begin(), rules.levels.end(), name) == rules.levels.end()) {
        throw UsageError(fmt::format("rule set {} designates {} areas{}; not {}", rules.name, rules.level,
                                     rules.levels.empty()
                                         ? std::string()
                                         : fmt::format(" (it can: {})", fmt::join(rules.levels, ", ")),
                                     level));
    }
    rules.level = name;
    auto fill = [&](Source& s) {
        if (s.dataset_template.empty()) return;
        s.dataset = s.dataset_template;
        for (auto at = s.dataset.find("{level}"); at != std::string::npos; at = s.dataset.find("{level}"))
            s.dataset.replace(at, 7, name);
    };
    for (auto& v : rules.variables) {
        for (auto& s : v.sum) fill(s);
        if (v.divide_by) fill(*v.divide_by);
        if (v.weight) fill(*v.weight);
    }
}

void override_parameters(RuleSet& rules, const std::vector<std::string>& assignments) {
    for (const auto& a : assignments) {
        const auto eq = a.find('=');
        if (eq == std::string::npos)
            throw UsageError(fmt::format("--param: expected NAME=VALUE, found '{}'", a));
        const std::string name(trim(a.substr(0, eq)));
        const std::string value(trim(a.substr(eq + 1)));
        auto it = rules.parameters.find(name);
        if (it == rules.parameters.end()) {
            std::string known;
            for (const auto& [k, v] : rules.parameters) known += (known.empty() ? "" : ", ") + k;
            throw UsageError(fmt::format("--param: rule set {} has no parameter '{}' (it has: {})",
                                         rules.name, name, known));
        }
        double d = 0;
        const auto res = std::from_chars(value.data(), value.data() + value.size(), d);
        if (res.ec != std::errc() || res.ptr != value.data() + value.size())
            throw UsageError(fmt::format("--param {}: expected a number, found '{}'", name, value));
        it->second = d;
    }
}

std::vector<std::string> datasets_used(const RuleSet& rules) {
    std::set<std::string> out;
    for (const auto& v : rules.variables) {
        for (const auto& s : v.sum) out.insert(s.dataset);
        if (v.divide_by) out.insert(v.divide_by->dataset);
        if (v.weight) out.insert(v.weight->dataset);
    }
    return {out.begin(), out.end()};
}

}  // namespace wz::typology
