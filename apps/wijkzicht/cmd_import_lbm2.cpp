// wijkzicht import lbm2: Leefbaarometer 2.0 open data (classes and dimension scores).
#include "command.hpp"
#include "io/importers.hpp"

namespace wz::app {
namespace {

class ImportLbm2 final : public ImportCommand {
  protected:
    const char* name() const override { return "lbm2"; }
    const char* help() const override {
        return "Leefbaarometer 2.0 open data: the class file (CODE, KL02..KL18, VKLaabb) and the dimension "
               "file "
               "(GBD, RLBRMTRyy, RLBWONyy, RLBBEVyy, RLBVRZyy, RLBVEIyy, RLBFYSyy).\n"
               "Example: wijkzicht import lbm2 PC4LBR.csv PC4DIMENSIE.csv --level pc4 --store nl.gpkg";
    }
    void add_options(CLI::App* cmd) override {
        cmd->add_option("classes", classes_, "Class file (e.g. PC4LBR.csv)")->required();
        cmd->add_option("dimensions", dimensions_, "Dimension score file (e.g. PC4DIMENSIE.csv)")->required();
        cmd->add_option("--level", level_, "Level of the codes: pc4, buurt, wijk or gemeente")
            ->capture_default_str();
    }
    Imported import() override {
        return {{"import lbm2",
                 {{"classes", classes_}, {"dimensions", dimensions_}, {"level", level_}},
                 {classes_, dimensions_}},
                import_lbm2(classes_, dimensions_, level_arg("--level", level_), encoding()),
                {}};
    }

  private:
    std::string classes_, dimensions_, level_ = "pc4";
};

}  // namespace

std::unique_ptr<Command> make_import_lbm2() {
    return std::make_unique<ImportLbm2>();
}

}  // namespace wz::app
