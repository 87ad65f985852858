#pragma once
// The report job (wijkzicht report): reads the store and writes one
// self-contained HTML report (report module) for an area — from its area
// profile (jobs/profile.hpp) — or for the country — from the national picture
// the score run stored (or jobs::national_picture when it stored none) — and
// optionally prints it to PDF through headless Chromium.
#include <string>

#include "jobs/profile.hpp"
#include "report/report.hpp"

namespace wz::jobs {

struct ReportOptions {
    std::string store;
    std::string area;       // an area code; empty with `national`
    bool national = false;  // exactly one of area and national
    std::string out;        // FILE.html
    std::string pdf;        // FILE.pdf, optional
    std::string chromium = "/usr/bin/chromium";
};

struct ReportResult {
    std::string html_path, pdf_path;
    std::size_t html_bytes = 0, pdf_bytes = 0;
};

// The legend and the provenance of a store (its runs with their inputs and the
// datasets they wrote).
report::Legend report_legend(const ProfileData& data);
report::Provenance report_provenance(const std::string& store);

// The HTML of the area report; NotFoundError naming the codes the store has
// when `code` is unknown.
std::string area_report_html(const ProfileData& data, const std::string& code,
                             const report::Provenance& provenance);
std::string area_report_html(const std::string& store, const std::string& code);
// The HTML of the national report.
std::string national_report_html(const std::string& store);

// Checks the options (UsageError), writes the HTML (atomically: a temporary
// file renamed) and the PDF.
ReportResult write_report(const ReportOptions& options);

// Prints an HTML file to PDF with headless Chromium (NotFoundError when
// `chromium` is missing; IoError when it fails or writes no PDF).
void print_pdf(const std::string& html, const std::string& pdf,
               const std::string& chromium = "/usr/bin/chromium");

}  // namespace wz::jobs
