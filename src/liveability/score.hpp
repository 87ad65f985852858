#pragma once
// Scoring (METHODS.md §2 "Model form"): every cell and measurement year gets
//   absolute score = offset + sum_j weight_j * (T_j(x_j) - centre_j),
// with T_j the indicator's transform (identity, log, logit) and centre_j the weighted national mean of
// T_j in the base year (or a centre given with the weights). Dimension scores are contributions relative
// to the national weighted mean of the year, so they add up to the total's deviation from that mean:
//   rel = score - mean_year(score) = sum_d dim_d.
// The input is one row per cell and year (any order); arrays are indexed by that row.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/table.hpp"
#include "liveability/model.hpp"

namespace wz::liveability {

enum class Transform : std::uint8_t { kIdentity, kLog, kLogit };
std::optional<Transform> parse_transform(std::string_view text);
std::string_view transform_name(Transform t);

struct IndicatorWeight {
    std::string indicator;  // column name in the indicator table ("ind001")
    Transform transform = Transform::kIdentity;
    int dimension = 0;  // index into ScoringModel::dimensions
    double weight = 0;
    std::optional<double> centre;  // fixed centre of T; nullopt = weighted mean in the base year
    std::string name = {};         // its descriptive name where the weights give one ("vei_overlast")
};

// A named set of indicators whose parts are also summed per cell (e.g. the nuisance indicators, which the
// 2018 report follows by urbanity although LBM 2.0 has no nuisance dimension).
struct IndicatorPart {
    std::string name;                  // "overlast"
    std::vector<std::size_t> members;  // indices into ScoringModel::indicators
};

struct ScoringModel {
    std::vector<std::string> dimensions;  // dimension codes ("won", "bev", ...)
    std::vector<IndicatorWeight> indicators;
    std::vector<IndicatorPart> parts;  // optional sums of indicator parts besides the dimensions
    double offset = 0;                 // the absolute score of a cell at the centres
    int base_year = 0;                 // the year whose weighted means are the centres
    // Classes are taken of (score - class_offset): 0 when the classes are defined on the absolute score
    // (LBM 2.0), the edition constant when they are defined on the relative score (LBM 3.0 `afw`).
    double class_offset = 0;
    ClassRule classes;
    ClassRule development;
};

// Builds a scoring model from a weights table with columns `indicator`, `transform`, `weight`, the
// dimension column (`dimension` by default) and optionally `center`/`centre`. Dimensions are taken from
// the preset's dimension codes (an indicator in an unknown dimension is an error naming it). Either every
// indicator has a centre or none has.
ScoringModel scoring_model_from_weights(const Table& weights, const ModelPreset& preset,
                                        const std::string& dimension_column, double offset, int base_year);

// The part `name` of the indicators whose name (or, without one, column name) contains `pattern`, case
// insensitive; nullopt when none does.
std::optional<IndicatorPart> indicator_part_matching(const ScoringModel& model, const std::string& name,
                                                     std::string_view pattern);

struct CellYearPanel {
    std::size_t rows = 0;
    std::size_t cells = 0;                            // cell index range 0..cells-1
    std::vector<int> years;                           // ascending
    std::vector<std::int32_t> cell;                   // per row: the cell index
    std::vector<std::uint8_t> year;                   // per row: index into years
    std::vector<double> residents;                    // per row (0 = unpopulated)
    std::vector<double> weight;                       // per row weight of national means; empty = residents
    std::vector<std::span<const double>> indicators;  // per model indicator: raw values per row
    std::vector<std::span<const std::uint8_t>>
        missing;  // per model indicator: nonzero = missing (may be empty)

