#include "server/audit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace wz::server {

std::string sanitise_for_log(std::string_view text, std::size_t limit) {
    std::string out;
    out.reserve(std::min(text.size(), limit));
    for (char c : text.substr(0, limit)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) throw IoError(fmt::format("cannot open the audit log '{}' for appending", path_));
}

AuditLog::~AuditLog() {
    if (fd_ >= 0) ::close(fd_);
}

void AuditLog::append(const AuditEntry& e) {
    const nlohmann::json line = {{"time", e.time},       {"user", e.user},     {"role", e.role},
                                 {"address", e.address}, {"method", e.method}, {"target", sanitise_for_log(e.target)},
                                 {"outcome", e.outcome}, {"status", e.status}};
    const std::string text = line.dump() + "\n";
    std::lock_guard lock(mutex_);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n <= 0) throw IoError(fmt::format("cannot append to the audit log '{}'", path_));
        done += static_cast<std::size_t>(n);
    }
}

std::vector<std::string> AuditLog::tail(std::size_t n) const {
    std::lock_guard lock(mutex_);
    std::ifstream in(path_);
    std::deque<std::string> last;
    std::string line;
    while (std::getline(in, line)) {
        last.push_back(line);
        if (last.size() > n) last.pop_front();
    }
    return {last.begin(), last.end()};
}

}  // namespace wz::server
