#include "liveability/score.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "liveability/transform_kernel.hpp"

namespace wz::liveability {
namespace {

constexpr std::size_t kBlock = 4096;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t block_count(std::size_t rows) {
    return (rows + kBlock - 1) / kBlock;
}

// Weighted sums per year of one block: [year] (sum w*v, sum w) over rows with a finite value.
// One indicator's part w (T(x) - c) of one row, as the block kernels compute it (for the rare rows taken
// out of the indicator sums again).
double scalar_part(const IndicatorWeight& iw, double x) {
    const double c = iw.centre.value_or(0.0);
    switch (iw.transform) {
        case Transform::kIdentity:
            return iw.weight * (x - c);
        case Transform::kLog:
            return iw.weight * (std::log(x) - c);
        case Transform::kLogit:
            return iw.weight * (std::log(x / (1 - x)) - c);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

struct YearSums {
    std::vector<double> wv, w;
};

}  // namespace

std::optional<Transform> parse_transform(std::string_view text) {
    const std::string t = to_lower(trim(text));
    if (t == "identity" || t == "none" || t == "linear" || t.empty()) return Transform::kIdentity;
    if (t == "log" || t == "ln") return Transform::kLog;
    if (t == "logit") return Transform::kLogit;
    return std::nullopt;
}

std::string_view transform_name(Transform t) {
    switch (t) {
        case Transform::kIdentity:
            return "identity";
        case Transform::kLog:
            return "log";
        case Transform::kLogit:
            return "logit";
    }
    return "identity";
}

ScoringModel scoring_model_from_weights(const Table& weights, const ModelPreset& preset,
                                        const std::string& dimension_column, double offset, int base_year) {
    const Column& ind = weights.column("indicator");
    const Column& tr = weights.column("transform");
    const Column& w = weights.column("weight");
    const Column& dim = weights.column(dimension_column);
    const Column* centre = weights.find("center");
    if (centre == nullptr) centre = weights.find("centre");
    const Column* name = weights.find("name");
    ScoringModel model;
    for (const auto& d : preset.dimensions) model.dimensions.push_back(d.code);
    model.offset = offset;
    model.base_year = base_year;
    model.classes = preset.classes;
    model.development = preset.development;
    std::size_t with_centre = 0;
    for (std::size_t r = 0; r < weights.row_count(); ++r) {
        const std::string where = fmt::format("weights row {}", r + 1);
        if (ind.is_missing(r)) throw UsageError(where + ": no indicator name");
        IndicatorWeight iw;
        iw.indicator = ind.to_text(r);
        if (name != nullptr && !name->is_missing(r)) iw.name = name->to_text(r);
        const auto t = parse_transform(tr.to_text(r));
        if (!t) {
            throw UsageError(fmt::format("{} ({}): transform '{}' is not identity, log or logit", where,
                                         iw.indicator, tr.to_text(r)));
        }
        iw.transform = *t;
        const std::string d = to_lower(trim(dim.to_text(r)));
        const auto it = std::find(model.dimensions.begin(), model.dimensions.end(), d);
        if (it == model.dimensions.end()) {
            throw UsageError(fmt::format("{} ({}): dimension '{}' is not one of the {} dimensions ({})",
                                         where, iw.indicator, d, preset.title,
                                         fmt::join(model.dimensions, ", ")));
        }
        iw.dimension = static_cast<int>(it - model.dimensions.begin());
        const double wv = w.number_at(r);
        if (!std::isfinite(wv)) throw UsageError(fmt::format("{} ({}): no weight", where, iw.indicator));
        iw.weight = wv;
        if (centre != nullptr && !centre->is_missing(r)) {
            iw.centre = centre->number_at(r);
            ++with_centre;
        }
        model.indicators.push_back(std::move(iw));
    }
    if (model.indicators.empty()) throw UsageError("the weights table has no rows");
    if (with_centre != 0 && with_centre != model.indicators.size()) {
        throw UsageError(fmt::format("the weights give a centre for {} of {} indicators: give all or none",
                                     with_centre, model.indicators.size()));
    }
    return model;
}

std::optional<IndicatorPart> indicator_part_matching(const ScoringModel& model, const std::string& name,
                                                     std::string_view pattern) {
    const std::string p = to_lower(std::string(pattern));
    if (p.empty()) return std::nullopt;
    IndicatorPart part{name, {}};
    for (std::size_t j = 0; j < model.indicators.size(); ++j) {
        const IndicatorWeight& iw = model.indicators[j];
        if (to_lower(iw.name.empty() ? iw.indicator : iw.name).find(p) != std::string::npos)
            part.members.push_back(j);
    }
    if (part.members.empty()) return std::nullopt;
    return part;
}

void PanelIndicatorBlocks::fetch(std::size_t block, std::vector<const double*>& values,
                                 std::vector<const std::uint8_t*>& missing) const {
    const std::size_t r0 = block * block_rows_;
    values.resize(panel_.indicators.size());
    missing.assign(panel_.indicators.size(), nullptr);
    for (std::size_t j = 0; j < panel_.indicators.size(); ++j) {
        values[j] = panel_.indicators[j].data() + r0;
        if (j < panel_.missing.size() && !panel_.missing[j].empty())
            missing[j] = panel_.missing[j].data() + r0;
    }
}

CellScores score_cell_years(const CellYearPanel& panel, const ScoringModel& model) {
    if (panel.indicators.size() != model.indicators.size())
        throw InternalError("panel and model disagree on the indicators");
    return score_cell_years(panel, model, PanelIndicatorBlocks(panel));
}

CellScores score_cell_years(const CellYearPanel& panel, const ScoringModel& model,
                            const IndicatorBlocks& values) {
    const std::size_t n = panel.rows;
    const std::size_t nd = model.dimensions.size();
    const std::size_t ny = panel.years.size();
    const std::size_t nk = model.indicators.size();
    const auto wts = panel.weights();
    const bool fixed_centres = nk > 0 && model.indicators.front().centre.has_value();

    CellScores out;
    out.score.assign(n, 0.0);
    out.dims.assign(nd, std::vector<double>(n, 0.0));
    const std::size_t np = model.parts.size();
    out.parts.assign(np, std::vector<double>(n, 0.0));
    std::vector<std::vector<std::size_t>> parts_of(nk);  // per indicator: the model parts it is in
    for (std::size_t p = 0; p < np; ++p) {
        for (const std::size_t j : model.parts[p].members) {
            if (j >= nk) throw InternalError("a model part names an indicator the model lacks");
            parts_of[j].push_back(p);
        }
    }
    // Pass 1: raw dimension parts D_d = sum_j w_j (T_j - c_j) with c_j = the fixed centre or 0, one block
    // of the source at a time, in chunks of kBlock rows that stay in the cache across the indicators.
    const std::size_t source_rows = std::max<std::size_t>(1, values.block_rows());
    const std::size_t source_blocks = (n + source_rows - 1) / source_rows;
    std::vector<std::size_t> missing_in_block(source_blocks, 0), invalid_in_block(source_blocks, 0);
    // Per source block and (year, indicator): the weighted sum of the indicator's part w_j (T_j - c_j)
    // over the rows that get a score, and per year the weight; summed in block order below, so the
    // indicator means do not depend on the thread count either.
    std::vector<YearSums> indicator_sums(source_blocks);
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, source_blocks, 1), [&](const tbb::blocked_range<std::size_t>& br) {
            std::vector<std::uint8_t> miss(kBlock);
            std::vector<double> part(kBlock);
            std::vector<std::array<std::size_t, 3>> runs;  // rows [first, last) of one year index
            std::vector<const double*> x;
            std::vector<const std::uint8_t*> xmiss;
            for (std::size_t b = br.begin(); b != br.end(); ++b) {
                const std::size_t b0 = b * source_rows, bm = std::min(source_rows, n - b0);
                values.fetch(b, x, xmiss);
                if (x.size() != nk) throw InternalError("indicator blocks and model disagree");
                std::size_t missing = 0, invalid = 0;
                YearSums& isum = indicator_sums[b];
                isum.wv.assign(ny * nk, 0.0);
                isum.w.assign(ny, 0.0);
                for (std::size_t c0 = 0; c0 < bm; c0 += kBlock) {
                    check_cancelled();
                    const std::size_t r0 = b0 + c0, m = std::min(kBlock, bm - c0);
                    std::fill(miss.begin(), miss.begin() + static_cast<std::ptrdiff_t>(m), 0);
                    // Runs of rows of one year (one run per chunk when the panel is year-major).
                    runs.clear();
                    for (std::size_t i = 0; i < m; ++i) {
                        if (i == 0 || panel.year[r0 + i] != panel.year[r0 + i - 1])
                            runs.push_back({i, i, panel.year[r0 + i]});
                        runs.back()[1] = i + 1;
                    }
                    for (std::size_t j = 0; j < nk; ++j) {
                        const IndicatorWeight& iw = model.indicators[j];
                        const double c = iw.centre.value_or(0.0);
                        double* acc = out.dims[static_cast<std::size_t>(iw.dimension)].data() + r0;
                        // The indicator's part of each row; added to its dimension, and its weighted sum
                        // per year kept (rows that get no score are taken out below).
                        switch (iw.transform) {
                            case Transform::kIdentity: {
                                const auto len = static_cast<Eigen::Index>(m);
                                Eigen::Map<Eigen::ArrayXd>(part.data(), len) =
                                    iw.weight * (Eigen::Map<const Eigen::ArrayXd>(x[j] + c0, len) - c);
                                break;
                            }
                            case Transform::kLog:
                            case Transform::kLogit:  // one log of x / (1 - x): the same domain, 0 < x < 1
                                std::fill(part.begin(), part.begin() + static_cast<std::ptrdiff_t>(m), 0.0);
                                detail::accumulate_log(iw.transform == Transform::kLog
                                                           ? detail::LogKind::kLog
                                                           : detail::LogKind::kLogit,
                                                       x[j] + c0, m, iw.weight, c, part.data());
                                break;
                        }
                        {
                            const auto len = static_cast<Eigen::Index>(m);
                            Eigen::Map<Eigen::ArrayXd>(acc, len) +=
                                Eigen::Map<const Eigen::ArrayXd>(part.data(), len);
                            for (const std::size_t p : parts_of[j])
                                Eigen::Map<Eigen::ArrayXd>(out.parts[p].data() + r0, len) +=
                                    Eigen::Map<const Eigen::ArrayXd>(part.data(), len);
                        }
                        for (const auto& [first, last, y] : runs) {
                            const auto len = static_cast<Eigen::Index>(last - first);
                            const Eigen::Map<const Eigen::VectorXd> pv(part.data() + first, len);
                            const Eigen::Map<const Eigen::VectorXd> wv(wts.data() + r0 + first, len);
                            double dot = wv.dot(pv);  // vectorised; a run with an undefined part: guarded
                            if (!std::isfinite(dot)) {
                                dot = 0;
                                for (std::size_t i = first; i < last; ++i)
                                    if (std::isfinite(part[i])) dot += wts[r0 + i] * part[i];
                            }
                            isum.wv[y * nk + j] += dot;
                        }
                        if (xmiss[j] != nullptr) {
                            const std::uint8_t* s = xmiss[j] + c0;
                            for (std::size_t i = 0; i < m; ++i) miss[i] |= s[i];
                        }
                    }
                    // A missing value, or a transform undefined for the value (log of <= 0, logit outside
                    // (0, 1)), leaves the row without a score; its parts leave the indicator sums again.
                    for (std::size_t i = 0; i < m; ++i) {
                        bool finite = true;
                        for (std::size_t d = 0; d < nd; ++d)
                            finite = finite && std::isfinite(out.dims[d][r0 + i]);
                        const double w = wts[r0 + i];
                        const std::size_t y = panel.year[r0 + i];
                        if (miss[i] == 0 && finite) {
                            if (w > 0) isum.w[y] += w;
                            continue;
                        }
                        if (miss[i] != 0) {
                            ++missing;
                        } else {
                            ++invalid;
                        }
                        for (std::size_t d = 0; d < nd; ++d) out.dims[d][r0 + i] = kNaN;
                        for (std::size_t p = 0; p < np; ++p) out.parts[p][r0 + i] = kNaN;
                        if (!(w > 0)) continue;
                        for (std::size_t j = 0; j < nk; ++j) {
                            const double v = scalar_part(model.indicators[j], x[j][c0 + i]);
                            if (std::isfinite(v)) isum.wv[y * nk + j] -= w * v;
                        }
                    }
                }
                missing_in_block[b] = missing;
                invalid_in_block[b] = invalid;
            }
        });
    for (std::size_t v : missing_in_block) out.missing_rows += v;

