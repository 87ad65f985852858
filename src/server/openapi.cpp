#include "server/openapi.hpp"

#include <initializer_list>

namespace wz::server {

namespace {

using nlohmann::json;

struct Param {
    const char* name;
    const char* in;  // query | path
    bool required;
    const char* type;  // string | integer
    const char* description;
};

json operation(const char* summary, std::initializer_list<Param> params, bool restricted,
               const char* content = "application/json") {
    json op = {{"summary", summary}};
    json ps = json::array();
    for (const auto& p : params) {
        ps.push_back({{"name", p.name}, {"in", p.in}, {"required", p.required || std::string(p.in) == "path"},
                      {"description", p.description}, {"schema", {{"type", p.type}}}});
    }
    if (!ps.empty()) op["parameters"] = ps;
    json responses = {{"200", {{"description", "the answer"}, {"content", {{content, json::object()}}}}},
                      {"400", {{"$ref", "#/components/responses/Error"}}},
                      {"404", {{"$ref", "#/components/responses/Error"}}},
                      {"429", {{"$ref", "#/components/responses/Error"}}}};
    if (restricted) {
        op["security"] = json::array({{{"bearer", json::array()}}});
        responses["401"] = {{"$ref", "#/components/responses/Error"}};
        responses["403"] = {{"$ref", "#/components/responses/Error"}};
    }
    op["responses"] = responses;
    return op;
}

const Param kLevel{"level", "query", true, "string", "grid, buurt, wijk, gemeente, corop_plus, corop, provincie, nederland"};
const Param kParent{"parent", "query", false, "string", "only areas within this area (a code of a coarser level)"};
const Param kFormatCsv{"format", "query", false, "string", "json (default) or csv"};

}  // namespace

nlohmann::json openapi_document(const std::string& version) {
    json paths = json::object();
    const auto get = [&](const char* path, json op) { paths[path] = {{"get", std::move(op)}}; };
    get("/", operation("The dashboard", {}, false, "text/html"));
    get("/api/v1/health", operation("Whether the service runs", {}, false));
    get("/api/v1/meta", operation("What the store holds: levels, years, dimensions, classes with colours, tiles", {}, false));
    get("/api/v1/areas",
        operation("The areas of a level (JSON, or GeoJSON in WGS84 with simplified geometry)",
                  {kLevel, kParent,
                   {"format", "query", false, "string", "json (default) or geojson"},
                   {"limit", "query", false, "integer", "at most this many areas"},
                   {"offset", "query", false, "integer", "skip this many areas"}},
                  false));
    get("/api/v1/areas/{code}", operation("One area with its parent codes", {{"code", "path", true, "string", "area code"}}, false));
    get("/api/v1/scores",
        operation("Scores, dimension scores, classes and residents of the areas of a level in a year",
                  {kLevel, {"year", "query", false, "integer", "measurement year (default: the latest)"}, kParent, kFormatCsv},
                  false));
    get("/api/v1/development",
        operation("Development (change and class) between two measurement years",
                  {kLevel, {"from", "query", true, "integer", "first year"}, {"to", "query", true, "integer", "second year"},
                   kParent, kFormatCsv},
                  false));
    get("/api/v1/profile/{code}",
        operation("The area profile: scores over time, dimensions against the country, development, designations, "
                  "hotspots, comparable areas",
                  {{"code", "path", true, "string", "area code"}}, false));
    get("/api/v1/picture", operation("The national picture (years, classes, groups, regions)", {}, false));
    get("/api/v1/typologies", operation("The stored typology results", {}, false));
    get("/api/v1/typologies/{dataset}",
        operation("The designated areas of a typology result with their reasons",
                  {{"dataset", "path", true, "string", "typology dataset"}, kParent,
                   {"all", "query", false, "string", "true: every evaluated area"}, kFormatCsv},
                  false));
    get("/api/v1/hotspots", operation("The stored hotspot results (wijkzicht hotspots --store)", {}, false));
    get("/api/v1/hotspots/{dataset}",
        operation("Local Moran and Getis-Ord G_i* per area of a hotspot result, with its global Moran's I",
                  {{"dataset", "path", true, "string", "hotspot dataset"}, kParent,
                   {"significant", "query", false, "string", "true: only the areas significant after FDR"}, kFormatCsv},
                  false));
    get("/api/v1/search",
        operation("Areas by name, code or postcode-4",
                  {{"q", "query", true, "string", "text to find"}, {"limit", "query", false, "integer", "1-50 (default 10)"},
                   {"level", "query", false, "string", "only this level"}},
                  false));
    get("/api/v1/download/{file}",
        operation("A dataset as CSV (DATASET.csv) or the areas of a level with a year's scores as GeoPackage (LEVEL_YEAR.gpkg)",
                  {{"file", "path", true, "string", "DATASET.csv or LEVEL_YEAR.gpkg"}}, false, "application/octet-stream"));
    get("/tiles.json", operation("TileJSON of the vector tiles", {}, false));
    get("/tiles/{z}/{x}/{y}.pbf",
        operation("A Mapbox vector tile (gzip): layers provincie, corop, gemeente, wijk, buurt, grid",
                  {{"z", "path", true, "integer", "zoom"}, {"x", "path", true, "integer", "column"}, {"y", "path", true, "integer", "row"}},
                  false, "application/vnd.mapbox-vector-tile"));
    get("/api/v1/me", operation("Who the token belongs to: name, role, gemeenten", {}, true));
    get("/api/v1/restricted/tables", operation("The restricted aggregate tables and their columns", {}, true));
    get("/api/v1/restricted/{table}",
        operation("Disclosure-controlled undermining aggregates of one table, for the gemeenten the token may see",
                  {{"table", "path", true, "string", "risk_yearly, risk_snapshot or risk_network"},
                   {"gemeente", "query", false, "string", "a gemeente code (default: every gemeente the token may see)"},
                   {"year", "query", false, "integer", "only this year"}, kFormatCsv},
                  true));
    get("/api/v1/admin/audit",
        operation("The last lines of the audit log (administrators)", {{"limit", "query", false, "integer", "1-10000"}}, true));
    return {{"openapi", "3.0.3"},
            {"info", {{"title", "wijkzicht"}, {"version", version},
                      {"description", "Liveability and safety results per area of the Netherlands (docs/api.md)."}}},
            {"paths", paths},
            {"components",
             {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
              {"responses",
               {{"Error",
                 {{"description", "an error: {\"error\": {\"kind\": ..., \"message\": ...}}"},
                  {"content", {{"application/json", json::object()}}}}}}}}}};
}

}  // namespace wz::server
