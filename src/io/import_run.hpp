#pragma once
// Storing what an importer read: one run in the store with its inputs' hashes and parameters.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/dataset.hpp"

namespace wz {

struct ImportRun {
    std::string command;  // "import statline"
    nlohmann::json parameters = nlohmann::json::object();
    std::vector<std::string> inputs;  // files whose SHA-256 is recorded
};

// Applies the datasets and area layers to the store atomically as one run; returns the run id.
std::int64_t store_import(const std::string& store, const ImportRun& run, std::vector<Dataset> datasets,
                          std::vector<AreaLayer> layers = {});

// The pseudonymisation key in a key file: its bytes without trailing line breaks and spaces; UsageError
// when it has fewer than 16 bytes, IoError when it cannot be read. The key never appears in a message.
std::string read_key_file(const std::string& path);

}  // namespace wz
