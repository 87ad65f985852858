#include "io/import_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/store.hpp"

namespace wz {

std::int64_t store_import(const std::string& store, const ImportRun& run, std::vector<Dataset> datasets,
                          std::vector<AreaLayer> layers) {
    StoreUpdate u;
    u.run.command = run.command;
    u.run.started = utc_now();
    u.run.parameters = run.parameters;
    // A streaming dataset hashes its files while it is read: their hashes are filled in then.
    const bool streamed =
        std::any_of(datasets.begin(), datasets.end(), [](const Dataset& d) { return d.rows != nullptr; });
    for (const auto& p : run.inputs)
        u.run.inputs.push_back(streamed ? InputFile{p, "", 0} : describe_input(p));
    u.datasets = std::move(datasets);
    u.area_layers = std::move(layers);
    return apply_to_store(store, u);
}

std::string read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(fmt::format("--key-file: cannot read '{}'", path));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (key.size() < 16) throw UsageError("--key-file: the key must have at least 16 bytes");
    return key;
}

}  // namespace wz
