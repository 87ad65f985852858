#include "server/http.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace wz::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Shared {
    const Service& service;
    HttpOptions options;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<bool> stopping{false};
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
        ++shared_.connections;
        beast::error_code ec;
        const auto ep = stream_.socket().remote_endpoint(ec);
        address_ = ec ? "unknown" : ep.address().to_string();
    }
    ~Session() { --shared_.connections; }

    void start() { read(true); }

  private:
    void read(bool first) {
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        parser_->body_limit(0);
        stream_.expires_after(first ? shared_.options.read_timeout : shared_.options.idle_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset) {
            close();
            return;
        }
        if (ec) {
            // A malformed or oversized request: answer 400/413/431 once, then close.
            int status = 400;
            std::string message = "a malformed HTTP request";
            if (ec == http::error::header_limit) {
                status = 431;
                message = "the request head is larger than 8 KiB";
            } else if (ec == http::error::body_limit) {
                status = 413;
                message = "request bodies are not accepted";
            }
            auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
            res->set(http::field::content_type, "application/json; charset=utf-8");
            res->body() = fmt::format(R"({{"error":{{"kind":"usage","message":"{}"}}}})", message);
            res->keep_alive(false);
            res->prepare_payload();
            write_simple(res);
            return;
        }
        const auto& req = parser_->get();
        ++shared_.requests;
        Request r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        r.authorization = std::string(req[http::field::authorization]);
        r.if_none_match = std::string(req[http::field::if_none_match]);
        r.host = std::string(req[http::field::host]);
        r.address = address_;
        answer_ = shared_.service.handle(r);
        const bool head = req.method() == http::verb::head;
        response_.emplace(static_cast<http::status>(answer_.status), req.version());
        response_->set(http::field::server, "wijkzicht");
        response_->set(http::field::content_type, answer_.content_type);
        response_->set("X-Content-Type-Options", "nosniff");
        for (const auto& [k, v] : answer_.headers) response_->set(k, v);
        const std::string& body = answer_.text();
        if (answer_.status != 204 && answer_.status != 304) {
            response_->body() = http::span_body<const char>::value_type(body.data(), head ? 0 : body.size());
            response_->content_length(body.size());
        }
        response_->keep_alive(req.keep_alive() && !shared_.stopping);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_write(stream_, *response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void write_simple(const std::shared_ptr<http::response<http::string_body>>& res) {
        stream_.expires_after(std::chrono::seconds(10));
        http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code, std::size_t) { self->close(); });
    }

    void on_write(beast::error_code ec, std::size_t) {
        const bool keep = response_ && response_->keep_alive();
        response_.reset();
        answer_ = Response{};
        if (ec || !keep) {
            close();
            return;
        }
        read(false);
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    Shared& shared_;
    std::string address_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    Response answer_;
    std::optional<http::response<http::span_body<const char>>> response_;
};

}  // namespace

struct HttpServer::Impl {
    Shared shared;
    asio::io_context ioc;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer drain_timer;

    Impl(const Service& service, const HttpOptions& options)
        : shared{service, options}, ioc(options.threads), acceptor(ioc), signals(ioc), drain_timer(ioc) {}

    void accept() {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
                // Out of descriptors or a client that left: keep accepting.
            } else if (shared.connections >= shared.options.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<Session>(std::move(socket), shared)->start();
            }
            if (!shared.stopping) accept();
        });
    }

    void begin_stop() {
        if (shared.stopping.exchange(true)) return;
        beast::error_code ec;
        acceptor.close(ec);
        signals.cancel(ec);
        drain_timer.expires_after(shared.options.drain);
        drain_timer.async_wait([this](beast::error_code) { ioc.stop(); });
        // Connections with nothing in flight end at their next read; when all are gone, stop at once.
        poll_idle();
    }

    void poll_idle() {
        if (shared.connections == 0) {
            ioc.stop();
            return;
        }
        auto t = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(50));
        t->async_wait([this, t](beast::error_code) { poll_idle(); });
    }
};

HttpServer::HttpServer(const Service& service, const HttpOptions& options)
    : impl_(std::make_unique<Impl>(service, options)) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options.bind, ec);
    if (ec) throw UsageError(fmt::format("--bind: '{}' is not an IP address", options.bind));
    const tcp::endpoint ep(address, options.port);
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw IoError(fmt::format("cannot listen on {}:{}: {}", options.bind, options.port, ec.message()));
}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::uint64_t HttpServer::run() {
    Impl& s = *impl_;
    if (s.shared.options.handle_signals) {
        s.signals.add(SIGINT);
        s.signals.add(SIGTERM);
        s.signals.async_wait([this](beast::error_code ec, int) {
            if (!ec) impl_->begin_stop();
        });
    }
    s.accept();
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, s.shared.options.threads); ++i) threads.emplace_back([&] { s.ioc.run(); });
    s.ioc.run();
    for (auto& t : threads) t.join();
    return s.shared.requests;
}

void HttpServer::stop() {
    asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace wz::server
