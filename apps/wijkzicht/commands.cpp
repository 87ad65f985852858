// The one list of wijkzicht's commands, in the order of --help. A new command is a new cmd_<name>.cpp
// with its make_<name>() and one line here.
#include <memory>
#include <vector>

#include "command.hpp"

namespace wz::app {

std::unique_ptr<Command> make_import_boundaries();
std::unique_ptr<Command> make_import_statline();
std::unique_ptr<Command> make_import_grid_stats();
std::unique_ptr<Command> make_import_lbm2();
std::unique_ptr<Command> make_import_lbm3();
std::unique_ptr<Command> make_import_incidents();
std::unique_ptr<Command> make_import_indicators();
std::unique_ptr<Command> make_import_indicator_meta();
std::unique_ptr<Command> make_import_survey();
std::unique_ptr<Command> make_import_sales();
std::unique_ptr<Command> make_info();
std::unique_ptr<Command> make_export();
std::unique_ptr<Command> make_synth();
std::unique_ptr<Command> make_calibrate();
std::unique_ptr<Command> make_score();
std::unique_ptr<Command> make_classify();
std::unique_ptr<Command> make_picture();
std::unique_ptr<Command> make_analyse();
std::unique_ptr<Command> make_hotspots();
std::unique_ptr<Command> make_typology();
std::unique_ptr<Command> make_typology_compare();
std::unique_ptr<Command> make_risk_ingest();
std::unique_ptr<Command> make_risk_indicators();
std::unique_ptr<Command> make_risk_network();
std::unique_ptr<Command> make_risk_predict();
std::unique_ptr<Command> make_risk_publish();
std::unique_ptr<Command> make_tiles();
std::unique_ptr<Command> make_serve();
std::unique_ptr<Command> make_users_add();
std::unique_ptr<Command> make_users_revoke();
std::unique_ptr<Command> make_users_list();

std::vector<CommandGroup> command_groups() {
    return {{"import", "Import a real source into the results store (checked first, stored atomically)"},
            {"risk", "Undermining analysis inside a protected zone: ingest micro-data, indicators, network, "
                     "prediction, and publishing safe aggregates"},
            {"users", "Users of the service's restricted part: add (prints a token once), revoke, list"}};
}

std::vector<std::unique_ptr<Command>> all_commands() {
    std::vector<std::unique_ptr<Command>> c;
    c.push_back(make_import_boundaries());
    c.push_back(make_import_statline());
    c.push_back(make_import_grid_stats());
    c.push_back(make_import_lbm2());
    c.push_back(make_import_lbm3());
    c.push_back(make_import_incidents());
    c.push_back(make_import_indicators());
    c.push_back(make_import_indicator_meta());
    c.push_back(make_import_survey());
    c.push_back(make_import_sales());
    c.push_back(make_info());
    c.push_back(make_export());
    c.push_back(make_synth());
    c.push_back(make_calibrate());
    c.push_back(make_score());
    c.push_back(make_classify());
    c.push_back(make_picture());
    c.push_back(make_analyse());
    c.push_back(make_hotspots());
    c.push_back(make_typology());
    c.push_back(make_typology_compare());
    c.push_back(make_risk_ingest());
    c.push_back(make_risk_indicators());
    c.push_back(make_risk_network());
    c.push_back(make_risk_predict());
    c.push_back(make_risk_publish());
    c.push_back(make_tiles());
    c.push_back(make_serve());
    c.push_back(make_users_add());
    c.push_back(make_users_revoke());
    c.push_back(make_users_list());
    return c;
}

}  // namespace wz::app