    std::span<const double> weights() const {
        return weight.empty() ? std::span(residents) : std::span(weight);
    }
};

struct CellScores {
    std::vector<double> score;              // absolute; NaN = no score (missing or invalid indicator)
    std::vector<double> rel;                // score - national weighted mean of the year
    std::vector<std::vector<double>> dims;  // [dimension][row] relative contributions, sum = rel
    std::vector<std::uint8_t> cls;          // 1..9; 0 = no score
    std::vector<double> national_mean;      // [year] weighted mean of the score
    // [year][dimension] weighted national mean of the base-centred dimension part; they add up to
    // national_mean - offset, so the change of the national mean splits into dimension changes.
    std::vector<std::vector<double>> national_dim_mean;
    // [year][indicator] weighted national mean of each indicator's part w_j (T_j - c_j), centred like the
    // dimensions; the indicators of a dimension add up to its national_dim_mean (empty for published
    // scores). The change of the national mean splits into indicator changes too.
    std::vector<std::vector<double>> national_indicator_mean;
    // [part][row] the sum of the model part's indicator parts relative to its national weighted mean of the
    // year (like dims; NaN = no score), and [year][part] that national mean, centred like the indicators
    // (the sum of their national_indicator_mean), so area level = national level + relative part.
    std::vector<std::vector<double>> parts;
    std::vector<std::vector<double>> national_part_mean;
    std::vector<double> centres;   // per model indicator: the centre used
    std::size_t missing_rows = 0;  // rows with a missing indicator value
    std::size_t invalid_rows = 0;  // rows whose transform is undefined (log of <= 0, logit outside (0,1))
};

// The raw values of the model's indicators, supplied one block of rows at a time so that they need not
// all be in memory at once (the score command streams them from the store's column blocks).
class IndicatorBlocks {
  public:
    IndicatorBlocks() = default;
    IndicatorBlocks(const IndicatorBlocks&) = delete;
    IndicatorBlocks& operator=(const IndicatorBlocks&) = delete;
    virtual ~IndicatorBlocks() = default;
    // Rows per block: block b holds rows [b * block_rows(), ...), the last one may be shorter.
    virtual std::size_t block_rows() const = 0;
    // Points values[j] at the block's values of model indicator j and missing[j] at its missing flags
    // (nonzero = missing; nullptr when none is missing). Called from several threads at once, each with
    // its own blocks; what the pointers point at stays valid until the calling thread's next fetch.
    virtual void fetch(std::size_t block, std::vector<const double*>& values,
                       std::vector<const std::uint8_t*>& missing) const = 0;
};

// The panel's own indicator spans as blocks (no copy).
class PanelIndicatorBlocks final : public IndicatorBlocks {
  public:
    explicit PanelIndicatorBlocks(const CellYearPanel& panel, std::size_t block_rows = 4096)
        : panel_(panel), block_rows_(block_rows) {}
    std::size_t block_rows() const override { return block_rows_; }
    void fetch(std::size_t block, std::vector<const double*>& values,
               std::vector<const std::uint8_t*>& missing) const override;

  private:
    const CellYearPanel& panel_;
    std::size_t block_rows_;
};

// Scores every row. Parallel over blocks of rows; the result does not depend on the thread count.
// The first form reads the indicator values from the panel's spans, the second from `values` (the panel's
// spans are then not used and may be empty).
CellScores score_cell_years(const CellYearPanel& panel, const ScoringModel& model);
CellScores score_cell_years(const CellYearPanel& panel, const ScoringModel& model,
                            const IndicatorBlocks& values);

// Cell scores taken from published ones (Leefbaarometer open data) instead of computed: `published`
// holds one row per panel row with the preset's total (relative) column and its dimension columns
// (by key or code). score = preset.to_absolute(total, year); dims = the published dimension scores;
// rel = score - the weighted national mean of the year.
CellScores cell_scores_from_published(const CellYearPanel& panel, const Table& published,
                                      const ModelPreset& preset, const ScoringModel& model);

// Development classes of every cell between every pair of years (from < to).
struct CellDevelopment {
    std::vector<std::pair<int, int>> pairs;      // (from_year, to_year)
    std::vector<std::vector<std::uint8_t>> cls;  // [pair][cell] 1..k, 0 = no score in one of the years
    std::vector<std::vector<double>> residents_by_class;  // [pair][class-1] residents (to_year) per class
};
CellDevelopment develop_cells(const CellYearPanel& panel, const CellScores& scores,
                              const ClassRule& development);

// Row index of every (cell, year): [year * cells + cell], -1 when absent.
std::vector<std::int32_t> row_index(const CellYearPanel& panel);

}  // namespace wz::liveability
