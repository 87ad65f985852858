#include "server/service.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "geo/geojson.hpp"
#include "io/gpkg_tables.hpp"
#include "io/mbtiles.hpp"
#include "io/store.hpp"
#include "io/table_csv.hpp"
#include "io/writers.hpp"
#include "jobs/json.hpp"
#include "jobs/presets.hpp"
#include "jobs/profile.hpp"
#include "jobs/stored_scores.hpp"
#include "jobs/tiles.hpp"
#include "server/audit.hpp"
#include "server/openapi.hpp"
#include "server/rate_limit.hpp"
#include "server/users.hpp"
#include "wijkzicht/version.hpp"

namespace wz::server {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string& Response::text() const {
    static const std::string empty;
    return body ? *body : empty;
}

// ---------------------------------------------------------------------------------------------------
// Small pieces: URL decoding, UTF-8, errors, ETags.

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hexval(text[i + 1]), lo = hexval(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+') {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    if (out.find('\0') != std::string::npos || !valid_utf8(out)) return std::nullopt;
    return out;
}

namespace {

// An answer that is not 200, raised inside a handler and turned into a JSON error at the edge.
struct HttpError {
    int status;
    std::string kind;
    std::string message;
    std::vector<std::pair<std::string, std::string>> headers = {};
};

[[noreturn]] void bad_request(const std::string& message) { throw HttpError{400, "usage", message}; }
[[noreturn]] void not_found(const std::string& message) { throw HttpError{404, "not_found", message}; }

Response json_response(const json& body, int status = 200) {
    Response r;
    r.status = status;
    r.body = std::make_shared<const std::string>(body.dump(-1, ' ', false, json::error_handler_t::replace));
    return r;
}

Response error_response(int status, const std::string& kind, const std::string& message) {
    Response r = json_response({{"error", {{"kind", kind}, {"message", message}}}}, status);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

std::string short_hash(std::string_view data) {
    unsigned char out[8];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
    static const char* hexd = "0123456789abcdef";
    std::string s;
    for (unsigned char b : out) {
        s.push_back(hexd[b >> 4]);
        s.push_back(hexd[b & 15]);
    }
    return s;
}

std::string now_iso() { return utc_now(); }

bool is_code_text(std::string_view s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The query of a request: every name once, only the names a path knows.
class Query {
  public:
    Query(std::string_view query, std::initializer_list<const char*> allowed) {
        if (query.size() > 1024) throw HttpError{414, "usage", "the query is longer than 1024 bytes"};
        std::size_t start = 0;
        while (start <= query.size() && !query.empty()) {
            std::size_t end = query.find('&', start);
            if (end == std::string_view::npos) end = query.size();
            const std::string_view part = query.substr(start, end - start);
            if (!part.empty()) {
                const std::size_t eq = part.find('=');
                const auto name = percent_decode(part.substr(0, eq));
                const auto value = percent_decode(eq == std::string_view::npos ? "" : part.substr(eq + 1));
                if (!name || !value) bad_request("a query parameter is not valid percent-encoded UTF-8");
                if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return *name == a; })) {
                    std::string known;
                    for (const char* a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
                    bad_request(fmt::format("unknown parameter '{}' (this path knows: {})", sanitise_for_log(*name, 40),
                                            known.empty() ? "none" : known));
                }
                if (!values_.emplace(*name, *value).second)
                    bad_request(fmt::format("parameter '{}' is given twice", *name));
            }
            start = end + 1;
        }
    }
    std::optional<std::string> get(const std::string& name) const {
        const auto it = values_.find(name);
        return it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    std::string required(const std::string& name) const {
        auto v = get(name);
        if (!v || v->empty()) bad_request(fmt::format("parameter '{}' is required", name));
        return *v;
    }
    long integer(const std::string& name, long def, long lo, long hi) const {
        const auto v = get(name);
        if (!v) return def;
        long out = 0;
        const auto* end = v->data() + v->size();
        const auto [p, ec] = std::from_chars(v->data(), end, out);
        if (v->empty() || ec != std::errc() || p != end || out < lo || out > hi)
            bad_request(fmt::format("parameter '{}' must be a whole number from {} to {}", name, lo, hi));
        return out;
    }
    std::string format(std::initializer_list<const char*> formats) const {
        const auto v = get("format");
        if (!v) return *formats.begin();
        for (const char* f : formats) {
            if (*v == f) return *v;
        }
        std::string known;
        for (const char* f : formats) known += (known.empty() ? "" : ", ") + std::string(f);
        bad_request(fmt::format("parameter 'format' must be one of: {}", known));
    }

  private:
    std::map<std::string, std::string> values_;
};

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

std::string content_type_of(const fs::path& p) {
    const std::string ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".wasm") return "application/wasm";
    if (ext == ".map") return "application/json";
    return "application/octet-stream";
}

// The gemeente an area code of the restricted tables belongs to ("" for the country).
std::string gemeente_of_area(std::string_view area) {
    if (area.size() >= 6 && (area.substr(0, 2) == "BU" || area.substr(0, 2) == "WK" || area.substr(0, 2) == "GM"))
        return "GM" + std::string(area.substr(2, 4));
    return "";
}

constexpr const char* kPublicCache = "public, max-age=3600";

}  // namespace

// ---------------------------------------------------------------------------------------------------
// What the service holds in memory.

struct LevelData {
    Level level = Level::kBuurt;
    int vintage = 0;
    std::vector<Area> areas;
    std::unordered_map<std::string, std::size_t> index;
    std::optional<Dataset> scores;
    std::vector<std::string> dims;
    std::map<std::int64_t, std::vector<std::size_t>> score_rows_by_year;
    std::optional<Dataset> development;
    mutable std::once_flag geojson_once;
    mutable std::vector<std::string> geojson;  // one geometry per area, WGS84, simplified

