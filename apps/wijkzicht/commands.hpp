#pragma once
// The wijkzicht command line: each subcommand lives in its own cmd_<name>.cpp and registers itself with
// a CommandRegistration object, so adding a subcommand touches no other file. The app only wires
// modules together; it holds no analysis of its own.
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace wz::app {

// What main() runs after parsing: the selected subcommand's action (returns the exit status).
using Action = std::function<int()>;
using AddCommand = void (*)(CLI::App& app, Action& action);

struct CommandRegistration {
    // `order` sorts the subcommands in --help (import 10, info 20, synth 30, score 40, ... ).
    CommandRegistration(int order, AddCommand add);
};

// Every registered subcommand, in order.
std::vector<AddCommand> registered_commands();

}  // namespace wz::app
