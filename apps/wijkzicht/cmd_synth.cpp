// wijkzicht synth: a synthetic Netherlands with planted truths, in the real sources' formats.
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>

#include <chrono>
#include <memory>

#include "commands.hpp"
#include "synth/synth.hpp"

namespace wz::app {
namespace {

struct SynthArgs {
    double scale = 0.01;
    std::uint64_t seed = 1;
    std::string out;
    int threads = 0;
    double breakpoint = 0.45;
    bool no_microdata = false;
    bool no_incidents = false;
};

int run_synth(const SynthArgs& a) {
    std::unique_ptr<tbb::global_control> limit;
    if (a.threads > 0) {
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<std::size_t>(a.threads));
    }
    const auto t0 = std::chrono::steady_clock::now();
    synth::Options o;
    o.scale = a.scale;
    o.seed = a.seed;
    o.out_dir = a.out;
    o.tenure_breakpoint = a.breakpoint;
    o.write_microdata = !a.no_microdata;
    o.write_incidents = !a.no_incidents;
    o.progress = [t0](const std::string& msg) {
        spdlog::info("[{:6.1f} s] {}",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), msg);
    };
    const synth::Summary s = synth::generate(o);
    std::uint64_t bytes = 0;
    for (const auto& f : s.files) bytes += f.bytes;
    spdlog::info("{} residents, {} populated cells, {} buurten; {} files, {:.1f} MB in {}", s.persons,
                 s.populated_cells, s.buurten, s.files.size(), static_cast<double>(bytes) / 1e6, a.out);
    return 0;
}

}  // namespace

void add_synth_command(CLI::App& app, Action& action);
void add_synth_command(CLI::App& app, Action& action) {
    auto a = std::make_shared<SynthArgs>();
    CLI::App* cmd = app.add_subcommand(
        "synth",
        "Generate a synthetic Netherlands with planted truths, in the real sources' formats (GeoPackage "
        "boundaries, CBS grid "
        "statistics, StatLine key figures, indicators, survey, sales, police incidents, micro-data).\n"
        "Same --seed and --scale give byte-identical files whatever --threads. DIR/README.md lists the "
        "import commands; "
        "DIR/truth.json holds every planted truth.\n"
        "Example: wijkzicht synth --scale 0.01 --seed 7 --out /tmp/nl");
    cmd->add_option("--scale", a->scale,
                    "1 = the full country (about 17.9 million residents); 0.01 for a quick test")
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Random seed")->capture_default_str();
    cmd->add_option("--out", a->out, "Output folder (created when absent)")->required();
    cmd->add_option("--threads", a->threads,
                    "Worker threads (0 = all cores); the output does not depend on it")
        ->capture_default_str();
    cmd->add_option("--tenure-breakpoint", a->breakpoint,
                    "Corporation share above which liveability falls faster")
        ->capture_default_str();
    cmd->add_flag("--no-microdata", a->no_microdata, "Skip the undermining micro-data");
    cmd->add_flag("--no-incidents", a->no_incidents, "Skip the police incidents");
    cmd->callback([&action, a] { action = [a] { return run_synth(*a); }; });
}

const CommandRegistration kRegister{30, add_synth_command};

}  // namespace wz::app