    const std::string& parent_of(std::size_t area, Level parent) const {
        const Area& a = areas[area];
        switch (parent) {
            case Level::kWijk: return a.wijk;
            case Level::kGemeente: return a.gemeente;
            case Level::kCorop: return a.corop;
            case Level::kCoropPlus: return a.corop_plus;
            case Level::kProvincie: return a.provincie;
            default: break;
        }
        static const std::string none;
        return none;
    }
};

struct SearchEntry {
    std::string code, name, lower_code, lower_name;
    Level level;
};

struct RestrictedTable {
    std::string name;
    Table table;
    std::vector<std::string> gemeente;  // per row ("" = the country)
};

struct CachedAnswer {
    Response response;
    std::size_t bytes = 0;
};

struct Service::Data {
    ServiceOptions options;
    std::string store_tag;  // changes when the store file changes
    json meta;
    json openapi;
    std::vector<std::unique_ptr<LevelData>> levels;
    std::vector<std::string> class_names, class_colors, development_names, development_colors;
    json picture;
    json typologies = json::array();
    json hotspots = json::array();
    std::map<std::string, std::size_t> datasets;  // name -> rows
    std::vector<SearchEntry> search;
    std::shared_ptr<const jobs::ProfileData> profiles;
    std::unique_ptr<MbTilesReader> tiles;
    std::string tiles_tag;
    std::map<std::string, RestrictedTable> restricted;
    std::unique_ptr<Authenticator> auth;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<RateLimiter> address_limit, user_limit;
    std::map<std::string, std::pair<std::string, std::shared_ptr<const std::string>>> static_files;
    // Answers of the public part, by target (bounded).
    mutable std::mutex cache_mutex;
    mutable std::unordered_map<std::string, CachedAnswer> cache;
    mutable std::size_t cache_bytes = 0;
    static constexpr std::size_t kCacheLimit = 512u << 20;

