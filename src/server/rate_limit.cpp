#include "server/rate_limit.hpp"

#include <algorithm>

namespace wz::server {

RateLimiter::RateLimiter(double rate, double burst, std::size_t max_clients)
    : rate_(rate), burst_(std::max(burst, 1.0)), max_clients_(max_clients) {}

bool RateLimiter::allow(const std::string& client, std::chrono::steady_clock::time_point now) {
    if (rate_ <= 0) return true;
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(client);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_clients_) {
            // Drop the clients whose buckets are full again (idle long enough): they lose nothing.
            for (auto i = buckets_.begin(); i != buckets_.end();) {
                const double idle = std::chrono::duration<double>(now - i->second.last).count();
                i = i->second.tokens + idle * rate_ >= burst_ ? buckets_.erase(i) : std::next(i);
            }
            if (buckets_.size() >= max_clients_) return false;
        }
        it = buckets_.emplace(client, Bucket{burst_, now}).first;
    }
    Bucket& b = it->second;
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.last = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

}  // namespace wz::server
