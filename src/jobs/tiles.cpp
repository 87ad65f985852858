#include "jobs/tiles.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/codes.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/store.hpp"
#include "io/writers.hpp"
#include "jobs/stored_scores.hpp"

namespace wz::jobs {

namespace {

// Zoom ranges of the area levels: coarse levels from the country view, buurten from the overview of a
// province (z5 draws the whole country in about 900 pixels).
struct LevelZoom {
    Level level;
    int minzoom;
};
constexpr LevelZoom kTileLevels[] = {{Level::kProvincie, 0}, {Level::kCorop, 0}, {Level::kGemeente, 0},
                                     {Level::kWijk, 4},      {Level::kBuurt, 5}};

void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_f64(std::vector<std::uint8_t>& out, double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

}  // namespace

std::string default_tiles_path(const std::string& store) {
    std::filesystem::path p(store);
    p.replace_extension();
    return p.string() + ".tiles.mbtiles";
}

std::vector<std::uint8_t> grid_cell_wkb(const std::string& code) {
    const auto cell = parse_grid_cell(code);
    if (!cell) return {};
    const double x0 = 100.0 * cell->x100, y0 = 100.0 * cell->y100;
    std::vector<std::uint8_t> wkb;
    wkb.reserve(93);
    wkb.push_back(1);    // little endian
    put_le32(wkb, 3);    // Polygon
    put_le32(wkb, 1);    // one ring
    put_le32(wkb, 5);    // five points, closed
    const double xs[5] = {x0, x0 + 100, x0 + 100, x0, x0};
    const double ys[5] = {y0, y0, y0 + 100, y0 + 100, y0};
    for (int i = 0; i < 5; ++i) {
        put_f64(wkb, xs[i]);
        put_f64(wkb, ys[i]);
    }
    return wkb;
}

Table pivot_scores_by_year(const std::vector<std::string>& codes, const std::vector<std::string>& names,
                           const Table* scores, const std::vector<std::string>& dimensions) {
    Table out;
    out.add_column(Column::of_texts("code", codes));
    out.add_column(Column::of_texts("name", names));
    if (scores == nullptr || scores->row_count() == 0) return out;
    std::unordered_map<std::string_view, std::size_t> row_of;
    row_of.reserve(codes.size());
    for (std::size_t i = 0; i < codes.size(); ++i) row_of.emplace(codes[i], i);
    const Column& code = scores->column("code");
    const Column& year = scores->column("year");
    std::set<std::int64_t> years(year.ints().begin(), year.ints().end());
    std::vector<std::string> fields = {"score", "class"};
    fields.insert(fields.end(), dimensions.begin(), dimensions.end());
    const std::size_t n = codes.size();
    const auto missing = static_cast<std::uint8_t>(Missing::kEmpty);
    for (const std::int64_t y : years) {
        for (const auto& f : fields) {
            const Column& src = scores->column(f);
            const std::string name = fmt::format("{}_{}", f, y);
            std::vector<std::uint8_t> status(n, missing);
            if (src.type() == ColumnType::kInt) {
                std::vector<std::int64_t> v(n, 0);
                for (std::size_t r = 0; r < scores->row_count(); ++r) {
                    if (year.int_at(r) != y || src.is_missing(r)) continue;
                    const auto it = row_of.find(code.text_at(r));
                    if (it == row_of.end()) continue;
                    v[it->second] = src.int_at(r);
                    status[it->second] = 0;
                }
                out.add_column(Column::of_ints(name, std::move(v), std::move(status)));
            } else {
                std::vector<double> v(n, std::nan(""));
                for (std::size_t r = 0; r < scores->row_count(); ++r) {
                    if (year.int_at(r) != y || src.is_missing(r)) continue;
                    const auto it = row_of.find(code.text_at(r));
                    if (it == row_of.end()) continue;
                    // Scores with 4 decimals, dimension scores with 4: enough for a map, a third of the bytes.
                    v[it->second] = std::round(src.number_at(r) * 1e4) / 1e4;
                    status[it->second] = 0;
                }
                out.add_column(Column::of_reals(name, std::move(v), std::move(status)));
            }
        }
    }
    return out;
}

TilesResult build_tiles(const std::string& store, const TilesOptions& options) {
    if (!std::filesystem::exists(store)) throw NotFoundError(fmt::format("no store '{}'", store));
    if (options.max_zoom < 6 || options.max_zoom > 16)
        throw UsageError(fmt::format("--max-zoom must be 6..16 (got {})", options.max_zoom));
    if (options.grid_min_zoom < 8 || options.grid_min_zoom > options.max_zoom)
        throw UsageError(fmt::format("--grid-min-zoom must be 8..{} (got {})", options.max_zoom, options.grid_min_zoom));
    TilesResult result;
    result.path = options.out.empty() ? default_tiles_path(store) : options.out;
    // Tables and geometries live until the tiles are written.
    std::vector<Table> tables;
    std::vector<std::vector<std::vector<std::uint8_t>>> geometries;
    std::vector<std::pair<std::string, int>> layer_zoom;
    tables.reserve(8);
    geometries.reserve(8);
    nlohmann::json layers = nlohmann::json::object();
    for (const auto& [level, minzoom] : kTileLevels) {
        if (area_vintages(store, level).empty()) continue;
        AreaLayer areas = read_area_layer(store, level);
        const std::string dataset = fmt::format("score_{}", level_name(level));
        const auto scores = find_dataset(store, dataset);
        std::vector<std::string> codes, names;
        std::vector<std::vector<std::uint8_t>> geoms;
        for (auto& a : areas.areas) {
            if (a.wkb.empty()) continue;
            codes.push_back(a.code);
            names.push_back(a.name);
            geoms.push_back(std::move(a.wkb));
        }
        const std::vector<std::string> dims = scores ? score_dimensions(scores->table) : std::vector<std::string>{};
        tables.push_back(pivot_scores_by_year(codes, names, scores ? &scores->table : nullptr, dims));
        geometries.push_back(std::move(geoms));
        layer_zoom.emplace_back(std::string(level_name(level)), minzoom);
        layers[std::string(level_name(level))] = {{"features", codes.size()},
                                                  {"vintage", areas.vintage},
                                                  {"minzoom", minzoom},
                                                  {"years", scores ? dataset_years(scores->table) : std::vector<std::int64_t>{}}};
    }
    if (tables.empty())
        throw UsageError(fmt::format("the store '{}' has no area layers to tile (import boundaries first)", store));
    if (options.grid) {
        if (const auto grid = find_dataset(store, "score_grid", {"code", "year", "score", "class"})) {
            std::vector<std::string> codes;
            {
                std::set<std::string> distinct(grid->table.column("code").texts().begin(),
                                               grid->table.column("code").texts().end());
                codes.assign(distinct.begin(), distinct.end());
            }
            std::vector<std::vector<std::uint8_t>> geoms;
            geoms.reserve(codes.size());
            std::vector<std::string> kept;
            for (auto& c : codes) {
                auto wkb = grid_cell_wkb(c);
                if (wkb.empty()) continue;
                geoms.push_back(std::move(wkb));
                kept.push_back(std::move(c));
            }
            tables.push_back(pivot_scores_by_year(kept, std::vector<std::string>(kept.size()), &grid->table, {}));
            tables.back().columns().erase(tables.back().columns().begin() + 1);  // cells have no names
            geometries.push_back(std::move(geoms));
            layer_zoom.emplace_back("grid", options.grid_min_zoom);
            layers["grid"] = {{"features", kept.size()},
                              {"minzoom", options.grid_min_zoom},
                              {"years", dataset_years(grid->table)}};
        }
    }
    std::vector<TileLayer> tile_layers;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        tile_layers.push_back({layer_zoom[i].first, &tables[i], &geometries[i], layer_zoom[i].second, options.max_zoom});
    }
    VectorTileOptions vt;
    vt.name = std::filesystem::path(store).stem().string();
    vt.description = fmt::format("wijkzicht map layers of {}", std::filesystem::path(store).filename().string());
    if (!(options.simplify >= 0 && options.simplify <= 64) ||
        !(options.simplify_max_zoom >= 0 && options.simplify_max_zoom <= 64))
        throw UsageError("--simplify and --simplify-max-zoom: tile units between 0 and 64 (8 = one pixel)");
    vt.simplification = options.simplify;
    vt.simplification_max_zoom = options.simplify_max_zoom;
    write_vector_tiles(tile_layers, result.path, vt);
    result.summary = {{"tiles", result.path},
                      {"bytes", std::filesystem::file_size(result.path)},
                      {"max_zoom", options.max_zoom},
                      {"simplify", options.simplify},
                      {"simplify_max_zoom", options.simplify_max_zoom},
                      {"layers", layers}};
    return result;
}

}  // namespace wz::jobs
