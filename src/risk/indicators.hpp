#pragma once
// Undermining indicators per buurt (METHODS.md §6), computed inside the protected zone from the
// pseudonymised micro-data tables: unexplained property purchases, owners with neither income nor
// assets, convicted and suspected owners, foundations with professional directors and the dwellings
// they hold, suspicions by kind, unusual transactions; as counts, rates and ratios to the national
// rate per buurt, gemeente, COROP region and the country; and how concentrated each indicator is in
// G_i* hot spots. Pure: tables in, tables out.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "spatial/hotspots.hpp"
#include "spatial/weights.hpp"

namespace wz::risk {

// The zone's micro-data tables with the columns the indicators use (as read from the zone).
struct MicroTables {
    Table persons;       // person, household, address, buurt, income, assets
    Table dwellings;     // address, buurt
    Table ownership;     // address, buurt, owner_type, owner
    Table purchases;     // purchase, address, buurt, buyer_type, buyer, year, price, household_income,
                         // household_assets
    Table entities;      // entity, legal_form, address, buurt
    Table directors;     // entity, person
    Table suspicions;    // person, offence, year, convicted
    Table transactions;  // year, from_type, from_id, to_type, to_id, amount, unusual
};

struct IndicatorOptions {
    // A purchase is unexplained when price > capacity_factor x household gross income + household assets
    // (the maximum a household can borrow on its income plus what it owns).
    double capacity_factor = 4.5;
    // A professional director sits on the board of at least this many legal entities.
    std::int64_t min_boards = 5;
    // The year of the snapshot indicators (ownership as in the extract); 0: the latest year of the
    // purchases and suspicions.
    std::int64_t reference_year = 0;
};

// The offences of suspicions.csv, in column order.
const std::vector<std::string>& offence_kinds();

// An indicator: its count column in `yearly` or `snapshot`, and the count it is a share of.
struct IndicatorDef {
    std::string name;         // "unexplained_purchases"
    std::string table;        // "yearly" or "snapshot"
    std::string denominator;  // "purchases", "residents", "owners", "dwellings"
    std::string description;
};
const std::vector<IndicatorDef>& indicator_defs();

struct IndicatorResult {
    // One row per buurt and year: buurt, year, residents, purchases, unexplained_purchases,
    // suspicions_<kind> for each kind, suspicions (their sum), unusual_transactions, unusual_amount (euro).
    Table yearly;
    // One row per buurt for the reference year: buurt, year, residents, dwellings, owners,
    // owners_without_means, convicted_owners, suspected_owners, professional_foundations,
    // professional_foundation_dwellings.
    Table snapshot;
    // Record flags (they stay in the zone): purchase; person; person, boards.
    Table unexplained_purchases, owners_without_means, professional_directors;
    std::int64_t reference_year = 0;
};

IndicatorResult compute_indicators(const MicroTables& tables, const IndicatorOptions& options);

// Counts, rates (count / denominator) and ratios to the national rate of every indicator: level
// ("buurt", "gemeente", "corop" when `gemeente_corop` maps gemeente codes to COROP codes, "land"),
// area, year, indicator, count, denominator, rate, ratio_national.
Table indicator_views(const IndicatorResult& result,
                      const std::map<std::string, std::string>& gemeente_corop);

struct Concentration {
    // indicator, from_year, to_year (the years summed: the reference year for snapshot indicators, the
    // `recent_years` up to it for yearly ones), buurten, hot_spots (buurten in G_i* hot spots of the
    // indicator's rate), count, count_in_hot_spots, share_in_hot_spots, residents_share_in_hot_spots.
    Table summary;
    // indicator, buurt, rate, gstar_z, gstar_p, hotspot ("hot", "cold", "ns"): the hot spots themselves.
    Table hot_spots;
};

// G_i* of each indicator's buurt rate over `weights` (queen contiguity of `buurt_ids`) with
// permutation inference and FDR, and the share of the indicator's count inside the hot spots. Yearly
// indicators are summed over the `recent_years` up to the reference year (where the problem is now).
Concentration hot_spot_concentration(const IndicatorResult& result, std::span<const std::string> buurt_ids,
                                     const spatial::Weights& weights,
                                     const spatial::HotspotSettings& settings, int recent_years = 3);

// Buurt characteristics against hot-spot status: for each of `indicators` and each numeric column of
// `characteristics` (buurt, then the characteristics: liveability score and dimensions, key figures),
// the mean over the buurten of `characteristics` that are the indicator's hot spots (a row "hot" in
// `hot_spots`: indicator, buurt, hotspot) and over all its other buurten (cold or not significant) that
// have a value: indicator, characteristic, hot_buurten,
// other_buurten, mean_hot, mean_other, difference (hot - other), standardised_difference (the difference
// over the pooled standard deviation, Cohen's d; missing when either group has fewer than 2 buurten or
// the pooled deviation is 0). Buurten without a value are left out of that characteristic only.
Table characteristics_by_hot_spot(const std::vector<std::string>& indicators, const Table& hot_spots,
                                  const Table& characteristics);

}  // namespace wz::risk
