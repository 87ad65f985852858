#include "core/unique_keys.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>

#include "core/code_year_index.hpp"

namespace wz {
namespace {

TEST(UniqueKeys, IntsAreExactIncludingZeroNegativeAndTheSentinel) {
    UniqueInts seen(4);
    EXPECT_TRUE(seen.insert(0));
    EXPECT_FALSE(seen.insert(0));
    EXPECT_TRUE(seen.insert(-1));
    EXPECT_TRUE(seen.insert(INT64_MIN));  // the value that marks an empty slot is held apart
    EXPECT_FALSE(seen.insert(INT64_MIN));
    EXPECT_TRUE(seen.insert(INT64_MAX));
    EXPECT_EQ(seen.size(), 4U);
    EXPECT_TRUE(seen.contains(INT64_MIN));
    EXPECT_FALSE(seen.contains(1));
    seen.clear();
    EXPECT_EQ(seen.size(), 0U);
    EXPECT_FALSE(seen.contains(0));
    EXPECT_FALSE(seen.contains(INT64_MIN));
    EXPECT_TRUE(seen.insert(INT64_MIN));
}

TEST(UniqueKeys, IntsAgreeWithAStandardSetAcrossGrowth) {
    // Cell keys (x << 32 | y) are structured, not uniform: the set must spread them itself.
    UniqueInts seen;
    std::unordered_set<std::int64_t> reference;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 300000; ++i) {
        const std::int64_t x = static_cast<std::int64_t>(rng() % 3000);
        const std::int64_t y = static_cast<std::int64_t>(rng() % 3000);
        const std::int64_t key = (x << 32) | y;
        ASSERT_EQ(seen.insert(key), reference.insert(key).second) << i;
    }
    EXPECT_EQ(seen.size(), reference.size());
}

TEST(UniqueKeys, TextsCompareTheWholeKey) {
    UniqueTexts seen(2);
    EXPECT_TRUE(seen.insert("S00000001"));
    EXPECT_FALSE(seen.insert("S00000001"));
    EXPECT_TRUE(seen.insert("S0000000"));    // a prefix is another key
    EXPECT_TRUE(seen.insert("S000000011"));  // a longer one too
    EXPECT_TRUE(seen.insert(""));            // the empty key is a key
    EXPECT_FALSE(seen.insert(""));
    const std::string long_key(300, 'x');  // a length prefix of two bytes
    EXPECT_TRUE(seen.insert(long_key));
    EXPECT_FALSE(seen.insert(long_key));
    EXPECT_TRUE(seen.insert(std::string(300, 'y')));
    EXPECT_EQ(seen.size(), 6U);
    EXPECT_TRUE(seen.contains("S0000000"));
    EXPECT_FALSE(seen.contains("S0000001"));
}

TEST(UniqueKeys, TextsAgreeWithAStandardSetAcrossGrowthAndClear) {
    UniqueTexts seen;
    std::unordered_set<std::string> reference;
    std::mt19937_64 rng(11);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 200000; ++i) {
            const std::string id = "R" + std::to_string(rng() % 150000);
            ASSERT_EQ(seen.insert(id), reference.insert(id).second) << id;
        }
        EXPECT_EQ(seen.size(), reference.size());
        seen.clear();
        reference.clear();
        EXPECT_FALSE(seen.contains("R1"));
    }
}

TEST(UniqueKeys, HashOfBytesIsTheCodeYearIndexHash) {
    // CodeYearIndex hashes (code, year) as the code's bytes with the year as the seed.
    EXPECT_NE(hash_bytes("E1993N3660", 2018), hash_bytes("E1993N3660", 2020));
    EXPECT_NE(hash_bytes("E1993N3660"), hash_bytes("E1993N366"));
    EXPECT_EQ(CodeYearIndex::hash("E1993N3660", 2018), hash_bytes("E1993N3660", 2018));
    EXPECT_EQ(CodeYearIndex::hash("", -1), hash_bytes("", static_cast<std::uint64_t>(-1)));
}

}  // namespace
}  // namespace wz
