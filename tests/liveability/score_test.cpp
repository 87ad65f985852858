// Scoring, hand-computed: transforms, base-year centres, additivity of the dimension contributions,
// classes, development and aggregation.
#include "core/error.hpp"
#include "liveability/score.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "monitor/aggregate.hpp"
#include "monitor/picture.hpp"

namespace wz::liveability {
namespace {

// Two dimensions ("a", "b"); indicator 0 identity in a (weight 0.1), indicator 1 log in b (weight 0.2),
// indicator 2 logit in b (weight -0.05). Offset 4.0, classes at 3.9 / 4.0 / 4.1 (4 classes), development
// edges at +-0.05.
ScoringModel small_model() {
    ScoringModel m;
    m.dimensions = {"a", "b"};
    m.indicators = {{"x", Transform::kIdentity, 0, 0.1, std::nullopt},
                    {"y", Transform::kLog, 1, 0.2, std::nullopt},
                    {"z", Transform::kLogit, 1, -0.05, std::nullopt}};
    m.offset = 4.0;
    m.base_year = 2016;
    m.classes.edges = {3.9, 4.0, 4.1};
    m.development.edges = {-0.05, 0.05};
    return m;
}

struct SmallPanel {
    std::vector<double> x{1, 2, 3, 1.5, 2.5, 4}, y{1, std::exp(1.0), 1, 1, 1, std::exp(2.0)},
        z{0.5, 0.5, 0.5, 0.5, 1.0 / (1.0 + std::exp(-1.0)), 0.5};
    CellYearPanel panel;
    SmallPanel() {
        // 3 cells x 2 years (2016 = base, 2018); rows year-major; residents 10, 20, 30 and 10, 20, 0.
        panel.rows = 6;
        panel.cells = 3;
        panel.years = {2016, 2018};
        panel.cell = {0, 1, 2, 0, 1, 2};
        panel.year = {0, 0, 0, 1, 1, 1};
        panel.residents = {10, 20, 30, 10, 20, 0};
        panel.indicators = {std::span<const double>(x), std::span<const double>(y),
                            std::span<const double>(z)};
    }
};

TEST(Score, HandComputedCellScoresCentresAndAdditivity) {
    SmallPanel p;
    const ScoringModel m = small_model();
    const CellScores s = score_cell_years(p.panel, m);
    // Raw parts: a = 0.1 x; b = 0.2 log y - 0.05 logit z.
    const double a[6] = {0.1, 0.2, 0.3, 0.15, 0.25, 0.4};
    const double b[6] = {0, 0.2, 0, 0, -0.05, 0.4};
    // Base-year (2016) resident-weighted means: a (1+4+9)/60 = 14/60; b 4/60.
    const double ka = (10 * 0.1 + 20 * 0.2 + 30 * 0.3) / 60, kb = (20 * 0.2) / 60;
    for (int r = 0; r < 6; ++r) {
        EXPECT_NEAR(s.score[r], 4.0 + a[r] - ka + b[r] - kb, 1e-12) << r;
        EXPECT_NEAR(s.rel[r], s.dims[0][r] + s.dims[1][r], 1e-12) << r;
    }
    EXPECT_NEAR(s.national_mean[0], 4.0, 1e-12);
    // 2018: cell 2 has no residents, so only cells 0 and 1 count: (10 s3 + 20 s4) / 30.
    const double mean18 = (10 * s.score[3] + 20 * s.score[4]) / 30;
    EXPECT_NEAR(s.national_mean[1], mean18, 1e-12);
    EXPECT_NEAR(s.rel[5], s.score[5] - mean18, 1e-12);
    EXPECT_NEAR(s.national_dim_mean[1][0] + s.national_dim_mean[1][1], mean18 - 4.0, 1e-12);
    // Weighted mean of each dimension contribution is 0 in every year.
    for (int d = 0; d < 2; ++d) {
        EXPECT_NEAR(10 * s.dims[d][0] + 20 * s.dims[d][1] + 30 * s.dims[d][2], 0, 1e-12);
        EXPECT_NEAR(10 * s.dims[d][3] + 20 * s.dims[d][4], 0, 1e-12);
    }
    // Classes: class = 1 + number of edges <= score.
    for (int r = 0; r < 6; ++r) {
        const int expected = 1 + (s.score[r] >= 3.9) + (s.score[r] >= 4.0) + (s.score[r] >= 4.1);
        EXPECT_EQ(s.cls[r], expected) << r << " score " << s.score[r];
    }
}

// The change of the national mean split into indicators: per year the weighted mean of each indicator's
// part, centred on the base year; they add up to their dimension's mean and the change of the total.
TEST(Score, IndicatorMeansAddUpToTheDimensionsAndRankTheDrivers) {
    SmallPanel p;
    const ScoringModel m = small_model();
    const CellScores s = score_cell_years(p.panel, m);
    // Parts: x 0.1 x; y 0.2 log y; z -0.05 logit z. 2016 (residents 10, 20, 30): x 14/60, y 4/60, z 0.
    // 2018 (10, 20; the third cell has none): x (1.5 + 5) / 30, y 0, z (20 * -0.05) / 30.
    ASSERT_EQ(s.national_indicator_mean.size(), 2u);
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(s.national_indicator_mean[0][j], 0.0, 1e-12) << j;
    EXPECT_NEAR(s.national_indicator_mean[1][0], 6.5 / 30 - 14.0 / 60, 1e-12);
    EXPECT_NEAR(s.national_indicator_mean[1][1], 0 - 4.0 / 60, 1e-12);
    EXPECT_NEAR(s.national_indicator_mean[1][2], -1.0 / 30, 1e-12);
    for (std::size_t y = 0; y < 2; ++y) {
        EXPECT_NEAR(s.national_indicator_mean[y][0], s.national_dim_mean[y][0], 1e-12);
        EXPECT_NEAR(s.national_indicator_mean[y][1] + s.national_indicator_mean[y][2], s.national_dim_mean[y][1],
                    1e-12);
    }
    // The picture table: total change = -0.01667 - 0.06667 - 0.03333 = -0.11667; in that direction the
    // largest fall is y (-0.0667, rank 1, 57%), then z (-0.0333, 29%), then x (-0.0167, 14%).
    const std::vector<int> years = {2016, 2018};
    const Table t = monitor::picture_indicators(s, m, years);
    ASSERT_EQ(t.row_count(), 8u);  // (total) + 3 indicators, 2 years
    const double total = s.national_mean[1] - s.national_mean[0];
    EXPECT_NEAR(total, (6.5 / 30 - 14.0 / 60) - 4.0 / 60 - 1.0 / 30, 1e-12);
    std::map<std::string, std::size_t> row;
    for (std::size_t r = 4; r < 8; ++r) row[t.column("indicator").text_at(r)] = r;
    EXPECT_NEAR(t.column("change").real_at(row.at("(total)")), total, 1e-12);
    EXPECT_EQ(t.column("rank").int_at(row.at("y")), 1);
    EXPECT_EQ(t.column("rank").int_at(row.at("z")), 2);
    EXPECT_EQ(t.column("rank").int_at(row.at("x")), 3);
    EXPECT_EQ(t.column("dimension").text_at(row.at("z")), "b");
    EXPECT_NEAR(t.column("share_of_change").real_at(row.at("y")), (-4.0 / 60) / total, 1e-12);
    double shares = 0;
    for (const char* k : {"x", "y", "z"}) shares += t.column("share_of_change").real_at(row.at(k));
    EXPECT_NEAR(shares, 1.0, 1e-12);
    EXPECT_TRUE(t.column("rank").is_missing(1));  // the first year has no change
    // Rows without a score (a missing value, a log of a negative number) and without residents do not count.
    SmallPanel q;
    q.y[2] = -1;
    const CellScores s2 = score_cell_years(q.panel, m);
    // 2016 now over residents 10 and 20 only: x (1 + 4) / 30 is the base; 2018 x 6.5 / 30.
    EXPECT_NEAR(s2.national_indicator_mean[1][0], 6.5 / 30 - 5.0 / 30, 1e-12);
    EXPECT_NEAR(s2.national_indicator_mean[1][0], s2.national_dim_mean[1][0], 1e-12);
}

// An indicator part (e.g. the nuisance indicators): per row the sum of its indicators' parts relative to
// its weighted national mean of the year, and that national level, centred like the indicators.
TEST(Score, IndicatorPartSumsItsIndicatorsRelativeToTheCountry) {
    SmallPanel p;
    ScoringModel m = small_model();
    m.indicators[0].name = "a_geluidsoverlast";
    m.indicators[2].name = "b_Drugsoverlast";  // matched case-insensitively
    const auto part = indicator_part_matching(m, "overlast", "OVERLAST");
    ASSERT_TRUE(part.has_value());
    EXPECT_EQ(part->members, (std::vector<std::size_t>{0, 2}));
    EXPECT_FALSE(indicator_part_matching(m, "overlast", "lawaai").has_value());
    EXPECT_FALSE(indicator_part_matching(m, "overlast", "").has_value());
    // Without names the column names are matched.
    EXPECT_EQ(indicator_part_matching(small_model(), "y", "Y")->members, (std::vector<std::size_t>{1}));
    m.parts = {*part};
    const CellScores s = score_cell_years(p.panel, m);
    ASSERT_EQ(s.parts.size(), 1u);
    // Raw part per row: 0.1 x - 0.05 logit z (logit z = 0 except row 4, where it is 1).
    const double raw[6] = {0.1, 0.2, 0.3, 0.15, 0.25 - 0.05, 0.4};
    const double m16 = (10 * raw[0] + 20 * raw[1] + 30 * raw[2]) / 60;
    const double m18 = (10 * raw[3] + 20 * raw[4]) / 30;  // the third cell has no residents in 2018
    for (int r = 0; r < 6; ++r) EXPECT_NEAR(s.parts[0][r], raw[r] - (r < 3 ? m16 : m18), 1e-12) << r;
    ASSERT_EQ(s.national_part_mean.size(), 2u);
    EXPECT_NEAR(s.national_part_mean[0][0], 0.0, 1e-12);  // centred on the base year
    EXPECT_NEAR(s.national_part_mean[1][0], m18 - m16, 1e-12);
    EXPECT_NEAR(s.national_part_mean[1][0], s.national_indicator_mean[1][0] + s.national_indicator_mean[1][2],
                1e-12);
    // The part changes nothing else.
    const CellScores plain = score_cell_years(p.panel, small_model());
    for (int r = 0; r < 6; ++r) EXPECT_DOUBLE_EQ(s.score[r], plain.score[r]) << r;
    // A row without a score has no part.
    SmallPanel q;
    q.y[1] = -1;
    EXPECT_TRUE(std::isnan(score_cell_years(q.panel, m).parts[0][1]));
}

TEST(Score, FixedCentresAreUsedAsGiven) {
    SmallPanel p;
    ScoringModel m = small_model();
    m.indicators[0].centre = 1.0;
    m.indicators[1].centre = 0.0;
    m.indicators[2].centre = 0.0;
    const CellScores s = score_cell_years(p.panel, m);
    EXPECT_NEAR(s.score[0], 4.0 + 0.1 * (1 - 1.0), 1e-12);
    EXPECT_NEAR(s.score[1], 4.0 + 0.1 * (2 - 1.0) + 0.2, 1e-12);
    EXPECT_NEAR(s.score[4], 4.0 + 0.1 * 1.5 - 0.05, 1e-12);
}

TEST(Score, MissingAndInvalidValuesGiveNoScoreAndAreCounted) {
    SmallPanel p;
    p.y[2] = -1;  // log of a negative number
    std::vector<std::uint8_t> miss{0, 0, 0, 1, 0, 0};
    p.panel.missing = {std::span<const std::uint8_t>(miss), {}, {}};
    const CellScores s = score_cell_years(p.panel, small_model());
    EXPECT_EQ(s.missing_rows, 1u);
    EXPECT_EQ(s.invalid_rows, 1u);
    EXPECT_TRUE(std::isnan(s.score[2]));
    EXPECT_TRUE(std::isnan(s.score[3]));
    EXPECT_EQ(s.cls[2], 0);
    EXPECT_EQ(s.cls[3], 0);
    EXPECT_FALSE(std::isnan(s.score[4]));
}

// A source of indicator values in blocks of 4 rows that copies them into per-call buffers, as the
// store's block reader does.
class CopyingBlocks final : public IndicatorBlocks {
  public:
    explicit CopyingBlocks(const CellYearPanel& p) : p_(p) {}
    std::size_t block_rows() const override { return 4; }
    void fetch(std::size_t block, std::vector<const double*>& values,
               std::vector<const std::uint8_t*>& missing) const override {
        thread_local std::vector<std::vector<double>> buf;
        thread_local std::vector<std::vector<std::uint8_t>> miss;
        const std::size_t r0 = block * 4, m = std::min<std::size_t>(4, p_.rows - r0);
        buf.assign(p_.indicators.size(), {});
        miss.assign(p_.indicators.size(), {});
        values.assign(p_.indicators.size(), nullptr);
        missing.assign(p_.indicators.size(), nullptr);
        for (std::size_t j = 0; j < p_.indicators.size(); ++j) {
            buf[j].assign(p_.indicators[j].begin() + static_cast<std::ptrdiff_t>(r0),
                          p_.indicators[j].begin() + static_cast<std::ptrdiff_t>(r0 + m));
            values[j] = buf[j].data();
            if (j < p_.missing.size() && !p_.missing[j].empty()) {
                miss[j].assign(p_.missing[j].begin() + static_cast<std::ptrdiff_t>(r0),
                               p_.missing[j].begin() + static_cast<std::ptrdiff_t>(r0 + m));
                missing[j] = miss[j].data();
            }
        }
        ++fetches;
    }
    mutable std::size_t fetches = 0;