    const LevelData* level(Level l) const {
        for (const auto& d : levels) {
            if (d->level == l) return d.get();
        }
        return nullptr;
    }
    const LevelData& level_param(const std::string& text) const {
        const auto l = parse_level(text);
        const LevelData* d = l ? level(*l) : nullptr;
        if (d == nullptr) {
            std::string known;
            for (const auto& x : levels) known += (known.empty() ? "" : ", ") + std::string(level_name(x->level));
            bad_request(fmt::format("unknown level '{}' (this store has: {})", sanitise_for_log(text, 40), known));
        }
        return *d;
    }
    // Which area a code is (the level holding it and the index).
    std::optional<std::pair<const LevelData*, std::size_t>> find_area(const std::string& code) const {
        for (const auto& d : levels) {
            const auto it = d->index.find(code);
            if (it != d->index.end()) return std::make_pair(d.get(), it->second);
        }
        return std::nullopt;
    }
};

namespace {

std::string file_tag(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "0";
    return short_hash(fmt::format("{}:{}:{}.{}", path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec)).substr(0, 12);
}

void load_levels(Service::Data& d) {
    for (Level l : kAllLevels) {
        if (l == Level::kGrid || l == Level::kPc4) continue;
        if (area_vintages(d.options.store, l).empty()) continue;
        auto ld = std::make_unique<LevelData>();
        ld->level = l;
        AreaLayer layer = read_area_layer(d.options.store, l);
        ld->vintage = layer.vintage;
        ld->areas = std::move(layer.areas);
        for (std::size_t i = 0; i < ld->areas.size(); ++i) ld->index.emplace(ld->areas[i].code, i);
        ld->scores = find_dataset(d.options.store, fmt::format("score_{}", level_name(l)));
        if (ld->scores) {
            ld->dims = jobs::score_dimensions(ld->scores->table);
            const Column& year = ld->scores->table.column("year");
            for (std::size_t r = 0; r < year.size(); ++r) ld->score_rows_by_year[year.int_at(r)].push_back(r);
        }
        ld->development = find_dataset(d.options.store, fmt::format("development_{}", level_name(l)));
        for (const auto& a : ld->areas)
            d.search.push_back({a.code, a.name, ascii_lower(a.code), ascii_lower(a.name), l});
        d.levels.push_back(std::move(ld));
    }
}

void load_classes(Service::Data& d) {
    // The class names and colours of the model the scores were made with (lbm2 unless the run said).
    std::string model = "lbm2";
    for (const auto& ld : d.levels) {
        if (ld->scores && ld->scores->meta.contains("model") && ld->scores->meta["model"].is_string()) {
            model = ld->scores->meta["model"].get<std::string>();
            break;
        }
    }
    liveability::ModelPreset preset;
    try {
        preset = jobs::load_model_preset(model);
    } catch (const Error&) {
        preset = jobs::load_model_preset("lbm2");
    }
    d.class_names = preset.classes.names;
    d.class_colors = preset.classes.colors;
    d.development_names = preset.development.names;
    d.development_colors = preset.development.colors;
}

std::string text_of(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void load_results(Service::Data& d) {
    const json inv = store_inventory(d.options.store);
    json picture = json::object();
    for (const auto& ds : inv.value("datasets", json::array())) {
        const std::string name = text_of(ds, "name");
        const std::string kind = text_of(ds, "kind");
        d.datasets.emplace(name, ds.value("rows", std::size_t{0}));
        if (kind == "typology") {
            const json meta = ds.value("meta", json::object());
            d.typologies.push_back({{"dataset", name},
                                    {"level", ds.value("level", json(nullptr))},
                                    {"areas", ds.value("rows", 0)},
                                    {"designated", meta.value("designated", json(nullptr))},
                                    {"rules", meta.value("rules", json(nullptr))},
                                    {"title", meta.value("title", json(nullptr))},
                                    {"designation", meta.value("designation", json(nullptr))},
                                    {"year", meta.value("year", json(nullptr))}});
        } else if (kind == "hotspots") {
            const json meta = ds.value("meta", json::object());
            const json moran = meta.value("global_moran", json::object());
            const json local = meta.value("local", json::object());
            d.hotspots.push_back({{"dataset", name},
                                  {"level", ds.value("level", json(nullptr))},
                                  {"areas", ds.value("rows", 0)},
                                  {"year", meta.value("year", json(nullptr))},
                                  {"variable", meta.value("variable", json(nullptr))},
                                  // the dataset the values came from (stores of before 2026-12-03: "dataset")
                                  {"source", meta.value("source", meta.value("dataset", json(nullptr)))},
                                  {"weights", meta.value("weights", json::object()).value("spec", json(nullptr))},
                                  {"alpha", local.value("alpha", json(nullptr))},
                                  {"moran_I", moran.value("I", json(nullptr))},
                                  {"moran_p", moran.value("p", json(nullptr))},
                                  {"significant", local.value("I_significant_fdr", json(nullptr))}});
        } else if (name.rfind("picture_", 0) == 0) {
            const Dataset pd = read_dataset(d.options.store, name);
            if (name == "picture_tenure") {  // the curve with its breakpoint and interval
                json tenure = pd.meta;
                tenure["points"] = jobs::table_json(pd.table);
                picture["tenure"] = std::move(tenure);
            } else {
                picture[name.substr(8)] = jobs::table_json(pd.table);
            }
        } else if (text_of(ds, "level") == "pc4") {
            const Dataset pc = read_dataset(d.options.store, name, {"code"});
            std::set<std::string> codes(pc.table.columns()[0].texts().begin(), pc.table.columns()[0].texts().end());
            for (const auto& c : codes) {
                if (std::any_of(d.search.begin(), d.search.end(), [&](const SearchEntry& e) { return e.code == c; }))
                    continue;
                d.search.push_back({c, "postcode " + c, ascii_lower(c), "postcode " + c, Level::kPc4});
            }
        }
    }
    d.picture = std::move(picture);
}

void load_restricted(Service::Data& d) {
    if (d.options.restricted.empty()) return;
    for (const auto& name : gpkg_layer_names(d.options.restricted)) {
        if (name.rfind("risk_", 0) != 0) continue;
        RestrictedTable t;
        t.name = name;
        t.table = read_gpkg_table(d.options.restricted, name);
        const Column* area = t.table.find("area");
        if (area == nullptr || area->type() != ColumnType::kText)
            throw InputError(d.options.restricted, 0, 0, "an 'area' column in layer " + name, "none");
        for (std::size_t r = 0; r < area->size(); ++r) t.gemeente.push_back(gemeente_of_area(area->text_at(r)));
        d.restricted.emplace(name, std::move(t));
    }
    if (d.restricted.empty())
        throw InputError(d.options.restricted, 0, 0, "the risk_* layers of `wijkzicht risk publish`", "none");
}

void load_static(Service::Data& d) {
    if (d.options.web_dir.empty() || !fs::is_regular_file(fs::path(d.options.web_dir) / "index.html")) return;
    const fs::path root = fs::canonical(d.options.web_dir);
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string rel = "/" + fs::relative(e.path(), root).generic_string();
        d.static_files.emplace(rel, std::make_pair(content_type_of(e.path()),
                                                   std::make_shared<const std::string>(std::move(data))));
    }
}

json area_json(const LevelData& ld, std::size_t i) {
    const Area& a = ld.areas[i];
    json parents = json::object();
    const std::pair<const char*, const std::string*> ps[] = {
        {"wijk", &a.wijk}, {"gemeente", &a.gemeente}, {"corop", &a.corop}, {"corop_plus", &a.corop_plus}, {"provincie", &a.provincie}};
    for (const auto& [k, v] : ps) {
        if (!v->empty()) parents[k] = *v;
    }
    return {{"code", a.code}, {"name", a.name}, {"level", level_name(ld.level)}, {"vintage", ld.vintage}, {"parents", parents}};
}

// The areas of a level filtered by `parent` (a code of a coarser level), all when empty.
std::vector<std::size_t> areas_under(const LevelData& ld, const std::optional<std::string>& parent) {
    std::vector<std::size_t> out;
    if (!parent || parent->empty()) {
        out.resize(ld.areas.size());
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
        return out;
    }
    if (!is_code_text(*parent)) bad_request("parameter 'parent' must be an area code such as GM0014");
    const auto pl = level_of_code(*parent);
    if (!pl || *pl == ld.level || *pl == Level::kGrid || *pl == Level::kPc4)
        bad_request(fmt::format("parameter 'parent' must be a code of a level above {} (wijk, gemeente, corop, "
                                "corop_plus or provincie)", level_name(ld.level)));
    for (std::size_t i = 0; i < ld.areas.size(); ++i) {
        if (ld.parent_of(i, *pl) == *parent) out.push_back(i);
    }
    return out;
}

}  // namespace

Service::Service(const ServiceOptions& options) : d_(std::make_unique<Data>()) {
    if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
    d_->options = options;
    Data& d = *d_;
    if (!fs::is_regular_file(options.store)) throw NotFoundError(fmt::format("no store '{}'", options.store));
    d.store_tag = file_tag(options.store);
    d.address_limit = std::make_unique<RateLimiter>(options.address_rate, options.address_burst);
    d.user_limit = std::make_unique<RateLimiter>(options.user_rate, options.user_burst);
    load_levels(d);
    load_classes(d);
    load_results(d);
    d.profiles = jobs::load_profile_data(options.store);
    load_restricted(d);
    load_static(d);
    const std::string tiles = options.tiles.empty() ? jobs::default_tiles_path(options.store) : options.tiles;
    if (fs::is_regular_file(tiles)) {
        d.tiles = std::make_unique<MbTilesReader>(tiles);
        d.tiles_tag = file_tag(tiles);
    } else if (!options.tiles.empty()) {
        throw NotFoundError(fmt::format("no tile set '{}' (make it with `wijkzicht tiles --store {}`)", tiles, options.store));
    }
    d.auth = std::make_unique<Authenticator>(Users::load(options.users));
    std::string audit = options.audit_log;
    if (audit.empty()) {
        fs::path u(options.users.empty() ? options.store : options.users);
        audit = (u.parent_path() / (u.stem().string() + ".audit.log")).string();
    }
    d.audit = std::make_unique<AuditLog>(audit);
    // Meta: what the dashboard needs to draw its controls.
    json levels = json::array();
    std::set<std::int64_t> all_years;
    for (const auto& ld : d.levels) {
        json years = json::array();
        for (const auto& [y, rows] : ld->score_rows_by_year) {
            years.push_back(y);
            all_years.insert(y);
        }
        levels.push_back({{"level", level_name(ld->level)},
                          {"vintage", ld->vintage},
                          {"areas", ld->areas.size()},
                          {"years", years},
                          {"scores", ld->scores.has_value()},
                          {"dimensions", ld->dims}});
    }
    json classes = json::array();
    for (std::size_t k = 0; k < d.class_names.size(); ++k)
        classes.push_back({{"class", k + 1}, {"name", d.class_names[k]},
                           {"color", k < d.class_colors.size() ? json(d.class_colors[k]) : json(nullptr)}});
    json dev = json::array();
    for (std::size_t k = 0; k < d.development_names.size(); ++k)
        dev.push_back({{"class", k + 1}, {"name", d.development_names[k]},
                       {"color", k < d.development_colors.size() ? json(d.development_colors[k]) : json(nullptr)}});
    json dimensions = json::array();
    {
        const auto preset = jobs::load_model_preset("lbm2");
        for (const auto& dim : preset.dimensions) dimensions.push_back({{"key", dim.code}, {"name", dim.name}});
    }
    json tiles_meta = nullptr;
    if (d.tiles) {
        const auto& m = d.tiles->metadata();
        tiles_meta = {{"tilejson", "/tiles.json"},
                      {"url", "/tiles/{z}/{x}/{y}.pbf"},
                      {"minzoom", m.count("minzoom") ? std::stoi(m.at("minzoom")) : 0},
                      {"maxzoom", m.count("maxzoom") ? std::stoi(m.at("maxzoom")) : 14},
                      {"bounds", m.count("bounds") ? json(m.at("bounds")) : json(nullptr)}};
    }
    d.meta = {{"version", kVersion},
              {"store", fs::path(options.store).filename().string()},
              {"levels", levels},
              {"years", all_years},
              {"dimensions", dimensions},
              {"classes", classes},
              {"development_classes", dev},
              {"tiles", tiles_meta},
              {"typologies", d.typologies.size()},
              {"restricted", !d.restricted.empty()}};
    d.openapi = openapi_document(kVersion);
}

Service::~Service() = default;

const nlohmann::json& Service::openapi() const { return d_->openapi; }

nlohmann::json Service::summary() const {
    json levels = json::object();
    for (const auto& ld : d_->levels) levels[std::string(level_name(ld->level))] = ld->areas.size();
    json restricted = json::array();
    for (const auto& [name, t] : d_->restricted) restricted.push_back({{"table", name}, {"rows", t.table.row_count()}});
    return {{"store", d_->options.store},
            {"areas", levels},
            {"datasets", d_->datasets.size()},
            {"tiles", d_->tiles ? json(d_->tiles->path()) : json(nullptr)},
            {"restricted", restricted},
            {"users", d_->auth->users().all().size()},
            {"audit_log", d_->audit->path()},
            {"dashboard", d_->static_files.empty() ? json(nullptr) : json(d_->options.web_dir)}};
}

// ---------------------------------------------------------------------------------------------------
// Handlers.

namespace {

struct Ctx {
    const Service::Data& d;
    const Request& req;
    std::string path;
    std::string query;
};

Response csv_response(std::string text, const std::string& filename) {
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::make_shared<const std::string>(std::move(text));
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
    return r;
}

Response handle_areas(const Ctx& c) {
    const Query q(c.query, {"level", "parent", "format", "limit", "offset"});
    const LevelData& ld = c.d.level_param(q.required("level"));
    const std::string format = q.format({"json", "geojson"});
    const auto rows = areas_under(ld, q.get("parent"));
    const long limit = q.integer("limit", static_cast<long>(c.d.options.max_rows), 1, static_cast<long>(c.d.options.max_rows));
    const long offset = q.integer("offset", 0, 0, 100000000);
    const std::size_t from = std::min(rows.size(), static_cast<std::size_t>(offset));
    const std::size_t to = std::min(rows.size(), from + static_cast<std::size_t>(limit));
    if (format == "json") {
        json items = json::array();
        for (std::size_t k = from; k < to; ++k) items.push_back(area_json(ld, rows[k]));
        return json_response({{"level", level_name(ld.level)}, {"vintage", ld.vintage}, {"total", rows.size()},
                              {"offset", from}, {"areas", items}});
    }
    std::call_once(ld.geojson_once, [&] {
        std::vector<const std::vector<std::uint8_t>*> wkb;
        for (const auto& a : ld.areas) wkb.push_back(&a.wkb);
        // Tolerance by level: 10 m for buurten and wijken, 50 m for coarser areas.
        const double tol = (ld.level == Level::kBuurt || ld.level == Level::kWijk) ? 10.0 : 50.0;
        ld.geojson = geo::geojson_wgs84(wkb, tol, 6);
    });
    std::string out = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t k = from; k < to; ++k) {
        if (k > from) out += ',';
        json props = area_json(ld, rows[k]);
        out += R"({"type":"Feature","properties":)" + props.dump() + R"(,"geometry":)" + ld.geojson[rows[k]] + "}";
    }
    out += "]}";
    Response r;
    r.content_type = "application/geo+json";
    r.body = std::make_shared<const std::string>(std::move(out));
    return r;
}

Response handle_area(const Ctx& c, const std::string& code) {
    const Query q(c.query, {});
    if (!is_code_text(code)) bad_request("an area code has letters and digits only (e.g. BU00140000, GM0014)");
    const auto a = c.d.find_area(code);
    if (!a) not_found(fmt::format("no area '{}' in this store", code));
    return json_response(area_json(*a->first, a->second));
}

json score_row_json(const Service::Data& d, const LevelData& ld, std::size_t r) {
    const Table& t = ld.scores->table;
    const std::string& code = t.column("code").text_at(r);
    const auto it = ld.index.find(code);
    json row = {{"code", code}, {"name", it == ld.index.end() ? json(nullptr) : json(ld.areas[it->second].name)},
                {"year", t.column("year").int_at(r)}};
    for (const char* k : {"score", "rel"}) row[k] = t.column(k).is_missing(r) ? json(nullptr) : jobs::number_or_null(t.column(k).number_at(r));
    for (const auto& dim : ld.dims) row[dim] = t.column(dim).is_missing(r) ? json(nullptr) : jobs::number_or_null(t.column(dim).number_at(r));
    const Column& cls = t.column("class");
    if (cls.is_missing(r) || cls.number_at(r) < 1) {
        row["class"] = nullptr;
        row["class_name"] = nullptr;
    } else {
        const auto k = static_cast<std::size_t>(cls.number_at(r));
        row["class"] = k;
        row["class_name"] = k <= d.class_names.size() ? json(d.class_names[k - 1]) : json(nullptr);
    }
    const Column* res = t.find("residents");
    row["residents"] = res == nullptr || res->is_missing(r) ? json(nullptr) : jobs::number_or_null(res->number_at(r));
    return row;
}

Response handle_scores(const Ctx& c) {
    const Query q(c.query, {"level", "year", "parent", "format"});
    const LevelData& ld = c.d.level_param(q.required("level"));
    if (!ld.scores) not_found(fmt::format("this store has no scores for level {} (run `wijkzicht score`)", level_name(ld.level)));
    const long year = q.integer("year", ld.score_rows_by_year.rbegin()->first, 1900, 2100);
    const auto it = ld.score_rows_by_year.find(year);
    if (it == ld.score_rows_by_year.end()) {
        std::string years;
        for (const auto& [y, r] : ld.score_rows_by_year) years += (years.empty() ? "" : ", ") + std::to_string(y);
        not_found(fmt::format("no scores of {} for {} (years: {})", level_name(ld.level), year, years));
    }
    const std::string format = q.format({"json", "csv"});
    std::vector<std::size_t> rows = it->second;
    if (const auto parent = q.get("parent")) {
        const auto keep = areas_under(ld, parent);
        std::set<std::string_view> codes;
        for (std::size_t i : keep) codes.insert(ld.areas[i].code);
        const Column& code = ld.scores->table.column("code");
        std::erase_if(rows, [&](std::size_t r) { return !codes.count(code.text_at(r)); });
    }
    if (format == "csv") {
        return csv_response(table_csv_text(take_rows(ld.scores->table, rows)),
                            fmt::format("scores_{}_{}.csv", level_name(ld.level), year));
    }
    json items = json::array();
    for (std::size_t r : rows) items.push_back(score_row_json(c.d, ld, r));
    return json_response({{"level", level_name(ld.level)}, {"year", year}, {"dimensions", ld.dims}, {"rows", items}});
}

Response handle_development(const Ctx& c) {
    const Query q(c.query, {"level", "from", "to", "parent", "format"});
    const LevelData& ld = c.d.level_param(q.required("level"));
    if (!ld.development) not_found(fmt::format("this store has no development for level {}", level_name(ld.level)));
    const long from = q.integer("from", 0, 1900, 2100), to = q.integer("to", 0, 1900, 2100);
    if (!q.get("from") || !q.get("to")) bad_request("parameters 'from' and 'to' (years) are required");
    if (from >= to) bad_request("'from' must be an earlier year than 'to'");
    const std::string format = q.format({"json", "csv"});
    const Table& t = ld.development->table;
    const Column &code = t.column("code"), &fy = t.column("from_year"), &ty = t.column("to_year");
    std::set<std::string_view> codes;
    const bool filter = q.get("parent").has_value();
    if (filter) {
        for (std::size_t i : areas_under(ld, q.get("parent"))) codes.insert(ld.areas[i].code);
    }
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < t.row_count(); ++r) {
        if (fy.int_at(r) == from && ty.int_at(r) == to && (!filter || codes.count(code.text_at(r)))) rows.push_back(r);
    }
    if (rows.empty() && !filter) not_found(fmt::format("no development of {} from {} to {}", level_name(ld.level), from, to));
    if (format == "csv")
        return csv_response(table_csv_text(take_rows(t, rows)), fmt::format("development_{}_{}_{}.csv", level_name(ld.level), from, to));
    const Column& change = t.column("change");
    const Column& cls = t.column("development_class");
    json items = json::array();
    for (std::size_t r : rows) {
        json cl = cls.is_missing(r) ? json(nullptr) : json(cls.number_at(r));
        items.push_back({{"code", code.text_at(r)},
                         {"change", change.is_missing(r) ? json(nullptr) : jobs::number_or_null(change.number_at(r))},
                         {"development_class", cl}});
    }
    return json_response({{"level", level_name(ld.level)}, {"from", from}, {"to", to}, {"rows", items}});
}

