// wijkzicht risk predict: drug crime per buurt next year, validated strictly forward in time.
#include <spdlog/spdlog.h>

#include <cmath>
#include <iostream>

#include "command.hpp"
#include "jobs/risk.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Predict drug crime per buurt next year inside the protected zone.

Target: the buurt's drugs-trafficking suspicions in year t+1; a buurt is positive when it is among the
POSITIVE-SHARE highest of that year. Features of year t (r_yearly of risk indicators): residents, and
for drugs possession, money laundering, drugs trafficking and violence suspicions, unusual
transactions and unexplained purchases the count of t, of the three years up to t and of every year up
to t. Models: L2-penalised logistic and Poisson regression and gradient-boosted trees (XGBoost),
against the baseline "last year's count". Strictly temporal validation: for each test year T the
models are trained only on target years before T. Per model and test year (and pooled): AUC and
precision at the top 5 % and 10 % of buurten with paired buurt-bootstrap intervals, the Brier score,
calibration bins, feature contributions (zone tables r_predict_*; per-buurt predictions stay in the
zone). docs/undermining.md explains the design.

Example:
  wijkzicht risk predict --key-file KEY --protected zone.db --bootstrap 1000 --seed 1)";

class RiskPredict final : public Command {
  public:
    std::string_view parent() const override { return "risk"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("predict", kHelp);
        zone_.add(cmd);
        cmd->add_option("--test-year", o_.predict.test_years, "Target years to test (default: the later half)");
        cmd->add_option("--bootstrap", o_.predict.bootstrap, "Bootstrap replicates of the intervals")->capture_default_str();
        cmd->add_option("--seed", o_.predict.seed, "Seed of the bootstrap and of XGBoost")->capture_default_str();
        cmd->add_option("--positive-share", o_.predict.positive_share, "Top share of buurten that is positive")->capture_default_str();
        cmd->add_flag("!--no-xgboost", o_.predict.xgboost, "Leave out the gradient-boosted trees");
        json_.add(cmd, "Print the pooled metrics as JSON");
        return cmd;
    }
    int run() override {
        const jobs::RiskPredictResult r = jobs::risk_predict({zone_.protected_path, zone_.key_file}, o_);
        const Table& m = r.metrics;
        nlohmann::json j = nlohmann::json::array();
        auto num = [&](const char* c, std::size_t i) { return m.column(c).is_missing(i) ? std::nan("") : m.column(c).real_at(i); };
        for (std::size_t i = 0; i < m.row_count(); ++i) {
            if (!m.column("test_year").is_missing(i)) continue;  // pooled rows only
            const std::string& model = m.column("model").text_at(i);
            spdlog::info("{:<9} AUC {:.3f} [{:.3f}, {:.3f}]  precision at 10 % {:.3f} [{:.3f}, {:.3f}]", model, num("auc", i),
                         num("auc_lo", i), num("auc_hi", i), num("precision_top10", i), num("precision_top10_lo", i),
                         num("precision_top10_hi", i));
            j.push_back({{"model", model},
                         {"auc", num("auc", i)},
                         {"auc_lo", num("auc_lo", i)},
                         {"auc_hi", num("auc_hi", i)},
                         {"precision_top10", num("precision_top10", i)},
                         {"precision_top10_lo", num("precision_top10_lo", i)},
                         {"precision_top10_hi", num("precision_top10_hi", i)}});
        }
        spdlog::info("stored in {} as run {} ({:.1f} s)", zone_.protected_path, r.run, seconds_since_start());
        if (json_.json) std::cout << j.dump(2) << '\n';
        return 0;
    }

  private:
    ZoneOption zone_;
    jobs::RiskPredictOptions o_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_risk_predict() {
    return std::make_unique<RiskPredict>();
}

}  // namespace wz::app
