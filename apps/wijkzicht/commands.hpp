#pragma once
// The wijkzicht command line: each subcommand registers itself on the CLI11 app. The app only wires
// modules together; it holds no analysis of its own.
#include <CLI/CLI.hpp>

#include <functional>

namespace wz::app {

// What main() runs after parsing: the selected subcommand's action.
using Action = std::function<int()>;

void add_import_command(CLI::App& app, Action& action);
void add_info_command(CLI::App& app, Action& action);

}  // namespace wz::app
