#include "jobs/publish.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "io/store.hpp"

namespace wz::jobs {

std::vector<PgSource> publication_sources(const PublishOptions& o) {
    check_pg_connection(o.to);
    if (o.store.empty()) throw UsageError("--store is required");
    if (!std::filesystem::exists(o.store)) throw NotFoundError(fmt::format("no store at '{}'", o.store));
    const nlohmann::json inventory = store_inventory(o.store);
    std::vector<PgSource> out;
    for (const StoredMapLayer& m : stored_map_layers(o.store)) {
        PgSource s;
        s.target = m.name;
        s.kind = "map";
        s.path = o.store;
        s.layer = m.name;
        s.styles = stored_layer_styles(o.store, m.name);
        s.description = m.description;
        out.push_back(std::move(s));
    }
    for (const auto& a : inventory["areas"]) {
        PgSource s;
        s.target = a["layer"].get<std::string>();
        s.kind = "areas";
        s.path = o.store;
        s.layer = s.target;
        s.description = "wijkzicht area layer";
        out.push_back(std::move(s));
    }
    std::vector<std::string> stored;
    for (const auto& d : inventory["datasets"]) stored.push_back(d["name"].get<std::string>());
    std::vector<std::string> chosen;
    const bool all = o.datasets.size() == 1 && o.datasets.front() == "all";
    const bool none = o.datasets.empty() || (o.datasets.size() == 1 && o.datasets.front() == "none");
    if (all) {
        chosen = stored;
    } else if (!none) {
        for (const std::string& name : o.datasets) {
            if (std::find(stored.begin(), stored.end(), name) == stored.end()) {
                throw UsageError(fmt::format("--datasets: the store has no dataset '{}' (it has: {})", name,
                                             fmt::join(stored, ", ")));
            }
            chosen.push_back(name);
        }
    }
    for (const std::string& name : chosen) {
        PgSource s;
        s.target = "ds_" + name;
        s.kind = "dataset";
        s.table = [store = o.store, name] { return read_dataset(store, name).table; };
        s.description = "wijkzicht dataset " + name;
        out.push_back(std::move(s));
    }
    if (!o.restricted.empty()) {
        if (!std::filesystem::is_regular_file(o.restricted))
            throw NotFoundError(fmt::format("--restricted: no file '{}'", o.restricted));
        for (const std::string& layer : vector_layer_names(o.restricted)) {
            PgSource s;
            s.target = "restricted_" + layer;
            s.kind = "restricted";
            s.path = o.restricted;
            s.layer = layer;
            s.description = "wijkzicht restricted aggregates (risk publish): " + layer;
            out.push_back(std::move(s));
        }
    }
    return out;
}

PgPublishResult publish(const PublishOptions& options) {
    const std::vector<PgSource> sources = publication_sources(options);
    return publish_to_postgis(options.to, sources, std::filesystem::absolute(options.store).string());
}

}  // namespace wz::jobs
