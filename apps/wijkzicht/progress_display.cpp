#include "progress_display.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

namespace wz::app {
namespace {

// "12.3 MB", "1.2 M rows", "45 blocks".
std::string amount(double n, std::string_view unit) {
    if (unit == "bytes") {
        if (n >= 1e9) return fmt::format("{:.2f} GB", n / 1e9);
        if (n >= 1e6) return fmt::format("{:.1f} MB", n / 1e6);
        return fmt::format("{:.0f} kB", n / 1e3);
    }
    const std::string u = unit.empty() ? "" : " " + std::string(unit);
    if (n >= 1e6) return fmt::format("{:.2f} M{}", n / 1e6, u);
    if (n >= 1e4) return fmt::format("{:.0f} k{}", n / 1e3, u);
    return fmt::format("{:.0f}{}", n, u);
}

std::string duration(double s) {
    if (s >= 3600) return fmt::format("{}h{:02}m", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
    if (s >= 60) return fmt::format("{}m{:02}s", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    return fmt::format("{:.1f} s", s);
}

std::string ended(const ProgressEvent& e) {
    if (e.done == 0) return fmt::format("{}: {}", e.step, duration(e.seconds));
    return fmt::format("{}: {} in {}", e.step, amount(static_cast<double>(e.done), e.unit),
                       duration(e.seconds));
}

class TerminalDisplay final : public ProgressSink {
  public:
    void report(const ProgressEvent& e) noexcept override {
        try {
            std::string line;
            if (e.phase == ProgressEvent::Phase::kEnd) {
                if (e.aborted) {
                    std::fputs("\r\x1b[K", stderr);
                    return;
                }
                line = ended(e) + "\n";
            } else {
                line = std::string(e.step);
                const double done = static_cast<double>(e.done);
                if (e.total > 0)
                    line += fmt::format("  {:5.1f}%", 100.0 * done / static_cast<double>(e.total));
                if (e.done > 0 && e.seconds > 0) {
                    line += fmt::format("  {}/s", amount(done / e.seconds, e.unit));
                    if (e.total > e.done)
                        line += fmt::format(
                            "  {} left", duration(e.seconds * (static_cast<double>(e.total) - done) / done));
                } else {
                    line += " ...";
                }
            }
            std::fputs(("\r\x1b[K" + line).c_str(), stderr);
            std::fflush(stderr);
        } catch (...) {  // never let a display failure stop the work
        }
    }
};

class LineDisplay final : public ProgressSink {
  public:
    explicit LineDisplay(bool verbose) : verbose_(verbose) {}
    void report(const ProgressEvent& e) noexcept override {
        if (e.phase != ProgressEvent::Phase::kEnd || e.aborted) return;
        if (e.seconds < 1.0 && !verbose_) return;
        try {
            spdlog::info("{}", ended(e));
        } catch (...) {
        }
    }

  private:
    bool verbose_;
};

}  // namespace

std::unique_ptr<ProgressSink> make_progress_display(ProgressMode mode, bool verbose) {
    switch (mode) {
        case ProgressMode::kTerminal:
            return std::make_unique<TerminalDisplay>();
        case ProgressMode::kLines:
            return std::make_unique<LineDisplay>(verbose);
        case ProgressMode::kNone:
            break;
    }
    return nullptr;
}

}  // namespace wz::app
