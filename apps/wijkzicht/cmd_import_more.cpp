// More `wijkzicht import` kinds: indicators, indicator-meta, survey, sales, microdata (added to the
// existing import command).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "core/error.hpp"
#include "io/store.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

csv::Encoding encoding_of(const std::string& name) {
    auto e = csv::parse_encoding(name);
    if (!e) throw UsageError(fmt::format("--encoding: expected utf-8, latin1 or cp1252, found '{}'", name));
    return *e;
}

int store(const std::string& store_path, const std::string& command, nlohmann::json params,
          std::vector<Dataset> sets, const std::vector<std::string>& inputs,
          std::chrono::steady_clock::time_point t0) {
    StoreUpdate u;
    u.run.command = command;
    u.run.started = utc_now();
    u.run.parameters = std::move(params);
    for (auto& d : sets) {
        spdlog::info("{}: {} rows, {} columns, years {}", d.name, d.table.row_count(), d.table.column_count(),
                     fmt::join(dataset_years(d.table), " "));
        u.datasets.push_back(std::move(d));
    }
    for (const auto& p : inputs) u.run.inputs.push_back(describe_input(p));
    const auto run_id = apply_to_store(store_path, u);
    spdlog::info("stored in {} as run {} ({:.2f} s)", store_path, run_id,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}

struct Common {
    std::string store;
    std::string encoding = "auto";
};

void common_options(CLI::App* cmd, Common& c) {
    cmd->add_option("--store", c.store, "The results store (GeoPackage; created when absent)")->required();
    cmd->add_option("--encoding", c.encoding, "Text encoding: auto, utf-8, cp1252 or latin1")
        ->capture_default_str();
}

}  // namespace

void add_import_more(CLI::App& app, Action& action);
void add_import_more(CLI::App& app, Action& action) {
    CLI::App* imp = app.get_subcommand("import");
    {
        struct Args {
            Common c;
            std::vector<std::string> files;
            std::string name = "indicators";
            std::optional<int> year;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand(
            "indicators",
            "Indicator values per 100 m cell (or area) and year: CSV with 'code' and one numeric column per "
            "indicator, one file "
            "per year (the year from --year or from the file name).\n"
            "Example: wijkzicht import indicators indicators_2018.csv indicators_2020.csv --store nl.gpkg");
        cmd->add_option("files", a->files, "CSV files")->required();
        cmd->add_option("--year", a->year,
                        "Year of every file (default: the four-digit year in each file name)");
        cmd->add_option("--name", a->name, "Dataset name")->capture_default_str();
        common_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                Dataset d = import_indicators(a->files, {a->name, a->year, encoding_of(a->c.encoding)});
                nlohmann::json p = {{"files", a->files}, {"name", a->name}};
                if (a->year) p["year"] = *a->year;
                std::vector<Dataset> v;
                v.push_back(std::move(d));
                return store(a->c.store, "import indicators", p, std::move(v), a->files, t0);
            };
        });
    }
    {
        struct Args {
            Common c;
            std::string file;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand(
            "indicator-meta",
            "Indicator metadata: id, name, dimension_lbm2 (won bev vrz vei fys), dimension_lbm3 (won fys vrz "
            "soc onv), transform.\n"
            "Example: wijkzicht import indicator-meta indicator_meta.csv --store nl.gpkg");
        cmd->add_option("file", a->file, "CSV file")->required();
        common_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                std::vector<Dataset> v;
                v.push_back(import_indicator_meta(a->file, encoding_of(a->c.encoding)));
                return store(a->c.store, "import indicator-meta", {{"file", a->file}}, std::move(v),
                             {a->file}, t0);
            };
        });
    }
    for (const bool survey : {true, false}) {
        struct Args {
            Common c;
            std::string file, name;
            bool survey = true;
        };
        auto a = std::make_shared<Args>();
        a->survey = survey;
        a->name = survey ? "survey" : "sales";
        CLI::App* cmd =
            imp->add_subcommand(survey ? "survey" : "sales",
                                survey ? "Geocoded resident survey: respondent, year, code (100 m cell), "
                                         "rating (1-10), optional age, owner.\n"
                                         "Example: wijkzicht import survey survey.csv --store nl.gpkg"
                                       : "House sales: sale, year, code (100 m cell), price, optional month, "
                                         "floor_area, rooms, dwelling_type, build_year.\n"
                                         "Example: wijkzicht import sales sales.csv --store nl.gpkg");
        cmd->add_option("file", a->file, "CSV file")->required();
        cmd->add_option("--name", a->name, "Dataset name")->capture_default_str();
        common_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                std::vector<Dataset> v;
                v.push_back(a->survey ? import_survey(a->file, a->name, encoding_of(a->c.encoding))
                                      : import_sales(a->file, a->name, encoding_of(a->c.encoding)));
                return store(a->c.store, a->survey ? "import survey" : "import sales",
                             {{"file", a->file}, {"name", a->name}}, std::move(v), {a->file}, t0);
            };
        });
    }
    {
        struct Args {
            Common c;
            std::string dir, key_file;
        };
        auto a = std::make_shared<Args>();
        CLI::App* cmd = imp->add_subcommand(
            "microdata",
            "Undermining micro-data extract (folder with persons.csv, addresses.csv, dwellings.csv, "
            "ownership.csv, purchases.csv, "
            "entities.csv, directors.csv, suspicions.csv, transactions.csv). Everything is checked (BSN "
            "11-test, KvK and BAG "
            "number forms, dates, foreign keys); identifiers are replaced by keyed pseudonyms before "
            "storing.\n"
            "Example: wijkzicht import microdata extract/ --key-file pseudonym.key --store protected.gpkg");
        cmd->add_option("dir", a->dir, "Folder of the extract")->required();
        cmd->add_option("--key-file", a->key_file, "File with the pseudonymisation key (at least 16 bytes)")
            ->required();
        common_options(cmd, a->c);
        cmd->callback([&action, a] {
            action = [a] {
                const auto t0 = std::chrono::steady_clock::now();
                std::ifstream in(a->key_file, std::ios::binary);
                if (!in) throw UsageError(fmt::format("--key-file: cannot read '{}'", a->key_file));
                std::stringstream ss;
                ss << in.rdbuf();
                std::string key = ss.str();
                while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
                    key.pop_back();
                if (key.size() < 16) throw UsageError("--key-file: the key must have at least 16 bytes");
                auto sets = import_microdata(a->dir, {key, encoding_of(a->c.encoding)});
                std::vector<std::string> inputs;
                for (const char* f : {"persons", "addresses", "dwellings", "ownership", "purchases",
                                      "entities", "directors", "suspicions", "transactions"}) {
                    inputs.push_back(a->dir + "/" + f + ".csv");
                }
                return store(a->c.store, "import microdata", {{"dir", a->dir}}, std::move(sets), inputs, t0);
            };
        });
    }
}

const CommandRegistration kRegister{11, add_import_more};

}  // namespace wz::app
