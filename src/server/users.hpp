#pragma once
// The service's users: who may see what. USERS.toml holds one [[user]] table per user with its role,
// its gemeenten (municipal analysts) and its bearer token as an Argon2id hash only (libsodium's
// crypto_pwhash_str); the token itself is shown once, by `wijkzicht users add`, and never stored.
//
// A token reads "wz1.<user id>.<secret>": the id finds the one hash to verify (a forged token costs one
// Argon2id verification, never one per user), the 32-byte secret is what the hash protects.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wz::server {

enum class Role : std::uint8_t { kPublic, kMunicipal, kNational, kAdmin };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
    std::string id;                      // 12 lower-case hex characters, part of the token
    std::string name;                    // unique, for people and the audit log
    Role role = Role::kPublic;
    std::vector<std::string> gemeenten;  // municipal analysts: GM codes they may see
    std::string token_hash;              // "$argon2id$..."
    std::string created;                 // ISO 8601 UTC
    std::string expires;                 // ISO 8601 UTC; empty: never
    bool revoked = false;

    // Whether the user may see restricted data of gemeente `gm` (national and admin: every gemeente).
    bool may_see_gemeente(std::string_view gm) const;
};

// The users file. Reading an absent or empty file gives no users (the public part only).
class Users {
  public:
    // Throws InputError (FILE:LINE:COL) for a malformed file or an unknown role, a bad gemeente code,
    // a duplicate name or id.
    static Users load(const std::string& path);
    // Writes the file atomically (temporary file, then rename), mode 0600.
    void save(const std::string& path) const;

    const std::vector<User>& all() const { return users_; }
    const User* find_by_name(std::string_view name) const;

    // Adds a user and returns the token (the only time it exists in clear). UsageError for a name in use,
    // a role without the gemeenten it needs (municipal) or with gemeenten it must not have, a bad code.
    std::string add(const std::string& name, Role role, const std::vector<std::string>& gemeenten,
                    const std::string& expires);
    // Marks the user revoked (its token stops working). NotFoundError for an unknown name.
    void revoke(const std::string& name);

  private:
    std::vector<User> users_;
};

// Checks bearer tokens against the users, caching successful verifications (an Argon2id verification
// takes tens of milliseconds by design; a cached token is found by a keyed BLAKE2b digest of it, under
// a key made at start and never written). Thread-safe.
class Authenticator {
  public:
    explicit Authenticator(Users users);
    struct Outcome {
        const User* user = nullptr;  // null: not authenticated
        std::string reason;          // "no token", "malformed token", "unknown user", "revoked",
                                     // "expired", "wrong secret" (for the audit log, never the token)
    };
    // `now` is ISO 8601 UTC (compared with `expires`).
    Outcome authenticate(std::string_view token, const std::string& now) const;
    const Users& users() const { return users_; }

  private:
    Users users_;
    unsigned char cache_key_[32];
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::size_t> verified_;  // digest -> user index
};

}  // namespace wz::server
