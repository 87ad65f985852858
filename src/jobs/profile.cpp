#include "jobs/profile.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/area_scores.hpp"
#include "jobs/presets.hpp"

namespace wz::jobs {
namespace {

// The levels a profile can be asked for, finest first (the grid has its own maps, not profiles).
constexpr Level kProfileLevels[] = {Level::kBuurt, Level::kWijk,      Level::kGemeente, Level::kCoropPlus,
                                    Level::kCorop, Level::kProvincie, Level::kNederland};

const std::string& parent_of(const Area& a, std::size_t k) {
    switch (k) {
        case 0:
            return a.wijk;
        case 1:
            return a.gemeente;
        case 2:
            return a.corop;
        case 3:
            return a.corop_plus;
        default:
            return a.provincie;
    }
}

nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

nlohmann::json name_of_class(const std::vector<std::string>& names, int cls) {
    if (cls < 1 || static_cast<std::size_t>(cls) > names.size()) return nullptr;
    return names[static_cast<std::size_t>(cls - 1)];
}

// code -> area index of one level (areas sorted by code).
std::int64_t area_index(const ProfileLevel& level, std::string_view code) {
    const auto it = std::lower_bound(level.areas.begin(), level.areas.end(), code,
                                     [](const ProfileArea& a, std::string_view c) { return a.code < c; });
    if (it == level.areas.end() || it->code != code) return -1;
    return it - level.areas.begin();
}

// The areas of one level: those of its newest area layer and those with scores.
ProfileLevel load_level(const std::string& store, Level level, const std::set<std::string>& datasets,
                        std::vector<std::string>& dimensions) {
    ProfileLevel out;
    out.level = level;
    std::map<std::string, ProfileArea> areas;
    if (!area_vintages(store, level).empty()) {
        AreaLayer layer = read_area_layer(store, level, 0);
        out.vintage = layer.vintage;
        for (Area& a : layer.areas) {
            ProfileArea p;
            p.code = a.code;
            p.name = a.name;
            for (std::size_t k = 0; k < kProfileParents.size(); ++k) p.parents[k] = parent_of(a, k);
            areas.emplace(a.code, std::move(p));
        }
    }
    const std::string score_name = fmt::format("score_{}", level_name(level));
    if (datasets.count(score_name) != 0) {
        StoredAreaScores stored = read_area_scores(store, level);
        if (dimensions.empty()) dimensions = stored.dimensions;
        out.scores = std::move(stored.areas);
        for (const std::string& code : out.scores->codes) {
            ProfileArea& p = areas[code];
            if (p.code.empty()) {
                p.code = code;
                if (level == Level::kNederland) p.name = "Nederland";
            }
        }
    }
    out.areas.reserve(areas.size());
    for (auto& [code, a] : areas) out.areas.push_back(std::move(a));
    if (out.scores) {
        for (std::size_t i = 0; i < out.scores->codes.size(); ++i) {
            const std::int64_t at = area_index(out, out.scores->codes[i]);
            out.areas[static_cast<std::size_t>(at)].score_row = static_cast<std::int32_t>(i);
        }
    }
    return out;
}

void load_development(const std::string& store, ProfileLevel& level) {
    const Dataset ds = read_dataset(store, fmt::format("development_{}", level_name(level.level)),
                                    {"code", "from_year", "to_year", "change", "development_class"});
    const Table& t = ds.table;
    const Column& code = t.column("code");
    const Column& from = t.column("from_year");
    const Column& to = t.column("to_year");
    const Column& change = t.column("change");
    const Column& cls = t.column("development_class");
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        const std::int64_t at = area_index(level, code.to_text(r));
        if (at < 0) continue;
        ProfileDevelopment d;
        d.from = static_cast<int>(from.number_at(r));
        d.to = static_cast<int>(to.number_at(r));
        d.change = change.number_at(r);
        d.cls = cls.is_missing(r) ? 0 : static_cast<int>(cls.number_at(r));
        level.areas[static_cast<std::size_t>(at)].development.push_back(d);
    }
    for (ProfileArea& a : level.areas) {
        std::sort(a.development.begin(), a.development.end(), [](const auto& x, const auto& y) {
            return std::pair(x.from, x.to) < std::pair(y.from, y.to);
        });
    }
}

// The five nearest areas of each area in the dimension scores of the level's latest year (Euclidean
// distance, ties by code). Exact, by comparing every pair once at load time (n = 14,000 buurten: 10^8
// distances, a fraction of a second in parallel); areas without all dimension scores take no part.
void precompute_comparable(ProfileLevel& level) {
    if (!level.scores || level.scores->years.empty() || level.scores->dims.empty()) return;
    const monitor::AreaScores& s = *level.scores;
    const std::size_t y = s.years.size() - 1;
    const std::size_t d = s.dims.size();
    std::vector<std::uint32_t> members;  // area indexes (ascending = by code)
    std::vector<double> x;               // members * d
    for (std::size_t a = 0; a < level.areas.size(); ++a) {
        const std::int32_t row = level.areas[a].score_row;
        if (row < 0) continue;
        const std::size_t at = s.at(static_cast<std::size_t>(row), y);
        bool complete = true;
        for (std::size_t k = 0; k < d; ++k) complete = complete && std::isfinite(s.dims[k][at]);
        if (!complete) continue;
        members.push_back(static_cast<std::uint32_t>(a));
        for (std::size_t k = 0; k < d; ++k) x.push_back(s.dims[k][at]);
    }
    const std::size_t n = members.size();
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                // Best (squared distance, member) pairs, ascending; members ascend by code, so a later member
                // with an equal distance never displaces an earlier one.
                std::vector<std::pair<double, std::size_t>> best;
                best.reserve(kComparableAreas + 1);
                const double* xi = &x[i * d];
                for (std::size_t j = 0; j < n; ++j) {
                    if (j == i) continue;
                    const double* xj = &x[j * d];
                    double q = 0;
                    for (std::size_t k = 0; k < d; ++k) q += (xi[k] - xj[k]) * (xi[k] - xj[k]);
                    if (best.size() == kComparableAreas && q >= best.back().first) continue;
                    auto it = std::upper_bound(best.begin(), best.end(), q,
                                               [](double v, const auto& b) { return v < b.first; });
                    best.insert(it, {q, j});
                    if (best.size() > kComparableAreas) best.pop_back();
                }
                auto& out = level.areas[members[i]].comparable;
                for (const auto& [q, j] : best) out.push_back({members[j], std::sqrt(q)});
            }
        });
}

