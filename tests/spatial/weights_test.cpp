#include "spatial/weights.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "geo/rings.hpp"
#include "spatial/spatial_test_support.hpp"
#include "spatial/weights_io.hpp"

namespace wz::spatial {
namespace {

using test::multipolygon_wkb;
using test::row_of;
using test::square_grid;
using test::square_ring;
using test::view_of;
using V = std::vector<std::uint32_t>;

// 3 x 3 unit squares, numbered row-major from the lower-left:
//   6 7 8
//   3 4 5
//   0 1 2
TEST(WeightsContiguity, ThreeByThreeGridQueenAndRook) {
    const geo::AreaRings rings = square_grid(3, 3);
    const Weights queen = contiguity_weights(view_of(rings), Contiguity::kQueen);
    const Weights rook = contiguity_weights(view_of(rings), Contiguity::kRook);
    ASSERT_EQ(queen.size(), 9U);
    EXPECT_EQ(row_of(queen, 4), (V{0, 1, 2, 3, 5, 6, 7, 8}));
    EXPECT_EQ(row_of(queen, 0), (V{1, 3, 4}));
    EXPECT_EQ(row_of(queen, 1), (V{0, 2, 3, 4, 5}));
    EXPECT_EQ(row_of(rook, 4), (V{1, 3, 5, 7}));
    EXPECT_EQ(row_of(rook, 0), (V{1, 3}));
    EXPECT_EQ(row_of(rook, 1), (V{0, 2, 4}));
    EXPECT_EQ(queen.link_count(), 40U);  // 4 corners x 3 + 4 edges x 5 + 8
    EXPECT_EQ(rook.link_count(), 24U);   // 12 shared edges, both directions
    EXPECT_TRUE(queen.is_symmetric());
    EXPECT_TRUE(queen.islands().empty());
    for (double w : queen.weights) EXPECT_EQ(w, 1.0);

    // The same neighbours from the cell codes.
    const std::vector<std::int32_t> x{0, 1, 2, 0, 1, 2, 0, 1, 2};
    const std::vector<std::int32_t> y{0, 0, 0, 1, 1, 1, 2, 2, 2};
    const Weights grid_queen = grid_weights(x, y, GridNeighbourhood::kQueen8);
    const Weights grid_rook = grid_weights(x, y, GridNeighbourhood::kRook4);
    EXPECT_EQ(grid_queen.offsets, queen.offsets);
    EXPECT_EQ(grid_queen.neighbours, queen.neighbours);
    EXPECT_EQ(grid_rook.offsets, rook.offsets);
    EXPECT_EQ(grid_rook.neighbours, rook.neighbours);
}

TEST(WeightsContiguity, CornerTouchIsQueenOnlyAndRingsWithoutClosingPointWork) {
    geo::AreaRings rings;
    geo::append_wkb_area(multipolygon_wkb({{square_ring(0, 0)}}), rings);
    // Touches area 0 only at the corner (1, 1); given without the closing point and clockwise.
    geo::append_wkb_area(multipolygon_wkb({{{{1, 1}, {1, 2}, {2, 2}, {2, 1}}}}), rings);
    // Shares the edge (2,1)-(2,2) with area 1, listed in the opposite direction.
    geo::append_wkb_area(multipolygon_wkb({{square_ring(2, 1)}}), rings);
    const Weights queen = contiguity_weights(view_of(rings), Contiguity::kQueen);
    const Weights rook = contiguity_weights(view_of(rings), Contiguity::kRook);
    EXPECT_EQ(row_of(queen, 0), (V{1}));
    EXPECT_EQ(row_of(queen, 1), (V{0, 2}));
    EXPECT_EQ(row_of(rook, 0), V{});
    EXPECT_EQ(row_of(rook, 1), (V{2}));
    EXPECT_EQ(rook.islands(), (V{0}));
}

TEST(WeightsContiguity, MultiPolygonPartsHolesAndEmptyGeometry) {
    geo::AreaRings rings;
    // Area 0: two parts far apart; the second part touches area 1.
    geo::append_wkb_area(multipolygon_wkb({{square_ring(0, 0)}, {square_ring(10, 0)}}), rings);
    geo::append_wkb_area(multipolygon_wkb({{square_ring(11, 0)}}), rings);
    // Area 2: empty geometry (no WKB at all), area 3: an empty multipolygon.
    geo::append_wkb_area({}, rings);
    geo::append_wkb_area(multipolygon_wkb({}), rings);
    // Area 4: a square with a hole; area 5 fills the hole (touches the inner ring only).
    geo::append_wkb_area(multipolygon_wkb({{square_ring(20, 0, 3), square_ring(21, 1)}}), rings);
    geo::append_wkb_area(multipolygon_wkb({{square_ring(21, 1)}}), rings);
    ASSERT_EQ(rings.area_count(), 6U);
    EXPECT_TRUE(rings.is_empty(2));
    EXPECT_TRUE(rings.is_empty(3));
    EXPECT_TRUE(std::isnan(rings.centroid_x[2]));
    const Weights rook = contiguity_weights(view_of(rings), Contiguity::kRook);
    EXPECT_EQ(row_of(rook, 0), (V{1}));
    EXPECT_EQ(row_of(rook, 4), (V{5}));
    EXPECT_EQ(rook.islands(), (V{2, 3}));
    // Centroid of the square with a hole: (3x3 square centred (21.5,1.5)) minus (unit square centred
    // (21.5,1.5)) -> still (21.5, 1.5); area 9 - 1 = 8.
    EXPECT_DOUBLE_EQ(rings.centroid_x[4], 21.5);
    EXPECT_DOUBLE_EQ(rings.centroid_y[4], 1.5);
    EXPECT_DOUBLE_EQ(rings.area[4], 8.0);
    // Area 0: two unit squares centred at (0.5, 0.5) and (10.5, 0.5).
    EXPECT_DOUBLE_EQ(rings.centroid_x[0], 5.5);
    EXPECT_DOUBLE_EQ(rings.area[0], 2.0);
}

TEST(WeightsContiguity, OffCentreHoleMovesTheCentroid) {
    geo::AreaRings rings;
    // 4 x 2 rectangle [0,4]x[0,2] (centroid (2,1), area 8) minus the unit square [2,3]x[0.5,1.5]
    // (centroid (2.5,1), area 1): centroid x = (8*2 - 1*2.5) / 7 = 13.5 / 7.
    const test::Ring shell{{0, 0}, {4, 0}, {4, 2}, {0, 2}, {0, 0}};
    geo::append_wkb_area(multipolygon_wkb({{shell, square_ring(2, 0.5)}}, /*big_endian=*/true), rings);
    EXPECT_NEAR(rings.centroid_x[0], 13.5 / 7.0, 1e-12);
    EXPECT_NEAR(rings.centroid_y[0], 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(rings.area[0], 7.0);
}

TEST(WeightsContiguity, SnapToleranceJoinsNearlyTouchingAreas) {
    geo::AreaRings rings;
    geo::append_wkb_area(multipolygon_wkb({{square_ring(0, 0)}}), rings);
    geo::append_wkb_area(multipolygon_wkb({{square_ring(1.004, 0.003)}}), rings);  // gap 0.005 at the corner
    EXPECT_EQ(contiguity_weights(view_of(rings), Contiguity::kQueen).link_count(), 0U);
    EXPECT_EQ(contiguity_weights(view_of(rings), Contiguity::kQueen, 0.004).link_count(), 0U);
    const Weights q = contiguity_weights(view_of(rings), Contiguity::kQueen, 0.006);
    EXPECT_EQ(row_of(q, 0), (V{1}));
    const Weights r = contiguity_weights(view_of(rings), Contiguity::kRook, 0.006);
    EXPECT_EQ(row_of(r, 0), (V{1}));
    EXPECT_EQ(row_of(r, 1), (V{0}));
    EXPECT_THROW(contiguity_weights(view_of(rings), Contiguity::kQueen, -1.0), UsageError);
}

TEST(WeightsGrid, DuplicateCellIsAnError) {
    const std::vector<std::int32_t> x{1993, 1994, 1993};
    const std::vector<std::int32_t> y{3660, 3660, 3660};
    try {
        (void)grid_weights(x, y, GridNeighbourhood::kRook4);
        FAIL() << "expected an error";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("E1993N3660 given twice (positions 1 and 3)"), std::string::npos)
            << e.what();
    }
}

TEST(WeightsKnn, NearestNeighboursTiesAndMissingPoints) {
    // Points on a line at 0, 1, 3, 6, 10 and one without coordinates.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> x{0, 1, 3, 6, nan, 10};
    const std::vector<double> y{0, 0, 0, 0, nan, 0};
    const Weights w = knn_weights(x, y, 2);
    EXPECT_EQ(row_of(w, 0), (V{1, 2}));
    EXPECT_EQ(row_of(w, 1), (V{0, 2}));
    EXPECT_EQ(row_of(w, 2), (V{0, 1}));  // 1 at distance 2; 0 and 3 both at 3: the lower index wins
    EXPECT_EQ(row_of(w, 3), (V{2, 5}));
    EXPECT_EQ(row_of(w, 4), V{});
    EXPECT_EQ(row_of(w, 5), (V{2, 3}));
    EXPECT_FALSE(w.is_symmetric());
    EXPECT_EQ(w.islands(), (V{4}));
    // k larger than the other points: all of them.
    EXPECT_EQ(knn_weights(x, y, 10).cardinality(0), 4U);
}

TEST(WeightsKnn, TieGoesToTheLowerIndex) {
    // Point 0 at the origin; points 1..4 all at distance 1.
    const std::vector<double> x{0, 1, -1, 0, 0};
    const std::vector<double> y{0, 0, 0, 1, -1};
    const Weights w = knn_weights(x, y, 2);
    EXPECT_EQ(row_of(w, 0), (V{1, 2}));
}

TEST(WeightsBand, NeighboursWithinDistanceInclusive) {
    const std::vector<double> x{0, 3, 4, 100};
    const std::vector<double> y{0, 4, 4, 100};
    const Weights w = distance_band_weights(x, y, 5.0);
    EXPECT_EQ(row_of(w, 0), (V{1}));  // distance exactly 5 counts; (4,4) is 5.66 away
    EXPECT_EQ(row_of(w, 1), (V{0, 2}));
    EXPECT_EQ(row_of(w, 2), (V{1}));
    EXPECT_EQ(w.islands(), (V{3}));
    EXPECT_TRUE(w.is_symmetric());
    EXPECT_THROW(distance_band_weights(x, y, 0.0), UsageError);
}

TEST(WeightsTransform, RowStandardiseSelfAndSubset) {
    const geo::AreaRings rings = square_grid(1, 5);  // a line of five
    const Weights b = contiguity_weights(view_of(rings), Contiguity::kRook);
    const Weights r = with_transform(b, Transform::kRowStandardised);
    EXPECT_EQ(r.transform, Transform::kRowStandardised);
    EXPECT_EQ(std::vector<double>(r.weights_of(0).begin(), r.weights_of(0).end()),
              (std::vector<double>{1.0}));
    EXPECT_EQ(std::vector<double>(r.weights_of(2).begin(), r.weights_of(2).end()),
              (std::vector<double>{0.5, 0.5}));

    const Weights star = with_transform(with_self(b), Transform::kRowStandardised);
    EXPECT_TRUE(star.self_included);
    EXPECT_EQ(row_of(star, 2), (V{1, 2, 3}));
    for (double v : star.weights_of(2)) EXPECT_DOUBLE_EQ(v, 1.0 / 3.0);
    EXPECT_TRUE(star.islands().empty());

    // Drop area 2: the line breaks into 0-1 and 3-4; rows renumber.
    const std::vector<std::uint8_t> keep{1, 1, 0, 1, 1};
    std::vector<std::uint32_t> index;
    const Weights s = subset_weights(b, keep, &index);
    EXPECT_EQ(index, (V{0, 1, std::numeric_limits<std::uint32_t>::max(), 2, 3}));
    EXPECT_EQ(row_of(s, 1), (V{0}));
    EXPECT_EQ(row_of(s, 2), (V{3}));
    // Only area 1 and 3 drop: 0 and 4 become islands.
    const Weights s2 = subset_weights(b, std::vector<std::uint8_t>{1, 0, 1, 0, 1});
    EXPECT_EQ(s2.islands(), (V{0, 1, 2}));
}

TEST(WeightsIo, GalAndGwtRoundTrip) {
    const std::vector<double> x{0, 1, 3, 6};
    const std::vector<double> y{0, 0, 0, 0};
    const Weights w = knn_weights(x, y, 1);  // asymmetric: 0->1, 1->0, 2->1, 3->2
    const std::vector<std::string> ids{"BU01", "BU02", "BU03", "BU04"};
    const std::string gal = format_gal(w, ids, "statcode");
    EXPECT_EQ(gal, "0 4 wijkzicht statcode\nBU01 1\nBU02\nBU02 1\nBU01\nBU03 1\nBU02\nBU04 1\nBU03\n");
    const Weights back = parse_gal(gal, ids, "w.gal");
    EXPECT_EQ(back.offsets, w.offsets);
    EXPECT_EQ(back.neighbours, w.neighbours);

    Weights general = with_transform(w, Transform::kRowStandardised);
    general.weights[0] = 0.25;
    const std::string gwt = format_gwt(general, ids);
    EXPECT_EQ(gwt.substr(0, gwt.find('\n', gwt.find('\n') + 1)), "0 4 wijkzicht id\nBU01 BU02 0.25");
    const Weights g = parse_gwt(gwt, ids, "w.gwt");
    EXPECT_EQ(g.transform, Transform::kGeneral);
    EXPECT_EQ(g.neighbours, w.neighbours);
    EXPECT_EQ(g.weights, general.weights);
}

TEST(WeightsIo, BadFilesNameTheLine) {
    const std::vector<std::string> ids{"a", "b"};
    try {
        (void)parse_gal("2\na 1\nc\nb 1\na\n", ids, "w.gal");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 3);
        EXPECT_EQ(e.found(), "'c'");
    }
    try {
        (void)parse_gal("2\na 2\nb\nb 1\na\n", ids, "w.gal");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.line(), 3);
    }
    EXPECT_THROW((void)parse_gal("3\na 1\nb\nb 1\na\n", ids, "w.gal"), InputError);
    EXPECT_THROW((void)parse_gwt("2\na b 1\na b 2\n", ids, "w.gwt"), InputError);
    EXPECT_THROW((void)parse_gwt("2\na b x\n", ids, "w.gwt"), InputError);
    // An island: "ID 0" followed by an empty line.
    const Weights w = parse_gal("0 2 f id\na 0\n\nb 0\n\n", ids, "w.gal");
    EXPECT_EQ(w.islands(), (V{0, 1}));
}

TEST(WeightsRings, TruncatedOrForeignWkbIsRejectedAndLeavesRingsUnchanged) {
    geo::AreaRings rings;
    geo::append_wkb_area(multipolygon_wkb({{square_ring(0, 0)}}), rings);
    auto bytes = multipolygon_wkb({{square_ring(5, 5)}});
    bytes.erase(bytes.end() - 3, bytes.end());
    EXPECT_THROW(geo::append_wkb_area(bytes, rings), std::invalid_argument);
    const std::vector<std::uint8_t> point{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_THROW(geo::append_wkb_area(point, rings), std::invalid_argument);
    EXPECT_EQ(rings.area_count(), 1U);
    EXPECT_EQ(rings.point_count(), 5U);
    EXPECT_EQ(rings.ring_count(), 1U);
}

}  // namespace
}  // namespace wz::spatial
