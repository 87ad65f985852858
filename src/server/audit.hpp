#pragma once
// The service's audit log: one JSON line per restricted request, granted or denied (who, what, when,
// from where, outcome), appended to a file opened with O_APPEND (mode 0600) so lines from concurrent
// requests never interleave. Never holds a restricted value or a token.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wz::server {

struct AuditEntry {
    std::string time;     // ISO 8601 UTC
    std::string user;     // user name, or "" when no valid token
    std::string role;     // role name ("public" without a valid token)
    std::string address;  // client address
    std::string method;
    std::string target;   // path and query as requested (sanitised: printable ASCII only, at most 512 bytes)
    std::string outcome;  // "granted" or "denied: <reason>"
    int status = 0;
};

class AuditLog {
  public:
    // Opens (creates) the log; IoError when it cannot.
    explicit AuditLog(std::string path);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void append(const AuditEntry& entry);
    const std::string& path() const { return path_; }
    // The last `n` lines of the log (for administrators).
    std::vector<std::string> tail(std::size_t n) const;

  private:
    std::string path_;
    int fd_ = -1;
    mutable std::mutex mutex_;
};

// Printable ASCII only (others as '?'), at most `limit` bytes: safe to log whatever a client sent.
std::string sanitise_for_log(std::string_view text, std::size_t limit = 512);

}  // namespace wz::server
