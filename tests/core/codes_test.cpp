#include "core/codes.hpp"

#include <gtest/gtest.h>

namespace wz {
namespace {

TEST(Codes, LevelsOfCodes) {
    EXPECT_EQ(level_of_code("BU00140000"), Level::kBuurt);
    EXPECT_EQ(level_of_code("WK001400"), Level::kWijk);
    EXPECT_EQ(level_of_code("GM0014"), Level::kGemeente);
    EXPECT_EQ(level_of_code("CR01"), Level::kCorop);
    EXPECT_EQ(level_of_code("CP0100"), Level::kCoropPlus);
    EXPECT_EQ(level_of_code("PV20"), Level::kProvincie);
    EXPECT_EQ(level_of_code("NL00"), Level::kNederland);
    EXPECT_EQ(level_of_code("9712"), Level::kPc4);
    EXPECT_EQ(level_of_code("E1993N3660"), Level::kGrid);
    EXPECT_FALSE(level_of_code("BU0014000"));    // 7 digits
    EXPECT_FALSE(level_of_code("BU001400000"));  // 9 digits
    EXPECT_FALSE(level_of_code("bu00140000"));
    EXPECT_FALSE(level_of_code("0712"));  // postcodes start at 1000
    EXPECT_FALSE(level_of_code("GM00A4"));
    EXPECT_FALSE(level_of_code(""));
}

TEST(Codes, ParentsFromCodes) {
    EXPECT_EQ(parent_code_from_code("BU00140105", Level::kWijk), "WK001401");
    EXPECT_EQ(parent_code_from_code("BU00140105", Level::kGemeente), "GM0014");
    EXPECT_EQ(parent_code_from_code("WK001401", Level::kGemeente), "GM0014");
    EXPECT_FALSE(parent_code_from_code("WK001401", Level::kWijk));
    EXPECT_FALSE(parent_code_from_code("GM0014", Level::kCorop));
}

TEST(Codes, ParseLevelNamesAndAliases) {
    EXPECT_EQ(parse_level("buurt"), Level::kBuurt);
    EXPECT_EQ(parse_level(" GM "), Level::kGemeente);
    EXPECT_EQ(parse_level("corop-plus"), Level::kCoropPlus);
    EXPECT_EQ(parse_level("pc4"), Level::kPc4);
    EXPECT_FALSE(parse_level("street"));
    for (Level l : kAllLevels) EXPECT_EQ(parse_level(level_name(l)), l);
    for (Level l : kAllLevels) EXPECT_TRUE(is_code_of_level(l, level_example(l))) << level_name(l);
}

TEST(GridCells, CodeToCoordinatesAndBack) {
    auto c = parse_grid_cell("E1993N3660");
    ASSERT_TRUE(c);
    EXPECT_DOUBLE_EQ(c->ll_x(), 199300.0);
    EXPECT_DOUBLE_EQ(c->ll_y(), 366000.0);
    EXPECT_DOUBLE_EQ(c->centre_x(), 199350.0);
    EXPECT_DOUBLE_EQ(c->centre_y(), 366050.0);
    EXPECT_EQ(c->code(), "E1993N3660");
    EXPECT_EQ(c->cbs_code(), "C28992R100E1993N3660");
    EXPECT_EQ(parse_grid_cell("C28992R100E1993N3660"), c);
    // Leefbaarometer 3.0 numeric id: 1, four digits of x/100, five digits of y/100.
    EXPECT_EQ(parse_grid_cell("1199303660"), c);
    EXPECT_EQ(parse_grid_cell("1200103646")->code(), "E2001N3646");
    // A point maps to the cell whose lower-left corner is floor(x/100)*100.
    EXPECT_EQ(grid_cell_of_point(199399.9, 366000.0), *c);
    EXPECT_EQ(grid_cell_of_point(199400.0, 366000.0).code(), "E1994N3660");
    EXPECT_EQ(grid_cell_of_point(234234, 583983).code(), "E2342N5839");
    EXPECT_EQ(grid_cell_of_point(c->centre_x(), c->centre_y()), *c);
    // Zero padding, and cells outside four digits (written as fmt's {:04d} would).
    EXPECT_EQ((GridCell{0, 7}).code(), "E0000N0007");
    EXPECT_EQ((GridCell{9999, 10}).code(), "E9999N0010");
    EXPECT_EQ((GridCell{-3, 12345}).code(), "E-003N12345");
    EXPECT_EQ(parse_grid_cell("E0000N0007")->code(), "E0000N0007");
    EXPECT_FALSE(parse_grid_cell("E199N3660"));
    EXPECT_FALSE(parse_grid_cell("X1993N3660"));
    EXPECT_FALSE(parse_grid_cell("C28992R500E1993N3660"));
}

TEST(Years, PlausibleRange) {
    EXPECT_TRUE(is_plausible_year(2002));
    EXPECT_TRUE(is_plausible_year(2024));
    EXPECT_FALSE(is_plausible_year(1899));
    EXPECT_FALSE(is_plausible_year(20140));
}

}  // namespace
}  // namespace wz
