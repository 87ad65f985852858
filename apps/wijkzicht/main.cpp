// wijkzicht: area-based liveability and safety analysis of the Netherlands.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

#include "commands.hpp"
#include "core/error.hpp"
#include "wijkzicht/version.hpp"

namespace wz::app {
namespace {
std::vector<std::pair<int, AddCommand>>& registry() {
    static std::vector<std::pair<int, AddCommand>> commands;
    return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(int order, AddCommand add) {
    registry().emplace_back(order, add);
}

std::vector<AddCommand> registered_commands() {
    auto sorted = registry();
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<AddCommand> out;
    for (const auto& [order, add] : sorted) out.push_back(add);
    return out;
}

namespace {
// Large tables live on transparent huge pages: the first touch of a 4 KiB page costs about 12 µs on the
// virtual machines we measure on (docs/bench-score.md), and `score` at --scale 1 touches 1 GB. glibc's
// malloc asks for huge pages when its tunable glibc.malloc.hugetlb=1 is set before the process starts,
// so the program re-executes itself once with it set — not under the sanitizers (their allocator
// ignores it), not when GLIBC_TUNABLES already names it, not with WIJKZICHT_HUGEPAGES=0. If the
// re-execution fails the program simply goes on.
void use_huge_pages(char** argv) {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    const char* tunables = std::getenv("GLIBC_TUNABLES");     // NOLINT(concurrency-mt-unsafe): single thread
    const char* wanted = std::getenv("WIJKZICHT_HUGEPAGES");  // NOLINT(concurrency-mt-unsafe)
    if ((tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) ||
        (wanted != nullptr && std::strcmp(wanted, "0") == 0)) {
        return;
    }
    const std::string value = tunables != nullptr && *tunables != '\0'
                                  ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                  : std::string("glibc.malloc.hugetlb=1");
    if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;  // NOLINT(concurrency-mt-unsafe)
    ::execv("/proc/self/exe", argv);
#else
    (void)argv;
#endif
}
}  // namespace
}  // namespace wz::app

int main(int argc, char** argv) {
    wz::app::use_huge_pages(argv);
    CLI::App app{
        "wijkzicht - liveability (Leefbaarometer) and safety analysis of Dutch areas.\n\n"
        "Typical start:\n"
        "  wijkzicht import boundaries buurt_2014.gpkg --level buurt --vintage 2014 --id-field statcode "
        "--store nl.gpkg\n"
        "  wijkzicht info --store nl.gpkg\n\n"
        "Exit status: 0 success, 2 bad input or arguments (one line: FILE:LINE:COL: expected ..., found "
        "...),\n"
        "1 internal error. A failed run leaves the store exactly as it was.",
        "wijkzicht"};
    app.set_version_flag("--version", std::string("wijkzicht ") + wz::kVersion);
    app.require_subcommand(1);
    bool quiet = false;
    bool verbose = false;
    app.add_flag("-q,--quiet", quiet, "Only errors on standard error");
    app.add_flag("-v,--verbose", verbose, "Debug messages on standard error");

    wz::app::Action action;
    for (auto add : wz::app::registered_commands()) add(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    auto logger = spdlog::stderr_color_mt("wijkzicht");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(quiet ? spdlog::level::err : verbose ? spdlog::level::debug : spdlog::level::info);
    try {
        return action ? action() : 0;
    } catch (const wz::InputError& e) {
        std::cerr << e.what() << '\n';
        return 2;
    } catch (const wz::UsageError& e) {
        std::cerr << "wijkzicht: error: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "wijkzicht: internal error: " << e.what() << '\n';
        return 1;
    }
}
