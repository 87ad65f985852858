#pragma once
// The service's request handling, without sockets: a Request in, a Response out. Everything it serves is
// loaded once at start through the library (read_dataset, read_area_layer, the profile data, the tile
// set) and answered from memory; answers of the public part are cached with their ETag. The HTTP face
// (server/http.hpp) only moves bytes; the tests call handle() directly as well as over real sockets.
#include <memory>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace wz::server {

struct ServiceOptions {
    std::string store;       // results store (GeoPackage), opened read-only
    std::string restricted;  // aggregates of `wijkzicht risk publish` (optional)
    std::string users;       // USERS.toml (absent or empty: the public part only)
    std::string audit_log;   // default: USERS.toml's directory, "<users stem>.audit.log"
    std::string tiles;       // default: jobs::default_tiles_path(store) when that file exists
    std::string web_dir;     // the built dashboard (index.html); empty: a plain page with links
    double address_rate = 200, address_burst = 400;  // requests/s per client address (0: no limit)
    double user_rate = 100, user_burst = 200;        // requests/s per token
    std::size_t max_rows = 50000;                    // rows in one JSON/CSV answer
};

struct Request {
    std::string method;         // "GET", "HEAD", ...
    std::string target;         // "/api/v1/scores?level=buurt&year=2022"
    std::string authorization;  // the Authorization header ("" when absent)
    std::string if_none_match;  // the If-None-Match header
    std::string address;        // the client's address
    std::string host;           // the Host header (for absolute URLs in /tiles.json)
};

struct Response {
    int status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::shared_ptr<const std::string> body;
    std::vector<std::pair<std::string, std::string>> headers;  // ETag, Cache-Control, Content-Encoding, ...
    const std::string& text() const;
};

class Service {
  public:
    // Loads the store (and the restricted aggregates, users, tiles, dashboard). Throws the error kinds of
    // core/error.hpp for a store that is absent or not a wijkzicht store, a malformed users file, ...
    explicit Service(const ServiceOptions& options);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Answers one request. Never throws: errors become JSON error responses without internal detail.
    Response handle(const Request& request) const;

    // The OpenAPI 3.0 description of every path.
    const nlohmann::json& openapi() const;
    // What was loaded (levels, datasets, tiles, restricted tables, users): for the start-up log.
    nlohmann::json summary() const;

    struct Data;  // what was loaded (opaque; public so the handlers in service.cpp can take it)

  private:
    std::unique_ptr<Data> d_;
    Response route(const Request& request) const;
};

// Percent-decodes a URL component strictly: nullopt for a bad escape, a NUL byte or invalid UTF-8.
std::optional<std::string> percent_decode(std::string_view text);
// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool valid_utf8(std::string_view text);

}  // namespace wz::server
