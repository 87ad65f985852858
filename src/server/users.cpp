#include "server/users.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml.hpp>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "io/writers.hpp"

namespace wz::server {

namespace {

constexpr std::string_view kTokenPrefix = "wz1.";

void init_sodium() {
    if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
}

[[noreturn]] void fail(const std::string& source, const toml::value& where, const std::string& expected,
                       const std::string& found) {
    const auto& loc = where.location();
    throw InputError(source, static_cast<long>(loc.line()), static_cast<long>(loc.column()), expected, found);
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    std::string out(2 * n + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, n);
    out.pop_back();
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> b(bytes);
    randombytes_buf(b.data(), b.size());
    return hex(b.data(), b.size());
}

bool is_hex_id(std::string_view s) {
    return s.size() == 12 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_gemeente(std::string_view code) { return is_code_of_level(Level::kGemeente, code); }

std::string check_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= 64 &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                    });
    if (!ok) {
        throw UsageError(fmt::format("a user name has 1-64 letters, digits, '-', '_' or '.' (got '{}')", name));
    }
    return name;
}

// "2027-12-02" or "2027-12-02T10:00:00Z" -> ISO 8601 UTC; UsageError otherwise.
std::string check_expiry(const std::string& text) {
    if (text.empty()) return text;
    const auto digits = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i) {
            if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        }
        return true;
    };
    const bool date = text.size() >= 10 && digits(0, 4) && text[4] == '-' && digits(5, 2) && text[7] == '-' &&
                      digits(8, 2);
    if (date && text.size() == 10) return text + "T00:00:00Z";
    if (date && text.size() == 20 && text[10] == 'T' && digits(11, 2) && text[13] == ':' && digits(14, 2) &&
        text[16] == ':' && digits(17, 2) && text[19] == 'Z')
        return text;
    throw UsageError(fmt::format("an expiry date reads YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (got '{}')", text));
}

}  // namespace

std::string_view role_name(Role role) {
    switch (role) {
        case Role::kPublic: return "public";
        case Role::kMunicipal: return "municipal";
        case Role::kNational: return "national";
        case Role::kAdmin: return "admin";
    }
    return "public";
}

std::optional<Role> parse_role(std::string_view name) {
    for (Role r : {Role::kPublic, Role::kMunicipal, Role::kNational, Role::kAdmin}) {
        if (role_name(r) == name) return r;
    }
    return std::nullopt;
}

bool User::may_see_gemeente(std::string_view gm) const {
    if (revoked) return false;
    if (role == Role::kNational || role == Role::kAdmin) return true;
    if (role != Role::kMunicipal) return false;
    return std::find(gemeenten.begin(), gemeenten.end(), gm) != gemeenten.end();
}

Users Users::load(const std::string& path) {
    Users out;
    if (!std::filesystem::exists(path)) return out;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(fmt::format("cannot read the users file '{}'", path));
    toml::value root;
    try {
        root = toml::parse(in, path);
    } catch (const toml::syntax_error& e) {
        const auto& loc = e.location();
        std::string msg = e.what();
        msg = msg.substr(0, msg.find('\n'));
        throw InputError(path, static_cast<long>(loc.line()), static_cast<long>(loc.column()),
                         "a TOML file of [[user]] tables", msg.empty() ? "a syntax error" : msg);
    }
    if (!root.is_table()) return out;
    for (const auto& [key, value] : root.as_table()) {
        if (key != "user") fail(path, value, "only [[user]] tables", "'" + key + "'");
    }
    if (!root.contains("user")) return out;
    const auto& list = toml::find(root, "user");
    if (!list.is_array()) fail(path, list, "[[user]] tables", "another value");
    for (const auto& t : list.as_array()) {
        if (!t.is_table()) fail(path, t, "a [[user]] table", "another value");
        const auto text = [&](const char* k, bool required) -> std::string {
            if (!t.contains(k)) {
                if (required) fail(path, t, fmt::format("'{}' in every [[user]]", k), "none");
                return "";
            }
            const auto& v = toml::find(t, k);
            if (!v.is_string()) fail(path, v, fmt::format("a string for '{}'", k), "another value");
            return v.as_string().str;
        };
        User u;
        u.id = text("id", true);
        if (!is_hex_id(u.id)) fail(path, toml::find(t, "id"), "an id of 12 hex characters", "another id");
        u.name = text("name", true);
        const std::string role = text("role", true);
        const auto r = parse_role(role);
        if (!r || *r == Role::kPublic)
            fail(path, toml::find(t, "role"), "role municipal, national or admin", "'" + role + "'");
        u.role = *r;
        u.token_hash = text("token_hash", true);
        if (u.token_hash.rfind("$argon2id$", 0) != 0)
            fail(path, toml::find(t, "token_hash"), "an Argon2id hash ($argon2id$...)", "another value");
        u.created = text("created", false);
        u.expires = text("expires", false);
        if (t.contains("revoked")) {
            const auto& v = toml::find(t, "revoked");
            if (!v.is_boolean()) fail(path, v, "true or false for 'revoked'", "another value");
            u.revoked = v.as_boolean();
        }
        if (t.contains("gemeenten")) {
            const auto& v = toml::find(t, "gemeenten");
            if (!v.is_array()) fail(path, v, "an array of gemeente codes", "another value");
            for (const auto& g : v.as_array()) {
                if (!g.is_string() || !is_gemeente(g.as_string().str))
                    fail(path, g, "a gemeente code such as GM0014", g.is_string() ? g.as_string().str : "a non-string");
                u.gemeenten.push_back(g.as_string().str);
            }
        }
        if (u.role == Role::kMunicipal && u.gemeenten.empty())
            fail(path, t, "gemeenten for a municipal analyst", "none");
        for (const auto& other : out.users_) {
            if (other.name == u.name) fail(path, toml::find(t, "name"), "a unique user name", "'" + u.name + "' twice");
            if (other.id == u.id) fail(path, toml::find(t, "id"), "a unique user id", "an id twice");
        }
        out.users_.push_back(std::move(u));
    }
    return out;
}

