// wijkzicht risk ingest: an undermining micro-data extract into the protected zone, checked and
// pseudonymised on the way in.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "jobs/risk.hpp"

namespace wz::app {
namespace {

constexpr const char* kHelp = R"(Read an undermining micro-data extract into the protected zone.

The extract folder holds persons.csv, addresses.csv, dwellings.csv, ownership.csv, purchases.csv,
entities.csv, directors.csv, suspicions.csv and transactions.csv (docs/undermining.md). Every record is
checked (BSN 11-test, 8-digit KvK and 16-digit BAG numbers, buurt and cell codes, dates, numbers);
every person, household, address, entity and purchase identifier is replaced by a keyed hash
(BLAKE2b with the key of --key-file) before anything is stored. The zone is a SQLite file of its own:
micro-data never enter the results store. It records the key's fingerprint, and every later step
refuses another key. Records that do not link (a person at an unknown address, ...) are skipped and
counted by reason. A malformed file stops the ingest with FILE:LINE:COL (never the value) and leaves
the zone as it was. Ingesting again replaces the micro-data and every result computed from them.
Every run is recorded in the zone's audit (and in P.db.audit.log, failed runs too).

Example:
  wijkzicht risk ingest --extracts country/microdata --key-file country/microdata/pseudonym.key --protected zone.db)";

class RiskIngest final : public Command {
  public:
    std::string_view parent() const override { return "risk"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("ingest", kHelp);
        cmd->add_option("--extracts", extracts_, "Folder with the extract files")->required();
        zone_.add(cmd);
        json_.add(cmd, "Print the rows stored and the records skipped as JSON");
        return cmd;
    }
    int run() override {
        const jobs::RiskIngestResult r = jobs::risk_ingest({zone_.protected_path, zone_.key_file}, extracts_);
        nlohmann::json j = {{"run", r.report.run}, {"bytes", r.report.bytes}, {"tables", nlohmann::json::object()},
                            {"skipped", nlohmann::json::array()}};
        for (const auto& [t, n] : r.report.rows) {
            spdlog::info("{}: {} rows", t, n);
            j["tables"][t] = n;
        }
        for (const auto& f : r.report.failures) {
            spdlog::warn("{}: {} records skipped: {}", f.file, f.records, f.reason);
            j["skipped"].push_back({{"file", f.file}, {"reason", f.reason}, {"records", f.records}});
        }
        spdlog::info("ingested {:.1f} MB of extract text into {} as run {} ({:.1f} s)",
                     static_cast<double>(r.report.bytes) / 1e6, zone_.protected_path, r.report.run, seconds_since_start());
        if (json_.json) std::cout << j.dump(2) << '\n';
        return 0;
    }

  private:
    std::string extracts_;
    ZoneOption zone_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_risk_ingest() {
    return std::make_unique<RiskIngest>();
}

}  // namespace wz::app
