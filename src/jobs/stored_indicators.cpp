#include "jobs/stored_indicators.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace wz::jobs {

StoredIndicatorBlocks::StoredIndicatorBlocks(std::string store, std::string dataset,
                                             const liveability::ScoringModel& model, ProgressStep* progress)
    : store_(std::move(store)), dataset_(std::move(dataset)), progress_(progress) {
    const DatasetBlockReader probe(store_, dataset_);
    if (!probe.stored_in_blocks())
        throw UsageError(fmt::format("dataset '{}' is not stored in column blocks", dataset_));
    for (const liveability::IndicatorWeight& iw : model.indicators) {
        const auto type = probe.column_type(iw.indicator);
        if (!type) {
            throw UsageError(
                fmt::format("the indicators have no column '{}' that the model weights", iw.indicator));
        }
        if (*type != ColumnType::kReal)
            throw UsageError(fmt::format("indicator column '{}' is not a decimal column", iw.indicator));
        indicators_.push_back(iw.indicator);
    }
    rows_ = probe.rows();
    block_rows_ = probe.block_rows();
    if (progress_ != nullptr) progress_->set_total(probe.block_count());
}

void StoredIndicatorBlocks::fetch(std::size_t block, std::vector<const double*>& values,
                                  std::vector<const std::uint8_t*>& missing) const {
    if (progress_ != nullptr) progress_->advance(1);
    State& s = states_.local();
    if (!s.reader) {
        s.reader = std::make_unique<DatasetBlockReader>(store_, dataset_);
        s.values.resize(indicators_.size() * block_rows_);
        s.status.resize(indicators_.size() * block_rows_);
    }
    values.resize(indicators_.size());
    missing.assign(indicators_.size(), nullptr);
    for (std::size_t j = 0; j < indicators_.size(); ++j) {
        if (progress_ != nullptr) progress_->check();
        double* v = s.values.data() + j * block_rows_;
        std::uint8_t* st = s.status.data() + j * block_rows_;
        values[j] = v;
        if (s.reader->read_real_block(indicators_[j], block, v, st)) missing[j] = st;
    }
}

bool stored_in_blocks(const std::string& store, const std::string& dataset) {
    return DatasetBlockReader(store, dataset).stored_in_blocks();
}

}  // namespace wz::jobs
