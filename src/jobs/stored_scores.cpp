#include "jobs/stored_scores.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "io/store.hpp"

namespace wz::jobs {

std::vector<std::string> score_dimensions(const Table& scores) {
    std::vector<std::string> dims;
    bool in = false;
    for (const Column& c : scores.columns()) {
        if (c.name() == "class") break;
        if (in) dims.push_back(c.name());
        if (c.name() == "rel") in = true;
    }
    return dims;
}

std::map<std::string, std::string> values_by_code(const std::string& store, const std::string& spec) {
    std::map<std::string, std::string> out;
    if (spec.empty()) return out;
    const auto colon = spec.find(':');
    if (colon == std::string::npos) throw UsageError(fmt::format("'{}': expected DATASET:COLUMN", spec));
    const std::optional<Dataset> ds = find_dataset(store, spec.substr(0, colon));
    if (!ds) {
        spdlog::info("no dataset '{}': that part of the picture is left out", spec.substr(0, colon));
        return out;
    }
    const Column& code = ds->table.column("code");
    const Column& value = ds->table.column(spec.substr(colon + 1));
    for (std::size_t r = 0; r < ds->table.row_count(); ++r) out[code.to_text(r)] = value.to_text(r);
    return out;
}

}  // namespace wz::jobs
