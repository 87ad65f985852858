#include "liveability/classify.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>

namespace wz::liveability {
namespace {

struct Score {
    std::int64_t year;
    double relative;
    double absolute;
};

void count(Agreement& a, int computed, std::int64_t published, double distance, double tolerance) {
    ++a.compared;
    if (computed == published) {
        ++a.equal;
        return;
    }
    if (distance <= tolerance) ++a.mismatches_near_edge;
    a.farthest_mismatch = std::max(a.farthest_mismatch, distance);
}

}  // namespace

ClassifiedScores classify_scores(const Table& scores, const Table& published_development,
                                 const ModelPreset& preset, double edge_tolerance) {
    const Column& code = scores.column("code");
    const Column& year = scores.column("year");
    const Column& total = scores.column(preset.total);
    const Column* published = preset.published_class.empty() ? nullptr : scores.find(preset.published_class);
    std::vector<const Column*> dims;
    if (!preset.dimension_bounds.empty()) {
        for (const auto& d : preset.dimensions) dims.push_back(scores.find(d.key));
    }

    ClassifiedScores out;
    Column o_code("code", ColumnType::kText);
    Column o_year("year", ColumnType::kInt);
    Column o_rel("relative", ColumnType::kReal);
    Column o_score("score", ColumnType::kReal);
    Column o_class("class", ColumnType::kInt);
    Column o_pub("published_class", ColumnType::kInt);
    std::vector<Column> o_dims;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] != nullptr) o_dims.emplace_back("class_" + preset.dimensions[i].code, ColumnType::kInt);
    }
    // Scores per area, for development.
    std::vector<std::string> order;
    std::unordered_map<std::string, std::vector<Score>> by_area;
    for (std::size_t r = 0; r < scores.row_count(); ++r) {
        if (total.is_missing(r) || year.is_missing(r) || code.is_missing(r)) continue;
        const int y = static_cast<int>(year.int_at(r));
        const double rel = total.number_at(r);
        const auto abs = preset.to_absolute(rel, y);
        const auto on = preset.class_score(rel, y);
        if (!on) continue;  // no constant for this year: not classified (reported by the caller)
        const int k = preset.classes.classify(*on);
        o_code.push_text(code.text_at(r));
        o_year.push_int(y);
        o_rel.push_real(rel);
        if (abs) {
            o_score.push_real(*abs);
        } else {
            o_score.push_missing(Missing::kEmpty);
        }
        o_class.push_int(k);
        if (published != nullptr && !published->is_missing(r)) {
            const auto pub = static_cast<std::int64_t>(published->number_at(r));
            o_pub.push_int(pub);
            count(out.class_agreement, k, pub, preset.classes.distance_to_edge(*on), edge_tolerance);
        } else {
            o_pub.push_missing(Missing::kEmpty);
        }
        std::size_t j = 0;
        for (const Column* d : dims) {
            if (d == nullptr) continue;
            if (d->is_missing(r)) {
                o_dims[j].push_missing(Missing::kEmpty);
            } else {
                o_dims[j].push_int(symmetric_dimension_class(d->number_at(r), preset.dimension_bounds));
            }
            ++j;
        }
        auto [it, inserted] = by_area.try_emplace(code.text_at(r));
        if (inserted) order.push_back(code.text_at(r));
        it->second.push_back({y, rel, abs.value_or(rel)});
    }
    out.scores.add_column(std::move(o_code));
    out.scores.add_column(std::move(o_year));
    out.scores.add_column(std::move(o_rel));
    out.scores.add_column(std::move(o_score));
    out.scores.add_column(std::move(o_class));
    for (auto& d : o_dims) out.scores.add_column(std::move(d));
    out.scores.add_column(std::move(o_pub));

    // Published development classes by (code, from, to).
    std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::int64_t> pub_dev;
    if (published_development.row_count() > 0 && !preset.published_development.empty()) {
        const Column& c = published_development.column("code");
        const Column& f = published_development.column("from_year");
        const Column& t = published_development.column("to_year");
        const Column& v = published_development.column(preset.published_development);
        for (std::size_t r = 0; r < published_development.row_count(); ++r) {
            if (!v.is_missing(r))
                pub_dev[{c.text_at(r), f.int_at(r), t.int_at(r)}] = static_cast<std::int64_t>(v.number_at(r));
        }
    }
    Column d_code("code", ColumnType::kText);
    Column d_from("from_year", ColumnType::kInt);
    Column d_to("to_year", ColumnType::kInt);
    Column d_change("change", ColumnType::kReal);
    Column d_class("development_class", ColumnType::kInt);
    Column d_pub("published_development_class", ColumnType::kInt);
    for (const auto& area : order) {
        auto& list = by_area[area];
        std::sort(list.begin(), list.end(), [](const Score& a, const Score& b) { return a.year < b.year; });
        for (std::size_t i = 0; i < list.size(); ++i) {
            for (std::size_t j = i + 1; j < list.size(); ++j) {
                const double change = list[j].absolute - list[i].absolute;
                const int k = preset.development.classify(change);
                d_code.push_text(area);
                d_from.push_int(list[i].year);
                d_to.push_int(list[j].year);
                d_change.push_real(change);
                d_class.push_int(k);
                auto it = pub_dev.find({area, list[i].year, list[j].year});
                if (it != pub_dev.end()) {
                    d_pub.push_int(it->second);
                    count(out.development_agreement, k, it->second,
                          preset.development.distance_to_edge(change), edge_tolerance);
                } else {
                    d_pub.push_missing(Missing::kEmpty);
                }
            }
        }
    }
    out.development.add_column(std::move(d_code));
    out.development.add_column(std::move(d_from));
    out.development.add_column(std::move(d_to));
    out.development.add_column(std::move(d_change));
    out.development.add_column(std::move(d_class));
    out.development.add_column(std::move(d_pub));
    return out;
}

}  // namespace wz::liveability
