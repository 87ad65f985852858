// wijkzicht import statline: a CBS StatLine CSV export keyed by area code and period.
#include "command.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportStatline final : public ImportCommand {
  protected:
    const char* name() const override { return "statline"; }
    const char* help() const override {
        return "CBS StatLine CSV export: title lines above the header, ';' or ',' separated, quoted (also "
               "multi-row) headers, decimal comma, symbols '.' (not available), 'x' (secret), '?' "
               "(uncertain) "
               "as missing values with their reason and '-' (nil) as 0.\nRows are keyed by the area code "
               "column (found automatically) and the period.\n"
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
    }
    Imported import() override {
        Dataset d =
            import_statline(file_, {name_, code_column_, year_column_, year_, text_columns_, encoding()});
        Imported i{{"import statline", {{"file", file_}, {"name", d.name}}, {file_}}, {}, {}};
        i.datasets.push_back(std::move(d));
        return i;
    }

  private:
    std::string file_, name_, code_column_, year_column_;
    std::optional<int> year_;
    std::vector<std::string> text_columns_;
};

}  // namespace

std::unique_ptr<Command> make_import_statline() {
    return std::make_unique<ImportStatline>();
}

}  // namespace wz::app
