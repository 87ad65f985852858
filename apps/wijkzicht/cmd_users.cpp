// wijkzicht users add|revoke|list: who may use the service's restricted part.
#include <spdlog/spdlog.h>

#include <iostream>

#include "command.hpp"
#include "core/error.hpp"
#include "server/users.hpp"

namespace wz::app {
namespace {

constexpr const char* kAddHelp = R"(Add a user of the service's restricted part and print their token once.

Roles: municipal (restricted aggregates of the buurten of its --gemeente codes only), national (every
gemeente), admin (also the audit log). The token is printed once on standard output; USERS.toml keeps
only its Argon2id hash. Give it to the user over a safe channel; lost tokens are revoked and a new user
is added.

Example:
  wijkzicht users add --users users.toml --name groningen-analist --role municipal --gemeente GM0014
  curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/api/v1/me)";

class UsersAdd final : public Command {
  public:
    std::string_view parent() const override { return "users"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("add", kAddHelp);
        cmd->add_option("--users", file_, "The users file (TOML; created when absent)")->required();
        cmd->add_option("--name", name_, "A unique name (letters, digits, '-', '_', '.')")->required();
        cmd->add_option("--role", role_, "municipal, national or admin")->required();
        cmd->add_option("--gemeente", gemeenten_, "Gemeente code(s) a municipal analyst may see (repeat)");
        cmd->add_option("--expires", expires_, "Expiry date of the token (YYYY-MM-DD, UTC; default: never)");
        return cmd;
    }
    int run() override {
        const auto role = server::parse_role(role_);
        if (!role) throw UsageError(fmt::format("--role must be municipal, national or admin (got '{}')", role_));
        server::Users users = server::Users::load(file_);
        const std::string token = users.add(name_, *role, gemeenten_, expires_);
        users.save(file_);
        spdlog::info("added {} ({}) to {}; the token below is shown only now", name_, role_, file_);
        std::cout << token << '\n';
        return 0;
    }

  private:
    std::string file_, name_, role_, expires_;
    std::vector<std::string> gemeenten_;
};

class UsersRevoke final : public Command {
  public:
    std::string_view parent() const override { return "users"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("revoke", "Revoke a user's token (a running server reads the file at start: restart it)\n\nExample:\n  wijkzicht users revoke --users users.toml --name groningen-analist");
        cmd->add_option("--users", file_, "The users file")->required();
        cmd->add_option("--name", name_, "The user")->required();
        return cmd;
    }
    int run() override {
        server::Users users = server::Users::load(file_);
        users.revoke(name_);
        users.save(file_);
        spdlog::info("revoked {} in {}", name_, file_);
        return 0;
    }

  private:
    std::string file_, name_;
};

class UsersList final : public Command {
  public:
    std::string_view parent() const override { return "users"; }
    CLI::App* setup(CLI::App& parent) override {
        CLI::App* cmd = parent.add_subcommand("list", "List the users: name, role, gemeenten, created, expires, revoked (never tokens)\n\nExample:\n  wijkzicht users list --users users.toml");
        cmd->add_option("--users", file_, "The users file")->required();
        json_.add(cmd, "Print the users as JSON");
        return cmd;
    }
    int run() override {
        const server::Users users = server::Users::load(file_);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& u : users.all()) {
            out.push_back({{"name", u.name}, {"role", server::role_name(u.role)}, {"gemeenten", u.gemeenten},
                           {"created", u.created}, {"expires", u.expires}, {"revoked", u.revoked}});
            if (!json_.json) {
                std::string g;
                for (const auto& x : u.gemeenten) g += (g.empty() ? "" : ",") + x;
                std::cout << fmt::format("{:<24} {:<10} {:<20} created {} {}{}\n", u.name, server::role_name(u.role),
                                         g.empty() ? "-" : g, u.created, u.expires.empty() ? "" : "expires " + u.expires + " ",
                                         u.revoked ? "REVOKED" : "");
            }
        }
        if (json_.json) std::cout << out.dump(2) << '\n';
        if (!json_.json && users.all().empty()) std::cout << "no users in " << file_ << '\n';
        return 0;
    }

  private:
    std::string file_;
    JsonFlag json_;
};

}  // namespace

std::unique_ptr<Command> make_users_add() {
    return std::make_unique<UsersAdd>();
}
std::unique_ptr<Command> make_users_revoke() {
    return std::make_unique<UsersRevoke>();
}
std::unique_ptr<Command> make_users_list() {
    return std::make_unique<UsersList>();
}

}  // namespace wz::app
