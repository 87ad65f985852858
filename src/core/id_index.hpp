#pragma once
// An index of 64-bit identifiers that are already uniform (keyed hashes, pseudonyms): open addressing
// with linear probing, the identifier's low bits as its slot, 12 bytes per slot, at most half full.
// Identifier 0 is reserved (the empty slot).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wz {

class IdIndex {
  public:
    explicit IdIndex(std::size_t expected = 1024) { rehash(std::bit_ceil(std::max<std::size_t>(expected * 2, 1024))); }
    // Inserts `id` with `value`; false (and the old value kept) when it is already there.
    bool insert(std::int64_t id, std::int32_t value) {
        if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
        const std::size_t i = slot(id);
        if (keys_[i] == id) return false;
        keys_[i] = id;
        values_[i] = value;
        ++size_;
        return true;
    }
    // The value of `id`, or -1.
    std::int32_t find(std::int64_t id) const {
        const std::size_t i = slot(id);
        return keys_[i] == id ? values_[i] : -1;
    }
    bool contains(std::int64_t id) const { return find(id) >= 0; }
    // Room for `expected` identifiers without growing (growing copies every slot into fresh memory).
    void reserve(std::size_t expected) {
        const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(expected * 2, 1024));
        if (capacity > keys_.size()) rehash(capacity);
    }
    std::size_t size() const { return size_; }

  private:
    std::size_t slot(std::int64_t id) const {
        const std::size_t mask = keys_.size() - 1;
        std::size_t i = static_cast<std::size_t>(id) & mask;
        while (keys_[i] != 0 && keys_[i] != id) i = (i + 1) & mask;
        return i;
    }
    void rehash(std::size_t capacity) {
        std::vector<std::int64_t> keys(capacity, 0);
        std::vector<std::int32_t> values(capacity, -1);
        keys.swap(keys_);
        values.swap(values_);
        for (std::size_t k = 0; k < keys.size(); ++k) {
            if (keys[k] == 0) continue;
            const std::size_t i = slot(keys[k]);
            keys_[i] = keys[k];
            values_[i] = values[k];
        }
    }
    std::vector<std::int64_t> keys_;
    std::vector<std::int32_t> values_;
    std::size_t size_ = 0;
};

}  // namespace wz
