// wijkzicht: area-based liveability and safety analysis of the Netherlands.
//
// main() only wires the faces together: it parses the command line into one Command (command.hpp), runs
// it under a job context with a progress display and a cancel token set by SIGINT/SIGTERM, and turns an
// exception into one line and an exit status by the one error table (core/error.hpp).
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "progress_display.hpp"
#include "wijkzicht/version.hpp"

namespace wz::app {
namespace {
// Large tables live on transparent huge pages: the first touch of a 4 KiB page costs about 12 µs on the
// virtual machines we measure on (docs/bench-score.md), and `score` at --scale 1 touches 1 GB. glibc's
// malloc asks for huge pages when its tunable glibc.malloc.hugetlb=1 is set before the process starts,
// so the program re-executes itself once with it set — not under the sanitizers (their allocator
// ignores it), not when GLIBC_TUNABLES already names it, not with WIJKZICHT_HUGEPAGES=0, and not for
// a run too small to gain from it (see worth_huge_pages). If the re-execution fails the program simply
// goes on.
//
// Starting the program costs about 50 ms on these machines (GDAL's ~120 shared libraries are loaded and
// relocated), so re-executing doubles that: for `--help`, `info`, `users` and an import of small files
// (survey, statline, a boundary file) the start is most of the run.
constexpr std::uintmax_t kSmallImportBytes = std::uintmax_t{64} << 20;

[[maybe_unused]] bool worth_huge_pages(int argc, char** argv) {
    std::vector<std::string_view> words;  // the command words before the first option
    std::uintmax_t file_bytes = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h" || a == "--version") return false;
        if (!a.empty() && a.front() == '-') continue;
        if (words.size() < 2) words.push_back(a);
        std::error_code ec;
        if (std::filesystem::is_regular_file(argv[i], ec)) {
            const std::uintmax_t size = std::filesystem::file_size(argv[i], ec);
            if (!ec) file_bytes += size;
        }
    }
    if (words.empty() || words.front() == "info" || words.front() == "users") return false;
    if (words.front() == "import") return file_bytes >= kSmallImportBytes;
    return true;
}

void use_huge_pages(int argc, char** argv) {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    const char* tunables = std::getenv("GLIBC_TUNABLES");     // NOLINT(concurrency-mt-unsafe): single thread
    const char* wanted = std::getenv("WIJKZICHT_HUGEPAGES");  // NOLINT(concurrency-mt-unsafe)
    if ((tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) ||
        (wanted != nullptr && std::strcmp(wanted, "0") == 0) || !worth_huge_pages(argc, argv)) {
        return;
    }
    const std::string value = tunables != nullptr && *tunables != '\0'
                                  ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                  : std::string("glibc.malloc.hugetlb=1");
    if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;  // NOLINT(concurrency-mt-unsafe)
    ::execv("/proc/self/exe", argv);
#else
    (void)argc;
    (void)argv;
#endif
}

CancelToken& cancel_token() {
    static CancelToken token;
    return token;
}

// SIGINT/SIGTERM: the first asks the work to stop (it throws CancelledError at its next check, rolls
// back and exits 130); a second one ends the process at once.
std::atomic<std::int64_t> signalled_ns{0};

std::int64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

extern "C" void on_stop_signal(int /*signal*/) {
    if (cancel_token().cancelled()) ::_exit(130);
    signalled_ns.store(monotonic_ns());
    cancel_token().cancel();
}

void install_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

// The selected command: the parsed one deepest in the tree ("typology compare" over "typology").
Command* selected_command(const std::vector<std::unique_ptr<Command>>& commands,
                          const std::vector<CLI::App*>& apps) {
    Command* best = nullptr;
    int best_depth = -1;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (!apps[i]->parsed()) continue;
        int depth = 0;
        for (const CLI::App* p = apps[i]->get_parent(); p != nullptr; p = p->get_parent()) ++depth;
        if (depth > best_depth) {
            best = commands[i].get();
            best_depth = depth;
        }
    }
    return best;
}

}  // namespace
}  // namespace wz::app