// The area of a code (any level), for filling in what the store holds about it.
ProfileArea* find_area(ProfileData& data, std::string_view code) {
    const auto it =
        std::lower_bound(data.index.begin(), data.index.end(), code,
                         [](const ProfileData::Ref& r, std::string_view c) { return r.code < c; });
    if (it == data.index.end() || it->code != code) return nullptr;
    return &data.levels[it->level].areas[it->area];
}

// Parents the area layer leaves out: the wijk and gemeente from the code's digits (CBS codes nest), the
// others from the nearest parent that has them (a buurt's COROP region is its gemeente's). Coarse levels
// first, so a buurt sees its gemeente's completed parents.
void fill_parents(ProfileData& data) {
    for (auto l = data.levels.rbegin(); l != data.levels.rend(); ++l) {
        for (ProfileArea& a : l->areas) {
            for (const auto& [k, level] :
                 {std::pair<std::size_t, Level>{0, Level::kWijk}, {1, Level::kGemeente}}) {
                if (!a.parents[k].empty() || l->level == level) continue;
                if (auto p = parent_code_from_code(a.code, level)) {
                    if (find_area(data, *p) != nullptr) a.parents[k] = *p;
                }
            }
            for (std::size_t k = 0; k < kProfileParents.size(); ++k) {
                if (a.parents[k].empty()) continue;
                const ProfileArea* parent = find_area(data, a.parents[k]);
                if (parent == nullptr) continue;
                for (std::size_t m = k + 1; m < kProfileParents.size(); ++m) {
                    if (a.parents[m].empty()) a.parents[m] = parent->parents[m];
                }
            }
        }
    }
}

