#pragma once
// The national picture job (wijkzicht picture) from the scores `wijkzicht score` stored: shares per
// class and year, onvoldoende areas at a level, development by city group and starting class, regions
// with population decline against the country.
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"

namespace wz::jobs {

struct PictureOptions {
    std::string level = "buurt";
    std::string groups = "regio_kenmerken:Stedenklasse";       // DATASET:COLUMN
    std::string regions = "regio_kenmerken:Bevolkingsdaling";  // DATASET:COLUMN
    // DATASET:COLUMN with the CBS urbanity class (1-5) of each area of the level (the latest year)
    std::string urbanity = "kerncijfers_buurten:Stedelijkheid/Mate van stedelijkheid";
    // DATASET:COLUMN with the survey's rating per respondent (rows: code = 100 m cell, year)
    std::string survey = "survey:rating";
    std::vector<std::string> exclude;  // COROP-plus regions or gemeenten left out
    int from = 0, to = 0;              // 0: first / last year
    double onvoldoende_residents = 100;
};

struct Picture {
    Level level = Level::kBuurt;
    int from = 0, to = 0;
    Table years, classes, groups, regions;  // groups and regions may have no columns
    Table cities;      // development per city (G4, G40 by name), when the city groups are known
    Table indicators;  // picture_indicators: the change of the national mean per indicator (may be empty)
    Table dimension_groups;    // dimensions (safety among them) by city group and year, when groups are known
    Table regions_gemeenten;   // regions by type as sets of gemeenten, when the types are given per gemeente
    Table dimension_urbanity;  // dimensions by urbanity class (1-5) and year, when the classes are known
    Table survey_regions;      // the survey's mean rating by region type and year, when both are known
};

Picture national_picture(const std::string& store, const PictureOptions& options);

}  // namespace wz::jobs
