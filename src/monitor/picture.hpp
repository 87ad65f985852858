#pragma once
// The national picture (METHODS.md §3, the report "Leefbaarheid in Nederland 2018"): resident-weighted
// shares per class and year, "onvoldoende" (classes 1–3), "zwak" (4), "ruim voldoende or better" (6–9),
// the number of onvoldoende areas (at least 100 residents in onvoldoende cells), changes between years
// and the dimension that drove them, development by city group and starting class, and regions with
// population decline against the country.
#include <map>
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
    double onvoldoende_area_residents = 100;  // an onvoldoende area has at least this many residents in
                                              // onvoldoende cells
};

// year, class, name, residents, share: residents living in cells of each class (all scored cells).
Table picture_classes(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                      const std::vector<std::string>& class_names);

// One row per year: residents, mean_score, onvoldoende/zwak/good residents and shares, onvoldoende_areas
// (of `areas`' level) and areas_populated, and against the previous year: change of the mean score, of the
// onvoldoende share, per dimension the change of its national mean (they add up to the change of the mean
// score), and `driver`, the dimension with the largest absolute change.
Table picture_years(const liveability::CellYearPanel& panel, const liveability::CellScores& scores,
                    const std::vector<std::string>& dimensions, const AreaScores& areas,
                    const PictureOptions& options);

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

// The report's class groups for the development per city: "onvoldoende buurten" against buurten that
// are "ruim voldoende" or "goed" at the start.
struct CityDevelopmentOptions {
    int weak_max_class = 3;    // onvoldoende: classes 1-3 at the first year
    int strong_min_class = 6;  // ruim voldoende (6) ...
    int strong_max_class = 7;  // ... or goed (7)
};

// Development of areas between two years per city: one row per city (the gemeente of each area, among
// those whose group is in `groups`, e.g. G4 and G40): city, name, group, weak_areas, weak_mean_change,
// strong_areas, strong_mean_change, gap (weak minus strong mean change) and verdict ("weak catch up" when
// gap > 0, "weak lag behind" when gap < 0 — the gap between weak and strong buurten grows —, "no
// comparison" when either side has no area). Areas not shown in both years are left out. Sorted by group,
// then city code.
Table development_by_city(const AreaScores& areas, std::span<const std::string> city_of_area,
                          const std::map<std::string, std::string>& group_of_city,
                          const std::map<std::string, std::string>& name_of_city,
                          std::span<const std::string> groups, int from_year, int to_year,
                          const CityDevelopmentOptions& options = {});

// Regions by type (e.g. krimpregio, anticipeerregio; regions of other types form "overig") against the
// country (all regions): per type and year the regions, residents, resident-weighted mean score,
// onvoldoende share, change of the mean score since the first year, the difference with the country, and
// per dimension the resident-weighted mean (`<dim>`), its difference with the country
// (`<dim>_against_country`) and its change since the first year (`<dim>_change`). Regions whose code is
// in `excluded` are left out of their type (not of the country).
Table regions_against_country(const AreaScores& regions, std::span<const std::string> type_of_region,
                              std::span<const std::string> excluded, const PictureOptions& options,
                              const std::vector<std::string>& dimensions = {});

}  // namespace wz::monitor