Response handle_typology(const Ctx& c, const std::string& dataset) {
    const Query q(c.query, {"parent", "all", "format"});
    const std::string format = q.format({"json", "csv"});
    const bool found = std::any_of(c.d.typologies.begin(), c.d.typologies.end(),
                                   [&](const json& t) { return t["dataset"] == dataset; });
    if (!found) not_found(fmt::format("no typology result '{}' (see /api/v1/typologies)", sanitise_for_log(dataset, 80)));
    const Dataset t = read_dataset(c.d.options.store, dataset);
    const bool all = q.get("all").value_or("false") == "true";
    const Column& code = t.table.column("code");
    const Column& designated = t.table.column("designated");
    std::set<std::string> under;
    const auto parent = q.get("parent");
    if (parent) {
        const auto pl = level_of_code(*parent);
        if (!is_code_text(*parent) || !pl) bad_request("parameter 'parent' must be an area code such as GM0014");
        for (const auto& ld : c.d.levels) {
            for (std::size_t i = 0; i < ld->areas.size(); ++i) {
                if (ld->parent_of(i, *pl) == *parent) under.insert(ld->areas[i].code);
            }
        }
    }
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < t.table.row_count(); ++r) {
        const bool is = !designated.is_missing(r) && designated.number_at(r) != 0;
        if ((all || is) && (!parent || under.count(code.text_at(r)))) rows.push_back(r);
    }
    Table sub = take_rows(t.table, rows);
    if (format == "csv") return csv_response(table_csv_text(sub), dataset + ".csv");
    return json_response({{"dataset", dataset}, {"meta", t.meta}, {"rows", jobs::table_json(sub)}});
}