std::string text_or_empty(const Column* c, std::size_t r) {
    return c == nullptr || c->is_missing(r) ? std::string() : c->to_text(r);
}

}  // namespace

const ProfileArea* ProfileData::find(std::string_view code, const ProfileLevel** level) const {
    const auto it = std::lower_bound(index.begin(), index.end(), code,
                                     [](const Ref& r, std::string_view c) { return r.code < c; });
    if (it == index.end() || it->code != code) return nullptr;
    const ProfileLevel& l = levels[it->level];
    if (level != nullptr) *level = &l;
    return &l.areas[it->area];
}

std::shared_ptr<const ProfileData> load_profile_data(const std::string& store) {
    auto data = std::make_shared<ProfileData>();
    data->store = store;
    const nlohmann::json inventory = store_inventory(store);
    std::set<std::string> names;
    for (const auto& ds : inventory["datasets"]) names.insert(ds["name"].get<std::string>());

    for (Level level : kProfileLevels) {
        ProfileLevel l = load_level(store, level, names, data->dimensions);
        if (l.areas.empty()) continue;
        if (names.count(fmt::format("development_{}", level_name(level))) != 0) load_development(store, l);
        data->levels.push_back(std::move(l));
    }
    for (std::uint32_t li = 0; li < data->levels.size(); ++li) {
        const ProfileLevel& l = data->levels[li];
        for (std::uint32_t a = 0; a < l.areas.size(); ++a) data->index.push_back({l.areas[a].code, li, a});
        if (l.level == Level::kNederland && l.scores) data->country = l.scores;
    }
    std::sort(data->index.begin(), data->index.end(),
              [](const auto& a, const auto& b) { return a.code < b.code; });
    fill_parents(*data);

    // The dimensions and the model preset of the scores (every score_<level> comes from one score run).
    for (const auto& ds : inventory["datasets"]) {
        if (ds.value("kind", "") != "score" || ds["name"] == "score_grid") continue;
        if (data->model.empty() && ds["meta"].contains("model") && ds["meta"]["model"].is_string())
            data->model = ds["meta"]["model"].get<std::string>();
    }
    if (!data->model.empty()) {
        try {
            const liveability::ModelPreset preset = load_model_preset(data->model);
            data->class_names = preset.classes.names;
            data->development_names = preset.development.names;
            data->class_colors = preset.classes.colors;
            data->development_colors = preset.development.colors;
            data->model_title = preset.title;
            for (const std::string& code : data->dimensions) {
                std::string name = code;
                for (const auto& d : preset.dimensions) {
                    if (d.code == code) name = d.name;
                }
                data->dimension_names.push_back(name);
            }
        } catch (const Error& e) {
            // The preset was a user's file that is gone: the profile shows classes without names.
            spdlog::warn("model preset '{}' of the scores cannot be read ({}): classes without names",
                         data->model, e.what());
        }
    }

    if (data->dimension_names.size() != data->dimensions.size()) data->dimension_names = data->dimensions;

    // Stored typology results: the designated areas with their reasons.
    // Stored hotspot results: spatial::hotspot_table's columns (id or code, quadrant, I_p, cluster).
    for (const auto& ds : inventory["datasets"]) {
        const std::string kind = ds.value("kind", "");
        const std::string name = ds["name"].get<std::string>();
        if (kind == "typology") {
            const nlohmann::json& meta = ds["meta"];
            const Dataset t = read_dataset(store, name);
            const Column* code = t.table.find("code");
            const Column* designated = t.table.find("designated");
            if (code == nullptr || designated == nullptr) continue;
            const Column* designation = t.table.find("designation");
            const Column* reasons = t.table.find("reasons");
            const auto ti = static_cast<std::uint32_t>(data->typologies.size());
            data->typologies.push_back({name, meta.value("rules", ""), meta.value("year", 0)});
            for (std::size_t r = 0; r < t.table.row_count(); ++r) {
                if (designated->is_missing(r) || designated->number_at(r) == 0) continue;
                ProfileArea* a = find_area(*data, code->to_text(r));
                if (a == nullptr) continue;
                a->designations.push_back({ti, text_or_empty(designation, r), text_or_empty(reasons, r)});
            }
        } else if (kind == "hotspots" || kind == "hotspot") {
            const Dataset t = read_dataset(store, name);
            const Column* code = t.table.find("code");
            if (code == nullptr) code = t.table.find("id");
            if (code == nullptr) continue;
            const Column* quadrant = t.table.find("quadrant");
            const Column* p = t.table.find("I_p");
            if (p == nullptr) p = t.table.find("p");
            const Column* cluster = t.table.find("cluster");
            const Column* significant = t.table.find("significant");
            const auto hi = static_cast<std::uint32_t>(data->hotspot_datasets.size());
            data->hotspot_datasets.push_back(name);
            for (std::size_t r = 0; r < t.table.row_count(); ++r) {
                ProfileArea* a = find_area(*data, code->to_text(r));
                if (a == nullptr) continue;
                ProfileHotspot h;
                h.dataset = hi;
                h.quadrant = text_or_empty(quadrant, r);
                h.p = p == nullptr ? std::nan("") : p->number_at(r);
                if (significant != nullptr && !significant->is_missing(r)) {
                    h.significant = significant->number_at(r) != 0;
                } else if (cluster != nullptr && !cluster->is_missing(r)) {
                    h.significant = cluster->to_text(r) != "ns";
                }
                a->hotspots.push_back(std::move(h));
            }
        }
    }
    for (ProfileLevel& l : data->levels) precompute_comparable(l);
    return data;
}

