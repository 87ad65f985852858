// wijkzicht risk publish: the aggregates that may leave the protected zone, through disclosure control.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/risk.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Publish the undermining aggregates that may leave the protected zone.

Per buurt, wijk, gemeente and the country: the indicator counts per year (r_yearly), the reference-year
counts (r_snapshot) and the network per buurt (r_network_buurt). Everything passes disclosure control
(docs/undermining.md): counts rounded to multiples of ROUNDING, every cell below MINIMUM suppressed, and
further cells suppressed so that no suppressed cell can be recomputed from row, column or hierarchy
totals (buurt, wijk, gemeente, land) - proved for every cell by an audit before anything is written;
nothing below buurt level; rates only from published counts. Output: a GeoPackage with the layers
risk_yearly, risk_snapshot, risk_network (with the area polygons of --store), `suppressed` (what was
suppressed and why, never a value) and `about`.

Example:
  wijkzicht risk publish --key-file KEY --protected zone.db --store nl.gpkg --out aggregates.gpkg)";

class RiskPublish final : public Command {
  public:
    std::string_view parent() const override { return "risk"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("publish", kHelp);
        zone_.add(cmd);
        cmd->add_option("--out", o_.out, "The GeoPackage of aggregates")->required();
        cmd->add_option("--store", o_.store, "Results store with the area polygons of buurten, wijken and gemeenten");
        cmd->add_option("--rounding", o_.disclosure.rounding_base, "Counts are published as multiples of this")
            ->capture_default_str();
        cmd->add_option("--minimum", o_.disclosure.minimum_count, "Counts below this are suppressed")->capture_default_str();
        json_.add(cmd, "Print what was published and suppressed as JSON");
        return cmd;
    }
    int run() override {
        const jobs::RiskPublishResult r = jobs::risk_publish({zone_.protected_path, zone_.key_file}, o_);
        spdlog::info("published {} rows in {} layers to {}: {} cells suppressed ({} primary, {} secondary)", r.rows,
                     r.layers.size(), o_.out, r.suppressed, r.primary, r.secondary);
        if (json_.json) {
            std::cout << nlohmann::json{{"out", o_.out}, {"rows", r.rows}, {"layers", r.layers}, {"primary", r.primary},
                                        {"secondary", r.secondary}, {"run", r.run}}
                             .dump(2)
                      << '\n';
        }
        return 0;
    }

  private:
    ZoneOption zone_;
    jobs::RiskPublishOptions o_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_risk_publish() {
    return std::make_unique<RiskPublish>();
}

}  // namespace wz::app
