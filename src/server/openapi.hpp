#pragma once
// The OpenAPI 3.0 description of the service (served at /openapi.json): every path with its parameters
// and answers; every restricted operation lists `security` (a bearer token).
#include <nlohmann/json.hpp>
#include <string>

namespace wz::server {

nlohmann::json openapi_document(const std::string& version);

}  // namespace wz::server
