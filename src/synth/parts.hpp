#pragma once
// Internal: the generator's parts and the fast text output they share.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "synth/country.hpp"

namespace wz::synth {

// Appends numbers and text to a string without iostreams or per-value allocation.
struct Out {
    std::string s;
    void str(std::string_view t) { s.append(t); }
    void ch(char c) { s.push_back(c); }
    void num(std::int64_t v) {
        char b[24];
        auto r = std::to_chars(b, b + sizeof b, v);
        s.append(b, r.ptr);
    }
    // Fixed-point with `decimals` decimals; `comma` gives a decimal comma.
    void fixed(double v, int decimals, bool comma = false) {
        static constexpr double kPow[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
        const double scaled = std::round(v * kPow[decimals]);
        auto n = static_cast<std::int64_t>(scaled);
        if (n < 0) {
            s.push_back('-');
            n = -n;
        }
        const auto p = static_cast<std::int64_t>(kPow[decimals]);
        num(n / p);
        if (decimals > 0) {
            s.push_back(comma ? ',' : '.');
            char b[12];
            std::int64_t frac = n % p;
            for (int i = decimals - 1; i >= 0; --i) {
                b[i] = static_cast<char>('0' + frac % 10);
                frac /= 10;
            }
            s.append(b, static_cast<std::size_t>(decimals));
        }
    }
    // "a;b" -> "\"a;b\"" (StatLine style: every field quoted).
    void quoted(std::string_view t) {
        s.push_back('"');
        for (char c : t) {
            if (c == '"') s.push_back('"');
            s.push_back(c);
        }
        s.push_back('"');
    }
};

// Generates rows in fixed-size chunks in parallel and writes them in order (deterministic bytes).
// fill(first, last, out) appends the text of rows [first, last).
void write_rows(const std::string& path, const std::string& header, std::size_t rows, std::size_t chunk,
                const std::function<void(std::size_t, std::size_t, Out&)>& fill);
void write_text(const std::string& path, const std::string& text);

std::string cell_code(const Country& c, std::uint32_t idx);  // "E1993N3660"

// Liveability: true model, indicators, survey, sales (liveability.cpp).
struct Indicator {
    std::string id, name, dim2, dim3, transform;
    int dim = 0;
    int kind = 0;  // 0 identity, 1 log, 2 logit
    double center = 0, sd = 1, loading = 0, own = 0, white = 0, trend = 0, weight = 0;
    int decimals = 3;
};
struct Liveability {
    std::vector<Indicator> indicators;
    std::array<double, kDims> kappa{};
    std::vector<double> score;      // per populated cell and year [k * kYears + y]
    std::vector<double> dim_score;  // [(k * kYears + y) * kDims + d]
    nlohmann::json survey_model, sales_model;
    std::uint64_t survey_rows = 0, sales_rows = 0;
};
void make_liveability(const Country& c, Liveability& lv, const std::string& dir, const Progress& progress);
void write_survey_and_sales(const Country& c, const Liveability& lv, const std::string& dir, const Progress& progress);

// Key figures per buurt (tables.cpp): values per buurt and year, written as StatLine CSV.
struct KeyFigures {
    // [b * kYears + y]
    std::vector<double> work, convicted, basic_edu, income, nonwestern, unemp, longunemp, transfer, childpov;
    std::vector<double> regional_income;   // COROP mean
    std::array<double, kYears> national_convicted{};
};
void make_key_figures(const Country& c, KeyFigures& kf, const Progress& progress);
void write_key_figures(const Country& c, const KeyFigures& kf, const std::string& path);
void write_grid_stats(const Country& c, const std::string& path, nlohmann::json& truth);
void write_regions(const Country& c, const std::string& path);
void write_boundaries(const Country& c, const std::string& dir, const Progress& progress);

// Truth evaluation of the typology rules (truth.cpp).
nlohmann::json evaluate_rules(const Country& c, const Liveability& lv, const KeyFigures& kf);

// Police incidents (incidents.cpp) and micro-data (microdata.cpp).
nlohmann::json write_incidents(const Country& c, const Liveability& lv, const std::string& path, const Progress& progress);
nlohmann::json write_microdata(const Country& c, const KeyFigures& kf, const std::string& dir, const Progress& progress);

}  // namespace wz::synth
