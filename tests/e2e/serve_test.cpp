// `wijkzicht serve` as users start it: a real process on a free port, spoken to over TCP. The
// acceptance command form (an empty USERS.toml serves the public part; / answers 200; /openapi.json
// lists `security` for every restricted operation), malformed and slow clients, graceful stop on
// SIGTERM, and a SIGKILL under load that leaves the stores intact and lets the server start again.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/server_fixture.hpp"

namespace wz {
namespace {

using nlohmann::json;

struct Server {
    pid_t pid = -1;
    int port = 0;
    std::string out;

    ~Server() { kill_now(); }
    void kill_now() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            pid = -1;
        }
    }
    // Sends SIGTERM and returns the exit status (-1 when it did not stop within `seconds`).
    int terminate(int seconds) {
        ::kill(pid, SIGTERM);
        for (int i = 0; i < seconds * 20; ++i) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return -1;
    }
};

// Starts `wijkzicht serve ARGS --port 0` and waits for its "listening on" line.
std::unique_ptr<Server> start_server(const std::string& args) {
    auto s = std::make_unique<Server>();
    s->out = std::filesystem::temp_directory_path() / ("wz_serve_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
    s->pid = ::fork();
    if (s->pid == 0) {
        const std::string cmd = std::string("ASAN_OPTIONS=detect_leaks=0 exec ") + WZ_BINARY + " serve " + args +
                                " --port 0 >" + s->out + " 2>" + s->out + ".err";
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    for (int i = 0; i < 1200 && s->port == 0; ++i) {
        const std::string text = test::read_all(s->out);
        const auto at = text.find("listening on http://127.0.0.1:");
        if (at != std::string::npos) s->port = std::stoi(text.substr(at + 30));
        int status = 0;
        if (s->port == 0 && ::waitpid(s->pid, &status, WNOHANG) == s->pid) {
            ADD_FAILURE() << "serve exited: " << test::read_all(s->out + ".err");
            s->pid = -1;
            return s;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GT(s->port, 0) << "no 'listening on' line: " << test::read_all(s->out + ".err");
    return s;
}

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `raw` and reads until the server closes (or `timeout_ms` passes).
std::string exchange(int port, const std::string& raw, int timeout_ms = 10000) {
    const int fd = connect_to(port);
    if (fd < 0) return "";
    (void)!::write(fd, raw.data(), raw.size());
    std::string out;
    char buf[65536];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) > 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

struct HttpAnswer {
    int status = 0;
    std::string head, body;
};
HttpAnswer http_get(int port, const std::string& target, const std::string& extra = "") {
    const std::string raw = exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra + "\r\n");
    HttpAnswer a;
    if (raw.size() < 12) return a;
    a.status = std::stoi(raw.substr(9, 3));
    const auto split = raw.find("\r\n\r\n");
    a.head = raw.substr(0, split);
    a.body = split == std::string::npos ? "" : raw.substr(split + 4);
    return a;
}

TEST(Serve, EmptyUsersFileServesThePublicPartAndTheOpenApi) {
    const auto& f = test::server_fixture();
    const std::string users = f.country.dir + "/empty_users.toml";
    test::write_file(users, "");
    auto s = start_server("--store " + f.country.store + " --users " + users);
    ASSERT_GT(s->port, 0);
    EXPECT_EQ(http_get(s->port, "/").status, 200);
    const auto api = http_get(s->port, "/openapi.json");
    ASSERT_EQ(api.status, 200);
    const json doc = json::parse(api.body);
    std::size_t restricted = 0;
    for (const auto& [path, ops] : doc["paths"].items()) {
        const bool r = path.find("/restricted") != std::string::npos || path == "/api/v1/me" || path.find("/admin/") != std::string::npos;
        for (const auto& [verb, op] : ops.items()) {
            EXPECT_EQ(op.contains("security"), r) << path;
            restricted += r;
        }
    }
    EXPECT_EQ(restricted, 4u);
    const auto scores = http_get(s->port, "/api/v1/scores?level=gemeente&year=2022");
    EXPECT_EQ(scores.status, 200);
    EXPECT_NE(scores.head.find("ETag: \""), std::string::npos) << scores.head;
    // Restricted paths without restricted data and without users: 401, never data.
    EXPECT_EQ(http_get(s->port, "/api/v1/restricted/tables").status, 401);
    // Malformed HTTP, an oversized head, a body: answered with 4xx, and the server goes on.
    EXPECT_EQ(exchange(s->port, "NONSENSE\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
    EXPECT_EQ(exchange(s->port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n").substr(0, 12),
              "HTTP/1.1 431");
    EXPECT_EQ(exchange(s->port, "POST /api/v1/meta HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").substr(0, 12),
              "HTTP/1.1 413");
    EXPECT_EQ(http_get(s->port, "/api/v1/health").status, 200);
    EXPECT_EQ(s->terminate(10), 0) << "SIGTERM: a graceful stop with status 0";
}

TEST(Serve, SlowClientsAreCutOffAndOthersAreServed) {
    const auto& f = test::server_fixture();
    auto s = start_server("--store " + f.country.store + " --users " + f.users + " --read-timeout 1");
    ASSERT_GT(s->port, 0);
    // Ten clients that send half a request line and then nothing (slowloris).
    std::vector<int> slow;
    for (int i = 0; i < 10; ++i) {
        const int fd = connect_to(s->port);
        ASSERT_GE(fd, 0);
        (void)!::write(fd, "GET /api/v1/me", 14);
        slow.push_back(fd);
    }
    EXPECT_EQ(http_get(s->port, "/api/v1/health").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    for (int fd : slow) {
        char c;
        pollfd p{fd, POLLIN, 0};
        ASSERT_EQ(::poll(&p, 1, 2000), 1) << "the server did not close a slow client";
        EXPECT_LE(::read(fd, &c, 1), 0);
        ::close(fd);
    }
    EXPECT_EQ(http_get(s->port, "/api/v1/health").status, 200);
}

TEST(Serve, SigkillUnderLoadLeavesTheStoresIntactAndItStartsAgain) {
    const auto& f = test::server_fixture();
    const std::string before = test::file_fingerprint(f.country.store);
    const std::string users_before = test::file_fingerprint(f.users);
    const std::string args = "--store " + f.country.store + " --restricted " + f.restricted + " --users " + f.users;
    auto s = start_server(args);
    ASSERT_GT(s->port, 0);
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t) {
        load.emplace_back([&, t] {
            const std::string token = t % 2 ? f.tokens.at("national") : "";
            while (!stop) {
                const auto a = http_get(s->port, t % 2 ? "/api/v1/restricted/risk_yearly" : "/api/v1/areas?level=buurt",
                                        token.empty() ? "" : "Authorization: Bearer " + token + "\r\n");
                if (a.status == 200) ++answered;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    s->kill_now();
    stop = true;
    for (auto& t : load) t.join();
    EXPECT_GT(answered.load(), 0);
    EXPECT_EQ(test::file_fingerprint(f.country.store), before);
    EXPECT_EQ(test::file_fingerprint(f.users), users_before);
    auto again = start_server(args);
    ASSERT_GT(again->port, 0);
    const auto me = http_get(again->port, "/api/v1/me", "Authorization: Bearer " + f.tokens.at("admin") + "\r\n");
    EXPECT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(json::parse(me.body)["role"], "admin");
    // The audit log is whole JSON lines after the kill.
    for (const auto& line : server::AuditLog(f.audit).tail(1000000))
        EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
}

TEST(Serve, BadStartsExplainThemselves) {
    const auto& f = test::server_fixture();
    auto r = test::run_wijkzicht("serve --store /nonexistent.gpkg --users " + f.users + " --port 0");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("no store '/nonexistent.gpkg'"), std::string::npos) << r.err;
    const std::string bad = f.country.dir + "/broken_users.toml";
    test::write_file(bad, "[[user]\nname=");
    r = test::run_wijkzicht("serve --store " + f.country.store + " --users " + bad + " --port 0");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("broken_users.toml:"), std::string::npos) << r.err;
    r = test::run_wijkzicht("serve --store " + f.country.store + " --users " + f.users + " --bind nowhere --port 0");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("--bind"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wz
