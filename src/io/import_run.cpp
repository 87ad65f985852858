#include "io/import_run.hpp"

#include <fmt/format.h>

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
    for (const auto& p : run.inputs) u.run.inputs.push_back(describe_input(p));
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
