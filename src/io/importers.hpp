#pragma once
// Importers for the real Dutch sources. Each reads one source completely into memory and checks it;
// any problem is an InputError (FILE:LINE:COL: expected ..., found ...). Nothing is written here: the
// caller hands the result to the results store, so a failed import never touches the store.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/area_names.hpp"
#include "io/csv.hpp"
#include "io/dataset.hpp"

namespace wz {

// Reads a text file and decodes it to UTF-8 (checks UTF-8, or converts Latin-1 / Windows-1252).
// `detected` (optional) receives the encoding used ("utf-8" or "cp1252" under auto).
std::string load_text(const std::string& path, csv::Encoding encoding, std::string* detected = nullptr);

struct StatlineOptions {
    std::string name;                       // dataset name; default: the file name
    std::string code_column;                // default: the column holding area codes (or names)
    std::string year_column;                // default: "Perioden"/"Jaar"/... or a column of years
    std::optional<int> year;                // year for all rows when the file has no period column
    std::vector<std::string> text_columns;  // columns to keep as text even when they look numeric
    csv::Encoding encoding = csv::Encoding::kAuto;
    // Region names instead of codes: the named areas to match them against, for the latest period of
    // the file (0 when it has none). Called once, and only when a region is not a code; the second
    // element says where the names come from ("areas of vintage 2022"). Unset: names are an error.
    std::function<std::pair<AreaNameIndex, std::string>(int year)> area_names;
};
// CBS StatLine table as downloaded, in any of its layouts:
// - CSV: title lines and filter lines ("Soort misdrijf: Totaal misdrijven") above the header, ';' or ','
//   separated, quoted, one or several header rows (labelled "Onderwerp", "Perioden", "Regio's" in the
//   website's download), decimal comma, symbols '.' 'x' '?' (missing with reason) and '-' (nil = 0),
//   footer lines; periods down (a period column) or across (a header row of periods: each column one
//   topic in one period); regions as codes or as names (matched through `area_names`: case, accents,
//   apostrophes and CBS's suffixes "(gemeente)", "(PV)", "(NH.)", …; a name that matches no area, or
//   several, is an InputError at its field listing the closest names).
// - JSON: the CBS open-data TypedDataSet ({"value": [{"ID": 0, "RegioS": "GM0014", "Perioden":
//   "2018JJ00", …}]} or a bare array of such records).
// Rows keyed by area code (any level) and year; topic names repeated under one period get "_2", ….
Dataset import_statline(const std::string& path, const StatlineOptions& options);

struct GridStatsOptions {
    std::string name = "grid_stats";
    std::optional<int> static_year;  // year for columns without a year in their name (default: latest)
    csv::Encoding encoding = csv::Encoding::kAuto;
};
// CBS 100 m grid statistics (vierkantstatistieken): one row per cell with year-suffixed columns
// (INW2000, I2011_014, MAN_2011, WOZWON2012, ...) reshaped to one row per cell and year with variables
// INW, I_014, MAN, WOZWON, .... Secrecy values -99997, -99998 and 'geheim' become missing with
// their reason; 'nihil' is 0. Geometry, centroid and index columns are dropped (the code says it all).
Dataset import_grid_stats(const std::string& path, const GridStatsOptions& options);
// The same as a streaming dataset (Dataset::rows, see io/csv_stream.hpp). Whether a variable is text
// (published as categories) is decided on the first chunk of records; a later text value in a numeric
// variable is an InputError at its field.
Dataset stream_grid_stats(const std::string& path, const GridStatsOptions& options,
                          std::size_t chunk_bytes = std::size_t{8} << 20);

// Leefbaarometer 2.0 open data: the class file (CODE, KLyy, VKLaabb) and the dimension file (GBD,
// RLBRMTRyy, RLBWONyy, RLBBEVyy, RLBVRZyy, RLBVEIyy, RLBFYSyy). Rows may be ragged (trailing empty
// fields omitted). Gives two datasets: lbm2_<level> (code, year, kl, rlbrmtr, rlbwon, rlbbev, rlbvrz,
// rlbvei, rlbfys) and lbm2_<level>_development (code, from_year, to_year, vkl).
std::vector<Dataset> import_lbm2(const std::string& classes_path, const std::string& dimensions_path,
                                 Level level, csv::Encoding encoding = csv::Encoding::kAuto);

struct Lbm3Options {
    Level level = Level::kGrid;
    std::optional<int> year;  // when the file has no year column
    std::string name;         // default lbm3_<level>
};
// Leefbaarometer 3.0 open data (lbm, afw, fys, onv, soc, vrz, won and optional class columns) as CSV
// or JSON lines, for grid cells (E1993N3660, C28992R100..., or the numeric 1199303660 form), buurten,
// wijken or gemeenten. Checks afw = fys+onv+soc+vrz+won and records the edition constant lbm - afw.
Dataset import_lbm3(const std::string& path, const Lbm3Options& options);

struct IncidentOptions {
    std::string name = "incidents";
    csv::Encoding encoding = csv::Encoding::kAuto;
};
// Police incident export (';'-separated, Dutch dates "20-9-2017 17:30", RD coordinates X;Y). Street,
// house number, postcode, registration numbers and exact coordinates are protected: they are dropped
// on import; each incident keeps its 100 m cell (code), dates, type and the area names.
Dataset import_incidents(const std::string& path, const IncidentOptions& options);
// The same as a streaming dataset (Dataset::rows, see io/csv_stream.hpp): read, checked and converted a
// chunk at a time while the store writes the rows. The header is checked here.
Dataset stream_incidents(const std::string& path, const IncidentOptions& options,
                         std::size_t chunk_bytes = std::size_t{8} << 20);

struct BoundaryOptions {
    Level level = Level::kBuurt;
    int vintage = 0;
    std::string id_field;
    std::string name_field;  // default: statnaam / *naam / name when present
    std::string layer;
    std::string src_srs;
};
// Area polygons from any GDAL vector source, reprojected to EPSG:28992, with parent links from the
// codes (buurt -> wijk -> gemeente) and from attributes (corop_gebied, corop_plus_gebied, provincie,
// WK_CODE, GM_CODE, wijkcode, gemeentecode, ...). Codes are checked against the level; duplicates fail.
AreaLayer import_boundaries(const std::string& path, const BoundaryOptions& options);

}  // namespace wz
