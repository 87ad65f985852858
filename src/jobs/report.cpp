#include "jobs/report.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "io/store.hpp"
#include "jobs/picture.hpp"
#include "wijkzicht/version.hpp"

extern char** environ;

namespace wz::jobs {
namespace fs = std::filesystem;

report::Legend report_legend(const ProfileData& data) {
    report::Legend l;
    l.model = data.model;
    l.model_title = data.model_title;
    l.class_names = data.class_names;
    l.class_colors = data.class_colors;
    l.development_names = data.development_names;
    l.development_colors = data.development_colors;
    l.dimension_codes = data.dimensions;
    l.dimension_names = data.dimension_names;
    return l;
}

report::Provenance report_provenance(const std::string& store) {
    const nlohmann::json inv = store_inventory(store);
    report::Provenance p;
    p.program_version = kVersion;
    p.store = store;
    std::map<std::int64_t, std::vector<std::string>> written;
    for (const auto& ds : inv["datasets"])
        written[ds["run"].get<std::int64_t>()].push_back(ds["name"].get<std::string>());
    for (const auto& a : inv["areas"]) {
        if (a.contains("run") && a["run"].is_number_integer())
            written[a["run"].get<std::int64_t>()].push_back(a["layer"].get<std::string>());
    }
    for (auto run : inv["runs"]) {
        run["datasets"] = written[run["id"].get<std::int64_t>()];
        p.runs.push_back(std::move(run));
    }
    return p;
}

std::string area_report_html(const ProfileData& data, const std::string& code,
                             const report::Provenance& provenance) {
    const auto profile = area_profile(data, code);
    if (!profile) {
        throw NotFoundError(fmt::format("no area '{}' in the store '{}'; it has {}", code, data.store,
                                        profile_codes_hint(data)));
    }
    return report::area_report(*profile, report_legend(data), provenance);
}

std::string area_report_html(const std::string& store, const std::string& code) {
    const auto data = load_profile_data(store);
    return area_report_html(*data, code, report_provenance(store));
}

std::string national_report_html(const std::string& store) {
    const auto data = load_profile_data(store);
    report::NationalPicture pic;
    if (has_dataset(store, "picture_years")) {
        pic.years = read_dataset(store, "picture_years").table;
        for (const auto& [name, table] : {std::pair<const char*, Table*>{"picture_classes", &pic.classes},
                                          {"picture_groups", &pic.groups},
                                          {"picture_regions", &pic.regions}}) {
            if (auto ds = find_dataset(store, name)) *table = std::move(ds->table);
        }
    } else {
        // No stored picture (scores of an older run): compute it from the stored
        // scores.
        Picture p = national_picture(store, PictureOptions{});
        pic.years = std::move(p.years);
        pic.classes = std::move(p.classes);
        pic.groups = std::move(p.groups);
        pic.regions = std::move(p.regions);
    }
    const nlohmann::json inventory = store_inventory(store);
    for (const auto& ds : inventory["datasets"]) {
        const std::string name = ds["name"].get<std::string>();
        if (name == "picture_tenure" || ds.value("kind", "") == "tenure" || name.rfind("tenure", 0) == 0 ||
            name.rfind("analyse_tenure", 0) == 0) {
            Dataset t = read_dataset(store, name);
            pic.tenure = std::move(t.table);
            pic.tenure_meta = std::move(t.meta);
            pic.tenure_dataset = name;
            break;
        }
    }
    if (const auto nl = area_profile(*data, "NL01")) pic.country = (*nl)["scores"];
    pic.dimensions = data->dimensions;
    return report::national_report(pic, report_legend(*data), report_provenance(store));
}

namespace {

void write_atomically(const std::string& path, const std::string& text) {
    const fs::path target = fs::absolute(path);
    if (target.has_parent_path() && !fs::is_directory(target.parent_path()))
        throw UsageError(
            fmt::format("--out '{}': the folder '{}' does not exist", path, target.parent_path().string()));
    const std::string tmp = target.string() + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out) throw IoError(fmt::format("cannot write '{}'", tmp));
        out << text;
        out.close();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw IoError(fmt::format("cannot write '{}' (disk full?)", tmp));
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw IoError(fmt::format("cannot write '{}': {}", path, ec.message()));
    }
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

void print_pdf(const std::string& html, const std::string& pdf, const std::string& chromium) {
    if (::access(chromium.c_str(), X_OK) != 0) {
        throw NotFoundError(
            fmt::format("--pdf needs Chromium, and '{}' is missing (install it: "
                        "apt-get install chromium, or run "
                        "./scripts/install-deps); the HTML report was written",
                        chromium));
    }
    const fs::path target = fs::absolute(pdf);
    if (!fs::is_directory(target.parent_path()))
        throw UsageError(
            fmt::format("--pdf '{}': the folder '{}' does not exist", pdf, target.parent_path().string()));
    const fs::path profile =
        fs::temp_directory_path() / fmt::format("wz_chromium_{}_{}", ::getpid(),
                                                std::chrono::steady_clock::now().time_since_epoch().count());
    const std::string tmp = target.string() + ".tmp" + std::to_string(::getpid()) + ".pdf";
    std::vector<std::string> args = {chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--no-first-run",
                                     "--no-pdf-header-footer",
                                     "--print-to-pdf-no-header",
                                     "--user-data-dir=" + profile.string(),
                                     "--print-to-pdf=" + tmp,
                                     "file://" + fs::absolute(html).string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, chromium.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw IoError(fmt::format("cannot start '{}' (error {})", chromium, rc));
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    for (;;) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0) throw IoError("waiting for Chromium failed");
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            std::error_code ec;
            fs::remove_all(profile, ec);
            fs::remove(tmp, ec);
            throw IoError("Chromium did not finish printing the PDF within 180 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::error_code ec;
    fs::remove_all(profile, ec);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(tmp) || fs::file_size(tmp) == 0) {
        fs::remove(tmp, ec);
        throw IoError(fmt::format("Chromium ('{}') failed to print '{}' to PDF (exit status {})", chromium,
                                  html, WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    }
    fs::rename(tmp, target, ec);
    if (ec) throw IoError(fmt::format("cannot write '{}': {}", pdf, ec.message()));
}

ReportResult write_report(const ReportOptions& o) {
    if (o.national == !o.area.empty()) throw UsageError("give exactly one of --area CODE and --national");
    if (o.out.empty()) throw UsageError("--out FILE.html is required");
    if (!ends_with(o.out, ".html") && !ends_with(o.out, ".htm"))
        throw UsageError(fmt::format("--out '{}': expected a file name ending in .html", o.out));
    if (!o.pdf.empty() && !ends_with(o.pdf, ".pdf"))
        throw UsageError(fmt::format("--pdf '{}': expected a file name ending in .pdf", o.pdf));
    const std::string html = o.national ? national_report_html(o.store) : area_report_html(o.store, o.area);
    ReportResult r;
    write_atomically(o.out, html);
    r.html_path = o.out;
    r.html_bytes = html.size();
    if (!o.pdf.empty()) {
        print_pdf(o.out, o.pdf, o.chromium);
        r.pdf_path = o.pdf;
        r.pdf_bytes = fs::file_size(o.pdf);
    }
    return r;
}

}  // namespace wz::jobs
