#include "command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "io/store.hpp"

namespace wz::app {

void ZoneOption::add(CLI::App* cmd) {
    cmd->add_option("--protected", protected_path,
                    "The protected zone (a SQLite file of its own, never the results store); made by risk ingest")
        ->required();
    cmd->add_option("--key-file", key_file,
                    "File with the pseudonymisation key (at least 16 bytes; never stored: the zone keeps its fingerprint)")
        ->required();
}

void StoreOption::add(CLI::App* cmd, const std::string& description, bool required) {
    auto* opt = cmd->add_option("--store", path, description);
    if (required) opt->required();
}

void EncodingOption::add(CLI::App* cmd) {
    cmd->add_option("--encoding", name,
                    "Text encoding: auto (UTF-8, else Windows-1252 when the bytes fit it), utf-8, cp1252 or "
                    "latin1")
        ->capture_default_str();
}

csv::Encoding EncodingOption::value() const {
    const auto e = csv::parse_encoding(name);
    if (!e) throw UsageError(fmt::format("--encoding: expected utf-8, latin1 or cp1252, found '{}'", name));
    return *e;
}

void ThreadsOption::add(CLI::App* cmd, const std::string& description) {
    cmd->add_option("--threads", threads, description);
}

std::unique_ptr<tbb::global_control> ThreadsOption::limit() const {
    if (threads < 0) throw UsageError("--threads: expected a number >= 0");
    if (threads > 256) throw UsageError("--threads: at most 256");
    if (threads == 0) return nullptr;
    return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                 static_cast<std::size_t>(threads));
}

void JsonFlag::add(CLI::App* cmd, const std::string& description) {
    cmd->add_flag("--json", json, description);
}

Level level_arg(const std::string& option, const std::string& name) {
    const auto l = parse_level(name);
    if (!l) {
        throw UsageError(fmt::format(
            "{}: expected grid, buurt, wijk, gemeente, corop, corop_plus, provincie, nederland or "
            "pc4, found '{}'",
            option, name));
    }
    return *l;
}

void log_dataset(const Dataset& ds) {
    spdlog::info("{}: {} rows, {} columns, years {}", ds.name, ds.table.row_count(), ds.table.column_count(),
                 fmt::join(dataset_years(ds.table), " "));
    if (ds.meta.contains("warning")) spdlog::warn("{}: {}", ds.name, ds.meta["warning"].get<std::string>());
}

double seconds_since_start() {
    static const auto start = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void log_stored(const std::string& store, std::int64_t run_id) {
    spdlog::info("stored in {} as run {} ({:.2f} s)", store, run_id, seconds_since_start());
}

CLI::App* ImportCommand::setup(CLI::App& parent) {
    CLI::App* cmd = parent.add_subcommand(name(), help());
    add_options(cmd);
    store_.add(cmd, "The results store (GeoPackage; created when absent)");
    if (reads_text()) encoding_.add(cmd);
    return cmd;
}

int ImportCommand::run() {
    Imported imported = import();
    std::vector<std::string> streamed;  // read while they are stored: described afterwards
    for (const auto& d : imported.datasets) {
        if (d.rows) {
            streamed.push_back(d.name);
        } else {
            log_dataset(d);
        }
    }
    // A streamed dataset is read while it is stored: its details are told once it is (an error in its
    // data is then the only line).
    std::optional<Imported> details;
    if (streamed.empty()) {
        log_details(imported);
    } else {
        details = imported;  // the streamed datasets hold their columns only
    }
    log_stored(store_.path, store_import(store_.path, imported.run, std::move(imported.datasets),
                                         std::move(imported.layers)));
    if (details) log_details(*details);
    if (!streamed.empty()) {
        const nlohmann::json inv = store_inventory(store_.path);
        for (const auto& d : inv.value("datasets", nlohmann::json::array())) {
            if (std::find(streamed.begin(), streamed.end(), d.value("name", "")) == streamed.end()) continue;
            std::vector<std::int64_t> years;
            for (const auto& y : d.value("years", nlohmann::json::array())) years.push_back(y.get<std::int64_t>());
            spdlog::info("{}: {} rows, {} columns, years {}; missing values by reason: {}", d.value("name", ""),
                         d.value("rows", 0), d.value("columns", nlohmann::json::array()).size(),
                         fmt::join(years, " "), d.value("missing_by_reason", nlohmann::json::object()).dump());
        }
    }
    return 0;
}

}  // namespace wz::app