int main(int argc, char** argv) {
    wz::app::use_huge_pages(argc, argv);
    wz::app::seconds_since_start();  // the clock starts here
    CLI::App app{
        "wijkzicht - liveability (Leefbaarometer) and safety analysis of Dutch areas.\n\n"
        "Typical start:\n"
        "  wijkzicht import boundaries buurt_2014.gpkg --level buurt --vintage 2014 --id-field statcode "
        "--store nl.gpkg\n"
        "  wijkzicht info --store nl.gpkg\n\n"
        "Exit status: 0 success, 2 bad input or arguments (one line: FILE:LINE:COL: expected ..., found "
        "...),\n"
        "130 stopped by Ctrl-C or SIGTERM, 1 internal error. A failed or stopped run leaves the store "
        "exactly "
        "as it was.\n"
        "Long steps show their progress on a terminal (one line per step otherwise; none with --quiet).",
        "wijkzicht"};
    app.set_version_flag("--version", std::string("wijkzicht ") + wz::kVersion);
    app.require_subcommand(1);
    bool quiet = false;
    bool verbose = false;
    app.add_flag("-q,--quiet", quiet, "Only errors on standard error");
    app.add_flag("-v,--verbose", verbose, "Debug messages (and every step's duration) on standard error");

    std::map<std::string, CLI::App*> parents{{"", &app}};
    for (const auto& g : wz::app::command_groups()) {
        CLI::App* group = app.add_subcommand(g.name, g.description);
        group->require_subcommand(1);
        parents[g.name] = group;
    }
    const auto commands = wz::app::all_commands();
    std::vector<CLI::App*> apps;
    for (const auto& c : commands) {
        CLI::App* parent = parents.at(std::string(c->parent()));
        CLI::App* sub = c->setup(*parent);
        parents.emplace(sub->get_name(), sub);
        apps.push_back(sub);
    }
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
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    auto logger = spdlog::stderr_color_mt("wijkzicht");
    // On a terminal a log line first clears the live progress line it is printed over.
    logger->set_pattern(terminal ? "\r\x1b[K%^%l%$: %v" : "%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(quiet ? spdlog::level::err : verbose ? spdlog::level::debug : spdlog::level::info);
    const auto display = wz::app::make_progress_display(quiet      ? wz::app::ProgressMode::kNone
                                                        : terminal ? wz::app::ProgressMode::kTerminal
                                                                   : wz::app::ProgressMode::kLines,
                                                        verbose);
    wz::set_default_job({display.get(), &wz::app::cancel_token()});
    wz::app::install_stop_signals();
    try {
        wz::app::Command* command = wz::app::selected_command(commands, apps);
        return command != nullptr ? command->run() : 0;
    } catch (const std::exception& e) {
        const wz::ErrorKind kind = wz::error_kind_of(e);
        // A cancel shows as a cancel even when a library wrapped it into another error on its way out.
        const bool cancelled = wz::app::cancel_token().cancelled();
        const wz::ErrorKindInfo& info = wz::error_kind_info(cancelled ? wz::ErrorKind::kCancelled : kind);
        if (cancelled) {
            spdlog::debug("the work stopped {:.3f} s after the signal",
                          static_cast<double>(wz::app::monotonic_ns() - wz::app::signalled_ns.load()) * 1e-9);
            std::cerr << "wijkzicht: stopped: nothing was changed" << std::endl;
            // Everything is undone (the store's transaction rolled back, temporary files removed while the
            // exception unwound): leave at once instead of tearing down the heap and the thread pool.
            std::fflush(nullptr);
            std::_Exit(info.exit_status);
        } else {
            std::cerr << wz::error_line(e) << '\n';
        }
        return info.exit_status;
    }
}
