// wijkzicht typology compare: two rule sets on the same areas and year: the overlap and why they differ.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "io/table_csv.hpp"
#include "jobs/typology.hpp"

namespace wz::app {
namespace {

class TypologyCompare final : public Command {
  public:
    std::string_view parent() const override { return "typology"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmp =
            parent.add_subcommand("compare",
                                  "Compare two rule sets on the same areas and year: which areas each "
                                  "designates, the overlap, and why they "
                                  "differ.\nCSV: code, designated_a, designated_b, status (both, "
                                  "only_a, only_b, neither, undecided), why (the "
                                  "criteria the other set did not meet).\nExample: wijkzicht typology "
                                  "compare denmark-2018 denmark-2021 --store "
                                  "nl.gpkg --level buurt --year 2022 --out cmp.csv --json");
        cmp->add_option("a", o_.rules, "First rule set (NAME, NAME:DESIGNATION or file)")->required();
        cmp->add_option("b", rules_b_, "Second rule set")->required();
        store_.add(cmp, "The results store");
        cmp->add_option("--level", o_.level, "Level of the areas");
        cmp->add_option("--year", o_.year, "Measurement year")->required();
        cmp->add_option("--param", o_.params, "Override a parameter in both sets: NAME=VALUE");
        cmp->add_option("--out", out_, "CSV file with one row per area");
        cmp->add_flag("--json", json_, "Print the summary and the differing areas as JSON");
        return cmp;
    }
    int run() override {
        const jobs::TypologyComparison c = jobs::compare_typologies(store_.path, o_, rules_b_);
        if (!out_.empty()) write_table_csv(c.table, out_);
        spdlog::info("{} vs {}: {} both, {} only {}, {} only {}", c.a, c.b, c.both, c.only_a, c.a, c.only_b,
                     c.b);
        if (json_) std::cout << c.summary.dump(2) << '\n';
        return 0;
    }

  private:
    StoreOption store_;
    jobs::TypologyOptions o_;
    std::string rules_b_, out_;
    bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_typology_compare() {
    return std::make_unique<TypologyCompare>();
}

}  // namespace wz::app
