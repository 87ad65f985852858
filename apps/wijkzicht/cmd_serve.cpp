// wijkzicht serve: the HTTP API, the vector tiles and the dashboard of a results store.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "server/http.hpp"
#include "server/service.hpp"
#include "wijkzicht/version.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Serve a results store over HTTP: the API, the map tiles and the dashboard.

Public: areas, scores, development, area profiles, the national picture, typologies, search, downloads
(see /openapi.json and docs/api.md), vector tiles from STORE.tiles.mbtiles (`wijkzicht tiles`) and the
dashboard at /. With --restricted, the disclosure-controlled undermining aggregates of `wijkzicht risk
publish` for users with a bearer token (`wijkzicht users add`): municipal analysts see their own
gemeenten only; every restricted request, granted or denied, goes to the audit log. The store is opened
read-only and held in memory. Listens on 127.0.0.1 unless --bind says otherwise. SIGINT/SIGTERM stop
it gracefully.

Example:
  wijkzicht users add --users users.toml --name groningen --role municipal --gemeente GM0014
  wijkzicht serve --store nl.gpkg --restricted aggregates.gpkg --users users.toml --port 8080)";

std::string default_web_dir() {
    if (const char* env = std::getenv("WIJKZICHT_WEB")) return env;
    const std::filesystem::path dist = std::filesystem::path(kShareDir).parent_path().parent_path() / "web" / "dist";
    return dist.string();
}

// Every connection is a descriptor: raise the soft limit to the hard one (1,000 clients need more than 1,024).
void raise_descriptor_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

class Serve final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("serve", kHelp);
        store_.add(cmd);
        cmd->add_option("--restricted", s_.restricted, "Undermining aggregates (GeoPackage of `risk publish`)");
        cmd->add_option("--users", s_.users, "Users and token hashes (TOML; absent or empty: the public part only)")
            ->required();
        cmd->add_option("--audit-log", s_.audit_log, "Audit log (default: beside USERS, <users>.audit.log)");
        cmd->add_option("--tiles", s_.tiles, "Vector tiles (default: STORE.tiles.mbtiles when it exists)");
        cmd->add_option("--web", s_.web_dir, "The built dashboard (default: web/dist of the source tree)");
        cmd->add_option("--port", h_.port, "TCP port (0: any free port, printed)")->capture_default_str();
        cmd->add_option("--bind", h_.bind, "Address to listen on")->capture_default_str();
        cmd->add_option("--threads", h_.threads, "Threads answering requests")->capture_default_str()->check(CLI::Range(1, 64));
        cmd->add_option("--rate-limit", s_.address_rate,
                        "Requests per second per client address (bursts of twice as many; 0: no limit)")
            ->capture_default_str();
        cmd->add_option("--token-rate-limit", s_.user_rate, "Requests per second per token (0: no limit)")
            ->capture_default_str();
        cmd->add_option("--read-timeout", read_timeout_, "Seconds a client has to send a request (slow clients are cut off)")
            ->capture_default_str()
            ->check(CLI::Range(1, 600));
        cmd->add_option("--max-connections", h_.max_connections, "Connections held at once")->capture_default_str();
        return cmd;
    }
    int run() override {
        s_.store = store_.path;
        if (s_.web_dir.empty()) s_.web_dir = default_web_dir();
        s_.address_burst = 2 * s_.address_rate;
        h_.read_timeout = std::chrono::seconds(read_timeout_);
        s_.user_burst = 2 * s_.user_rate;
        raise_descriptor_limit();
        const server::Service service(s_);
        const auto summary = service.summary();
        server::HttpServer http(service, h_);
        spdlog::info("wijkzicht {} serving {} ({} datasets, tiles: {}, restricted tables: {}, users: {})", kVersion,
                     store_.path, summary["datasets"].get<std::size_t>(),
                     summary["tiles"].is_null() ? "none" : summary["tiles"].get<std::string>(), summary["restricted"].size(),
                     summary["users"].get<std::size_t>());
        spdlog::info("audit log: {}", summary["audit_log"].get<std::string>());
        if (summary["dashboard"].is_null()) spdlog::info("no dashboard built ({}): / shows a plain page", s_.web_dir);
        // The address on standard output, one line, for people and for scripts that wait for it.
        std::cout << "listening on http://" << h_.bind << ":" << http.port() << "/" << std::endl;
        const auto n = http.run();
        spdlog::info("stopped after {} requests", n);
        return 0;
    }

  private:
    StoreOption store_;
    server::ServiceOptions s_;
    server::HttpOptions h_;
    int read_timeout_ = 10;
};

}  // namespace

std::unique_ptr<Command> make_serve() {
    return std::make_unique<Serve>();
}

}  // namespace wz::app
