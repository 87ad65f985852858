#include "picture_print.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "jobs/json.hpp"

namespace wz::app {

nlohmann::json picture_json(const Table& years) {
    return {{"years", jobs::table_json(years)}};
}

void print_picture(std::ostream& out, const Table& years, const Table& classes) {
    const auto cell = [](const Column& c, std::size_t r, const char* form, double scale) {
        return c.is_missing(r) ? std::string("-") : fmt::format(fmt::runtime(form), c.number_at(r) * scale);
    };
    out << "National picture (resident-weighted; onvoldoende = classes 1-3, zwak = 4, ruim voldoende+ = "
           "6-9)\n";
    out << fmt::format("{:>6} {:>12} {:>8} {:>13} {:>8} {:>8} {:>8} {:>12} {:>9} {:>8}\n", "year",
                       "residents", "mean", "onvoldoende", "share", "zwak", "rv+", "onv. areas", "change",
                       "driver");
    const Column& y = years.column("year");
    for (std::size_t r = 0; r < years.row_count(); ++r) {
        out << fmt::format("{:>6} {:>12} {:>8} {:>13} {:>7}% {:>7}% {:>7}% {:>12} {:>9} {:>8}\n", y.int_at(r),
                           cell(years.column("residents"), r, "{:.0f}", 1),
                           cell(years.column("mean_score"), r, "{:.4f}", 1),
                           cell(years.column("onvoldoende_residents"), r, "{:.0f}", 1),
                           cell(years.column("onvoldoende_share"), r, "{:.2f}", 100),
                           cell(years.column("zwak_share"), r, "{:.2f}", 100),
                           cell(years.column("ruim_voldoende_plus_share"), r, "{:.1f}", 100),
                           cell(years.column("onvoldoende_areas"), r, "{:.0f}", 1),
                           cell(years.column("change_mean_score"), r, "{:+.4f}", 1),
                           years.column("driver").is_missing(r) ? "-" : years.column("driver").text_at(r));
    }
    // Shares per class, one row per year.
    std::map<std::int64_t, std::vector<double>> share;
    const Column& cy = classes.column("year");
    const Column& cs = classes.column("share");
    for (std::size_t r = 0; r < classes.row_count(); ++r) {
        share[cy.int_at(r)].push_back(cs.is_missing(r) ? std::nan("") : cs.real_at(r));
    }
    out << "\nShare of residents per class (%)\n";
    out << fmt::format("{:>6}", "year");
    for (int k = 1; k <= 9; ++k) out << fmt::format(" {:>6}", k);
    out << '\n';
    for (const auto& [year, v] : share) {
        out << fmt::format("{:>6}", year);
        for (double s : v) out << fmt::format(" {:>6.2f}", 100 * s);
        out << '\n';
    }
}

}  // namespace wz::app
