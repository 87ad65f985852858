// wijkzicht import statline: a CBS StatLine table as downloaded (CSV in its layouts, or open-data JSON),
// keyed by area code (or region name, matched through the store's area layers) and period.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "command.hpp"
#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/store.hpp"

namespace wz::app {
namespace {

class ImportStatline final : public ImportCommand {
  protected:
    const char* name() const override { return "statline"; }
    const char* help() const override {
        return "CBS StatLine table as downloaded: CSV with title and filter lines above the header, ';' or "
               "',' separated, quoted (also multi-row) headers, decimal comma, symbols '.' (not available), "
               "'x' (secret), '?' (uncertain) as missing values with their reason and '-' (nil) as 0; "
               "periods "
               "down (a period column) or across (a header row 'Perioden'); or the CBS open-data JSON "
               "(TypedDataSet).\nRows are keyed by the region and the period. Regions as codes, or as names "
               "('Aa en Hunze', \"'s-Gravenhage (gemeente)\", 'Bergen (NH.)', 'Nederland') matched to codes "
               "through the store's area layers of the vintage nearest the latest period (--vintage to "
               "choose): "
               "import boundaries first. A name that matches no area, or several, is an error naming the "
               "closest.\n"
               "Example: wijkzicht import statline kerncijfers_2017.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "CSV file")->required();
        cmd->add_option("--name", name_, "Dataset name (default: the file name)");
        cmd->add_option("--code-column", code_column_,
                        "Column with the area codes (default: found from the values)");
        cmd->add_option("--year-column", year_column_, "Column with the period (default: Perioden/Jaar/...)");
        cmd->add_option("--year", year_, "Year for all rows when the file has no period column");
        cmd->add_option("--text-column", text_columns_, "Keep this column as text (repeatable)");
        cmd->add_option("--vintage", vintage_,
                        "Boundary vintage whose area names region names are matched against (default: the "
                        "newest vintage not after the file's latest period, else the oldest)");
    }
    // The named areas of the store at every level it has, of one vintage per level.
    std::pair<AreaNameIndex, std::string> area_names(int year) const {
        if (!std::filesystem::exists(store_path()))
            throw UsageError(
                fmt::format("region names are matched through the store's area layers, and the "
                            "store '{}' does not exist yet: import boundaries first",
                            store_path()));
        std::vector<NamedArea> areas;
        std::vector<std::string> used;
        for (Level level : {Level::kProvincie, Level::kCorop, Level::kCoropPlus, Level::kGemeente,
                            Level::kWijk, Level::kBuurt}) {
            const std::vector<int> vintages = area_vintages(store_path(), level);
            if (vintages.empty()) continue;
            int v = vintages.front();
            if (vintage_) {
                if (std::find(vintages.begin(), vintages.end(), *vintage_) == vintages.end()) continue;
                v = *vintage_;
            } else {
                for (int x : vintages)
                    if (year == 0 || x <= year) v = x;
            }
            const AreaLayer layer = read_area_layer(store_path(), level, v);
            for (const Area& a : layer.areas) areas.push_back({a.code, a.name, level, a.provincie});
            used.push_back(fmt::format("{} {}", level_name(level), v));
        }
        if (areas.empty())
            throw UsageError(
                fmt::format("region names are matched through the store's area layers, and '{}' has "
                            "none{}: import boundaries first",
                            store_path(), vintage_ ? fmt::format(" of vintage {}", *vintage_) : ""));
        return {AreaNameIndex(std::move(areas)),
                fmt::format("areas in the store ({})", fmt::join(used, ", "))};
    }
    Imported import() override {
        StatlineOptions o{name_, code_column_, year_column_, year_, text_columns_, encoding(), {}};
        o.area_names = [this](int year) { return area_names(year); };
        Dataset d = import_statline(file_, o);
        Imported i{{"import statline", {{"file", file_}, {"name", d.name}}, {file_}}, {}, {}};
        i.datasets.push_back(std::move(d));
        return i;
    }
    void log_details(const Imported& imported) const override {
        const Dataset& d = imported.datasets.front();
        if (d.meta.contains("layout")) spdlog::info("layout: {}", d.meta["layout"].get<std::string>());
        if (d.meta.contains("region_names")) spdlog::info("{}", d.meta["region_names"].get<std::string>());
        if (d.meta.contains("filters"))
            for (const auto& [k, v] : d.meta["filters"].items())
                spdlog::info("filter {}: {}", k, v.get<std::string>());
    }

  private:
    std::string file_, name_, code_column_, year_column_;
    std::optional<int> year_, vintage_;
    std::vector<std::string> text_columns_;
};

}  // namespace

std::unique_ptr<Command> make_import_statline() {
    return std::make_unique<ImportStatline>();
}

}  // namespace wz::app
