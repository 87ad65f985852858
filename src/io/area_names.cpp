#include "io/area_names.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace wz {

namespace {

// U+00C0 … U+00FF (UTF-8 C3 80 … C3 BF) without their accents, lower case.
constexpr std::string_view kLatin1Folded =
    "aaaaaaaceeeeiiiidnoooooxouuuuyts"   // À … ß
    "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // à … ÿ
static_assert(kLatin1Folded.size() == 64);

// The bare name and the suffix of "Bergen (nh.)": {"bergen", "nh."}; no suffix: {name, ""}.
std::pair<std::string, std::string> split_suffix(const std::string& n) {
    if (n.size() < 4 || n.back() != ')') return {n, ""};
    const std::size_t open = n.rfind(" (");
    if (open == std::string::npos) return {n, ""};
    return {n.substr(0, open), n.substr(open + 2, n.size() - open - 3)};
}

// What a CBS suffix says: a level, or a province code.
struct SuffixMeaning {
    bool known = false;
    bool has_level = false;
    Level level = Level::kGemeente;
    std::string provincie;
};

SuffixMeaning meaning_of(std::string suffix) {
    suffix.erase(std::remove_if(suffix.begin(), suffix.end(), [](char c) { return c == '.' || c == ' '; }),
                 suffix.end());
    const std::pair<std::string_view, Level> levels[] = {
        {"gemeente", Level::kGemeente},   {"gem", Level::kGemeente}, {"pv", Level::kProvincie},
        {"provincie", Level::kProvincie}, {"cr", Level::kCorop},     {"corop", Level::kCorop},
        {"cp", Level::kCoropPlus},        {"wijk", Level::kWijk},    {"buurt", Level::kBuurt},
        {"land", Level::kNederland}};
    for (const auto& [tag, level] : levels)
        if (suffix == tag) return {true, true, level, ""};
    const std::pair<std::string_view, std::string_view> provinces[] = {
        {"gr", "PV20"}, {"gn", "PV20"},  {"fr", "PV21"},    {"fl", "PV24"},  {"dr", "PV22"},
        {"o", "PV23"},  {"ov", "PV23"},  {"flevo", "PV24"}, {"gld", "PV25"}, {"gl", "PV25"},
        {"g", "PV25"},  {"u", "PV26"},   {"ut", "PV26"},    {"nh", "PV27"},  {"n-h", "PV27"},
        {"zh", "PV28"}, {"z-h", "PV28"}, {"z", "PV29"},     {"ze", "PV29"},  {"zl", "PV29"},
        {"nb", "PV30"}, {"n-b", "PV30"}, {"l", "PV31"},     {"lb", "PV31"},  {"li", "PV31"}};
    for (const auto& [tag, code] : provinces)
        if (suffix == tag) return {true, false, Level::kGemeente, std::string(code)};
    return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string normalise_area_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool space = false;
    auto put = [&](char c) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            return;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        const auto next = i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0U;
        if (c == 0xC3 && next >= 0x80 && next <= 0xBF) {
            put(kLatin1Folded[next - 0x80]);
            ++i;
        } else if (c == 0xC2 && next == 0xB4) {  // ´
            put('\'');
            ++i;
        } else if (c == 0xE2 && next == 0x80 && i + 2 < name.size() &&
                   (static_cast<unsigned char>(name[i + 2]) == 0x98 ||
                    static_cast<unsigned char>(name[i + 2]) == 0x99)) {  // ‘ ’
            put('\'');
            i += 2;
        } else if (c == '`') {
            put('\'');
        } else {
            put(static_cast<char>(c));
        }
    }
    return out;
}

AreaNameIndex::AreaNameIndex(std::vector<NamedArea> areas) : areas_(std::move(areas)) {
    if (std::none_of(areas_.begin(), areas_.end(), [](const NamedArea& a) { return a.code == "NL00"; }))
        areas_.push_back({"NL00", "Nederland", Level::kNederland, ""});
    for (const NamedArea& a : areas_) {
        normalised_.push_back(normalise_area_name(a.name));
        bare_.push_back(split_suffix(normalised_.back()).first);
    }
}

std::vector<std::size_t> AreaNameIndex::candidates(std::string_view name) const {
    const std::string n = normalise_area_name(name);
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < areas_.size(); ++i)
        if (normalised_[i] == n) out.push_back(i);
    if (!out.empty()) return out;
    const auto [bare, suffix] = split_suffix(n);
    if (suffix.empty()) return out;
    const SuffixMeaning m = meaning_of(suffix);
    if (!m.known) return out;
    for (std::size_t i = 0; i < areas_.size(); ++i) {
        if (bare_[i] != bare) continue;
        if (m.has_level && areas_[i].level != m.level) continue;
        if (!m.provincie.empty() && areas_[i].provincie != m.provincie) continue;
        out.push_back(i);
    }
    return out;
}

std::vector<std::string> AreaNameIndex::closest(std::string_view name, std::size_t n) const {
    const std::string want = normalise_area_name(name);
    std::vector<std::pair<std::size_t, std::size_t>> by_distance;  // distance, area
    by_distance.reserve(areas_.size());
    for (std::size_t i = 0; i < areas_.size(); ++i)
        by_distance.emplace_back(std::min(edit_distance(want, normalised_[i]), edit_distance(want, bare_[i])),
                                 i);
    const std::size_t keep = std::min(n, by_distance.size());
    std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(keep),
                      by_distance.end());
    std::vector<std::string> out;
    for (std::size_t k = 0; k < keep; ++k) {
        const NamedArea& a = areas_[by_distance[k].second];
        out.push_back(a.name + " (" + a.code + ")");
    }
    return out;
}

}  // namespace wz