Response handle_hotspot(const Ctx& c, const std::string& dataset) {
    const Query q(c.query, {"parent", "significant", "format"});
    const std::string format = q.format({"json", "csv"});
    const bool found = std::any_of(c.d.hotspots.begin(), c.d.hotspots.end(),
                                   [&](const json& t) { return t["dataset"] == dataset; });
    if (!found) not_found(fmt::format("no hotspot result '{}' (see /api/v1/hotspots)", sanitise_for_log(dataset, 80)));
    const std::string only = q.get("significant").value_or("false");
    if (only != "true" && only != "false") bad_request("parameter 'significant' must be true or false");
    const Dataset t = read_dataset(c.d.options.store, dataset);
    const Column& code = t.table.column("code");
    const Column* significant = t.table.find("significant");
    std::set<std::string> under;
    const auto parent = q.get("parent");
    if (parent) {
        const auto pl = level_of_code(*parent);
        if (!is_code_text(*parent) || !pl) bad_request("parameter 'parent' must be an area code such as GM0014");
        for (const auto& ld : c.d.levels) {
            for (std::size_t i = 0; i < ld->areas.size(); ++i) {
                if (ld->parent_of(i, *pl) == *parent) under.insert(ld->areas[i].code);
            }
        }
    }
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < t.table.row_count(); ++r) {
        const bool is = significant != nullptr && !significant->is_missing(r) && significant->number_at(r) != 0;
        if ((only == "false" || is) && (!parent || under.count(code.text_at(r)))) rows.push_back(r);
    }
    Table sub = take_rows(t.table, rows);
    if (format == "csv") return csv_response(table_csv_text(sub), dataset + ".csv");
    return json_response({{"dataset", dataset}, {"meta", t.meta}, {"rows", jobs::table_json(sub)}});
}

Response handle_profile(const Ctx& c, const std::string& code) {
    const Query q(c.query, {});
    if (!is_code_text(code)) bad_request("an area code has letters, digits and '_' only (e.g. BU00140000, GM0014)");
    auto profile = jobs::area_profile(*c.d.profiles, code);
    if (!profile) not_found(fmt::format("no area '{}' in this store", code));
    return json_response(*profile);
}

