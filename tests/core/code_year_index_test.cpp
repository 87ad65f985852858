#include "core/code_year_index.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace wz {
namespace {

TEST(CodeYearIndex, IdsInInsertionOrderAndExactKeys) {
    CodeYearIndex index(4);
    EXPECT_EQ(index.insert("E0592N3455", 2012), std::make_pair(std::size_t{0}, true));
    EXPECT_EQ(index.insert("E0592N3455", 2014), std::make_pair(std::size_t{1}, true));
    EXPECT_EQ(index.insert("E0592N3456", 2012), std::make_pair(std::size_t{2}, true));
    EXPECT_EQ(index.insert("E0592N3455", 2012), std::make_pair(std::size_t{0}, false));
    EXPECT_EQ(index.size(), 3u);
    EXPECT_EQ(index.find("E0592N3455", 2014), std::optional<std::size_t>(1));
    EXPECT_EQ(index.find("E0592N3455", 2016), std::nullopt);
    EXPECT_EQ(index.find("E0592N345", 2012), std::nullopt);    // a prefix is another code
    EXPECT_EQ(index.find("E0592N34550", 2012), std::nullopt);  // so is a longer one
    EXPECT_EQ(index.find("", 2012), std::nullopt);
    EXPECT_EQ(index.insert("", 2012), std::make_pair(std::size_t{3}, true));  // the empty code is a key
    EXPECT_EQ(index.find("", 2012), std::optional<std::size_t>(3));
}

TEST(CodeYearIndex, GrowsPastItsFirstCapacityAndFindsEveryKey) {
    // 200,000 codes of every length from 1 to 23 bytes over three years: the table grows several times
    // and every key keeps its id.
    std::deque<std::string> codes;
    CodeYearIndex index(1);
    for (int i = 0; i < 200000; ++i) {
        codes.push_back(std::string(static_cast<std::size_t>(1 + i % 23), 'a') + std::to_string(i));
        ASSERT_TRUE(index.insert(codes.back(), 2012 + 2 * (i % 3)).second);
    }
    EXPECT_EQ(index.size(), 200000u);
    for (int i = 0; i < 200000; i += 7) {
        const auto s = static_cast<std::size_t>(i);
        EXPECT_EQ(index.find(codes[s], 2012 + 2 * (i % 3)), std::optional<std::size_t>(s));
        EXPECT_EQ(index.find(codes[s], 2013), std::nullopt);
    }
    // Keys differing only in the year, or in one byte past the first eight, hash apart.
    EXPECT_NE(CodeYearIndex::hash("BU00140000", 2012), CodeYearIndex::hash("BU00140000", 2014));
    EXPECT_NE(CodeYearIndex::hash("BU00140000", 2012), CodeYearIndex::hash("BU00140001", 2012));
}

}  // namespace
}  // namespace wz
