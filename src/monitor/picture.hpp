#pragma once
// The national picture (METHODS.md §3, the report "Leefbaarheid in Nederland 2018"): resident-weighted
// shares per class and year, "onvoldoende" (classes 1–3), "zwak" (4), "ruim voldoende or better" (6–9),
// the number of onvoldoende areas (at least 100 residents in onvoldoende cells), changes between years
// and the dimension that drove them, development by city group and starting class, and regions with
// population decline against the country.
#include <span>
#include <string>
#include <vector>

#include "core/table.hpp"
#include "liveability/score.hpp"
#include "monitor/aggregate.hpp"

namespace wz::monitor {

struct PictureOptions {
    int onvoldoende_max_class = 3;            // classes 1..3 are "onvoldoende"
    int zwak_class = 4;                       // class 4 is "zwak"
    int good_min_class = 6;                   // classes 6..9 are "ruim voldoende or better"
    int city_good_max_class = 7;              // per city: "ruim voldoende" or "goed" buurten are classes
                                              // good_min_class..7 (the report's words)
    double onvoldoende_area_residents = 100;  // an onvoldoende area has at least this many residents in
                                              // onvoldoende cells
};

// year, class, name, residents, share: residents living in cells of each class (all scored cells).
Table picture_classes(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                      const std::vector<std::string>& class_names);

// One row per year: residents, mean_score, onvoldoende/zwak/good residents and shares, onvoldoende_areas
// (of `areas`' level) and areas_populated, and against the previous year: change of the mean score, of the
// onvoldoende share, per dimension the change of its national mean (they add up to the change of the mean
// score), `driver`, the dimension with the largest change in the direction of the total's change (the
// largest in absolute value when the total did not change), and `driver_share`, its change / the total's.
Table picture_years(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                    const std::vector<std::string>& dimensions, const AreaScores& areas,
                    const PictureOptions& options);

// The change of the national mean split into indicators (the report: the change is driven by Veiligheid,
// and by the indicator "overlast" in particular): per year and model indicator its dimension, the weighted
// national mean of its part (scores.national_indicator_mean), the change from the previous year, its share
// of the change of the national mean, and its rank among the indicators by change in the direction of the
// total's change (1 = the driver). Rows per year with indicator "(total)" give the change of the mean.
// Empty (no columns) when the scores have no indicator means (published scores).
Table picture_indicators(const liveability::CellScores& scores, const liveability::ScoringModel& model,
                         std::span<const int> years);

// Per year, the number of areas with at least `onvoldoende_area_residents` residents in onvoldoende
// cells, and the number of populated areas.
struct AreaCounts {
    std::vector<std::int64_t> onvoldoende, populated;
};
AreaCounts count_onvoldoende_areas(const AreaScores& areas, const PictureOptions& options);

// Development of areas between two years by group (e.g. G4, G40, overig) and starting class: group,
// start_class, areas, mean_start_score, mean_change, plus per group a row with start_class missing that
// gives weak (class <= 4) minus strong (class >= 7) mean change ("gap": > 0 means weak areas catch up).
// Areas without a group or not shown in both years are left out.
Table development_by_group(const AreaScores& areas, std::span<const std::string> group_of_area, int from_year,
                           int to_year);

// Safety (and every other dimension) by group of gemeenten (the report: safety and nuisance improved in all
// groups, more in the large cities): per group (e.g. G4, G40, overig; "nederland" for all areas) and year
// the resident-weighted mean of each dimension's contribution over the areas of the group (`weight`), and
// its change since the first year; then the same for each indicator part of the areas (e.g. "overlast",
// the nuisance indicators, which LBM 2.0 has no dimension for). Contributions are relative to the
// country's level of the year, so change_since_first is the change against the country;
// absolute_change_since_first adds the country's own change, from `national_level` ([series][year], the
// dimensions then the parts, centred like CellScores::national_dim_mean; missing when not given).
// Areas without a group count only in "nederland".
Table dimensions_by_group(const AreaScores& areas, std::span<const std::string> group_of_area,
                          std::span<const std::string> dimensions,
                          const std::vector<std::vector<double>>& national_level = {});

// The national level of each dimension and indicator part per year ([series][year]) from a picture_years
// table: the dimensions' levels from their year-on-year changes (change_<dimension>, 0 in the first year),
// the parts from part_<name>. Missing when the table lacks the column.
std::vector<std::vector<double>> national_levels(const Table& picture_years,
                                                 std::span<const std::string> dimensions,
                                                 std::span<const std::string> parts);

// Residents' own view beside the scores (the report set the WoON survey's rating beside the krimp and
// anticipeer regions): per region type ("nederland" = every respondent; respondents outside a typed
// region count as "overig") and year, the respondents, their mean rating and its difference with the
// country's. `type_of_respondent` empty = outside every region with a type.
Table survey_by_region_type(std::span<const int> year_of_respondent, std::span<const double> rating,
                            std::span<const std::string> type_of_respondent);

// A city (a gemeente of a city group such as G4 or G40) with its name and group.
struct City {
    std::string code, name, group;
};

// Development per city (the report: in most G4 and G40 cities liveability improved more in onvoldoende
// buurten than in buurten that score "ruim voldoende" or "goed"): per city, the areas that start in
// onvoldoende (class <= onvoldoende_max_class) and those that start in ruim voldoende or goed (classes
// good_min_class..city_good_max_class), their number and mean change of the score, and the gap
// onvoldoende minus ruim voldoende / goed (> 0: the weak catch up; < 0: they fall behind), with
// `weak_catch_up` 1 / 0 (missing when either group is empty). `city_of_area` gives per area the index of its
// city in `cities` (-1: not in a city). Cities in the order given; areas not shown in both years are left
// out.
Table development_by_city(const AreaScores& areas, std::span<const std::int32_t> city_of_area,
                          const std::vector<City>& cities, int from_year, int to_year,
                          const PictureOptions& options);

// Regions by type (e.g. krimpregio, anticipeerregio; regions of other types form "overig") against the
// country (all regions): per type and year the regions, residents, resident-weighted mean score,
// onvoldoende share and change of the mean score since the first year. Regions whose code is in
// `excluded` are left out of their type (not of the country).
// With `dimensions` (the names of regions.dims), per dimension `against_country_<dim>`: the type's weighted
// mean contribution minus the country's (they add up to against_country), and `main_dimension`, the
// largest of them in the direction of against_country (what explains the gap: the report explained the
// krimp regions by Voorzieningen and Veiligheid).
Table regions_against_country(const AreaScores& regions, std::span<const std::string> type_of_region,
                              std::span<const std::string> excluded, const PictureOptions& options,
                              std::span<const std::string> dimensions = {});

}  // namespace wz::monitor
