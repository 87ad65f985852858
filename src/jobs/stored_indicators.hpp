#pragma once
// The model's indicator values streamed from a block-stored dataset of the store (one column block per
// indicator and fetch, each thread with its own reader and buffers), so that `score` never holds the
// whole indicator table (3 million cell-years x 100 indicators = 2.4 GB at --scale 1) in memory.
#include <tbb/enumerable_thread_specific.h>

#include <memory>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "io/store.hpp"
#include "liveability/score.hpp"

namespace wz::jobs {

class StoredIndicatorBlocks final : public liveability::IndicatorBlocks {
  public:
    // The dataset must be stored in blocks; every model indicator must be one of its decimal columns
    // (else a UsageError naming it).
    // `progress` (optional) advances by one per block fetched and stops the work when cancelled.
    StoredIndicatorBlocks(std::string store, std::string dataset, const liveability::ScoringModel& model,
                          ProgressStep* progress = nullptr);
    std::size_t block_rows() const override { return block_rows_; }
    std::size_t rows() const { return rows_; }
    void fetch(std::size_t block, std::vector<const double*>& values,
               std::vector<const std::uint8_t*>& missing) const override;

  private:
    struct State {
        std::unique_ptr<DatasetBlockReader> reader;
        std::vector<double> values;        // [indicator * block_rows + row]
        std::vector<std::uint8_t> status;  // the same layout
    };
    std::string store_, dataset_;
    std::vector<std::string> indicators_;
    std::size_t rows_ = 0, block_rows_ = 0;
    ProgressStep* progress_ = nullptr;
    mutable tbb::enumerable_thread_specific<State> states_;
};

// Whether the dataset is stored in column blocks (then StoredIndicatorBlocks can stream it).
bool stored_in_blocks(const std::string& store, const std::string& dataset);

}  // namespace wz::jobs
