#include "core/codes.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <utility>

namespace wz {
namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool prefixed_digits(std::string_view code, std::string_view prefix, std::size_t digits) {
    return code.size() == prefix.size() + digits && code.substr(0, prefix.size()) == prefix &&
           all_digits(code.substr(prefix.size()));
}

int parse_uint(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

std::string_view level_name(Level level) {
    switch (level) {
        case Level::kGrid:
            return "grid";
        case Level::kBuurt:
            return "buurt";
        case Level::kWijk:
            return "wijk";
        case Level::kGemeente:
            return "gemeente";
        case Level::kCorop:
            return "corop";
        case Level::kCoropPlus:
            return "corop_plus";
        case Level::kProvincie:
            return "provincie";
        case Level::kNederland:
            return "nederland";
        case Level::kPc4:
            return "pc4";
    }
    return "unknown";
}

std::optional<Level> parse_level(std::string_view text) {
    static const std::array<std::pair<std::string_view, Level>, 22> kNames{{
        {"grid", Level::kGrid},
        {"cell", Level::kGrid},
        {"vierkant", Level::kGrid},
        {"buurt", Level::kBuurt},
        {"bu", Level::kBuurt},
        {"wijk", Level::kWijk},
        {"wk", Level::kWijk},
        {"gemeente", Level::kGemeente},
        {"gm", Level::kGemeente},
        {"municipality", Level::kGemeente},
        {"corop", Level::kCorop},
        {"cr", Level::kCorop},
        {"corop_plus", Level::kCoropPlus},
        {"coropplus", Level::kCoropPlus},
        {"corop-plus", Level::kCoropPlus},
        {"provincie", Level::kProvincie},
        {"province", Level::kProvincie},
        {"pv", Level::kProvincie},
        {"nederland", Level::kNederland},
        {"nl", Level::kNederland},
        {"pc4", Level::kPc4},
        {"postcode4", Level::kPc4},
    }};
    const std::string key = to_lower(trim(text));
    for (const auto& [name, level] : kNames) {
        if (key == name) return level;
    }
    return std::nullopt;
}

std::string_view level_example(Level level) {
    switch (level) {
        case Level::kGrid:
            return "E1993N3660";
        case Level::kBuurt:
            return "BU00140000";
        case Level::kWijk:
            return "WK001400";
        case Level::kGemeente:
            return "GM0014";
        case Level::kCorop:
            return "CR01";
        case Level::kCoropPlus:
            return "CP0100";
        case Level::kProvincie:
            return "PV20";
        case Level::kNederland:
            return "NL00";
        case Level::kPc4:
            return "9712";
    }
    return "";
}

bool is_code_of_level(Level level, std::string_view code) {
    switch (level) {
        case Level::kGrid: {
            auto cell = parse_grid_cell(code);
            return cell.has_value() && code.size() == 10;
        }
        case Level::kBuurt:
            return prefixed_digits(code, "BU", 8);
        case Level::kWijk:
            return prefixed_digits(code, "WK", 6);
        case Level::kGemeente:
            return prefixed_digits(code, "GM", 4);
        case Level::kCorop:
            return prefixed_digits(code, "CR", 2);
        case Level::kCoropPlus:
            return prefixed_digits(code, "CP", 4);
        case Level::kProvincie:
            return prefixed_digits(code, "PV", 2);
        case Level::kNederland:
            return prefixed_digits(code, "NL", 2);
        case Level::kPc4:
            return code.size() == 4 && all_digits(code) && code[0] != '0';
    }
    return false;
}

std::optional<Level> level_of_code(std::string_view code) {
    for (Level level : kAllLevels) {
        if (is_code_of_level(level, code)) return level;
    }
    return std::nullopt;
}

std::optional<std::string> parent_code_from_code(std::string_view code, Level parent) {
    const bool buurt = is_code_of_level(Level::kBuurt, code);
    const bool wijk = is_code_of_level(Level::kWijk, code);
    if (parent == Level::kWijk && buurt) return fmt::format("WK{}", code.substr(2, 6));
    if (parent == Level::kGemeente && (buurt || wijk)) return fmt::format("GM{}", code.substr(2, 4));
    return std::nullopt;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    std::size_t b = 0;
    std::size_t e = text.size();
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r' || text[b] == '\n')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r' || text[e - 1] == '\n'))
        --e;
    return text.substr(b, e - b);
}

std::string GridCell::code() const {
    // Written by hand for the usual four digits (millions of cells per import); fmt otherwise.
    if (x100 < 0 || x100 > 9999 || y100 < 0 || y100 > 9999) return fmt::format("E{:04d}N{:04d}", x100, y100);
    std::string out(10, 'E');
    out[5] = 'N';
    for (int k = 0, x = x100, y = y100; k < 4; ++k, x /= 10, y /= 10) {
        out[static_cast<std::size_t>(4 - k)] = static_cast<char>('0' + x % 10);
        out[static_cast<std::size_t>(9 - k)] = static_cast<char>('0' + y % 10);
    }
    return out;
}

std::string GridCell::cbs_code() const {
    return "C28992R100" + code();
}

std::optional<GridCell> parse_grid_cell(std::string_view code) {
    code = trim(code);
    if (code.size() == 20 && code.substr(0, 10) == "C28992R100") code = code.substr(10);
    if (code.size() == 10 && code[0] == 'E' && code[5] == 'N' && all_digits(code.substr(1, 4)) &&
        all_digits(code.substr(6, 4))) {
        return GridCell{parse_uint(code.substr(1, 4)), parse_uint(code.substr(6, 4))};
    }
    if (code.size() == 10 && code[0] == '1' && all_digits(code)) {
        return GridCell{parse_uint(code.substr(1, 4)), parse_uint(code.substr(5, 5))};
    }
    return std::nullopt;
}

GridCell grid_cell_of_point(double x, double y) {
    return GridCell{static_cast<std::int32_t>(std::floor(x / 100.0)),
                    static_cast<std::int32_t>(std::floor(y / 100.0))};
}

bool is_plausible_year(long year) {
    return year >= 1990 && year <= 2100;
}

}  // namespace wz
