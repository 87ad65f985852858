#pragma once
// The national picture job (wijkzicht picture) from the scores `wijkzicht score` stored: shares per
// class and year, onvoldoende areas at a level, development by city group and starting class, regions
// with population decline against the country.
#include <string>
#include <vector>

#include "core/codes.hpp"
#include "core/table.hpp"
#include "monitor/picture.hpp"

namespace wz::jobs {

struct PictureOptions {
    std::string level = "buurt";
    std::string groups = "regio_kenmerken:Stedenklasse";  // DATASET:COLUMN
    std::string names = "regio_kenmerken:name";           // DATASET:COLUMN (city names; optional)
    std::vector<std::string> cities = {"G4", "G40"};      // groups whose cities get a row each
    std::string regions =
        "regio_kenmerken:Bevolkingsdaling";  // DATASET:COLUMN, or a CSV file (code,region_type)
    std::string region_level = "gemeente";   // level of the region codes (gemeente, corop_plus)
    std::vector<std::string> exclude;        // regions (of region_level) left out
    int from = 0, to = 0;                    // 0: first / last year
    double onvoldoende_residents = 100;
    monitor::CityDevelopmentOptions city;  // class groups of the development per city
};

struct Picture {
    Level level = Level::kBuurt;
    Level region_level = Level::kGemeente;
    int from = 0, to = 0;
    // groups, cities and regions may have no columns (no group or region data in the store)
    Table years, classes, groups, cities, regions;
};

Picture national_picture(const std::string& store, const PictureOptions& options);

}  // namespace wz::jobs