    // Weighted per-year means of each raw dimension part, summed per block then in block order.
    const std::size_t blocks = block_count(n);
    const auto year_means = [&](const std::vector<std::vector<double>>& parts) {
        std::vector<YearSums> sums(blocks);
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& br) {
                for (std::size_t b = br.begin(); b != br.end(); ++b) {
                    YearSums s{std::vector<double>(ny * parts.size(), 0.0), std::vector<double>(ny, 0.0)};
                    const std::size_t r0 = b * kBlock, r1 = std::min(n, r0 + kBlock);
                    for (std::size_t r = r0; r < r1; ++r) {
                        bool finite = true;
                        for (const auto& p : parts) finite = finite && std::isfinite(p[r]);
                        if (!finite || wts[r] <= 0) continue;
                        const std::size_t y = panel.year[r];
                        s.w[y] += wts[r];
                        for (std::size_t d = 0; d < parts.size(); ++d)
                            s.wv[y * parts.size() + d] += wts[r] * parts[d][r];
                    }
                    sums[b] = std::move(s);
                }
            });
        std::vector<std::vector<double>> means(ny, std::vector<double>(parts.size(), kNaN));
        std::vector<double> wv(ny * parts.size(), 0.0), w(ny, 0.0);
        for (const auto& s : sums) {
            for (std::size_t i = 0; i < wv.size(); ++i) wv[i] += s.wv[i];
            for (std::size_t y = 0; y < ny; ++y) w[y] += s.w[y];
        }
        for (std::size_t y = 0; y < ny; ++y) {
            if (w[y] <= 0) continue;
            for (std::size_t d = 0; d < parts.size(); ++d) means[y][d] = wv[y * parts.size() + d] / w[y];
        }
        return means;
    };
    for (std::size_t v : invalid_in_block) out.invalid_rows += v;
    std::vector<std::vector<double>> raw_means = year_means(out.dims);
    const std::vector<std::vector<double>> raw_part_means =
        np > 0 ? year_means(out.parts) : std::vector<std::vector<double>>(ny);
    // Centres: with computed centres, the base year's weighted mean of each dimension part is subtracted
    // (sum_j w_j mean(T_j) over the dimension's indicators), so the base year's national mean is `offset`.
    std::vector<double> k(nd, 0.0);
    out.centres.assign(nk, 0.0);
    if (!fixed_centres) {
        const auto by = std::find(panel.years.begin(), panel.years.end(), model.base_year);
        if (by == panel.years.end()) {
            throw UsageError(fmt::format("the base year {} is not among the measurement years ({})",
                                         model.base_year, fmt::join(panel.years, ", ")));
        }
        const auto yi = static_cast<std::size_t>(by - panel.years.begin());
        for (std::size_t d = 0; d < nd; ++d) k[d] = raw_means[yi][d];
    } else {
        for (std::size_t j = 0; j < nk; ++j) out.centres[j] = *model.indicators[j].centre;
    }
    // Per indicator: the weighted national mean of its part, centred like its dimension (with computed
    // centres: minus its own base-year mean), so the indicators of a dimension add up to its mean.
    {
        std::vector<double> wv(ny * nk, 0.0), w(ny, 0.0);
        for (const YearSums& s : indicator_sums) {
            if (s.w.empty()) continue;
            for (std::size_t i = 0; i < wv.size(); ++i) wv[i] += s.wv[i];
            for (std::size_t y = 0; y < ny; ++y) w[y] += s.w[y];
        }
        out.national_indicator_mean.assign(ny, std::vector<double>(nk, kNaN));
        for (std::size_t y = 0; y < ny; ++y)
            for (std::size_t j = 0; j < nk; ++j)
                if (w[y] > 0) out.national_indicator_mean[y][j] = wv[y * nk + j] / w[y];
        if (!fixed_centres) {
            const auto by = std::find(panel.years.begin(), panel.years.end(), model.base_year);
            if (by != panel.years.end()) {
                const std::vector<double> base =
                    out.national_indicator_mean[static_cast<std::size_t>(by - panel.years.begin())];
                for (auto& row : out.national_indicator_mean)
                    for (std::size_t j = 0; j < nk; ++j) row[j] -= base[j];
            }
        }
    }
    out.national_part_mean.assign(ny, std::vector<double>(np, kNaN));
    for (std::size_t y = 0; y < ny; ++y) {
        for (std::size_t p = 0; p < np; ++p) {
            double sum = 0;
            for (const std::size_t j : model.parts[p].members) sum += out.national_indicator_mean[y][j];
            out.national_part_mean[y][p] = sum;
        }
    }
    out.national_dim_mean.assign(ny, std::vector<double>(nd, kNaN));
    out.national_mean.assign(ny, kNaN);
    for (std::size_t y = 0; y < ny; ++y) {
        double total = model.offset;
        for (std::size_t d = 0; d < nd; ++d) {
            out.national_dim_mean[y][d] = raw_means[y][d] - k[d];
            total += out.national_dim_mean[y][d];
        }
        out.national_mean[y] = total;
    }
    // Pass 2: absolute score, relative dimension contributions, classes.
    out.rel.assign(n, 0.0);
    out.cls.assign(n, 0);
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, n, kBlock), [&](const tbb::blocked_range<std::size_t>& br) {
            for (std::size_t r = br.begin(); r != br.end(); ++r) {
                const std::size_t y = panel.year[r];
                if (std::isnan(out.dims[0][r])) {
                    out.score[r] = kNaN;
                    out.rel[r] = kNaN;
                    continue;
                }
                double s = model.offset, rel = 0;
                for (std::size_t d = 0; d < nd; ++d) {
                    const double part = out.dims[d][r] - k[d];
                    s += part;
                    const double rd = part - out.national_dim_mean[y][d];
                    out.dims[d][r] = rd;
                    rel += rd;
                }
                for (std::size_t p = 0; p < np; ++p) out.parts[p][r] -= raw_part_means[y][p];
                out.score[r] = s;
                out.rel[r] = rel;
                out.cls[r] = static_cast<std::uint8_t>(model.classes.classify(s - model.class_offset));
            }
        });
    return out;
}

