// wijkzicht info: what a results store holds.
#include <fmt/format.h>

#include <iostream>

#include "command.hpp"
#include "io/store.hpp"

namespace wz::app {
namespace {

class Info final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "info",
            "Inventory of a results store: areas per level and vintage, datasets (rows, columns, years) and "
            "the runs that made them (command, inputs by SHA-256, parameters, program version, time).\n"
            "Example: wijkzicht info --store nl.gpkg --json");
        store_.add(cmd);
        json_.add(cmd, "Print the inventory as JSON");
        return cmd;
    }
    int run() override {
        const nlohmann::json inv = store_inventory(store_.path);
        if (json_.json) {
            std::cout << inv.dump(2) << '\n';
            return 0;
        }
        std::cout << fmt::format("Store {}\n\nAreas\n", store_.path);
        if (inv["areas"].empty()) std::cout << "  (none)\n";
        for (const auto& a : inv["areas"]) {
            std::string links;
            for (auto it = a["parent_links"].begin(); it != a["parent_links"].end(); ++it) {
                links += fmt::format("{}{}: {}", links.empty() ? "" : ", ", it.key(), it.value().get<long>());
            }
            std::cout << fmt::format("  {:<11} {:>4}  {:>7} areas  {:>5} without geometry  links to {}\n",
                                     a["level"].get<std::string>(), a["vintage"].get<long>(),
                                     a["count"].get<long>(), a["empty_geometries"].get<long>(),
                                     links.empty() ? "-" : links);
        }
        std::cout << "\nDatasets\n";
        if (inv["datasets"].empty()) std::cout << "  (none)\n";
        for (const auto& d : inv["datasets"]) {
            std::string years;
            for (const auto& y : d["years"])
                years += (years.empty() ? "" : " ") + std::to_string(y.get<long>());
            std::cout << fmt::format("  {:<28} {:<16} {:>9} rows  {:>3} columns  years {}\n",
                                     d["name"].get<std::string>(), d["kind"].get<std::string>(),
                                     d["rows"].get<long>(), d["columns"].size(), years.empty() ? "-" : years);
            for (auto it = d["missing_by_reason"].begin(); it != d["missing_by_reason"].end(); ++it) {
                std::cout << fmt::format("  {:<28} missing ({}): {}\n", "", it.key(), it.value().get<long>());
            }
        }
        std::cout << fmt::format("\nRuns recorded: {}\n", inv["runs"].size());
        return 0;
    }

  private:
    StoreOption store_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_info() {
    return std::make_unique<Info>();
}

}  // namespace wz::app
