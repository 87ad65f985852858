// wijkzicht risk network: persons, households, addresses, dwellings, entities and transactions as one
// graph inside the protected zone.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/risk.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Analyse the undermining network inside the protected zone.

One graph of persons, households, addresses and dwellings, legal entities and transactions.
Components over the edges of control and money (ownership, purchases, directorships, transactions):
r_network_components (size, suspects, professional directors, buurten; a risk component holds at
least MIN-SUSPECTS suspects, or one and an unusual transaction). Risk spreads from known suspects
(drugs trafficking, money laundering) over every edge, households and residences included, halving
per hop up to HOPS hops. Per buurt (r_network_buurt): persons at risk, suspects, risk components,
dwellings owned by entities and those owned by an entity with a suspect or professional director
(ownership chains). Per-person results stay in the zone (r_network_members). Needs risk indicators
first (the professional directors).

Example:
  wijkzicht risk network --key-file KEY --protected zone.db --hops 2)";

class RiskNetwork final : public Command {
  public:
    std::string_view parent() const override { return "risk"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("network", kHelp);
        zone_.add(cmd);
        cmd->add_option("--hops", o_.spread_hops, "How far risk spreads from a suspect (0-6)")->capture_default_str();
        cmd->add_option("--min-suspects", o_.min_suspects, "Suspects that make a component a risk component")
            ->capture_default_str();
        cmd->add_option("--reference-year", o_.reference_year, "Suspicions up to this year (default: all)");
        json_.add(cmd, "Print the summary as JSON");
        return cmd;
    }
    int run() override {
        const jobs::RiskNetworkResult r = jobs::risk_network({zone_.protected_path, zone_.key_file}, o_);
        spdlog::info("{} nodes, {} edges; {} components of two or more, {} risk components", r.nodes, r.edges,
                     r.components, r.risk_components);
        spdlog::info("stored in {} as run {} ({:.1f} s)", zone_.protected_path, r.run, seconds_since_start());
        if (json_.json) std::cout << r.summary.dump(2) << '\n';
        return 0;
    }

  private:
    ZoneOption zone_;
    risk::NetworkOptions o_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_risk_network() {
    return std::make_unique<RiskNetwork>();
}

}  // namespace wz::app
