// wijkzicht report: a self-contained HTML report (inline SVG charts, tables, method notes, provenance) of
// one area or of the country, and optionally the same printed to PDF through headless Chromium.
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "jobs/report.hpp"

namespace wz::app {
namespace {

constexpr const char* kReportHelp =
    R"(Write a report: one HTML file that opens anywhere without a network (inline SVG charts, tables,
method notes and the provenance of every number: the store's runs with their parameters and the SHA-256
of their inputs), in Dutch. With --pdf the same report printed through headless Chromium.

--area CODE: the area's profile (docs/api.md): score over time against the country, dimensions
against the country, class and development, typology designations with their reasons, hotspot results
and the five most comparable areas of its level.
--national: the national picture stored by `wijkzicht score`: residents per class per year, the
onvoldoende share and onvoldoende buurten over time, development by city group, regions with
population decline (and a tenure analysis when the store holds one).

Examples:
  wijkzicht report --area GM0014 --store nl.gpkg --out groningen.html --pdf groningen.pdf
  wijkzicht report --national --store nl.gpkg --out nederland.html)";

class Report final : public Command {
  public:
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("report", kReportHelp);
        store_.add(cmd, "The results store");
        cmd->add_option("--area", o_.area, "Code of the area (BU…, WK…, GM…, CP…, CR…, PV…, NL01)");
        cmd->add_flag("--national", o_.national, "The national picture instead of one area");
        cmd->add_option("--out", o_.out, "The HTML file to write")->required();
        cmd->add_option("--pdf", o_.pdf, "Also print the report to this PDF file (needs chromium)");
        cmd->add_option("--chromium", o_.chromium, "The Chromium program for --pdf")->capture_default_str();
        return cmd;
    }
    int run() override {
        o_.store = store_.path;
        const jobs::ReportResult r = jobs::write_report(o_);
        spdlog::info("wrote {} ({} bytes)", r.html_path, r.html_bytes);
        if (!r.pdf_path.empty()) spdlog::info("wrote {} ({} bytes)", r.pdf_path, r.pdf_bytes);
        return 0;
    }

  private:
    StoreOption store_;
    jobs::ReportOptions o_;
};

}  // namespace

std::unique_ptr<Command> make_report() {
    return std::make_unique<Report>();
}

}  // namespace wz::app
