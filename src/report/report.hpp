#pragma once
// The reports (wijkzicht report): one self-contained HTML page (inline CSS and
// SVG charts, no scripts and no external resources) for an area — built from
// its area profile (docs/api.md) — or for the country — built from the national
// picture's tables. Dutch text. Every number shown is also in a <script
// type="application/json" id="wz-data"> block (and on the chart elements as
// data- attributes), so the page can be checked against the store it was made
// from.
//
// Pure: the caller reads the store (jobs/report.hpp) and passes in-memory data.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/table.hpp"

namespace wz::report {

// Class and development names and colours of the model preset the scores were
// made with.
struct Legend {
    std::string model;        // "lbm2"
    std::string model_title;  // "Leefbaarometer 2.0"
    std::vector<std::string> class_names, class_colors;
    std::vector<std::string> development_names, development_colors;
    std::vector<std::string> dimension_codes,
        dimension_names;  // "won" -> "Woningen"
};

// Where the numbers come from: the store's runs (wz_runs with their
// wz_run_inputs: path, SHA-256, bytes, as store_inventory lists them, each with
// the datasets it wrote) and the program that wrote the report.
struct Provenance {
    std::string program_version;
    std::string store;
    nlohmann::json runs = nlohmann::json::array();
};

// The area report from an area profile (jobs::area_profile).
std::string area_report(const nlohmann::json& profile, const Legend& legend, const Provenance& provenance);

// The national picture as stored by `wijkzicht score` (picture_years,
// picture_classes, picture_groups, picture_regions; a table without columns was
// not stored) and, when stored, a tenure analysis.
struct NationalPicture {
    Table years, classes, groups, regions;
    std::optional<Table> tenure;
    std::string tenure_dataset;
    nlohmann::json tenure_meta = nlohmann::json::object();  // picture_tenure: breakpoint, lower, upper, ...
    nlohmann::json country = nlohmann::json::array();       // score_nederland per year:
                                                            // year, score, dimensions
    std::vector<std::string> dimensions;
};
std::string national_report(const NationalPicture& picture, const Legend& legend,
                            const Provenance& provenance);

// A table as JSON rows (column -> value; missing values null), for the data
// block.
nlohmann::json table_rows(const Table& table);

}  // namespace wz::report
