#pragma once
// The command base of the wijkzicht command line (after osmium-tool's Command): each subcommand is one
// class in one file cmd_<name>.cpp — setup() declares its options, run() makes one library call and
// writes the output. commands.cpp holds the one explicit list of them. A command holds no analysis of
// its own: everything it computes is a library function the service, the benchmarks and the tests call
// too.
#include <tbb/global_control.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.hpp"
#include "io/csv.hpp"
#include "io/dataset.hpp"
#include "io/import_run.hpp"

namespace wz::app {

class Command {
  public:
    virtual ~Command() = default;
    // The parent command ("import", "typology") or "" for a top-level command.
    virtual std::string_view parent() const { return ""; }
    // Adds the subcommand with its options to `parent` and returns it. Only parses: no work here.
    virtual CLI::App* setup(CLI::App& parent) = 0;
    // The work, after the options were parsed: returns the exit status.
    virtual int run() = 0;
};

// Every command, in the order of --help (commands.cpp).
std::vector<std::unique_ptr<Command>> all_commands();
// Groups that only hold subcommands: name and description ("import").
struct CommandGroup {
    const char* name;
    const char* description;
};
std::vector<CommandGroup> command_groups();

// Shared options: members of a command; each adds itself to the command's options.
struct StoreOption {
    std::string path;
    void add(CLI::App* cmd, const std::string& description = "The results store (GeoPackage)",
             bool required = true);
};
struct EncodingOption {
    std::string name = "auto";
    void add(CLI::App* cmd);
    csv::Encoding value() const;  // UsageError for an unknown name
};
// --threads N: at most N worker threads while the guard from limit() lives (0: all cores).
struct ThreadsOption {
    int threads = 0;
    void add(CLI::App* cmd,
             const std::string& description = "Threads (default: all cores; results do not depend on it)");
    std::unique_ptr<tbb::global_control> limit() const;
};
// --protected P.db and --key-file KEY of the risk commands (the protected zone and its key).
struct ZoneOption {
    std::string protected_path, key_file;
    void add(CLI::App* cmd);
};
struct JsonFlag {
    bool json = false;
    void add(CLI::App* cmd, const std::string& description = "Print the result as JSON");
};

// A level name (UsageError listing the levels).
Level level_arg(const std::string& option, const std::string& name);

// One info line per imported dataset: rows, columns, years (and its warning, if any).
void log_dataset(const Dataset& ds);

// Time since the command started (main sets the start).
double seconds_since_start();
// "stored in STORE as run N (S s)".
void log_stored(const std::string& store, std::int64_t run_id);

// `wijkzicht import KIND`: the kind declares its name, help and options and reads its source (one io
// importer call); the base adds --store (and --encoding), logs what was read and stores it as one run.
class ImportCommand : public Command {
  public:
    std::string_view parent() const final { return "import"; }
    CLI::App* setup(CLI::App& parent) final;
    int run() final;

  protected:
    struct Imported {
        ImportRun run;
        std::vector<Dataset> datasets;
        std::vector<AreaLayer> layers;
    };
    virtual const char* name() const = 0;
    virtual const char* help() const = 0;  // ends with "Example: wijkzicht import ..."
    virtual void add_options(CLI::App* cmd) = 0;
    virtual Imported import() = 0;
    // Lines beyond the rows/columns/years of each dataset (counts, warnings).
    virtual void log_details(const Imported& /*imported*/) const {}
    virtual bool reads_text() const { return true; }  // takes --encoding
    csv::Encoding encoding() const { return encoding_.value(); }
    const std::string& store_path() const { return store_.path; }

  private:
    StoreOption store_;
    EncodingOption encoding_;
};

}  // namespace wz::app
