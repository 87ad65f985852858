#pragma once
// Token buckets per client (address or user): `rate` requests per second on average, bursts of `burst`.
// rate 0 turns the limit off. Thread-safe; the table of clients is bounded (idle clients are dropped).
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wz::server {

class RateLimiter {
  public:
    RateLimiter(double rate, double burst, std::size_t max_clients = 100000);
    // Takes one token for `client`; false when it has none left (answer 429).
    bool allow(const std::string& client, std::chrono::steady_clock::time_point now);
    bool allow(const std::string& client) { return allow(client, std::chrono::steady_clock::now()); }
    double rate() const { return rate_; }

  private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };
    double rate_, burst_;
    std::size_t max_clients_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace wz::server
