#pragma once
// A synthetic Netherlands with planted truths, written in the formats of the real sources so that the
// ordinary importers read it. Same (seed, scale) gives byte-identical files whatever the thread count.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wz::synth {

struct Options {
    double scale = 0.01;          // 1 = the full country (about 17.9 million residents)
    std::uint64_t seed = 1;
    std::string out_dir;
    double tenure_breakpoint = 0.45;  // corporation share above which liveability falls faster
    // Parts to write (all by default).
    bool write_microdata = true;
    bool write_incidents = true;
    // Progress messages ("stage: detail"); called from the generating thread only.
    std::function<void(const std::string&)> progress;
};

struct FileInfo {
    std::string path;  // relative to the output folder
    std::uint64_t bytes = 0;
};

struct Summary {
    std::uint64_t persons = 0;          // residents in the last measurement year
    std::uint64_t populated_cells = 0;
    std::uint64_t land_cells = 0;
    std::size_t provincies = 0, corops = 0, corop_plus = 0, gemeenten = 0, wijken = 0, buurten = 0;
    std::vector<FileInfo> files;
};

// Generates the whole country into options.out_dir (created when absent; existing files are replaced).
// Throws wz::UsageError on bad options.
Summary generate(const Options& options);

}  // namespace wz::synth
