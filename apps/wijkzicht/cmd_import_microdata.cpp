// wijkzicht import microdata: an undermining micro-data extract, checked and pseudonymised on import.
#include "command.hpp"
#include "io/import_run.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

class ImportMicrodata final : public ImportCommand {
  protected:
    const char* name() const override { return "microdata"; }
    const char* help() const override {
        return "Undermining micro-data extract (folder with persons.csv, addresses.csv, dwellings.csv, "
               "ownership.csv, purchases.csv, entities.csv, directors.csv, suspicions.csv, "
               "transactions.csv). "
               "Everything is checked (BSN 11-test, KvK and BAG number forms, dates, foreign keys); "
               "identifiers "
               "are replaced by keyed pseudonyms before storing.\n"
               "Example: wijkzicht import microdata extract/ --key-file pseudonym.key --store protected.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("dir", dir_, "Folder of the extract")->required();
        cmd->add_option("--key-file", key_file_, "File with the pseudonymisation key (at least 16 bytes)")
            ->required();
    }
    Imported import() override {
        return {{"import microdata", {{"dir", dir_}}, microdata_files(dir_)},
                import_microdata(dir_, {read_key_file(key_file_), encoding()}),
                {}};
    }

  private:
    std::string dir_, key_file_;
};

}  // namespace

std::unique_ptr<Command> make_import_microdata() {
    return std::make_unique<ImportMicrodata>();
}

}  // namespace wz::app
