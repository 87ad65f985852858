#include "core/table.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

namespace wz {
namespace {

TEST(Table, ColumnsKeepValuesAndMissingReasons) {
    Column c("inw", ColumnType::kReal);
    c.push_real(4440);
    c.push_missing(Missing::kSecret99997);
    c.push_int(7);
    c.push_missing(Missing::kGeheim);
    ASSERT_EQ(c.size(), 4u);
    EXPECT_DOUBLE_EQ(c.real_at(0), 4440.0);
    EXPECT_TRUE(c.is_missing(1));
    EXPECT_EQ(c.missing_reason(1), Missing::kSecret99997);
    EXPECT_TRUE(std::isnan(c.number_at(1)));
    EXPECT_DOUBLE_EQ(c.number_at(2), 7.0);
    EXPECT_EQ(c.missing_count(), 2u);
    EXPECT_EQ(c.missing_count(Missing::kGeheim), 1u);
    EXPECT_EQ(c.to_text(1), "");
    EXPECT_EQ(c.to_text(2), "7");
}

TEST(Table, TextAndIntColumns) {
    Column t("code", ColumnType::kText);
    t.push_text("BU00140000");
    t.push_missing(Missing::kEmpty);
    EXPECT_EQ(t.text_at(0), "BU00140000");
    EXPECT_THROW(t.push_real(1.0), InternalError);
    Column i("year", ColumnType::kInt);
    i.push_int(2014);
    EXPECT_EQ(i.int_at(0), 2014);
    EXPECT_THROW(i.push_text("x"), InternalError);
    EXPECT_THROW(i.push_missing(Missing::kNone), InternalError);
}

TEST(Table, ClearedTextColumnRefillsItsStringsWithoutAllocating) {
    Column t("name", ColumnType::kText);
    const std::string long_name = "Openbare Weg/-Water, Weg (a name longer than the short-string buffer)";
    t.push_text(long_name);
    t.push_text(std::string_view("Centrum Goor"));
    t.push_missing(Missing::kEmpty);
    const char* kept = t.text_at(0).data();
    t.clear();
    EXPECT_EQ(t.size(), 0u);
    EXPECT_TRUE(t.texts().empty());  // the kept slots are not values
    t.push_text(std::string_view("Woninginbraak, a second long text of the same order of length"));
    EXPECT_EQ(t.text_at(0).data(), kept);  // assigned into the string kept from before the clear
    t.push_missing(Missing::kSecret99997);  // a kept slot holding "Centrum Goor" becomes empty
    EXPECT_EQ(t.text_at(1), "");
    EXPECT_EQ(t.to_text(1), "");
    t.push_text(std::string("moved in"));
    t.push_text("a fourth, beyond the slots kept");
    ASSERT_EQ(t.size(), 4u);
    ASSERT_EQ(t.texts().size(), 4u);
    EXPECT_EQ(t.texts()[0], "Woninginbraak, a second long text of the same order of length");
    EXPECT_EQ(t.texts()[2], "moved in");
    EXPECT_EQ(t.texts()[3], "a fourth, beyond the slots kept");
    EXPECT_EQ(t.missing_count(), 1u);
    // Taking a value copies it into the taker's kept string (the giver is refilled next anyway).
    Column to("name", ColumnType::kText);
    to.push_text(long_name);
    to.push_text(long_name);
    to.push_text(long_name);
    const char* kept_to = to.text_at(0).data();
    to.clear();
    to.push_text_taken(t, 0);
    to.push_text_taken(t, 1);
    to.push_text_taken(t, 2);
    ASSERT_EQ(to.size(), 3u);
    EXPECT_EQ(to.text_at(0), "Woninginbraak, a second long text of the same order of length");
    EXPECT_TRUE(to.is_missing(1));
    EXPECT_EQ(to.missing_reason(1), Missing::kSecret99997);
    EXPECT_EQ(to.text_at(2), "moved in");
    EXPECT_EQ(to.text_at(0).data(), kept_to);  // no new string
    // Beyond the kept strings the value is taken (moved): nothing is copied.
    to.push_text_taken(t, 3);
    EXPECT_EQ(to.text_at(3), "a fourth, beyond the slots kept");
    // A copy of a cleared column has no values either.
    Column copy = t;
    copy.clear();
    EXPECT_TRUE(copy.texts().empty());
    EXPECT_TRUE(Column("n", ColumnType::kReal).texts().empty());
}

TEST(Table, ShapeIsChecked) {
    Table table;
    Column a("a", ColumnType::kInt);
    a.push_int(1);
    a.push_int(2);
    table.add_column(std::move(a));
    Column b("b", ColumnType::kInt);
    b.push_int(1);
    EXPECT_THROW(table.add_column(std::move(b)), InternalError);
    Column dup("a", ColumnType::kInt);
    dup.push_int(1);
    dup.push_int(1);
    EXPECT_THROW(table.add_column(std::move(dup)), InternalError);
    EXPECT_EQ(table.row_count(), 2u);
    EXPECT_NE(table.find("a"), nullptr);
    EXPECT_EQ(table.find("zz"), nullptr);
    EXPECT_THROW((void)table.column("zz"), UsageError);
}

TEST(Table, ColumnsTakeOverVectorsWithTheirMissingReasons) {
    std::vector<double> reals{1.5, 0.0, -2.0};
    const double* data = reals.data();
    const Column r =
        Column::of_reals("r", std::move(reals), {0, static_cast<std::uint8_t>(Missing::kSecret99997), 0});
    EXPECT_EQ(r.reals().data(), data);  // moved, not copied
    EXPECT_EQ(r.type(), ColumnType::kReal);
    EXPECT_EQ(r.size(), 3u);
    EXPECT_EQ(r.real_at(2), -2.0);
    EXPECT_EQ(r.missing_reason(1), Missing::kSecret99997);
    EXPECT_TRUE(std::isnan(r.number_at(1)));
    const Column i = Column::of_ints("i", {7, 8});
    EXPECT_EQ(i.type(), ColumnType::kInt);
    EXPECT_EQ(i.missing_count(), 0u);
    EXPECT_EQ(i.int_at(1), 8);
    const Column t =
        Column::of_texts("t", {"BU00010001", ""}, {0, static_cast<std::uint8_t>(Missing::kEmpty)});
    EXPECT_EQ(t.type(), ColumnType::kText);
    EXPECT_EQ(t.text_at(0), "BU00010001");
    EXPECT_TRUE(t.is_missing(1));
    EXPECT_THROW(Column::of_ints("bad", {1, 2, 3}, {0, 0}), InternalError);
}

TEST(Table, MissingNamesRoundTrip) {
    for (int k = 0; k < kMissingKinds; ++k) {
        const auto why = static_cast<Missing>(k);
        EXPECT_EQ(parse_missing_name(missing_name(why)), why);
    }
    EXPECT_FALSE(parse_missing_name("bogus"));
}

TEST(InputErrorFormat, FileLineColumnExpectedFound) {
    InputError e("data.csv", 12, 7, "a number", "'abc'");
    EXPECT_STREQ(e.what(), "data.csv:12:7: expected a number, found 'abc'");
    InputError v("b.gpkg:layer buurt:feature 17", 0, 0, "a buurt code", "'X'");
    EXPECT_STREQ(v.what(), "b.gpkg:layer buurt:feature 17: expected a buurt code, found 'X'");
    EXPECT_EQ(quote_found("a\nb"), "'a\\x0ab'");
    EXPECT_EQ(quote_found(std::string(100, 'z'), 5), "'zzzzz...'");
}

}  // namespace
}  // namespace wz