std::optional<nlohmann::json> area_profile(const ProfileData& data, std::string_view code) {
    const ProfileLevel* level = nullptr;
    const ProfileArea* area = data.find(code, &level);
    if (area == nullptr) return std::nullopt;
    nlohmann::json j;
    j["code"] = area->code;
    j["name"] = area->name.empty() ? nlohmann::json() : nlohmann::json(area->name);
    j["level"] = std::string(level_name(level->level));
    j["vintage"] = level->vintage == 0 ? nlohmann::json() : nlohmann::json(level->vintage);
    nlohmann::json parents = nlohmann::json::object();
    nlohmann::json parent_names = nlohmann::json::object();
    for (std::size_t k = 0; k < kProfileParents.size(); ++k) {
        const std::string key(kProfileParents[k]);
        const std::string& p = area->parents[k];
        parents[key] = p.empty() ? nlohmann::json() : nlohmann::json(p);
        if (p.empty()) continue;
        const ProfileArea* pa = data.find(p);
        parent_names[key] = pa == nullptr || pa->name.empty() ? nlohmann::json() : nlohmann::json(pa->name);
    }
    j["parents"] = std::move(parents);
    j["parent_names"] = std::move(parent_names);
    j["dimensions"] = data.dimensions;

    nlohmann::json years = nlohmann::json::array();
    nlohmann::json scores = nlohmann::json::array();
    if (level->scores && area->score_row >= 0) {
        const monitor::AreaScores& s = *level->scores;
        for (std::size_t y = 0; y < s.years.size(); ++y) {
            const std::size_t at = s.at(static_cast<std::size_t>(area->score_row), y);
            years.push_back(s.years[y]);
            nlohmann::json dims = nlohmann::json::object();
            for (std::size_t k = 0; k < data.dimensions.size() && k < s.dims.size(); ++k)
                dims[data.dimensions[k]] = number_or_null(s.dims[k][at]);
            scores.push_back({{"year", s.years[y]},
                              {"score", number_or_null(s.score[at])},
                              {"rel", number_or_null(s.rel[at])},
                              {"class", s.cls[at] == 0 ? nlohmann::json() : nlohmann::json(s.cls[at])},
                              {"class_name", name_of_class(data.class_names, s.cls[at])},
                              {"residents", number_or_null(s.residents[at])},
                              {"dimensions", std::move(dims)}});
        }
    }
    j["years"] = std::move(years);
    j["scores"] = std::move(scores);

    nlohmann::json country = nlohmann::json::array();
    if (data.country && !data.country->codes.empty()) {
        const monitor::AreaScores& s = *data.country;
        for (std::size_t y = 0; y < s.years.size(); ++y) {
            const std::size_t at = s.at(0, y);
            nlohmann::json dims = nlohmann::json::object();
            for (std::size_t k = 0; k < data.dimensions.size() && k < s.dims.size(); ++k)
                dims[data.dimensions[k]] = number_or_null(s.dims[k][at]);
            country.push_back({{"year", s.years[y]},
                               {"score", number_or_null(s.score[at])},
                               {"dimensions", std::move(dims)}});
        }
    }
    j["country"] = std::move(country);

    nlohmann::json development = nlohmann::json::array();
    for (const ProfileDevelopment& d : area->development) {
        development.push_back({{"from", d.from},
                               {"to", d.to},
                               {"change", number_or_null(d.change)},
                               {"class", d.cls == 0 ? nlohmann::json() : nlohmann::json(d.cls)},
                               {"class_name", name_of_class(data.development_names, d.cls)}});
    }
    j["development"] = std::move(development);

    nlohmann::json designations = nlohmann::json::array();
    for (const ProfileDesignation& d : area->designations) {
        const ProfileTypology& t = data.typologies[d.typology];
        designations.push_back(
            {{"dataset", t.dataset},
             {"rules", t.rules.empty() ? nlohmann::json() : nlohmann::json(t.rules)},
             {"year", t.year == 0 ? nlohmann::json() : nlohmann::json(t.year)},
             {"designation", d.designation.empty() ? nlohmann::json() : nlohmann::json(d.designation)},
             {"reasons", d.reasons.empty() ? nlohmann::json() : nlohmann::json(d.reasons)}});
    }
    j["designations"] = std::move(designations);

    nlohmann::json hotspots = nlohmann::json::array();
    for (const ProfileHotspot& h : area->hotspots) {
        hotspots.push_back(
            {{"dataset", data.hotspot_datasets[h.dataset]},
             {"quadrant", h.quadrant.empty() ? nlohmann::json() : nlohmann::json(h.quadrant)},
             {"p", number_or_null(h.p)},
             {"significant", h.significant ? nlohmann::json(*h.significant) : nlohmann::json()}});
    }
    j["hotspots"] = std::move(hotspots);

    nlohmann::json comparable = nlohmann::json::array();
    for (const ProfileNeighbour& n : area->comparable) {
        const ProfileArea& o = level->areas[n.area];
        nlohmann::json score, cls;
        if (level->scores && o.score_row >= 0) {
            const monitor::AreaScores& s = *level->scores;
            const std::size_t at = s.at(static_cast<std::size_t>(o.score_row), s.years.size() - 1);
            score = number_or_null(s.score[at]);
            if (s.cls[at] != 0) cls = s.cls[at];
        }
        comparable.push_back({{"code", o.code},
                              {"name", o.name.empty() ? nlohmann::json() : nlohmann::json(o.name)},
                              {"distance", n.distance},
                              {"score", std::move(score)},
                              {"class", std::move(cls)}});
    }
    j["comparable"] = std::move(comparable);
    return j;
}

std::string profile_codes_hint(const ProfileData& data) {
    if (data.index.empty()) return fmt::format("the store '{}' has no areas", data.store);
    std::string out;
    for (const ProfileLevel& l : data.levels) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} {} ({}…{})", l.areas.size(), level_name(l.level), l.areas.front().code,
                           l.areas.back().code);
    }
    return out;
}

}  // namespace wz::jobs
