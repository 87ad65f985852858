// wijkzicht synth: a synthetic Netherlands with planted truths, in the real sources' formats.
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "core/progress.hpp"
#include "synth/synth.hpp"

namespace wz::app {
namespace {

class Synth final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand(
            "synth",
            "Generate a synthetic Netherlands with planted truths, in the real sources' formats (GeoPackage "
            "boundaries, CBS grid "
            "statistics, StatLine key figures, indicators, survey, sales, police incidents, micro-data).\n"
            "Same --seed and --scale give byte-identical files whatever --threads. DIR/README.md lists the "
            "import commands; "
            "DIR/truth.json holds every planted truth.\n"
            "Example: wijkzicht synth --scale 0.01 --seed 7 --out /tmp/nl");
        cmd->add_option(
               "--scale", o_.scale,
               "1 = the full country (about 17.9 million residents); 0.01 for a quick test; at most 2 "
               "(twice the country, for scaling benchmarks)")
            ->capture_default_str();
        cmd->add_option("--seed", o_.seed, "Random seed")->capture_default_str();
        cmd->add_option("--out", o_.out_dir, "Output folder (created when absent)")->required();
        threads_.add(cmd, "Worker threads (0 = all cores); the output does not depend on it");
        cmd->add_option("--tenure-breakpoint", o_.tenure_breakpoint,
                        "Corporation share above which liveability falls faster")
            ->capture_default_str();
        cmd->add_flag("--no-microdata", no_microdata_, "Skip the undermining micro-data");
        cmd->add_flag("--no-incidents", no_incidents_, "Skip the police incidents");
        return cmd;
    }
    int run() override {
        const auto threads = threads_.limit();
        synth::Options o = o_;
        o.write_microdata = !no_microdata_;
        o.write_incidents = !no_incidents_;
        // Each stage the generator reports is a line; a cancel stops it at the next stage.
        o.progress = [](const std::string& msg) {
            check_cancelled();
            spdlog::info("[{:6.1f} s] {}", seconds_since_start(), msg);
        };
        const synth::Summary s = synth::generate(o);
        std::uint64_t bytes = 0;
        for (const auto& f : s.files) bytes += f.bytes;
        spdlog::info("{} residents, {} populated cells, {} buurten; {} files, {:.1f} MB in {}", s.persons,
                     s.populated_cells, s.buurten, s.files.size(), static_cast<double>(bytes) / 1e6,
                     o.out_dir);
        return 0;
    }

  private:
    synth::Options o_;
    ThreadsOption threads_;
    bool no_microdata_ = false, no_incidents_ = false;
};

}  // namespace

std::unique_ptr<Command> make_synth() {
    return std::make_unique<Synth>();
}

}  // namespace wz::app