  private:
    const CellYearPanel& p_;
};

TEST(Score, IndicatorValuesStreamedInBlocksScoreExactlyAsFromTheSpans) {
    SmallPanel p;
    p.y[2] = -1;  // invalid
    std::vector<std::uint8_t> miss{0, 0, 0, 0, 0, 1};
    p.panel.missing = {{}, {}, std::span<const std::uint8_t>(miss)};
    const ScoringModel m = small_model();
    const CellScores a = score_cell_years(p.panel, m);
    CopyingBlocks blocks(p.panel);
    CellYearPanel without_values = p.panel;
    without_values.indicators.clear();
    without_values.missing.clear();
    const CellScores b = score_cell_years(without_values, m, blocks);
    EXPECT_EQ(blocks.fetches, 2u);  // rows 0-3 and 4-5
    EXPECT_EQ(b.missing_rows, 1u);
    EXPECT_EQ(b.invalid_rows, 1u);
    for (std::size_t r = 0; r < 6; ++r) {
        EXPECT_EQ(std::isnan(a.score[r]), std::isnan(b.score[r])) << r;
        if (!std::isnan(a.score[r])) {
            EXPECT_EQ(a.score[r], b.score[r]) << r;
            EXPECT_EQ(a.rel[r], b.rel[r]) << r;
            EXPECT_EQ(a.dims[1][r], b.dims[1][r]) << r;
        }
        EXPECT_EQ(a.cls[r], b.cls[r]) << r;
    }
    // A source that does not supply every model indicator is an error, not a silent wrong score.
    ScoringModel more = m;
    more.indicators.push_back({"w", Transform::kIdentity, 0, 1.0, std::nullopt});
    EXPECT_THROW(score_cell_years(without_values, more, blocks), InternalError);
}

TEST(Score, BaseYearMustBeMeasured) {
    SmallPanel p;
    ScoringModel m = small_model();
    m.base_year = 2020;
    // A usage error (exit status 2 at the command line) naming the year and the years measured; any
    // other exception (an out-of-range index, a bad_alloc) is a defect, not this check.
    try {
        score_cell_years(p.panel, m);
        ADD_FAILURE() << "no error for a base year that was not measured";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "the base year 2020 is not among the measurement years (2016, 2018)");
    }
    // The measured years are accepted as base.
    for (int y : {2016, 2018}) {
        m.base_year = y;
        EXPECT_NO_THROW(score_cell_years(p.panel, m)) << y;
    }
}

TEST(Score, DevelopmentForEveryPairOfYears) {
    SmallPanel p;
    const ScoringModel m = small_model();
    const CellScores s = score_cell_years(p.panel, m);
    const CellDevelopment d = develop_cells(p.panel, s, m.development);
    ASSERT_EQ(d.pairs.size(), 1u);
    EXPECT_EQ(d.pairs[0], std::make_pair(2016, 2018));
    for (int c = 0; c < 3; ++c) {
        const double ch = s.score[3 + c] - s.score[c];
        EXPECT_EQ(d.cls[0][c], 1 + (ch >= -0.05) + (ch >= 0.05)) << c;
    }
}

TEST(Aggregate, ResidentWeightedMeansRollUpAndSmallAreasAreHidden) {
    SmallPanel p;
    const ScoringModel m = small_model();
    const CellScores s = score_cell_years(p.panel, m);
    // Cells 0, 1 in buurt 0; cell 2 in buurt 1; both buurten in gemeente 0.
    monitor::AreaHierarchy h;
    h.levels = {Level::kBuurt, Level::kGemeente};
    h.codes = {{"BU00010001", "BU00010002"}, {"GM0001"}};
    h.parent = {{0, 0}};
    const std::vector<std::int32_t> cell_area{0, 0, 1};
    monitor::AggregateOptions o;
    o.min_residents = 25;
    const auto areas = monitor::aggregate_to_levels(p.panel, s, m, cell_area, h, o);
    ASSERT_EQ(areas.size(), 2u);
    const auto& bu = areas[0];
    // Buurt 0, 2016: (10 s0 + 20 s1) / 30; 30 residents >= 25: shown.
    EXPECT_NEAR(bu.score[bu.at(0, 0)], (10 * s.score[0] + 20 * s.score[1]) / 30, 1e-12);
    EXPECT_NEAR(bu.dims[0][bu.at(0, 0)] + bu.dims[1][bu.at(0, 0)], bu.rel[bu.at(0, 0)], 1e-12);
    // Buurt 1, 2018: no residents: hidden.
    EXPECT_EQ(bu.cls[bu.at(1, 1)], 0);
    EXPECT_TRUE(std::isnan(bu.score[bu.at(1, 1)]));
    // Gemeente 2016 = national mean (every cell is in it).
    const auto& gm = areas[1];
    EXPECT_NEAR(gm.score[gm.at(0, 0)], s.national_mean[0], 1e-12);
    EXPECT_DOUBLE_EQ(gm.residents[gm.at(0, 0)], 60);
    // Residents by class add up.
    double sum = 0;
    for (double v : gm.res_by_class[gm.at(0, 0)]) sum += v;
    EXPECT_DOUBLE_EQ(sum, 60);
    const Table t = monitor::area_scores_table(bu, m.dimensions);
    EXPECT_EQ(t.row_count(), 4u);
    EXPECT_EQ(t.column("class").missing_reason(3), Missing::kSecret);
    const Table dev = monitor::area_development_table(bu, m.development);
    EXPECT_EQ(dev.row_count(), 1u);  // buurt 1 is hidden in 2018
}

// Indicator parts aggregate like the dimensions, are hidden with the area, and survive the table.
TEST(Aggregate, IndicatorPartsAggregateLikeDimensionsAndRoundTrip) {
    SmallPanel p;
    ScoringModel m = small_model();
    m.parts = {IndicatorPart{"overlast", {0, 2}}};
    const CellScores s = score_cell_years(p.panel, m);
    monitor::AreaHierarchy h;
    h.levels = {Level::kBuurt, Level::kGemeente};
    h.codes = {{"BU00010001", "BU00010002"}, {"GM0001"}};
    h.parent = {{0, 0}};
    const std::vector<std::int32_t> cell_area{0, 0, 1};
    monitor::AggregateOptions o;
    o.min_residents = 25;
    const auto areas = monitor::aggregate_to_levels(p.panel, s, m, cell_area, h, o);
    const auto& bu = areas[0];
    ASSERT_EQ(bu.part_names, (std::vector<std::string>{"overlast"}));
    EXPECT_NEAR(bu.parts[0][bu.at(0, 0)], (10 * s.parts[0][0] + 20 * s.parts[0][1]) / 30, 1e-12);
    EXPECT_TRUE(std::isnan(bu.parts[0][bu.at(1, 1)]));  // hidden: no residents
    // The gemeente holds every cell: its part is the national one, 0 relative to the country.
    EXPECT_NEAR(areas[1].parts[0][areas[1].at(0, 0)], 0.0, 1e-12);
    const Table t = monitor::area_scores_table(bu, m.dimensions);
    EXPECT_EQ(t.column("part_overlast").missing_reason(3), Missing::kSecret);
    // The dimensions are still the columns between rel and class (what readers of the store rely on).
    std::vector<std::string> names;
    for (const Column& c : t.columns()) names.push_back(c.name());
    const auto rel = std::find(names.begin(), names.end(), "rel");
    ASSERT_NE(rel, names.end());
    EXPECT_EQ(*(rel + 3), "class");
    const monitor::AreaScores back = monitor::area_scores_from_table(t, Level::kBuurt, m.dimensions);
    ASSERT_EQ(back.part_names, bu.part_names);
    EXPECT_DOUBLE_EQ(back.parts[0][back.at(0, 1)], bu.parts[0][bu.at(0, 1)]);
    // A model without parts writes no part column.
    const CellScores plain = score_cell_years(p.panel, small_model());
    const auto plain_areas = monitor::aggregate_to_levels(p.panel, plain, small_model(), cell_area, h, o);
    EXPECT_EQ(monitor::area_scores_table(plain_areas[0], m.dimensions).find("part_overlast"), nullptr);
}

}  // namespace
}  // namespace wz::liveability