Response handle_search(const Ctx& c) {
    const Query q(c.query, {"q", "limit", "level"});
    const std::string text = q.required("q");
    if (text.size() > 100) bad_request("parameter 'q' is longer than 100 bytes");
    const long limit = q.integer("limit", 10, 1, 50);
    std::optional<Level> only;
    if (const auto l = q.get("level")) {
        only = parse_level(*l);
        if (!only) bad_request("unknown level in parameter 'level'");
    }
    const std::string needle = ascii_lower(text);
    struct Hit {
        int rank;
        const SearchEntry* e;
    };
    std::vector<Hit> hits;
    for (const auto& e : c.d.search) {
        if (only && e.level != *only) continue;
        int rank = -1;
        if (e.lower_code == needle) rank = 0;
        else if (e.lower_name == needle) rank = 1;
        else if (e.lower_code.rfind(needle, 0) == 0) rank = 2;
        else if (e.lower_name.rfind(needle, 0) == 0) rank = 3;
        else if (e.lower_name.find(needle) != std::string::npos) rank = 4;
        else if (e.level == Level::kPc4 && e.lower_code.find(needle) != std::string::npos) rank = 5;
        if (rank >= 0) hits.push_back({rank, &e});
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (a.e->level != b.e->level) return static_cast<int>(a.e->level) > static_cast<int>(b.e->level);
        return a.e->name != b.e->name ? a.e->name < b.e->name : a.e->code < b.e->code;
    });
    json items = json::array();
    for (std::size_t i = 0; i < hits.size() && i < static_cast<std::size_t>(limit); ++i)
        items.push_back({{"code", hits[i].e->code}, {"name", hits[i].e->name}, {"level", level_name(hits[i].e->level)}});
    return json_response({{"q", text}, {"results", items}});
}

Response handle_download(const Ctx& c, const std::string& file) {
    const Query q(c.query, {});
    const std::size_t dot = file.rfind('.');
    if (dot == std::string::npos) not_found("a download is DATASET.csv or LEVEL_YEAR.gpkg");
    const std::string stem = file.substr(0, dot), ext = file.substr(dot + 1);
    if (!is_code_text(stem)) bad_request("a download name has letters, digits and '_' only");
    if (ext == "csv") {
        if (!c.d.datasets.count(stem)) not_found(fmt::format("no dataset '{}' in this store", stem));
        const std::size_t inv_rows = c.d.datasets.at(stem);
        if (inv_rows > 1000000)
            throw HttpError{413, "usage", fmt::format("dataset '{}' has {} rows: too large to download here; use "
                                                      "`wijkzicht export --dataset {}`", stem, inv_rows, stem)};
        return csv_response(table_csv_text(read_dataset(c.d.options.store, stem).table), stem + ".csv");
    }
    if (ext == "gpkg") {
        const std::size_t us = stem.rfind('_');
        if (us == std::string::npos) not_found("a GeoPackage download is LEVEL_YEAR.gpkg (e.g. buurt_2022.gpkg)");
        const LevelData& ld = c.d.level_param(stem.substr(0, us));
        long year = 0;
        const std::string ytext = stem.substr(us + 1);
        if (std::from_chars(ytext.data(), ytext.data() + ytext.size(), year).ec != std::errc() || !ld.scores ||
            !ld.score_rows_by_year.count(year))
            not_found(fmt::format("no scores of {} for '{}'", level_name(ld.level), ytext));
        const auto& rows = ld.score_rows_by_year.at(year);
        Table t = take_rows(ld.scores->table, rows);
        std::vector<std::vector<std::uint8_t>> geoms;
        std::vector<std::string> names;
        for (std::size_t r = 0; r < t.row_count(); ++r) {
            const auto it = ld.index.find(t.column("code").text_at(r));
            geoms.push_back(it == ld.index.end() ? std::vector<std::uint8_t>{} : ld.areas[it->second].wkb);
            names.push_back(it == ld.index.end() ? "" : ld.areas[it->second].name);
        }
        t.columns().insert(t.columns().begin() + 1, Column::of_texts("name", names));
        const fs::path tmp = fs::temp_directory_path() /
                             fmt::format("wijkzicht-download-{}-{}.gpkg", ::getpid(), short_hash(c.req.target + now_iso()));
        write_table_gpkg(t, geoms, tmp.string(), stem);
        std::ifstream in(tmp, std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        fs::remove(tmp);
        Response r;
        r.content_type = "application/geopackage+sqlite3";
        r.body = std::make_shared<const std::string>(std::move(data));
        r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}.gpkg\"", stem));
        return r;
    }
    not_found("a download is DATASET.csv or LEVEL_YEAR.gpkg");
}

Response handle_tilejson(const Ctx& c, const std::string& origin) {
    const Query q(c.query, {});
    if (!c.d.tiles) not_found("this server has no tile set (make it with `wijkzicht tiles --store STORE`)");
    const auto& m = c.d.tiles->metadata();
    json tj = {{"tilejson", "3.0.0"},
               {"name", m.count("name") ? m.at("name") : "wijkzicht"},
               {"scheme", "xyz"},
               {"tiles", {origin + "/tiles/{z}/{x}/{y}.pbf"}},
               {"minzoom", m.count("minzoom") ? std::stoi(m.at("minzoom")) : 0},
               {"maxzoom", m.count("maxzoom") ? std::stoi(m.at("maxzoom")) : 14}};
    if (m.count("bounds")) {
        json b = json::array();
        std::string s = m.at("bounds");
        std::size_t start = 0;
        while (start < s.size()) {
            std::size_t end = s.find(',', start);
            if (end == std::string::npos) end = s.size();
            b.push_back(std::stod(s.substr(start, end - start)));
            start = end + 1;
        }
        tj["bounds"] = b;
    }
    if (m.count("json")) {
        const json extra = json::parse(m.at("json"), nullptr, false);
        if (extra.is_object() && extra.contains("vector_layers")) tj["vector_layers"] = extra["vector_layers"];
    }
    return json_response(tj);
}

