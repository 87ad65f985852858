// wijkzicht import survey: a geocoded resident survey (ratings of the living environment).
#include "command.hpp"
#include "io/synth_sources.hpp"

namespace wz::app {
namespace {

class ImportSurvey final : public ImportCommand {
  protected:
    const char* name() const override { return "survey"; }
    const char* help() const override {
        return "Geocoded resident survey: respondent, year, code (100 m cell), rating (1-10), optional age, "
               "owner.\n"
               "Example: wijkzicht import survey survey.csv --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("file", file_, "CSV file")->required();
        cmd->add_option("--name", name_, "Dataset name")->capture_default_str();
    }
    Imported import() override {
        Imported i{{"import survey", {{"file", file_}, {"name", name_}}, {file_}}, {}, {}};
        i.datasets.push_back(stream_survey(file_, name_, encoding()));
        return i;
    }

  private:
    std::string file_, name_ = "survey";
};

}  // namespace

std::unique_ptr<Command> make_import_survey() {
    return std::make_unique<ImportSurvey>();
}

}  // namespace wz::app