void Users::save(const std::string& path) const {
    std::ostringstream out;
    out << "# wijkzicht users: roles, gemeenten and bearer tokens as Argon2id hashes only.\n"
           "# Managed with `wijkzicht users add|revoke|list --users FILE`; tokens are never stored.\n";
    for (const auto& u : users_) {
        toml::table t;
        t["id"] = u.id;
        t["name"] = u.name;
        t["role"] = std::string(role_name(u.role));
        if (!u.gemeenten.empty()) t["gemeenten"] = toml::array(u.gemeenten.begin(), u.gemeenten.end());
        t["token_hash"] = u.token_hash;
        if (!u.created.empty()) t["created"] = u.created;
        if (!u.expires.empty()) t["expires"] = u.expires;
        t["revoked"] = u.revoked;
        out << "\n[[user]]\n" << toml::value(t);
    }
    write_text_atomically(path, out.str());
    ::chmod(path.c_str(), 0600);
}

const User* Users::find_by_name(std::string_view name) const {
    for (const auto& u : users_) {
        if (u.name == name) return &u;
    }
    return nullptr;
}

std::string Users::add(const std::string& name, Role role, const std::vector<std::string>& gemeenten,
                       const std::string& expires) {
    init_sodium();
    check_name(name);
    if (find_by_name(name)) throw UsageError(fmt::format("a user '{}' exists already (revoke it first)", name));
    if (role == Role::kPublic) throw UsageError("the public role needs no user: leave the token out");
    if (role == Role::kMunicipal && gemeenten.empty())
        throw UsageError("a municipal analyst needs --gemeente CODE (one or more, e.g. GM0014)");
    if (role != Role::kMunicipal && !gemeenten.empty())
        throw UsageError(fmt::format("--gemeente is for municipal analysts; a {} user sees every gemeente",
                                     role_name(role)));
    for (const auto& g : gemeenten) {
        if (!is_gemeente(g)) throw UsageError(fmt::format("'{}' is not a gemeente code (GM and 4 digits)", g));
    }
    User u;
    do {
        u.id = random_hex(6);
    } while (std::any_of(users_.begin(), users_.end(), [&](const User& o) { return o.id == u.id; }));
    u.name = name;
    u.role = role;
    u.gemeenten = gemeenten;
    u.expires = check_expiry(expires);
    u.created = [] {
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(buf);
    }();
    const std::string secret = random_hex(32);
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw InternalError("Argon2id hashing failed (out of memory?)");
    u.token_hash = hash;
    users_.push_back(std::move(u));
    return std::string(kTokenPrefix) + users_.back().id + "." + secret;
}

void Users::revoke(const std::string& name) {
    for (auto& u : users_) {
        if (u.name == name) {
            u.revoked = true;
            return;
        }
    }
    std::string names;
    for (const auto& u : users_) names += (names.empty() ? "" : ", ") + u.name;
    throw NotFoundError(fmt::format("no user '{}' (users: {})", name, names.empty() ? "none" : names));
}

Authenticator::Authenticator(Users users) : users_(std::move(users)) {
    init_sodium();
    randombytes_buf(cache_key_, sizeof cache_key_);
}

Authenticator::Outcome Authenticator::authenticate(std::string_view token, const std::string& now) const {
    if (token.empty()) return {nullptr, "no token"};
    // wz1.<12 hex>.<64 hex>
    if (token.size() != kTokenPrefix.size() + 12 + 1 + 64 || token.substr(0, kTokenPrefix.size()) != kTokenPrefix ||
        token[kTokenPrefix.size() + 12] != '.')
        return {nullptr, "malformed token"};
    const std::string_view id = token.substr(kTokenPrefix.size(), 12);
    const std::string_view secret = token.substr(kTokenPrefix.size() + 13);
    if (!is_hex_id(id) || secret.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        return {nullptr, "malformed token"};
    std::size_t index = users_.all().size();
    for (std::size_t i = 0; i < users_.all().size(); ++i) {
        if (users_.all()[i].id == id) index = i;
    }
    if (index == users_.all().size()) return {nullptr, "unknown user"};
    const User& u = users_.all()[index];
    if (u.revoked) return {nullptr, "revoked"};
    if (!u.expires.empty() && now >= u.expires) return {nullptr, "expired"};
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       cache_key_, sizeof cache_key_);
    const std::string key(reinterpret_cast<const char*>(digest), sizeof digest);
    {
        std::lock_guard lock(mutex_);
        const auto it = verified_.find(key);
        if (it != verified_.end() && it->second == index) return {&u, ""};
    }
    if (crypto_pwhash_str_verify(u.token_hash.c_str(), secret.data(), secret.size()) != 0)
        return {nullptr, "wrong secret"};
    std::lock_guard lock(mutex_);
    verified_.emplace(key, index);
    return {&u, ""};
}

}  // namespace wz::server
