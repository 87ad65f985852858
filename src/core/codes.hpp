#pragma once
// Area codes, grid cell codes, levels and measurement years of the Dutch statistical geography.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wz {

// Area levels, finest to coarsest; postcode-4 is a parallel level.
enum class Level : std::uint8_t {
    kGrid,
    kBuurt,
    kWijk,
    kGemeente,
    kCoropPlus,  // finer than COROP: some COROP regions are split in two
    kCorop,
    kProvincie,
    kNederland,
    kPc4
};

inline constexpr Level kAllLevels[] = {Level::kGrid,      Level::kBuurt,     Level::kWijk,
                                       Level::kGemeente,  Level::kCoropPlus, Level::kCorop,
                                       Level::kProvincie, Level::kNederland, Level::kPc4};

// "grid", "buurt", "wijk", "gemeente", "corop_plus", "corop", "provincie", "nederland", "pc4".
std::string_view level_name(Level level);
// Accepts the names above and common aliases (gm, wk, bu, province, coropplus, cell, postcode4).
std::optional<Level> parse_level(std::string_view text);
// An example code of the level, for error messages ("BU00140000").
std::string_view level_example(Level level);

// True when `code` has the exact form of a code of `level` (BU + 8 digits, WK + 6, GM + 4, CR + 2,
// CP + 4, PV + 2, NL + 2, four-digit postcode 1000-9999, grid E####N####).
bool is_code_of_level(Level level, std::string_view code);
// The level whose code form `code` has (postcode-4 for four digits), if any.
std::optional<Level> level_of_code(std::string_view code);
// The wijk of a buurt code and the gemeente of a buurt or wijk code (CBS codes nest by their digits).
std::optional<std::string> parent_code_from_code(std::string_view code, Level parent);

// Removes surrounding spaces (CBS pads codes in some exports: "BU00140000  ").
std::string_view trim(std::string_view text);
// ASCII lower case (for matching column and field names case-insensitively).
std::string to_lower(std::string_view text);

// A 100 m grid cell: lower-left corner at (x100 * 100, y100 * 100) in RD New (EPSG:28992).
struct GridCell {
    std::int32_t x100 = 0;
    std::int32_t y100 = 0;

    double ll_x() const { return x100 * 100.0; }
    double ll_y() const { return y100 * 100.0; }
    double centre_x() const { return x100 * 100.0 + 50.0; }
    double centre_y() const { return y100 * 100.0 + 50.0; }
    // "E1993N3660".
    std::string code() const;
    // "C28992R100E1993N3660" (CBS grid statistics form).
    std::string cbs_code() const;
    // A single 64-bit key, for hashing and sorting (x major).
    std::int64_t key() const {
        return (static_cast<std::int64_t>(x100) << 32) | static_cast<std::uint32_t>(y100);
    }

    friend bool operator==(const GridCell&, const GridCell&) = default;
};

// Parses "E1993N3660", "C28992R100E1993N3660", and the Leefbaarometer 3.0 numeric id "1199303660"
// (1, four digits of x/100, five digits of y/100).
std::optional<GridCell> parse_grid_cell(std::string_view code);
// The cell containing RD point (x, y): floor(x/100), floor(y/100).
GridCell grid_cell_of_point(double x, double y);

// Measurement years the system accepts (1990-2100).
bool is_plausible_year(long year);

}  // namespace wz
