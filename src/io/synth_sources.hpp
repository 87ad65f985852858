#pragma once
// Importers for the liveability inputs that have no CBS/police format of their own (as written by
// `wijkzicht synth`, and by anyone preparing such data): indicator values per cell and year, indicator
// metadata, a geocoded resident survey, house sales, and the undermining micro-data extract.
// Like the other importers they read and check everything and write nothing.
#include <optional>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/dataset.hpp"

namespace wz {

struct IndicatorOptions {
    std::string name = "indicators";
    std::optional<int> year;  // for every file; default: the four-digit year in each file name
    csv::Encoding encoding = csv::Encoding::kAuto;
};
// Indicator values, one CSV per year: `code` (100 m cell E1993N3660, C28992R100..., or an area code) and
// one numeric column per indicator (ind001, ...). All files must have the same columns. Gives one dataset
// (code, year, indicators...). Each code once per year.
Dataset import_indicators(const std::vector<std::string>& paths, const IndicatorOptions& options);
// The same as a streaming dataset (Dataset::rows): the files are read, checked and converted a chunk of
// `chunk_bytes` at a time while the store writes the rows, so memory is bounded by a chunk and a block.
// The columns come from the first file's header, read here (errors in it are thrown here); every other
// error is thrown while the store writes, which then rolls back.
Dataset stream_indicators(const std::vector<std::string>& paths, const IndicatorOptions& options,
                          std::size_t chunk_bytes = std::size_t{8} << 20);

// Indicator metadata: id, name, dimension_lbm2 (won, bev, vrz, vei, fys), dimension_lbm3 (won, fys, vrz,
// soc, onv), transform (identity, log, logit, sqrt). Dataset "indicator_meta".
Dataset import_indicator_meta(const std::string& path, csv::Encoding encoding = csv::Encoding::kAuto);

// Resident survey: respondent, year, code (100 m cell), rating (1-10), optional further columns
// (age, owner, ...). Dataset "survey" (code, year first).
Dataset import_survey(const std::string& path, const std::string& name = "survey",
                      csv::Encoding encoding = csv::Encoding::kAuto);

// House sales: sale, year, code (100 m cell), price (> 0), optional month, floor_area, rooms,
// dwelling_type, build_year. Dataset "sales" (code, year first).
Dataset import_sales(const std::string& path, const std::string& name = "sales",
                     csv::Encoding encoding = csv::Encoding::kAuto);
// Survey and sales as streaming datasets (Dataset::rows, io/csv_stream.hpp): read, checked and stored a
// chunk at a time. Columns beyond the named ones take the type of the file's first records; a later value
// of another type is an InputError at its field. Their records are short (50-60 bytes): a chunk of 1 MB
// holds about 20,000 of them, and keeps a small file's import from holding all of it at once.
Dataset stream_survey(const std::string& path, const std::string& name = "survey",
                      csv::Encoding encoding = csv::Encoding::kAuto, std::size_t chunk_bytes = std::size_t{1} << 20);
Dataset stream_sales(const std::string& path, const std::string& name = "sales",
                     csv::Encoding encoding = csv::Encoding::kAuto, std::size_t chunk_bytes = std::size_t{1} << 20);

// The undermining micro-data are not imported into the results store: io/protected_zone.hpp.

// True when the 9-digit number passes the BSN 11-test (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11).
bool bsn_valid(std::string_view digits);

}  // namespace wz