CellScores cell_scores_from_published(const CellYearPanel& panel, const Table& published,
                                      const ModelPreset& preset, const ScoringModel& model) {
    const std::size_t n = panel.rows, ny = panel.years.size(), nd = preset.dimensions.size();
    if (published.row_count() != n) throw InternalError("published scores and panel disagree");
    const auto find = [&](const std::string& key, const std::string& code) -> const Column& {
        if (const Column* c = published.find(key)) return *c;
        if (const Column* c = published.find(code)) return *c;
        throw UsageError(fmt::format("the published scores have no column '{}' ({})", key, preset.title));
    };
    const Column& total = find(preset.total, preset.total);
    std::vector<const Column*> dims;
    for (const auto& d : preset.dimensions) dims.push_back(&find(d.key, d.code));
    const auto wts = panel.weights();
    CellScores out;
    out.score.assign(n, kNaN);
    out.rel.assign(n, kNaN);
    out.dims.assign(nd, std::vector<double>(n, kNaN));
    out.cls.assign(n, 0);
    std::vector<double> wsum(ny, 0.0), wscore(ny, 0.0);
    std::vector<std::vector<double>> wdim(ny, std::vector<double>(nd, 0.0));
    for (std::size_t r = 0; r < n; ++r) {
        const int year = panel.years[panel.year[r]];
        const auto abs = total.is_missing(r) ? std::nullopt : preset.to_absolute(total.number_at(r), year);
        if (!abs) {
            ++out.missing_rows;
            continue;
        }
        out.score[r] = *abs;
        for (std::size_t d = 0; d < nd; ++d) out.dims[d][r] = dims[d]->number_at(r);
        out.cls[r] = static_cast<std::uint8_t>(model.classes.classify(*abs - model.class_offset));
        if (wts[r] > 0) {
            const std::size_t y = panel.year[r];
            wsum[y] += wts[r];
            wscore[y] += wts[r] * *abs;
            for (std::size_t d = 0; d < nd; ++d) {
                if (std::isfinite(out.dims[d][r])) wdim[y][d] += wts[r] * out.dims[d][r];
            }
        }
    }
    out.national_mean.assign(ny, kNaN);
    out.national_dim_mean.assign(ny, std::vector<double>(nd, kNaN));
    for (std::size_t y = 0; y < ny; ++y) {
        if (wsum[y] <= 0) continue;
        out.national_mean[y] = wscore[y] / wsum[y];
        for (std::size_t d = 0; d < nd; ++d) out.national_dim_mean[y][d] = wdim[y][d] / wsum[y];
    }
    for (std::size_t r = 0; r < n; ++r) {
        if (!std::isnan(out.score[r])) out.rel[r] = out.score[r] - out.national_mean[panel.year[r]];
    }
    return out;
}

