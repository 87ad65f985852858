#pragma once
// Sets that answer "seen before?" exactly for millions of keys in little memory: the duplicate checks of
// the importers (a respondent, a sale, a cell, an area code once per file). std::unordered_set spends a
// node (two pointers, a hash, a heap block) per key; these spend 8-16 bytes of slot per key at most
// three-quarters full, and a text set holds its keys' bytes in one buffer. Open addressing with linear
// probing; a hit compares the key itself, so unequal keys with equal hashes stay apart.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wz {

// A 64-bit hash of a byte string (eight bytes at a time), with `seed` mixed in.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed = 0) {
    constexpr std::uint64_t kMul = 0x9fb21c651e98df25ULL;
    std::uint64_t h = (seed + s.size()) * 0x9e3779b97f4a7c15ULL;
    std::size_t at = 0;
    for (; at + 8 <= s.size(); at += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + at, 8);
        h = (h ^ w) * kMul;
        h ^= h >> 32;
    }
    if (at < s.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + at, s.size() - at);
        h = (h ^ w) * kMul;
        h ^= h >> 32;
    }
    h *= kMul;
    return h ^ (h >> 29);
}

namespace unique_keys_detail {
// Slots for `expected` keys at most three-quarters full (a power of two, at least 1024).
inline std::size_t capacity_for(std::size_t expected) {
    return std::bit_ceil(std::max<std::size_t>(expected + expected / 3 + 1, 1024));
}
}  // namespace unique_keys_detail

// 64-bit integer keys (cell keys, ids): one slot of 8 bytes per key.
class UniqueInts {
  public:
    explicit UniqueInts(std::size_t expected = 0) {
        slots_.assign(unique_keys_detail::capacity_for(expected), kEmpty);
    }
    // True when `key` is new (and now held), false when it was inserted before.
    bool insert(std::int64_t key) {
        if (key == kEmpty) {
            const bool added = !has_empty_key_;
            has_empty_key_ = true;
            size_ += added ? 1 : 0;
            return added;
        }
        if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
        const std::size_t i = slot(key);
        if (slots_[i] == key) return false;
        slots_[i] = key;
        ++size_;
        return true;
    }
    bool contains(std::int64_t key) const {
        return key == kEmpty ? has_empty_key_ : slots_[slot(key)] == key;
    }
    void reserve(std::size_t expected) {
        const std::size_t capacity = unique_keys_detail::capacity_for(expected);
        if (capacity > slots_.size()) rehash(capacity);
    }
    std::size_t size() const { return size_; }
    // Forgets every key, keeping the slots' memory.
    void clear() {
        std::fill(slots_.begin(), slots_.end(), kEmpty);
        has_empty_key_ = false;
        size_ = 0;
    }

  private:
    static constexpr std::int64_t kEmpty = INT64_MIN;  // held apart (has_empty_key_)
    static std::uint64_t mix(std::int64_t key) {
        auto z = static_cast<std::uint64_t>(key) + 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t slot(std::int64_t key) const {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(mix(key)) & mask;
        while (slots_[i] != kEmpty && slots_[i] != key) i = (i + 1) & mask;
        return i;
    }
    void rehash(std::size_t capacity) {
        std::vector<std::int64_t> old(capacity, kEmpty);
        old.swap(slots_);
        for (const std::int64_t k : old)
            if (k != kEmpty) slots_[slot(k)] = k;
    }
    std::vector<std::int64_t> slots_;
    bool has_empty_key_ = false;
    std::size_t size_ = 0;
};

// Text keys (respondent and sale ids, area codes): 8 bytes of slot per key (32 bits of its hash and
// where its bytes start) and its bytes with a length prefix in one buffer. Up to 4 GB of key bytes.
class UniqueTexts {
  public:
    explicit UniqueTexts(std::size_t expected = 0) {
        slots_.assign(unique_keys_detail::capacity_for(expected), Slot{});
    }
    // True when `key` is new (and now held), false when it was inserted before.
    bool insert(std::string_view key) {
        if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
        const std::uint64_t h = hash_bytes(key);
        const std::size_t i = slot(h, key);
        if (slots_[i].at != 0) return false;
        slots_[i] = Slot{static_cast<std::uint32_t>(h >> 32), append(key)};
        ++size_;
        return true;
    }
    bool contains(std::string_view key) const { return slots_[slot(hash_bytes(key), key)].at != 0; }
    // Room for `expected` keys (and `bytes` of their text) without growing.
    void reserve(std::size_t expected, std::size_t bytes = 0) {
        const std::size_t capacity = unique_keys_detail::capacity_for(expected);
        if (capacity > slots_.size()) rehash(capacity);
        bytes_.reserve(bytes + expected);
    }
    std::size_t size() const { return size_; }
    // Forgets every key, keeping the memory.
    void clear() {
        std::fill(slots_.begin(), slots_.end(), Slot{});
        bytes_.clear();
        size_ = 0;
    }

  private:
    struct Slot {
        std::uint32_t tag = 0;  // the high 32 bits of the key's hash
        std::uint32_t at = 0;   // 1 + where the key's length prefix starts in bytes_; 0 = empty
    };
    // The key's bytes, with its length as a prefix (7 bits a byte), at the end of bytes_; 1 + where.
    std::uint32_t append(std::string_view key) {
        const std::size_t at = bytes_.size();
        if (at + key.size() + 10 >= UINT32_MAX)
            throw std::length_error("UniqueTexts: more than 4 GB of keys");
        std::size_t n = key.size();
        do {
            bytes_.push_back(static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
            n >>= 7;
        } while (n > 0);
        bytes_.append(key);
        return static_cast<std::uint32_t>(at + 1);
    }
    std::string_view key_at(std::uint32_t at) const {
        std::size_t p = at - 1, n = 0;
        for (int shift = 0;; shift += 7) {
            const auto b = static_cast<unsigned char>(bytes_[p++]);
            n |= static_cast<std::size_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }
        return {bytes_.data() + p, n};
    }
    std::size_t slot(std::uint64_t h, std::string_view key) const {
        const std::size_t mask = slots_.size() - 1;
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        std::size_t i = static_cast<std::size_t>(h) & mask;
        while (slots_[i].at != 0 && (slots_[i].tag != tag || key_at(slots_[i].at) != key)) i = (i + 1) & mask;
        return i;
    }
    void rehash(std::size_t capacity) {
        std::vector<Slot> old(capacity);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.at == 0) continue;
            // The slot's position needs the low bits of the hash, which the slot does not keep.
            std::size_t i = static_cast<std::size_t>(hash_bytes(key_at(s.at))) & mask;
            while (slots_[i].at != 0) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }
    std::vector<Slot> slots_;
    std::string bytes_;
    std::size_t size_ = 0;
};

}  // namespace wz
