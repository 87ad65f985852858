// Evaluation of a rule set: dense (area x measurement) arrays per variable and criterion, three-valued
// logic, persistence over measurements, groups of adjacent designated areas.
#include "typology/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <set>
#include <unordered_map>

#include "core/error.hpp"

namespace wz::typology {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Areas of one level: codes and their index.
struct Space {
    std::vector<std::string> codes;
    std::unordered_map<std::string, std::size_t> index;
    void add(const std::string& code) {
        if (index.emplace(code, codes.size()).second) codes.push_back(code);
    }
};

class Evaluator {
  public:
    Evaluator(const RuleSet& r, const Inputs& in, int year) : r_(r), in_(in), year_(year) {}

    Evaluation run();

  private:
    const Table& dataset(const std::string& name) const {
        auto it = in_.datasets.find(name);
        if (it == in_.datasets.end() || it->second == nullptr) {
            throw UsageError(
                fmt::format("rule set {}: dataset '{}' is not available (the rule set reads: {})", r_.name,
                            name, fmt::join(datasets_used(r_), ", ")));
        }
        const Table& t = *it->second;
        const Column* code = t.find("code");
        const Column* year = t.find("year");
        if (code == nullptr || code->type() != ColumnType::kText || year == nullptr ||
            year->type() != ColumnType::kInt)
            throw UsageError(
                fmt::format("dataset '{}' needs a text column 'code' and an integer column 'year'", name));
        return t;
    }
    const Column& column(const Source& s) const {
        const Table& t = dataset(s.dataset);
        const Column* c = t.find(s.column);
        if (c == nullptr) {
            std::string names;
            for (const auto& col : t.columns()) names += (names.empty() ? "" : ", ") + col.name();
            throw UsageError(fmt::format("rule set {}: dataset '{}' has no column '{}' (it has: {})", r_.name,
                                         s.dataset, s.column, names));
        }
        if (c->type() == ColumnType::kText)
            throw UsageError(fmt::format("rule set {}: column '{}' of '{}' is text, not a number", r_.name,
                                         s.column, s.dataset));
        return *c;
    }
    std::size_t year_index(std::int64_t y) const {
        auto it = std::lower_bound(years_.begin(), years_.end(), static_cast<int>(y));
        return it != years_.end() && *it == y ? static_cast<std::size_t>(it - years_.begin()) : years_.size();
    }
    // A source column as dense [area * ny + year] in `space` (NaN = missing or absent).
    std::vector<double> load(const Source& s, const Space& space) const {
        std::vector<double> out(space.codes.size() * ny_, kNaN);
        const Table& t = dataset(s.dataset);
        const Column& codes = *t.find("code");
        const Column& years = *t.find("year");
        const Column& c = column(s);
        if (&space == &space_) {
            // Rows of the rule's level: the (area, year) slot of every row is found once per dataset.
            auto it = slots_.find(s.dataset);
            if (it == slots_.end()) {
                std::vector<std::size_t> slot(t.row_count(), std::string::npos);
                for (std::size_t row = 0; row < t.row_count(); ++row) {
                    const std::size_t yi = year_index(years.int_at(row));
                    if (yi == ny_) continue;
                    auto a = space.index.find(codes.text_at(row));
                    if (a != space.index.end()) slot[row] = a->second * ny_ + yi;
                }
                it = slots_.emplace(s.dataset, std::move(slot)).first;
            }
            const auto& slot = it->second;
            for (std::size_t row = 0; row < slot.size(); ++row)
                if (slot[row] != std::string::npos) out[slot[row]] = c.number_at(row);
            return out;
        }
        for (std::size_t row = 0; row < t.row_count(); ++row) {
            const std::size_t yi = year_index(years.int_at(row));
            if (yi == ny_) continue;
            auto it = space.index.find(codes.text_at(row));
            if (it == space.index.end()) continue;
            out[it->second * ny_ + yi] = c.number_at(row);
        }
        return out;
    }
    // scale * sum(sources) / divide_by in `space`.
    std::vector<double> ratio(const Variable& v, const Space& space) const {
        std::vector<double> num(space.codes.size() * ny_, 0.0);
        for (const auto& s : v.sum) {
            const auto x = load(s, space);
            for (std::size_t i = 0; i < num.size(); ++i) num[i] += x[i];
        }
        if (v.divide_by) {
            const auto d = load(*v.divide_by, space);
            for (std::size_t i = 0; i < num.size(); ++i) num[i] = d[i] != 0 ? num[i] / d[i] : kNaN;
        }
        for (auto& x : num) x *= v.scale;
        return num;
    }
    // Finer areas of `level` and the index of their parent area in the rule's space (npos = none).
    std::pair<Space, std::vector<std::size_t>> finer_space(const Variable& v) const {
        auto it = in_.finer.find(v.from_level);
        if (it == in_.finer.end())
            throw UsageError(fmt::format(
                "rule set {}: variable '{}' aggregates {} areas, but their parent codes are not given",
                r_.name, v.name, v.from_level));
        Space s;
        std::vector<std::size_t> parent;
        for (const auto& a : it->second) {
            auto p = a.parents.find(r_.level);
            std::size_t pi = std::string::npos;
            if (p != a.parents.end()) {
                auto q = space_.index.find(p->second);
                if (q != space_.index.end()) pi = q->second;
            }
            if (s.index.count(a.code)) continue;
            s.add(a.code);
            parent.push_back(pi);
        }
        return {std::move(s), std::move(parent)};
    }
    std::vector<double> base_values(const Variable& v) const {
        if (v.from_level.empty()) return ratio(v, space_);
        auto [fs, parent] = finer_space(v);
        std::vector<double> out(na_ * ny_, 0.0), wsum(na_ * ny_, 0.0);
        if (v.aggregate == Aggregate::kSum) {
            // Sum of each source over the finer areas, then the ratio (a share of sums).
            auto agg = [&](const Source& s) {
                const auto x = load(s, fs);
                std::vector<double> o(na_ * ny_, 0.0);
                for (std::size_t f = 0; f < fs.codes.size(); ++f) {
                    if (parent[f] == std::string::npos) continue;
                    for (std::size_t y = 0; y < ny_; ++y) o[parent[f] * ny_ + y] += x[f * ny_ + y];
                }
                return o;
            };
            std::vector<double> num(na_ * ny_, 0.0);
            for (const auto& s : v.sum) {
                const auto x = agg(s);
                for (std::size_t i = 0; i < num.size(); ++i) num[i] += x[i];
            }
            if (v.divide_by) {
                const auto d = agg(*v.divide_by);
                for (std::size_t i = 0; i < num.size(); ++i) num[i] = d[i] != 0 ? num[i] / d[i] : kNaN;
            }
            for (auto& x : num) x *= v.scale;
            // Areas without any finer area are unknown.
            std::vector<char> has(na_, 0);
            for (std::size_t f = 0; f < fs.codes.size(); ++f)
                if (parent[f] != std::string::npos) has[parent[f]] = 1;
            for (std::size_t a = 0; a < na_; ++a)
                if (!has[a])
                    for (std::size_t y = 0; y < ny_; ++y) num[a * ny_ + y] = kNaN;
            return num;
        }
        const auto x = ratio(v, fs);
        std::vector<double> w(fs.codes.size() * ny_, 1.0);
        if (v.aggregate == Aggregate::kWeightedMean) w = load(*v.weight, fs);
        for (std::size_t f = 0; f < fs.codes.size(); ++f) {
            if (parent[f] == std::string::npos) continue;
            for (std::size_t y = 0; y < ny_; ++y) {
                const std::size_t i = parent[f] * ny_ + y;
                out[i] += w[f * ny_ + y] * x[f * ny_ + y];
                wsum[i] += w[f * ny_ + y];
            }
        }
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = wsum[i] > 0 ? out[i] / wsum[i] : kNaN;
        return out;
    }
    const std::vector<double>& values(const std::string& name);
    void evaluate_criterion(std::size_t ci);
    // Whether every source column of the variable is in its dataset.
    bool sources_present(const Variable& v) const {
        const auto present = [&](const Source& s) {
            auto it = in_.datasets.find(s.dataset);
            return it != in_.datasets.end() && it->second != nullptr && it->second->find(s.column) != nullptr;
        };
        for (const auto& s : v.sum)
            if (!present(s)) return false;
        if (v.divide_by && !present(*v.divide_by)) return false;
        if (v.weight && !present(*v.weight)) return false;
        return true;
    }

