#pragma once
// The undermining jobs (wijkzicht risk ...), run inside the protected zone (io/protected_zone.hpp):
// ingest the extracts, compute the indicators and their hot spots, analyse the network, predict drug
// crime, publish safe aggregates. Each step checks the key against the zone, reads what it needs
// from the zone, writes its results there as r_* tables with an audit record, and appends every run
// (failed ones too) to the zone's audit log. Nothing here logs or returns a protected value: the
// results these functions return are counts and summaries.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "io/protected_zone.hpp"
#include "risk/disclosure.hpp"
#include "risk/indicators.hpp"
#include "risk/network.hpp"
#include "risk/predict.hpp"

namespace wz::jobs {

struct ZoneArgs {
    std::string protected_path;  // --protected P.db
    std::string key_file;        // --key-file KEY
};

struct RiskIngestResult {
    zone::IngestReport report;
};
RiskIngestResult risk_ingest(const ZoneArgs& zone, const std::string& extracts);

struct RiskIndicatorOptions {
    risk::IndicatorOptions indicators;
    // The results store with the buurt polygons (queen contiguity for the hot spots) and the COROP
    // links of the gemeenten; empty: no hot spots, no COROP view.
    std::string store;
    int vintage = 0;  // of the buurt layer (0: the latest)
    std::uint32_t permutations = 999;
    int hot_spot_years = 3;  // yearly indicators: the years up to the reference year whose counts are summed
    std::uint64_t seed = 0;
    double alpha = 0.05;
};
struct RiskIndicatorResult {
    std::int64_t run = 0;
    std::int64_t reference_year = 0;
    std::size_t buurten = 0, years = 0;
    std::int64_t unexplained_purchases = 0, owners_without_means = 0, professional_directors = 0;
    Table concentration;  // empty without a store
    nlohmann::json summary;
};
RiskIndicatorResult risk_indicators(const ZoneArgs& zone, const RiskIndicatorOptions& options);

struct RiskNetworkResult {
    std::int64_t run = 0;
    std::int64_t nodes = 0, edges = 0, components = 0, risk_components = 0;
    nlohmann::json summary;
};
RiskNetworkResult risk_network(const ZoneArgs& zone, const risk::NetworkOptions& options);

struct RiskPredictOptions {
    risk::PredictOptions predict;  // test_years empty: the later half of the target years
};
struct RiskPredictResult {
    std::int64_t run = 0;
    Table metrics, comparison;
    std::vector<int> test_years;
    std::vector<std::string> features;
};
// Drug crime (drugs-trafficking suspicions) per buurt next year from the buurt's earlier suspicions,
// unusual transactions and unexplained purchases (r_yearly), with strictly temporal validation against
// last year's count (risk/predict.hpp). Results in r_predict_*.
RiskPredictResult risk_predict(const ZoneArgs& zone, const RiskPredictOptions& options);

struct RiskPublishOptions {
    risk::DisclosureOptions disclosure;
    std::string out;    // the GeoPackage of aggregates
    std::string store;  // results store with the area polygons (empty: attribute tables only)
};
struct RiskPublishResult {
    std::int64_t run = 0;
    std::size_t rows = 0, primary = 0, secondary = 0, suppressed = 0;
    std::vector<std::string> layers;
};
// Everything that leaves the zone: the indicator counts (r_yearly, r_snapshot) and the network per
// buurt (r_network_buurt) through disclosure control (risk/disclosure.hpp) per buurt, wijk, gemeente
// and the land, with rates from the published counts, as layers risk_yearly, risk_snapshot,
// risk_network (with the area polygons of --store), the suppression record `suppressed` and `about`.
RiskPublishResult risk_publish(const ZoneArgs& zone, const RiskPublishOptions& options);

// The micro-data tables of the zone with the columns the analyses use (persons' household and address
// only `for_network`).
risk::MicroTables read_micro_tables(const zone::Zone& zone, bool for_network);

}  // namespace wz::jobs
