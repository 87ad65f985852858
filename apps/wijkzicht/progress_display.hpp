#pragma once
// How the command line shows the progress of long steps (core/progress.hpp):
//  - on a terminal: one live line per step — the step, percentage, rate and time left — replaced by a
//    line with the step's duration when it ends;
//  - otherwise (a log, a pipe, CI): one line per step with its duration when it ends (steps under one
//    second are left out unless --verbose);
//  - with --quiet: nothing.
#include <memory>

#include "core/progress.hpp"

namespace wz::app {

enum class ProgressMode { kTerminal, kLines, kNone };

std::unique_ptr<ProgressSink> make_progress_display(ProgressMode mode, bool verbose);

}  // namespace wz::app
