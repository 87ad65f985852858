// wijkzicht risk indicators: the undermining indicators per buurt and year inside the protected zone.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/risk.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Compute the undermining indicators per buurt inside the protected zone.

Per buurt and year: unexplained purchases (price > CAPACITY x household income + assets), suspicions by
kind (drugs possession, drugs trafficking, money laundering, violence, property) and unusual
transactions; per buurt for the reference year: owners with neither income nor assets, convicted and
suspected owners, foundations with a professional director (on at least MIN-BOARDS boards) and the
dwellings they own. Each as count, rate and ratio to the national rate, per buurt, gemeente, COROP
region (with --store) and the country (zone table r_indicators). With --store (the results store
with the buurt polygons): G_i* hot spots of each indicator's rate (queen contiguity, permutation
inference, FDR) and the share of its count inside them (r_hot_spot_concentration, r_hot_spots).
Everything stays in the zone; risk publish makes the safe aggregates.

Example:
  wijkzicht risk indicators --key-file KEY --protected zone.db --store nl.gpkg --min-boards 5)";

class RiskIndicators final : public Command {
  public:
    std::string_view parent() const override { return "risk"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("indicators", kHelp);
        zone_.add(cmd);
        cmd->add_option("--store", o_.store, "Results store with the buurt polygons (hot spots, COROP view)");
        cmd->add_option("--capacity-factor", o_.indicators.capacity_factor,
                        "Unexplained purchase: price > this x household gross income + household assets")
            ->capture_default_str();
        cmd->add_option("--min-boards", o_.indicators.min_boards, "Professional director: on at least this many boards")
            ->capture_default_str();
        cmd->add_option("--reference-year", o_.indicators.reference_year,
                        "Year of the snapshot indicators (default: the latest year of the extract)");
        cmd->add_option("--permutations", o_.permutations, "Permutations of the hot-spot inference")->capture_default_str();
        cmd->add_option("--seed", o_.seed, "Seed of the permutations")->capture_default_str();
        cmd->add_option("--hot-spot-years", o_.hot_spot_years,
                        "Hot spots of the yearly indicators: counts of this many years up to the reference year")
            ->capture_default_str();
        json_.add(cmd, "Print the summary (and the hot-spot concentration) as JSON");
        return cmd;
    }
    int run() override {
        const jobs::RiskIndicatorResult r = jobs::risk_indicators({zone_.protected_path, zone_.key_file}, o_);
        spdlog::info("{} buurten x {} years; reference year {}", r.buurten, r.years, r.reference_year);
        spdlog::info("{} unexplained purchases, {} owners without income or assets, {} professional directors",
                     r.unexplained_purchases, r.owners_without_means, r.professional_directors);
        nlohmann::json j = r.summary;
        if (r.concentration.row_count() > 0) {
            const Column& ind = r.concentration.column("indicator");
            const Column& hot = r.concentration.column("hot_spots");
            const Column& share = r.concentration.column("share_in_hot_spots");
            j["concentration"] = nlohmann::json::array();
            for (std::size_t i = 0; i < ind.size(); ++i) {
                const double s = share.is_missing(i) ? 0.0 : share.real_at(i);
                spdlog::info("{}: {} hot-spot buurten hold {:.1f} % of the count", ind.text_at(i), hot.int_at(i), 100 * s);
                j["concentration"].push_back(
                    {{"indicator", ind.text_at(i)}, {"hot_spots", hot.int_at(i)}, {"share_in_hot_spots", s}});
            }
        }
        spdlog::info("stored in {} as run {} ({:.1f} s)", zone_.protected_path, r.run, seconds_since_start());
        if (json_.json) std::cout << j.dump(2) << '\n';
        return 0;
    }

  private:
    ZoneOption zone_;
    jobs::RiskIndicatorOptions o_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_risk_indicators() {
    return std::make_unique<RiskIndicators>();
}

}  // namespace wz::app
