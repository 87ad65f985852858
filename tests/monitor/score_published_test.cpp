// `wijkzicht score --published`: published LBM 3.0 cell scores (the Beesel sample) aggregated to the
// 2014 buurten and up, classified on afw with the LBM 3.0 edges.
#include <gtest/gtest.h>

#include <cmath>

#include "io/store.hpp"
#include "test_support.hpp"

namespace wz {
namespace {

TEST(ScorePublished, Lbm3CellScoresAggregateAndClassifyOnAfw) {
    WZ_REQUIRE_REAL_DATA();
    test::TempDir tmp;
    const std::string store = tmp.file("s.gpkg");
    const std::string b = test::real_data("cbs-boundaries-2014-2015/");
    ASSERT_EQ(test::run_wijkzicht(
                  "import lbm3 " +
                  test::real_data("lbm3-grid-beesel-sample16/Livability_test_Beesel_16samples.jsonl") +
                  " --level grid --store " + store)
                  .status,
              0);
    ASSERT_EQ(test::run_wijkzicht("import boundaries " + b +
                                  "buurt_2014.gpkg --level buurt --vintage 2014 --id-field "
                                  "statcode --store " +
                                  store)
                  .status,
              0);
    const auto r =
        test::run_wijkzicht("score --store " + store +
                            " --model lbm3 --published lbm3_grid --year 2022 --population none --weighting "
                            "unweighted --min-residents 0 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const Dataset published = read_dataset(store, "lbm3_grid");
    const Dataset cells = read_dataset(store, "score_grid");
    ASSERT_EQ(cells.table.row_count(), 16u);
    const double edges[] = {-0.428, -0.354, -0.2815, -0.164, -0.103, 0.010, 0.0896, 0.168};
    double sum = 0;
    for (std::size_t i = 0; i < 16; ++i) {
        ASSERT_EQ(cells.table.column("code").text_at(i), published.table.column("code").text_at(i));
        const double afw = published.table.column("afw").real_at(i);
        int k = 1;
        for (double e : edges) k += afw >= e;
        EXPECT_EQ(cells.table.column("class").int_at(i), k) << i;
        // The dimension scores are the published ones.
        EXPECT_DOUBLE_EQ(cells.table.column("soc").real_at(i), published.table.column("soc").real_at(i));
        sum += cells.table.column("score").real_at(i);
        EXPECT_NEAR(cells.table.column("score").real_at(i) - afw, 4.0456,
                    1e-12);  // the preset's edition constant
    }
    // Every cell lies in a 2014 buurt; the country's unweighted mean is the mean of the 16 cells.
    const Dataset nl = read_dataset(store, "score_nederland");
    ASSERT_EQ(nl.table.row_count(), 1u);
    EXPECT_EQ(nl.table.column("cells").int_at(0), 16);
    EXPECT_NEAR(nl.table.column("score").real_at(0), sum / 16, 1e-12);
}

}  // namespace
}  // namespace wz
