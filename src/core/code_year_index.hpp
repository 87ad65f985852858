#pragma once
// An exact index of (area code, year) keys, for matching millions of rows of one table against the
// keys of another (calibration: indicator rows against respondents and sales). Each distinct key gets
// an id in insertion order. The codes are held as views: the text they point into must outlive the
// index. Open addressing with linear probing over (hash, id) slots, at most half full; a hit compares
// the key itself, so unequal keys with equal hashes stay apart.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/unique_keys.hpp"

namespace wz {

class CodeYearIndex {
  public:
    explicit CodeYearIndex(std::size_t expected = 1024) { rehash(capacity_for(expected)); }

    // The id of (code, year) and whether it was added now (false: it was there, with that id).
    std::pair<std::size_t, bool> insert(std::string_view code, std::int64_t year) {
        if ((keys_.size() + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
        const std::uint64_t h = hash(code, year);
        const std::size_t i = slot(h, code, year);
        if (slots_[i].id != 0) return {slots_[i].id - 1, false};
        keys_.emplace_back(code, year);
        slots_[i] = Slot{h, static_cast<std::uint32_t>(keys_.size())};
        return {keys_.size() - 1, true};
    }
    // The id of (code, year), nullopt when absent.
    std::optional<std::size_t> find(std::string_view code, std::int64_t year) const {
        const std::size_t i = slot(hash(code, year), code, year);
        if (slots_[i].id == 0) return std::nullopt;
        return slots_[i].id - 1;
    }
    void reserve(std::size_t expected) {
        const std::size_t capacity = capacity_for(expected);
        if (capacity > slots_.size()) rehash(capacity);
    }
    std::size_t size() const { return keys_.size(); }
    // The key with id `id` (its code a view into the text it was inserted from).
    const std::pair<std::string_view, std::int64_t>& key(std::size_t id) const { return keys_[id]; }

    // A 64-bit hash of the key (the code's bytes, with the year as the seed).
    static std::uint64_t hash(std::string_view code, std::int64_t year) {
        return hash_bytes(code, static_cast<std::uint64_t>(year));
    }

  private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t id = 0;  // key id + 1; 0 = empty
    };
    static std::size_t capacity_for(std::size_t expected) {
        return std::bit_ceil(std::max<std::size_t>(expected * 2, 1024));
    }
    std::size_t slot(std::uint64_t h, std::string_view code, std::int64_t year) const {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(h) & mask;
        while (slots_[i].id != 0) {
            if (slots_[i].hash == h) {
                const auto& k = keys_[slots_[i].id - 1];
                if (k.second == year && k.first == code) return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }
    void rehash(std::size_t capacity) {
        std::vector<Slot> old(capacity);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.id == 0) continue;
            std::size_t i = static_cast<std::size_t>(s.hash) & mask;
            while (slots_[i].id != 0) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }
    std::vector<Slot> slots_;
    std::vector<std::pair<std::string_view, std::int64_t>> keys_;
};

}  // namespace wz