Response handle_tile(const Ctx& c, const std::vector<std::string_view>& parts) {
    if (!c.d.tiles) not_found("this server has no tile set (make it with `wijkzicht tiles --store STORE`)");
    int z = 0, x = 0, y = 0;
    const auto num = [](std::string_view s, int& out) {
        return !s.empty() && s.size() <= 8 && std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc() &&
               std::to_string(out) == s;
    };
    std::string_view last = parts[3];
    if (last.size() < 5 || last.substr(last.size() - 4) != ".pbf") not_found("a tile is /tiles/Z/X/Y.pbf");
    last.remove_suffix(4);
    if (!num(parts[1], z) || !num(parts[2], x) || !num(last, y) || z < 0 || z > 22)
        bad_request("a tile is /tiles/Z/X/Y.pbf with whole numbers, Z at most 22");
    const long long n = 1LL << z;
    if (x >= n || y >= n) bad_request(fmt::format("tile {}/{}/{} lies outside zoom {}", z, x, y, z));
    const Query q(c.query, {});
    Response r;
    r.content_type = "application/vnd.mapbox-vector-tile";
    r.headers.emplace_back("ETag", fmt::format("\"{}-{}-{}-{}\"", c.d.tiles_tag, z, x, y));
    r.headers.emplace_back("Cache-Control", "public, max-age=86400");
    auto tile = c.d.tiles->tile(z, x, y);
    if (!tile) {
        r.status = 204;
        return r;
    }
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body = std::make_shared<const std::string>(std::move(*tile));
    return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Restricted paths.

namespace {

struct Auth {
    const User* user = nullptr;
    std::string reason;
};

Auth authenticate(const Service::Data& d, const Request& req) {
    std::string_view h = req.authorization;
    if (h.empty()) return {nullptr, "no token"};
    if (h.size() < 7 || ascii_lower(h.substr(0, 7)) != "bearer ") return {nullptr, "not a bearer token"};
    h.remove_prefix(7);
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    const auto out = d.auth->authenticate(h, now_iso());
    return {out.user, out.reason};
}

Response restricted(const Service::Data& d, const Ctx& c, const std::vector<std::string_view>& parts) {
    const Auth a = authenticate(d, c.req);
    AuditEntry e{now_iso(), a.user ? a.user->name : "", a.user ? std::string(role_name(a.user->role)) : "public",
                 c.req.address, c.req.method, c.req.target, "", 0};
    const auto finish = [&](Response r, const std::string& outcome) {
        e.outcome = outcome;
        e.status = r.status;
        d.audit->append(e);
        std::erase_if(r.headers, [](const auto& h) { return h.first == "Cache-Control"; });
        r.headers.emplace_back("Cache-Control", "private, no-store");
        return r;
    };
    const auto deny = [&](int status, const std::string& kind, const std::string& message, const std::string& why) {
        Response r = error_response(status, kind, message);
        if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"wijkzicht\"");
        return finish(std::move(r), "denied: " + why);
    };
    if (!a.user) return deny(401, "unauthenticated", "a valid bearer token is needed for this path", a.reason);
    if (!d.user_limit->allow("user:" + a.user->id))
        return deny(429, "too_many_requests", "too many requests for this token: slow down", "rate limit");
    const User& u = *a.user;
    try {
        // /api/v1/me
        if (parts.size() == 3 && parts[2] == "me") {
            const Query q(c.query, {});
            return finish(json_response({{"name", u.name}, {"role", role_name(u.role)}, {"gemeenten", u.gemeenten}}), "granted");
        }
        // /api/v1/admin/audit
        if (parts.size() == 4 && parts[2] == "admin" && parts[3] == "audit") {
            if (u.role != Role::kAdmin) return deny(403, "forbidden", "only administrators may read the audit log", "role");
            const Query q(c.query, {"limit"});
            const long limit = q.integer("limit", 100, 1, 10000);
            json lines = json::array();
            for (const auto& l : d.audit->tail(static_cast<std::size_t>(limit))) lines.push_back(json::parse(l, nullptr, false));
            return finish(json_response({{"lines", lines}}), "granted");
        }
        // /api/v1/restricted/...
        if (parts.size() >= 3 && parts[2] == "restricted") {
            if (u.role != Role::kMunicipal && u.role != Role::kNational && u.role != Role::kAdmin)
                return deny(403, "forbidden", "this role may not see restricted data", "role");
            if (d.restricted.empty())
                return finish(error_response(404, "not_found", "this server serves no restricted data (start it with --restricted)"),
                              "denied: none served");
            if (parts.size() == 4 && parts[3] == "tables") {
                const Query q(c.query, {});
                json tables = json::array();
                for (const auto& [name, t] : d.restricted) {
                    json cols = json::array();
                    for (const auto& col : t.table.columns()) cols.push_back(col.name());
                    tables.push_back({{"table", name}, {"columns", cols}});
                }
                return finish(json_response({{"tables", tables}}), "granted");
            }
            if (parts.size() == 4) {
                const std::string table(parts[3]);
                const auto it = d.restricted.find(table);
                if (it == d.restricted.end())
                    return finish(error_response(404, "not_found", "no such restricted table (see /api/v1/restricted/tables)"),
                                  "denied: unknown table");
                const Query q(c.query, {"gemeente", "year", "format"});
                const std::string format = q.format({"json", "csv"});
                const auto gm = q.get("gemeente");
                if (gm && !is_code_of_level(Level::kGemeente, *gm))
                    return finish(error_response(400, "usage", "parameter 'gemeente' must be a gemeente code such as GM0014"),
                                  "denied: bad parameter");
                if (gm && !u.may_see_gemeente(*gm))
                    return deny(403, "forbidden", "you may not see restricted data of this gemeente", "scope " + *gm);
                const long year = q.integer("year", 0, 1900, 2100);
                const RestrictedTable& t = it->second;
                const Column* ycol = t.table.find("year");
                std::vector<std::size_t> rows;
                for (std::size_t r = 0; r < t.table.row_count(); ++r) {
                    const std::string& g = t.gemeente[r];
                    const bool in_scope = gm ? g == *gm : (u.role == Role::kMunicipal ? u.may_see_gemeente(g) && !g.empty() : true);
                    if (!in_scope) continue;
                    if (year != 0 && ycol != nullptr && (ycol->is_missing(r) || ycol->number_at(r) != static_cast<double>(year))) continue;
                    rows.push_back(r);
                }
                Table sub = take_rows(t.table, rows);
                if (const Column* fid = sub.find("fid")) {
                    (void)fid;
                    auto& cols = sub.columns();
                    cols.erase(std::remove_if(cols.begin(), cols.end(), [](const Column& col) { return col.name() == "fid"; }),
                               cols.end());
                }
                if (format == "csv") return finish(csv_response(table_csv_text(sub), table + ".csv"), "granted");
                return finish(json_response({{"table", table}, {"gemeente", gm ? json(*gm) : json(nullptr)},
                                             {"rows", jobs::table_json(sub)}}),
                              "granted");
            }
        }
        return finish(error_response(404, "not_found", "no such path"), "denied: no such path");
    } catch (const HttpError& h) {
        return finish(error_response(h.status, h.kind, h.message), "denied: " + h.kind);
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// The router.

Response Service::handle(const Request& request) const {
    try {
        return route(request);
    } catch (const HttpError& e) {
        Response r = error_response(e.status, e.kind, e.message);
        for (const auto& h : e.headers) r.headers.push_back(h);
        return r;
    } catch (const Error& e) {
        const auto& info = error_kind_info(e.kind());
        // Messages of usage and not-found errors are written for users; others may name files: hide them.
        const bool show = e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kNotFound;
        if (!show) spdlog::error("request failed ({}): {}", info.name, sanitise_for_log(e.what(), 300));
        return error_response(info.http_status, std::string(info.name), show ? e.what() : "the request could not be answered");
    } catch (const std::exception& e) {
        spdlog::error("request failed: {}", sanitise_for_log(e.what(), 300));
        return error_response(500, "internal", "the request could not be answered");
    }
}

Response Service::route(const Request& req) const {
    const Data& d = *d_;
    if (!d.address_limit->allow("addr:" + req.address))
        throw HttpError{429, "too_many_requests", "too many requests from this address: slow down", {{"Retry-After", "1"}}};
    if (req.method != "GET" && req.method != "HEAD")
        throw HttpError{405, "usage", "only GET and HEAD are served", {{"Allow", "GET, HEAD"}}};
    if (req.target.size() > 2048) throw HttpError{414, "usage", "the request target is longer than 2048 bytes"};
    if (req.target.empty() || req.target[0] != '/') bad_request("the request target must start with '/'");
    const std::size_t qpos = req.target.find('?');
    const std::string raw_path = req.target.substr(0, qpos);
    const std::string query = qpos == std::string::npos ? "" : req.target.substr(qpos + 1);
    const auto path = percent_decode(raw_path);
    if (!path) bad_request("the path is not valid percent-encoded UTF-8");
    if (path->find("..") != std::string::npos || path->find("//") != std::string::npos || path->find('\\') != std::string::npos)
        not_found("no such path");
    const auto parts = split_path(*path);
    const Ctx c{d, req, *path, query};

    // Restricted paths: authenticated, audited, never cached.
    if (parts.size() >= 3 && parts[0] == "api" && parts[1] == "v1" &&
        (parts[2] == "me" || parts[2] == "restricted" || parts[2] == "admin"))
        return restricted(d, c, parts);

    // Public paths: answered from the cache when asked before.
    const std::string cache_key = req.target;
    {
        std::lock_guard lock(d.cache_mutex);
        const auto it = d.cache.find(cache_key);
        if (it != d.cache.end()) {
            Response r = it->second.response;
            for (const auto& [k, v] : r.headers) {
                if (k == "ETag" && !req.if_none_match.empty() && req.if_none_match == v) {
                    Response nm;
                    nm.status = 304;
                    nm.body = nullptr;
                    nm.headers = r.headers;
                    return nm;
                }
            }
            return r;
        }
    }
    Response r;
    bool cacheable = true;
    if (parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1") {
        const std::string_view what = parts.size() > 2 ? parts[2] : "";
        if (parts.size() == 3 && what == "health") {
            r = json_response({{"status", "ok"}, {"version", kVersion}});
            cacheable = false;
        } else if (parts.size() == 3 && what == "meta") {
            const Query q(c.query, {});
            r = json_response(d.meta);
        } else if (parts.size() == 3 && what == "areas") {
            r = handle_areas(c);
        } else if (parts.size() == 4 && what == "areas") {
            r = handle_area(c, std::string(parts[3]));
        } else if (parts.size() == 3 && what == "scores") {
            r = handle_scores(c);
        } else if (parts.size() == 3 && what == "development") {
            r = handle_development(c);
        } else if (parts.size() == 4 && what == "profile") {
            r = handle_profile(c, std::string(parts[3]));
        } else if (parts.size() == 3 && what == "picture") {
            const Query q(c.query, {});
            if (d.picture.empty()) not_found("this store has no national picture (run `wijkzicht score`)");
            r = json_response(d.picture);
        } else if (parts.size() == 3 && what == "typologies") {
            const Query q(c.query, {});
            r = json_response({{"typologies", d.typologies}});
        } else if (parts.size() == 4 && what == "typologies") {
            r = handle_typology(c, std::string(parts[3]));
        } else if (parts.size() == 3 && what == "hotspots") {
            const Query q(c.query, {});
            r = json_response({{"hotspots", d.hotspots}});
        } else if (parts.size() == 4 && what == "hotspots") {
            r = handle_hotspot(c, std::string(parts[3]));
        } else if (parts.size() == 3 && what == "search") {
            r = handle_search(c);
        } else if (parts.size() == 4 && what == "download") {
            r = handle_download(c, std::string(parts[3]));
        } else {
            not_found("no such path (see /openapi.json)");
        }
    } else if (*path == "/openapi.json") {
        const Query q(c.query, {});
        r = json_response(d.openapi);
    } else if (*path == "/tiles.json") {
        // The tile URL must be absolute for map clients: made from the Host header when it is plain.
        std::string origin;
        const bool plain = !req.host.empty() && req.host.size() < 256 &&
                           std::all_of(req.host.begin(), req.host.end(), [](char ch) {
                               return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
                                      ch == ':' || ch == '[' || ch == ']';
                           });
        if (plain) origin = "http://" + req.host;
        r = handle_tilejson(c, origin);
        cacheable = false;
    } else if (parts.size() == 4 && parts[0] == "tiles") {
        return handle_tile(c, parts);  // tiles come from the tile set itself: no second copy in the cache
    } else {
        const std::string file = *path == "/" ? "/index.html" : *path;
        const auto it = d.static_files.find(file);
        if (it != d.static_files.end()) {
            r.content_type = it->second.first;
            r.body = it->second.second;
            const bool hashed = file.rfind("/assets/", 0) == 0;
            r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
        } else if (*path == "/") {
            static const std::string page =
                "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>wijkzicht</title></head><body>"
                "<h1>wijkzicht</h1><p>The dashboard is not built (scripts/build-web). The API:</p><ul>"
                "<li><a href=\"/openapi.json\">/openapi.json</a></li><li><a href=\"/api/v1/meta\">/api/v1/meta</a></li>"
                "<li><a href=\"/api/v1/picture\">/api/v1/picture</a></li></ul></body></html>";
            r.content_type = "text/html; charset=utf-8";
            r.body = std::make_shared<const std::string>(page);
        } else {
            not_found("no such path");
        }
    }
    if (r.status == 200 && r.body) {
        bool has_cache_control = false;
        for (const auto& [k, v] : r.headers) has_cache_control |= k == "Cache-Control";
        const std::string etag = fmt::format("\"{}-{}\"", d.store_tag, short_hash(*r.body));
        r.headers.emplace_back("ETag", etag);
        if (!has_cache_control) r.headers.emplace_back("Cache-Control", cacheable ? kPublicCache : "no-cache");
        if (cacheable) {
            std::lock_guard lock(d.cache_mutex);
            const std::size_t bytes = r.body->size() + cache_key.size();
            if (d.cache_bytes + bytes > Data::kCacheLimit) {
                d.cache.clear();
                d.cache_bytes = 0;
            }
            if (bytes < Data::kCacheLimit / 4 && d.cache.emplace(cache_key, CachedAnswer{r, bytes}).second) d.cache_bytes += bytes;
        }
        if (!req.if_none_match.empty() && req.if_none_match == etag) {
            Response nm;
            nm.status = 304;
            nm.headers = r.headers;
            return nm;
        }
    }
    return r;
}

}  // namespace wz::server