std::vector<std::int32_t> row_index(const CellYearPanel& panel) {
    std::vector<std::int32_t> at(panel.years.size() * panel.cells, -1);
    for (std::size_t r = 0; r < panel.rows; ++r) {
        at[panel.year[r] * panel.cells + static_cast<std::size_t>(panel.cell[r])] =
            static_cast<std::int32_t>(r);
    }
    return at;
}

CellDevelopment develop_cells(const CellYearPanel& panel, const CellScores& scores,
                              const ClassRule& development) {
    CellDevelopment out;
    const std::size_t ny = panel.years.size(), nc = panel.cells;
    const std::vector<std::int32_t> at = row_index(panel);
    const std::size_t k = development.edges.size() + 1;
    for (std::size_t a = 0; a < ny; ++a) {
        for (std::size_t b = a + 1; b < ny; ++b) {
            out.pairs.emplace_back(panel.years[a], panel.years[b]);
            std::vector<std::uint8_t> cls(nc, 0);
            const std::size_t blocks = block_count(nc);
            std::vector<std::vector<double>> res(blocks, std::vector<double>(k, 0.0));
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                              [&](const tbb::blocked_range<std::size_t>& br) {
                                  for (std::size_t blk = br.begin(); blk != br.end(); ++blk) {
                                      check_cancelled();
                                      const std::size_t c0 = blk * kBlock, c1 = std::min(nc, c0 + kBlock);
                                      for (std::size_t c = c0; c < c1; ++c) {
                                          const std::int32_t ra = at[a * nc + c], rb = at[b * nc + c];
                                          if (ra < 0 || rb < 0) continue;
                                          const double sa = scores.score[static_cast<std::size_t>(ra)];
                                          const double sb = scores.score[static_cast<std::size_t>(rb)];
                                          if (std::isnan(sa) || std::isnan(sb)) continue;
                                          const int d = development.classify(sb - sa);
                                          cls[c] = static_cast<std::uint8_t>(d);
                                          res[blk][static_cast<std::size_t>(d - 1)] +=
                                              panel.residents[static_cast<std::size_t>(rb)];
                                      }
                                  }
                              });
            std::vector<double> total(k, 0.0);
            for (const auto& r : res) {
                for (std::size_t i = 0; i < k; ++i) total[i] += r[i];
            }
            out.cls.push_back(std::move(cls));
            out.residents_by_class.push_back(std::move(total));
        }
    }
    return out;
}

}  // namespace wz::liveability