    const RuleSet& r_;
    const Inputs& in_;
    int year_;
    Space space_;
    std::vector<int> years_;  // every measurement year of the datasets read (all years)
    std::size_t na_ = 0, ny_ = 0;
    std::map<std::string, std::vector<double>> vars_;
    mutable std::map<std::string, std::vector<std::size_t>> slots_;  // dataset -> row -> area * ny + year
    // Per criterion: final state, value and threshold per [area * ny + year]; years met / unknown at year_.
    std::vector<std::vector<Tri>> state_;
    std::vector<std::vector<double>> value_, threshold_;
    std::vector<char> done_;
    std::vector<std::string> absent_;  // variables without their source columns, with the reason
    std::vector<std::vector<std::vector<int>>> years_met_, years_unknown_;  // [criterion][area]

    // x per year rescaled to mean 0 and population sd 1 over the areas with among >= at_least (all when
    // among is empty); areas outside keep their value on the same scale.
    void standardise(std::vector<double>& x, const std::vector<double>& among, double at_least) const {
        for (std::size_t y = 0; y < ny_; ++y) {
            double sum = 0, n = 0;
            auto in = [&](std::size_t a) {
                return !std::isnan(x[a * ny_ + y]) && (among.empty() || among[a * ny_ + y] >= at_least);
            };
            for (std::size_t a = 0; a < na_; ++a)
                if (in(a)) sum += x[a * ny_ + y], n += 1;
            const double mean = n > 0 ? sum / n : kNaN;
            double ss = 0;
            for (std::size_t a = 0; a < na_; ++a)
                if (in(a)) ss += (x[a * ny_ + y] - mean) * (x[a * ny_ + y] - mean);
            const double sd = n > 0 ? std::sqrt(ss / n) : kNaN;
            for (std::size_t a = 0; a < na_; ++a)
                x[a * ny_ + y] = sd > 0 ? (x[a * ny_ + y] - mean) / sd : kNaN;
        }
    }
};

const std::vector<double>& Evaluator::values(const std::string& name) {
    if (auto it = vars_.find(name); it != vars_.end()) return it->second;
    const Variable& v = *r_.find_variable(name);
    std::vector<double> x;
    if (!v.if_absent.empty() && !sources_present(v)) {
        absent_.push_back(fmt::format("{}: {}", v.name, v.if_absent));
        return vars_.emplace(name, std::vector<double>(na_ * ny_, kNaN)).first->second;
    }
    if (!v.zscore_mean.empty()) {
        x.assign(na_ * ny_, 0.0);
        std::vector<double> among;
        if (!v.among_variable.empty()) among = values(v.among_variable);
        const double at_least = v.among_variable.empty() ? 0.0 : r_.resolve(v.among_at_least);
        for (const auto& comp : v.zscore_mean) {
            const std::vector<double> c = values(comp);
            for (std::size_t y = 0; y < ny_; ++y) {
                double sum = 0, n = 0;
                for (std::size_t a = 0; a < na_; ++a) {
                    const double z = c[a * ny_ + y];
                    if (std::isnan(z) || (!among.empty() && !(among[a * ny_ + y] >= at_least))) continue;
                    sum += z;
                    n += 1;
                }
                const double mean = n > 0 ? sum / n : kNaN;
                double ss = 0;
                for (std::size_t a = 0; a < na_; ++a) {
                    const double z = c[a * ny_ + y];
                    if (std::isnan(z) || (!among.empty() && !(among[a * ny_ + y] >= at_least))) continue;
                    ss += (z - mean) * (z - mean);
                }
                const double sd = n > 0 ? std::sqrt(ss / n) : kNaN;
                for (std::size_t a = 0; a < na_; ++a) {
                    const double z = c[a * ny_ + y];
                    x[a * ny_ + y] +=
                        sd > 0 ? (z - mean) / sd / static_cast<double>(v.zscore_mean.size()) : kNaN;
                }
            }
        }
        if (v.standardise) standardise(x, among, at_least);
    } else {
        x = base_values(v);
    }
    const double last = r_.resolve(v.last);
    if (!(last >= 1 && last <= 100 && last == std::floor(last)))
        throw UsageError(
            fmt::format("rule set {}: variable '{}': last must be a whole number of measurements "
                        ">= 1, is {}",
                        r_.name, v.name, last));
    if (last > 1) {
        std::vector<double> red(na_ * ny_, kNaN);
        const auto n = static_cast<std::size_t>(last);
        for (std::size_t a = 0; a < na_; ++a) {
            for (std::size_t y = n - 1; y < ny_; ++y) {
                double acc = v.reduce == Reduce::kMean ? 0.0 : x[a * ny_ + y];
                for (std::size_t k = y + 1 - n; k <= y; ++k) {
                    const double e = x[a * ny_ + k];
                    acc = v.reduce == Reduce::kMean  ? acc + e
                          : v.reduce == Reduce::kMin ? std::min(acc, e)
                                                     : std::max(acc, e);
                    if (std::isnan(e)) acc = kNaN;
                    if (std::isnan(acc)) break;
                }
                red[a * ny_ + y] = v.reduce == Reduce::kMean ? acc / static_cast<double>(n) : acc;
            }
        }
        x = std::move(red);
    }
    if (v.change != Change::kNone) {
        std::vector<double> ch(na_ * ny_, kNaN);
        for (std::size_t a = 0; a < na_; ++a) {
            for (std::size_t y = 1; y < ny_; ++y) {
                const std::size_t from = v.change == Change::kPrevious ? y - 1 : 0;
                ch[a * ny_ + y] = x[a * ny_ + y] - x[a * ny_ + from];
            }
        }
        x = std::move(ch);
    }
    return vars_.emplace(name, std::move(x)).first->second;
}

bool compare(double v, Op op, double t) {
    switch (op) {
        case Op::kLt:
            return v < t;
        case Op::kLe:
            return v <= t;
        case Op::kGt:
            return v > t;
        case Op::kGe:
            return v >= t;
        case Op::kEq:
            return v == t;
        case Op::kNe:
            return v != t;
    }
    return false;
}

// Percentile p (0..100) of known values: unweighted linear interpolation between order statistics
// (R type 7, numpy default); weighted: the smallest value whose cumulative weight share reaches p/100.
double percentile_of(std::vector<std::pair<double, double>> vw, double p, bool weighted) {
    if (vw.empty()) return kNaN;
    std::sort(vw.begin(), vw.end());
    if (!weighted) {
        const double pos = p / 100.0 * static_cast<double>(vw.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const auto hi = std::min(vw.size() - 1, lo + 1);
        return vw[lo].first + (vw[hi].first - vw[lo].first) * (pos - static_cast<double>(lo));
    }
    double total = 0;
    for (const auto& e : vw) total += e.second;
    double cum = 0;
    for (const auto& e : vw) {
        cum += e.second;
        if (cum >= p / 100.0 * total * (1 - 1e-12)) return e.first;
    }
    return vw.back().first;
}

void Evaluator::evaluate_criterion(std::size_t ci) {
    if (done_[ci]) return;
    const Criterion& c = r_.criteria[ci];
    std::vector<Tri> base(na_ * ny_, Tri::kUnknown);
    std::vector<double> val(na_ * ny_, kNaN), thr(na_ * ny_, kNaN);
    if (c.kind == Kind::kCompare) {
        const auto& x = values(c.variable);
        std::vector<double> w;
        if (!c.weight.empty()) w = values(c.weight);
        const double multiple = r_.resolve(c.multiple);
        // Means and other variables: the reference itself; the value is compared as a ratio to it
        // (value / reference against the multiple, as "below 55% of the regional mean" is defined),
        // so a value exactly at the multiple is not moved across the threshold by rounding.
        std::vector<double> ref;
        switch (c.reference) {
            case Reference::kConstant:
                std::fill(thr.begin(), thr.end(), r_.resolve(c.value));
                break;
            case Reference::kVariable: {
                ref = values(c.of);
                for (std::size_t i = 0; i < thr.size(); ++i) thr[i] = multiple * ref[i];
                break;
            }
            case Reference::kNationalMean:
            case Reference::kRegionalMean: {
                // Group of each area: one national group, or its parent region.
                std::vector<std::size_t> group(na_, 0);
                std::size_t groups = 1;
                if (c.reference == Reference::kRegionalMean) {
                    std::unordered_map<std::string, std::size_t> gi;
                    for (std::size_t a = 0; a < na_; ++a) {
                        group[a] = std::string::npos;
                        if (a >= in_.areas.size()) continue;
                        auto p = in_.areas[a].parents.find(c.region);
                        if (p == in_.areas[a].parents.end() || p->second.empty()) continue;
                        group[a] = gi.emplace(p->second, gi.size()).first->second;
                    }
                    groups = gi.size();
                }
                ref.assign(na_ * ny_, kNaN);
                for (std::size_t y = 0; y < ny_; ++y) {
                    std::vector<double> s(groups, 0.0), n(groups, 0.0);
                    for (std::size_t a = 0; a < na_; ++a) {
                        const double v = x[a * ny_ + y];
                        const double wt = w.empty() ? 1.0 : w[a * ny_ + y];
                        if (group[a] == std::string::npos || std::isnan(v) || std::isnan(wt)) continue;
                        s[group[a]] += wt * v;
                        n[group[a]] += wt;
                    }
                    for (std::size_t a = 0; a < na_; ++a) {
                        if (group[a] == std::string::npos) continue;
                        const std::size_t g = group[a];
                        ref[a * ny_ + y] = n[g] > 0 ? s[g] / n[g] : kNaN;
                        thr[a * ny_ + y] = multiple * ref[a * ny_ + y];
                    }
                }
                break;
            }
            case Reference::kNationalPercentile: {
                const double p = r_.resolve(c.percentile);
                for (std::size_t y = 0; y < ny_; ++y) {
                    std::vector<std::pair<double, double>> vw;
                    for (std::size_t a = 0; a < na_; ++a) {
                        const double v = x[a * ny_ + y];
                        const double wt = w.empty() ? 1.0 : w[a * ny_ + y];
                        if (!std::isnan(v) && !std::isnan(wt)) vw.emplace_back(v, wt);
                    }
                    const double t = percentile_of(std::move(vw), p, !w.empty());
                    for (std::size_t a = 0; a < na_; ++a) thr[a * ny_ + y] = t;
                }
                break;
            }
        }
        for (std::size_t i = 0; i < base.size(); ++i) {
            val[i] = x[i];
            if (std::isnan(x[i]) || std::isnan(thr[i])) continue;
            const bool met = !ref.empty() && ref[i] > 0 ? compare(x[i] / ref[i], c.op, multiple)
                                                        : compare(x[i], c.op, thr[i]);
            base[i] = met ? Tri::kYes : Tri::kNo;
        }
    } else {
        std::vector<std::size_t> kids;
        for (const auto& id : c.children) {
            const auto k = static_cast<std::size_t>(r_.find_criterion(id) - r_.criteria.data());
            evaluate_criterion(k);
            kids.push_back(k);
        }
        const double k_needed = c.kind == Kind::kAtLeast ? r_.resolve(c.at_least) : 0.0;
        if (c.kind == Kind::kSelect) {
            const double pick = r_.resolve(c.select);
            if (!(pick >= 1 && pick <= static_cast<double>(kids.size()) && pick == std::floor(pick)))
                throw UsageError(
                    fmt::format("criterion {}: {} = {} chooses none of its {} criteria ({}: 1 to {})", c.id,
                                c.select.parameter.empty() ? "select" : c.select.parameter, pick, kids.size(),
                                fmt::join(c.children, ", "), kids.size()));
            const std::size_t k = kids[static_cast<std::size_t>(pick) - 1];
            base = state_[k];
            val = value_[k];
            thr = threshold_[k];
        }
        for (std::size_t i = 0; i < base.size() && c.kind != Kind::kSelect; ++i) {
            int yes = 0, unknown = 0;
            for (auto k : kids) {
                yes += state_[k][i] == Tri::kYes;
                unknown += state_[k][i] == Tri::kUnknown;
            }
            const int n = static_cast<int>(kids.size());
            double need = 0;
            switch (c.kind) {
                case Kind::kAtLeast:
                    need = k_needed;
                    break;
                case Kind::kAllOf:
                    need = n;
                    break;
                case Kind::kAnyOf:
                    need = 1;
                    break;
                case Kind::kNot:
                    need = 0;
                    break;
                case Kind::kCompare:
                case Kind::kSelect:
                    break;
            }
            if (c.kind == Kind::kNot) {
                const Tri s = state_[kids[0]][i];
                base[i] = s == Tri::kUnknown ? Tri::kUnknown : s == Tri::kYes ? Tri::kNo : Tri::kYes;
                val[i] = yes;
                thr[i] = 0;
                continue;
            }
            base[i] = yes >= need ? Tri::kYes : yes + unknown < need ? Tri::kNo : Tri::kUnknown;
            val[i] = yes;
            thr[i] = need;
        }
    }
    years_met_[ci].assign(na_, {});
    years_unknown_[ci].assign(na_, {});
    if (c.persistence == Persistence::kNone) {
        state_[ci] = std::move(base);
        value_[ci] = std::move(val);
        threshold_[ci] = std::move(thr);
        done_[ci] = 1;
        return;
    }
    std::vector<Tri> fin(na_ * ny_, Tri::kUnknown);
    std::vector<double> fval(na_ * ny_, kNaN), fthr(na_ * ny_, kNaN);
    const std::size_t ye = year_index(year_);
    if (c.persistence == Persistence::kMeasurements) {
        const double k = r_.resolve(c.min_measurements);
        const double window = r_.resolve(c.window_years);
        // "langdurig": the measurements end at the evaluated one, which must meet the condition itself.
        const bool ending = r_.resolve(c.ending_at_year) != 0;
        for (std::size_t a = 0; a < na_; ++a) {
            for (std::size_t y = 0; y < ny_; ++y) {
                int yes = 0, unknown = 0;
                for (std::size_t j = 0; j <= y; ++j) {
                    if (window > 0 && !(years_[j] > years_[y] - window)) continue;
                    const Tri s = base[a * ny_ + j];
                    yes += s == Tri::kYes;
                    unknown += s == Tri::kUnknown;
                    if (y == ye && s == Tri::kYes) years_met_[ci][a].push_back(years_[j]);
                    if (y == ye && s == Tri::kUnknown) years_unknown_[ci][a].push_back(years_[j]);
                }
                Tri st = yes >= k ? Tri::kYes : yes + unknown < k ? Tri::kNo : Tri::kUnknown;
                if (ending && st != Tri::kNo) {
                    const Tri now = base[a * ny_ + y];
                    if (now != Tri::kYes) st = now;  // not met now: no; no data now: at best unknown
                }
                fin[a * ny_ + y] = st;
                fval[a * ny_ + y] = yes;
                fthr[a * ny_ + y] = k;
            }
        }
    } else {
        const double step = r_.resolve(c.step_years);
        if (!(step > 0)) throw UsageError(fmt::format("criterion {}: step_years must be > 0", c.id));
        // running = n lists: the year and n - 1 earlier ones, step years apart.
        const double span = c.running_count.parameter.empty() && c.running_count.constant == 0
                                ? r_.resolve(c.running_years)
                                : (r_.resolve(c.running_count) - 1) * step;
        for (std::size_t a = 0; a < na_; ++a) {
            for (std::size_t y = 0; y < ny_; ++y) {
                int yes = 0, no = 0, expected = 0;
                for (double back = 0; back <= span + 1e-9; back += step) {
                    ++expected;
                    const auto want = static_cast<std::int64_t>(std::llround(years_[y] - back));
                    const std::size_t j = year_index(want);
                    const Tri s = j == ny_ ? Tri::kUnknown : base[a * ny_ + j];
                    yes += s == Tri::kYes;
                    no += s == Tri::kNo;
                    if (y == ye && s == Tri::kYes) years_met_[ci][a].push_back(static_cast<int>(want));
                    if (y == ye && s == Tri::kUnknown)
                        years_unknown_[ci][a].push_back(static_cast<int>(want));
                }
                fin[a * ny_ + y] = no > 0 ? Tri::kNo : yes == expected ? Tri::kYes : Tri::kUnknown;
                fval[a * ny_ + y] = yes;
                fthr[a * ny_ + y] = expected;
            }
        }
        for (auto& v : years_met_[ci]) std::sort(v.begin(), v.end());
        for (auto& v : years_unknown_[ci]) std::sort(v.begin(), v.end());
    }
    state_[ci] = std::move(fin);
    value_[ci] = std::move(fval);
    threshold_[ci] = std::move(fthr);
    done_[ci] = 1;
}

Evaluation Evaluator::run() {
    // Areas.
    if (!in_.areas.empty()) {
        for (const auto& a : in_.areas) space_.add(a.code);
    } else {
        for (const auto& v : r_.variables) {
            if (!v.from_level.empty()) continue;
            for (const auto& s : v.sum) {
                const Table& t = dataset(s.dataset);
                const Column& codes = *t.find("code");
                for (std::size_t row = 0; row < t.row_count(); ++row) space_.add(codes.text_at(row));
            }
        }
    }
    na_ = space_.codes.size();
    // Measurement years: every year of the datasets read.
    std::set<int> ys;
    for (const auto& name : datasets_used(r_)) {
        const Column& y = *dataset(name).find("year");
        for (std::size_t row = 0; row < y.size(); ++row)
            if (!y.is_missing(row)) ys.insert(static_cast<int>(y.int_at(row)));
    }
    years_.assign(ys.begin(), ys.end());
    ny_ = years_.size();
    if (!ys.count(year_)) {
        throw UsageError(fmt::format("rule set {}: no data for {} in {} (years: {})", r_.name, year_,
                                     fmt::join(datasets_used(r_), ", "), fmt::join(years_, ", ")));
    }
    const std::size_t nc = r_.criteria.size();
    state_.assign(nc, {});
    value_.assign(nc, {});
    threshold_.assign(nc, {});
    done_.assign(nc, 0);
    years_met_.assign(nc, {});
    years_unknown_.assign(nc, {});
    for (std::size_t c = 0; c < nc; ++c) evaluate_criterion(c);
    const std::size_t ye = year_index(year_);
    Evaluation ev;
    ev.year = year_;
    ev.absent = absent_;
    for (int y : years_)
        if (y <= year_) ev.measurement_years.push_back(y);
    ev.areas.resize(na_);
    for (std::size_t a = 0; a < na_; ++a) {
        AreaResult& ar = ev.areas[a];
        ar.code = space_.codes[a];
        ar.criteria.resize(nc);
        for (std::size_t c = 0; c < nc; ++c) {
            CriterionResult& cr = ar.criteria[c];
            cr.state = state_[c][a * ny_ + ye];
            cr.value = value_[c][a * ny_ + ye];
            cr.threshold = threshold_[c][a * ny_ + ye];
            cr.years_met = std::move(years_met_[c][a]);
            cr.years_unknown = std::move(years_unknown_[c][a]);
        }
        for (const auto& d : r_.designations) {
            int yes = 0, unknown = 0;
            for (const auto& id : d.require) {
                const auto k = static_cast<std::size_t>(r_.find_criterion(id) - r_.criteria.data());
                yes += ar.criteria[k].state == Tri::kYes;
                unknown += ar.criteria[k].state == Tri::kUnknown;
            }
            const int n = static_cast<int>(d.require.size());
            ar.designations.push_back(yes == n ? Tri::kYes : yes + unknown < n ? Tri::kNo : Tri::kUnknown);
        }
    }
    // Groups of adjacent designated areas (connected components over the neighbour lists).
    if (r_.group_adjacent && in_.neighbours.size() == na_) {
        std::vector<char> des(na_, 0);
        for (std::size_t a = 0; a < na_; ++a)
            for (std::size_t d = 0; d < r_.designations.size(); ++d)
                des[a] = des[a] || (ev.areas[a].designations[d] == Tri::kYes &&
                                    counts_as_designated(r_, r_.designations[d], OutputOptions{}));
        int next = 0;
        for (std::size_t a = 0; a < na_; ++a) {
            if (!des[a] || ev.areas[a].group != 0) continue;
            ++next;
            std::vector<std::size_t> stack{a};
            ev.areas[a].group = next;
            while (!stack.empty()) {
                const std::size_t i = stack.back();
                stack.pop_back();
                for (std::uint32_t j : in_.neighbours[i]) {
                    if (j < na_ && des[j] && ev.areas[j].group == 0) {
                        ev.areas[j].group = next;
                        stack.push_back(j);
                    }
                }
            }
        }
        ev.group_count = static_cast<std::size_t>(next);
    }
    return ev;
}

std::string num(double v) {
    if (std::isnan(v)) return "missing";
    return fmt::format("{:.6g}", v);
}

}  // namespace

bool counts_as_designated(const RuleSet& r, const Designation& d, const OutputOptions& o) {
    if (!o.designation.empty()) return d.id == o.designation;
    return r.designated.empty() ||
           std::find(r.designated.begin(), r.designated.end(), d.id) != r.designated.end();
}

namespace {

// Criteria that feed the selected designations (their required criteria and everything below them).
std::vector<std::size_t> feeding(const RuleSet& r, const OutputOptions& o) {
    std::set<std::size_t> seen;
    std::vector<std::size_t> order;
    std::function<void(const std::string&)> add = [&](const std::string& id) {
        const auto k = static_cast<std::size_t>(r.find_criterion(id) - r.criteria.data());
        if (!seen.insert(k).second) return;
        order.push_back(k);
        for (const auto& ch : r.criteria[k].children) add(ch);
    };
    for (const auto& d : r.designations)
        if (counts_as_designated(r, d, o))
            for (const auto& id : d.require) add(id);
    std::sort(order.begin(), order.end());
    return order;
}

void check_designation(const RuleSet& r, const OutputOptions& o) {
    if (o.designation.empty()) return;
    for (const auto& d : r.designations)
        if (d.id == o.designation) return;
    std::vector<std::string> ids;
    for (const auto& d : r.designations) ids.push_back(d.id);
    throw UsageError(fmt::format("rule set {} has no designation '{}' (it has: {})", r.name, o.designation,
                                 fmt::join(ids, ", ")));
}

std::string criterion_text(const Criterion& c, const CriterionResult& cr) {
    if (c.persistence != Persistence::kNone) {
        std::string years =
            cr.years_met.empty() ? std::string("none") : fmt::format("{}", fmt::join(cr.years_met, "/"));
        if (!cr.years_unknown.empty()) years += fmt::format(", no data {}", fmt::join(cr.years_unknown, "/"));
        return fmt::format("{} (met in {} measurements: {}, needs {}{})", c.id, num(cr.value), years,
                           num(cr.threshold), c.persistence == Persistence::kRunning ? " running" : "");
    }
    switch (c.kind) {
        case Kind::kCompare:
            return fmt::format("{} ({}, needs {} {})", c.id, num(cr.value), op_text(c.op), num(cr.threshold));
        case Kind::kAtLeast:
            return fmt::format("{} ({} of {} met, needs {})", c.id, num(cr.value), c.children.size(),
                               num(cr.threshold));
        case Kind::kAllOf:
        case Kind::kAnyOf:
            return fmt::format("{} ({} of {} met)", c.id, num(cr.value), c.children.size());
        case Kind::kNot:
            return fmt::format("{} (not {})", c.id, c.children.front());
        case Kind::kSelect:
            return fmt::format("{} ({}, needs {})", c.id, num(cr.value), num(cr.threshold));
    }
    return c.id;
}

std::string designation_reasons(const RuleSet& r, const Designation& d, const AreaResult& area) {
    std::vector<std::string> met, no, unk;
    for (const auto& id : d.require) {
        const auto k = static_cast<std::size_t>(r.find_criterion(id) - r.criteria.data());
        const auto& cr = area.criteria[k];
        const std::string t = criterion_text(r.criteria[k], cr);
        (cr.state == Tri::kYes ? met : cr.state == Tri::kNo ? no : unk).push_back(t);
    }
    std::vector<std::string> parts;
    if (!no.empty()) parts.push_back(fmt::format("not met: {}", fmt::join(no, ", ")));
    if (!unk.empty()) parts.push_back(fmt::format("unknown: {}", fmt::join(unk, ", ")));
    if (!met.empty()) parts.push_back(fmt::format("met: {}", fmt::join(met, ", ")));
    return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

Evaluation evaluate(const RuleSet& rules, const Inputs& inputs, int year) {
    Evaluator e(rules, inputs, year);
    return e.run();
}

Tri designated_state(const RuleSet& rules, const AreaResult& area, const OutputOptions& options) {
    bool unknown = false;
    for (std::size_t d = 0; d < rules.designations.size(); ++d) {
        if (!counts_as_designated(rules, rules.designations[d], options)) continue;
        if (area.designations[d] == Tri::kYes) return Tri::kYes;
        unknown = unknown || area.designations[d] == Tri::kUnknown;
    }
    return unknown ? Tri::kUnknown : Tri::kNo;
}

std::string reasons_text(const RuleSet& rules, const AreaResult& area, const OutputOptions& options) {
    std::vector<std::string> parts;
    std::size_t counted = 0;
    for (const auto& des : rules.designations) counted += counts_as_designated(rules, des, options);
    const bool single = counted == 1;
    for (std::size_t d = 0; d < rules.designations.size(); ++d) {
        const auto& des = rules.designations[d];
        if (!counts_as_designated(rules, des, options)) continue;
        const std::string body = designation_reasons(rules, des, area);
        parts.push_back(single ? body
                               : fmt::format("{} {}: {}", des.id, tri_name(area.designations[d]), body));
    }
    return fmt::format("{}", fmt::join(parts, " | "));
}

Table summary_table(const RuleSet& rules, const Evaluation& ev, const OutputOptions& options) {
    check_designation(rules, options);
    const auto feed = feeding(rules, options);
    Table t;
    Column code("code", ColumnType::kText), designated("designated", ColumnType::kInt),
        designation("designation", ColumnType::kText), met("criteria_met", ColumnType::kInt),
        unknown("criteria_unknown", ColumnType::kInt), reasons("reasons", ColumnType::kText),
        group("group", ColumnType::kInt);
    std::vector<Column> per;
    for (const auto& c : rules.criteria) {
        per.emplace_back(c.id + "_state", ColumnType::kText);
        per.emplace_back(c.id + "_value", ColumnType::kReal);
        per.emplace_back(c.id + "_threshold", ColumnType::kReal);
        per.emplace_back(c.id + "_years", ColumnType::kText);
    }
    for (const auto& a : ev.areas) {
        code.push_text(a.code);
        const Tri d = designated_state(rules, a, options);
        if (d == Tri::kUnknown) {
            designated.push_missing(Missing::kNotAvailable);
        } else {
            designated.push_int(d == Tri::kYes ? 1 : 0);
        }
        std::vector<std::string> ids;
        for (std::size_t k = 0; k < rules.designations.size(); ++k)
            if (a.designations[k] == Tri::kYes &&
                (options.designation.empty() || rules.designations[k].id == options.designation))
                ids.push_back(rules.designations[k].id);
        designation.push_text(fmt::format("{}", fmt::join(ids, ";")));
        int m = 0, u = 0;
        for (auto k : feed) {
            m += a.criteria[k].state == Tri::kYes;
            u += a.criteria[k].state == Tri::kUnknown;
        }
        met.push_int(m);
        unknown.push_int(u);
        reasons.push_text(reasons_text(rules, a, options));
        if (a.group > 0) {
            group.push_int(a.group);
        } else {
            group.push_missing(Missing::kEmpty);
        }
        for (std::size_t k = 0; k < rules.criteria.size(); ++k) {
            const auto& cr = a.criteria[k];
            per[4 * k].push_text(std::string(tri_name(cr.state)));
            if (std::isnan(cr.value)) {
                per[4 * k + 1].push_missing(Missing::kNotAvailable);
            } else {
                per[4 * k + 1].push_real(cr.value);
            }
            if (std::isnan(cr.threshold)) {
                per[4 * k + 2].push_missing(Missing::kNotAvailable);
            } else {
                per[4 * k + 2].push_real(cr.threshold);
            }
            per[4 * k + 3].push_text(fmt::format("{}", fmt::join(cr.years_met, ";")));
        }
    }
    t.add_column(std::move(code));
    t.add_column(std::move(designated));
    t.add_column(std::move(met));
    t.add_column(std::move(unknown));
    t.add_column(std::move(reasons));
    t.add_column(std::move(designation));
    t.add_column(std::move(group));
    for (std::size_t k = 0; k < rules.criteria.size(); ++k) {
        for (std::size_t j = 0; j < 4; ++j) {
            if (j == 3 && rules.criteria[k].persistence == Persistence::kNone) continue;
            t.add_column(std::move(per[4 * k + j]));
        }
    }
    return t;
}

Table detail_table(const RuleSet& rules, const Evaluation& ev) {
    Table t;
    Column code("code", ColumnType::kText), crit("criterion", ColumnType::kText),
        state("state", ColumnType::kText), value("value", ColumnType::kReal),
        thr("threshold", ColumnType::kReal), op("op", ColumnType::kText), ym("years_met", ColumnType::kText),
        yu("years_unknown", ColumnType::kText);
    for (const auto& a : ev.areas) {
        for (std::size_t k = 0; k < rules.criteria.size(); ++k) {
            const auto& c = rules.criteria[k];
            const auto& cr = a.criteria[k];
            code.push_text(a.code);
            crit.push_text(c.id);
            state.push_text(std::string(tri_name(cr.state)));
            if (std::isnan(cr.value)) {
                value.push_missing(Missing::kNotAvailable);
            } else {
                value.push_real(cr.value);
            }
            if (std::isnan(cr.threshold)) {
                thr.push_missing(Missing::kNotAvailable);
            } else {
                thr.push_real(cr.threshold);
            }
            op.push_text(c.kind == Kind::kCompare && c.persistence == Persistence::kNone
                             ? std::string(op_text(c.op))
                             : ">=");
            ym.push_text(fmt::format("{}", fmt::join(cr.years_met, ";")));
            yu.push_text(fmt::format("{}", fmt::join(cr.years_unknown, ";")));
        }
    }
    for (auto* c : {&code, &crit, &state, &value, &op, &thr, &ym, &yu}) t.add_column(std::move(*c));
    return t;
}

Counts count_results(const RuleSet& rules, const Evaluation& ev, const OutputOptions& options) {
    check_designation(rules, options);
    Counts c;
    c.areas = ev.areas.size();
    for (const auto& d : rules.designations) c.per_designation[d.id] = 0;
    for (const auto& a : ev.areas) {
        if (designated_state(rules, a, options) == Tri::kYes) ++c.designated;
        for (std::size_t d = 0; d < rules.designations.size(); ++d)
            if (a.designations[d] == Tri::kYes) ++c.per_designation[rules.designations[d].id];
        for (std::size_t k = 0; k < rules.criteria.size(); ++k) {
            if (a.criteria[k].state == Tri::kUnknown) {
                ++c.unknown_per_criterion[rules.criteria[k].id];
                ++c.unknown_criteria;
            }
        }
    }
    return c;
}

Table compare_table(const RuleSet& a, const Evaluation& ea, const RuleSet& b, const Evaluation& eb,
                    const OutputOptions& oa, const OutputOptions& ob) {
    check_designation(a, oa);
    check_designation(b, ob);
    std::unordered_map<std::string, std::size_t> ib;
    for (std::size_t i = 0; i < eb.areas.size(); ++i) ib.emplace(eb.areas[i].code, i);
    Table t;
    Column code("code", ColumnType::kText), da("designated_a", ColumnType::kText),
        db("designated_b", ColumnType::kText), status("status", ColumnType::kText),
        why("why", ColumnType::kText);
    std::set<std::string> seen;
    auto row = [&](const std::string& c, const AreaResult* ra, const AreaResult* rb) {
        const Tri ta = ra ? designated_state(a, *ra, oa) : Tri::kUnknown;
        const Tri tb = rb ? designated_state(b, *rb, ob) : Tri::kUnknown;
        code.push_text(c);
        da.push_text(std::string(tri_name(ta)));
        db.push_text(std::string(tri_name(tb)));
        std::string s, w;
        if (ta == Tri::kYes && tb == Tri::kYes) {
            s = "both";
        } else if (ta == Tri::kYes) {
            s = "only_a";
            w = rb ? fmt::format("{}: {}", b.name, reasons_text(b, *rb, ob))
                   : b.name + ": area not evaluated";
        } else if (tb == Tri::kYes) {
            s = "only_b";
            w = ra ? fmt::format("{}: {}", a.name, reasons_text(a, *ra, oa))
                   : a.name + ": area not evaluated";
        } else if (ta == Tri::kUnknown || tb == Tri::kUnknown) {
            s = "undecided";
        } else {
            s = "neither";
        }
        status.push_text(s);
        why.push_text(w);
    };
    for (const auto& ra : ea.areas) {
        seen.insert(ra.code);
        auto it = ib.find(ra.code);
        row(ra.code, &ra, it == ib.end() ? nullptr : &eb.areas[it->second]);
    }
    for (const auto& rb : eb.areas)
        if (!seen.count(rb.code)) row(rb.code, nullptr, &rb);
    for (auto* c : {&code, &da, &db, &status, &why}) t.add_column(std::move(*c));
    return t;
}

}  // namespace wz::typology
