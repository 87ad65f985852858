#pragma once
// The HTTP face of the service: Boost.Beast on Boost.Asio, asynchronous, a few threads holding
// thousands of connections. It only moves bytes: every answer comes from Service::handle.
// Limits: request head 8 KiB, no request bodies (GET/HEAD), a request must arrive within
// `read_timeout`, an idle keep-alive connection is closed after `idle_timeout`, at most
// `max_connections` at once. SIGINT/SIGTERM stop accepting, let answers in flight finish (at most
// `drain` seconds) and return from run().
#include <chrono>
#include <memory>
#include <string>

#include "server/service.hpp"

namespace wz::server {

struct HttpOptions {
    std::string bind = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (see HttpServer::port)
    int threads = 2;
    std::chrono::seconds read_timeout{10};
    std::chrono::seconds idle_timeout{30};
    std::chrono::seconds drain{5};
    std::size_t max_connections = 10000;
    bool handle_signals = true;
};

class HttpServer {
  public:
    // Binds the address (IoError when it cannot: port in use, bad address).
    HttpServer(const Service& service, const HttpOptions& options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    unsigned short port() const;
    // Serves until stop() or a signal; returns the number of requests answered.
    std::uint64_t run();
    // Thread-safe: begins the graceful stop.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wz::server
