#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A two-digit year suffix: "02" -> 2002, "98" -> 1998.
int year_of_yy(std::string_view yy) {
    const int v = (yy[0] - '0') * 10 + (yy[1] - '0');
    return v >= 90 ? 1900 + v : 2000 + v;
}

struct ReadFile {
    std::string data;
    char delim;
    std::vector<std::string> names;
    Table table;
    RecordPositions pos;
};

ReadFile read_lbm_csv(const std::string& path, csv::Encoding encoding, const std::string& code_name) {
    ReadFile f;
    f.data = load_text(path, encoding);
    f.delim = csv::sniff_delimiter(f.data);
    csv::Reader reader(f.data, f.delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
    for (const auto& fl : fields) f.names.emplace_back(trim(fl.text));
    TableReadOptions read;
    read.cells = CellRules{false, false, false};
    read.allow_short_rows = true;
    read.text_columns = {f.names.front()};
    for (const auto& n : f.names) {
        if (n.rfind("KL", 0) == 0 || n.rfind("VKL", 0) == 0) read.int_columns.push_back(n);
    }
    if (to_lower(f.names.front()) != to_lower(code_name) &&
        !(code_name == "CODE" && to_lower(f.names.front()) == "gbd")) {
        throw InputError(path, 1, 1, fmt::format("the area code column '{}' first", code_name),
                         quote_found(f.names.front()));
    }
    f.table = read_typed_records(reader, f.names, read, path, &f.pos);
    return f;
}

void check_codes(const ReadFile& f, const std::string& path, Level level) {
    const Column& c = f.table.columns().front();
    std::unordered_set<std::string> seen;
    for (std::size_t r = 0; r < c.size(); ++r) {
        const std::string t = c.is_missing(r) ? std::string() : std::string(trim(c.text_at(r)));
        if (!is_code_of_level(level, t)) {
            throw field_error(path, f.data, f.delim, f.pos.offsets[r], 0,
                              fmt::format("a {} code like {}", level_name(level), level_example(level)),
                              quote_found(t));
        }
        if (!seen.insert(t).second)
            throw field_error(path, f.data, f.delim, f.pos.offsets[r], 0, "each area once",
                              quote_found(t) + " again");
    }
}

}  // namespace

std::vector<Dataset> import_lbm2(const std::string& classes_path, const std::string& dimensions_path,
                                 Level level, csv::Encoding encoding) {
    ReadFile cls = read_lbm_csv(classes_path, encoding, "CODE");
    ReadFile dim = read_lbm_csv(dimensions_path, encoding, "GBD");
    check_codes(cls, classes_path, level);
    check_codes(dim, dimensions_path, level);

    // Class columns KLyy and development columns VKLaabb.
    std::map<int, std::size_t> class_cols;
    std::vector<std::tuple<int, int, std::size_t>> dev_cols;
    for (std::size_t c = 1; c < cls.names.size(); ++c) {
        const std::string& n = cls.names[c];
        if (n.size() == 4 && n.rfind("KL", 0) == 0 && all_digits(n.substr(2))) {
            class_cols[year_of_yy(n.substr(2))] = c;
        } else if (n.size() == 7 && n.rfind("VKL", 0) == 0 && all_digits(n.substr(3))) {
            dev_cols.emplace_back(year_of_yy(n.substr(3, 2)), year_of_yy(n.substr(5, 2)), c);
        } else {
            throw InputError(classes_path, 1, 0,
                             "columns CODE, KLyy and VKLaabb (Leefbaarometer 2.0 class file)",
                             quote_found(n));
        }
    }
    // Dimension columns RLB<dim>yy.
    static const std::vector<std::string> kDims{"RLBRMTR", "RLBWON", "RLBBEV", "RLBVRZ", "RLBVEI", "RLBFYS"};
    std::map<std::pair<int, std::size_t>, std::size_t> dim_cols;  // (year, dim index) -> column
    std::set<int> dim_years;
    for (std::size_t c = 1; c < dim.names.size(); ++c) {
        const std::string& n = dim.names[c];
        bool ok = false;
        for (std::size_t d = 0; d < kDims.size(); ++d) {
            if (n.size() == kDims[d].size() + 2 && n.rfind(kDims[d], 0) == 0 &&
                all_digits(n.substr(kDims[d].size()))) {
                const int y = year_of_yy(n.substr(kDims[d].size()));
                dim_cols[{y, d}] = c;
                dim_years.insert(y);
                ok = true;
            }
        }
        if (!ok) {
            throw InputError(dimensions_path, 1, 0,
                             "columns GBD and RLBRMTRyy, RLBWONyy, RLBBEVyy, RLBVRZyy, RLBVEIyy, RLBFYSyy",
                             quote_found(n));
        }
    }
    std::set<int> years(dim_years);
    for (const auto& [y, c] : class_cols) years.insert(y);

    // Union of the areas of both files, in the class file's order.
    std::vector<std::string> codes;
    std::unordered_map<std::string, std::size_t> cls_row;
    std::unordered_map<std::string, std::size_t> dim_row;
    for (std::size_t r = 0; r < cls.table.row_count(); ++r) {
        const std::string code(trim(cls.table.columns()[0].text_at(r)));
        cls_row[code] = r;
        codes.push_back(code);
    }
    for (std::size_t r = 0; r < dim.table.row_count(); ++r) {
        const std::string code(trim(dim.table.columns()[0].text_at(r)));
        dim_row[code] = r;
        if (!cls_row.count(code)) codes.push_back(code);
    }

    Dataset scores;
    scores.kind = "lbm2";
    scores.name = fmt::format("lbm2_{}", level_name(level));
    scores.level = level;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    Column kl("kl", ColumnType::kInt);
    std::vector<Column> dims;
    for (const auto& d : kDims) dims.emplace_back(to_lower(d), ColumnType::kReal);
    for (const auto& c : codes) {
        for (int y : years) {
            code.push_text(c);
            year.push_int(y);
            auto cr = cls_row.find(c);
            auto cc = class_cols.find(y);
            if (cr != cls_row.end() && cc != class_cols.end() &&
                !cls.table.columns()[cc->second].is_missing(cr->second)) {
                const std::int64_t k = cls.table.columns()[cc->second].int_at(cr->second);
                if (k < 1 || k > 9) {
                    throw field_error(classes_path, cls.data, cls.delim, cls.pos.offsets[cr->second],
                                      cc->second, "a class 1-9", std::to_string(k));
                }
                kl.push_int(k);
            } else {
                kl.push_missing(Missing::kEmpty);
            }
            auto dr = dim_row.find(c);
            for (std::size_t d = 0; d < kDims.size(); ++d) {
                auto dc = dim_cols.find({y, d});
                if (dr != dim_row.end() && dc != dim_cols.end() &&
                    !dim.table.columns()[dc->second].is_missing(dr->second)) {
                    dims[d].push_real(dim.table.columns()[dc->second].real_at(dr->second));
                } else {
                    dims[d].push_missing(Missing::kEmpty);
                }
            }
        }
    }
    scores.table.add_column(std::move(code));
    scores.table.add_column(std::move(year));
    scores.table.add_column(std::move(kl));
    for (auto& d : dims) scores.table.add_column(std::move(d));
    scores.meta["areas"] = codes.size();
    scores.meta["model"] = "lbm2";
    scores.meta["scores"] = "relative (deviation from the national mean of the year)";

    Dataset dev;
    dev.kind = "lbm2-development";
    dev.name = fmt::format("lbm2_{}_development", level_name(level));
    dev.level = level;
    Column dcode("code", ColumnType::kText);
    Column from("from_year", ColumnType::kInt);
    Column to("to_year", ColumnType::kInt);
    Column vkl("vkl", ColumnType::kInt);
    for (std::size_t r = 0; r < cls.table.row_count(); ++r) {
        for (const auto& [fy, ty, col] : dev_cols) {
            dcode.push_text(std::string(trim(cls.table.columns()[0].text_at(r))));
            from.push_int(fy);
            to.push_int(ty);
            const Column& src = cls.table.columns()[col];
            if (src.is_missing(r)) {
                vkl.push_missing(Missing::kEmpty);
            } else {
                if (src.int_at(r) < 1 || src.int_at(r) > 9) {
                    throw field_error(classes_path, cls.data, cls.delim, cls.pos.offsets[r], col,
                                      "a development class 1-9", std::to_string(src.int_at(r)));
                }
                vkl.push_int(src.int_at(r));
            }
        }
    }
    dev.table.add_column(std::move(dcode));
    dev.table.add_column(std::move(from));
    dev.table.add_column(std::move(to));
    dev.table.add_column(std::move(vkl));
    dev.meta["areas"] = cls.table.row_count();
    return {std::move(scores), std::move(dev)};
}

namespace {

const std::vector<std::string> kLbm3Scores{"lbm", "afw", "fys", "onv", "soc", "vrz", "won"};

bool is_id_name(const std::string& n) {
    return n == "id" || n == "grid_id" || n == "gridcode" || n == "code" || n == "bu_code" ||
           n == "wk_code" || n == "gm_code" || n == "buurtcode" || n == "wijkcode" || n == "gemeentecode" ||
           n == "c28992r100";
}

std::optional<std::string> normalise_code(Level level, std::string_view raw) {
    raw = trim(raw);
    if (level == Level::kGrid) {
        auto cell = parse_grid_cell(raw);
        if (!cell) return std::nullopt;
        return cell->code();
    }
    if (!is_code_of_level(level, raw)) return std::nullopt;
    return std::string(raw);
}

}  // namespace

Dataset import_lbm3(const std::string& path, const Lbm3Options& options) {
    const std::string data = load_text(path, csv::Encoding::kAuto);
    // Gather rows as (line, column name -> text).
    std::vector<std::string> names;
    struct Row {
        long line;
        std::vector<std::string> values;
    };
    std::vector<Row> rows;
    const std::string_view head =
        trim(std::string_view(data).substr(0, std::min<std::size_t>(data.size(), 64)));
    const bool json_lines = !head.empty() && head.front() == '{';
    const bool json_array = !head.empty() && head.front() == '[';
    if (json_lines || json_array) {
        auto add_object = [&](const nlohmann::json& obj, long line) {
            if (!obj.is_object())
                throw InputError(path, line, 1, "a JSON object per record", quote_found(obj.dump()));
            Row row{line, std::vector<std::string>(names.size())};
            for (auto it = obj.begin(); it != obj.end(); ++it) {
                const std::string key = to_lower(it.key());
                auto pos = std::find(names.begin(), names.end(), key);
                if (pos == names.end()) {
                    names.push_back(key);
                    for (auto& r : rows) r.values.emplace_back();
                    row.values.emplace_back();
                    pos = names.end() - 1;
                }
                const auto idx = static_cast<std::size_t>(pos - names.begin());
                if (it->is_string()) {
                    row.values[idx] = it->get<std::string>();
                } else if (it->is_number_integer()) {
                    row.values[idx] = std::to_string(it->get<std::int64_t>());
                } else if (it->is_number()) {
                    row.values[idx] = fmt::format("{}", it->get<double>());
                } else if (!it->is_null()) {
                    row.values[idx] = it->dump();
                }
            }
            rows.push_back(std::move(row));
        };
        if (json_array) {
            nlohmann::json all;
            try {
                all = nlohmann::json::parse(data);
            } catch (const nlohmann::json::parse_error& e) {
                throw InputError(path, 0, static_cast<long>(e.byte), "valid JSON", e.what());
            }
            long i = 0;
            for (const auto& obj : all) add_object(obj, ++i);
        } else {
            long line = 0;
            std::size_t p = 0;
            while (p < data.size()) {
                std::size_t e = data.find('\n', p);
                if (e == std::string::npos) e = data.size();
                ++line;
                const std::string_view text = trim(std::string_view(data).substr(p, e - p));
                p = e + 1;
                if (text.empty()) continue;
                nlohmann::json obj;
                try {
                    obj = nlohmann::json::parse(text);
                } catch (const nlohmann::json::parse_error& err) {
                    throw InputError(path, line, static_cast<long>(err.byte), "one JSON object per line",
                                     quote_found(text));
                }
                add_object(obj, line);
            }
        }
    } else {
        const char delim = csv::sniff_delimiter(data);
        csv::Reader reader(data, delim);
        std::vector<csv::Field> fields;
        if (!reader.next(fields)) throw InputError(path, 1, 1, "a header row", "an empty file");
        for (const auto& f : fields) names.push_back(to_lower(trim(f.text)));
        while (reader.next(fields)) {
            if (fields.size() == 1 && trim(fields[0].text).empty()) continue;
            if (fields.size() != names.size()) {
                throw InputError(path, reader.line(), 0,
                                 fmt::format("{} fields (as in the header)", names.size()),
                                 fmt::format("{} fields", fields.size()));
            }
            Row row{reader.line(), {}};
            for (const auto& f : fields) row.values.emplace_back(f.text);
            rows.push_back(std::move(row));
        }
    }
    auto index_of = [&](const std::string& n) -> std::optional<std::size_t> {
        auto it = std::find(names.begin(), names.end(), n);
        if (it == names.end()) return std::nullopt;
        return static_cast<std::size_t>(it - names.begin());
    };
    std::optional<std::size_t> id_col;
    for (std::size_t i = 0; i < names.size() && !id_col; ++i) {
        if (is_id_name(names[i])) id_col = i;
    }
    if (!id_col)
        throw InputError(path, 1, 1, "an id column (id, grid_id, bu_code, wk_code, gm_code, code)",
                         fmt::format("columns {}", fmt::join(names, ", ")));
    std::optional<std::size_t> year_col = index_of("jaar");
    if (!year_col) year_col = index_of("year");
    std::vector<std::size_t> score_cols;
    for (const auto& s : kLbm3Scores) {
        auto c = index_of(s);
        if (!c)
            throw InputError(path, 1, 1,
                             fmt::format("a column '{}' (LBM 3.0: lbm, afw, fys, onv, soc, vrz, won)", s),
                             fmt::format("columns {}", fmt::join(names, ", ")));
        score_cols.push_back(*c);
    }
    std::vector<std::size_t> class_cols;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i].size() > 1 && names[i][0] == 'k' &&
            std::find(kLbm3Scores.begin(), kLbm3Scores.end(), names[i].substr(1)) != kLbm3Scores.end()) {
            class_cols.push_back(i);
        }
        if (names[i] == "kscore") class_cols.push_back(i);
    }

    Dataset ds;
    ds.kind = "lbm3";
    ds.name = options.name.empty() ? fmt::format("lbm3_{}", level_name(options.level))
                                   : sanitize_dataset_name(options.name);
    ds.level = options.level;
    Column code("code", ColumnType::kText);
    Column year("year", ColumnType::kInt);
    std::vector<Column> scores;
    for (const auto& s : kLbm3Scores) scores.emplace_back(s, ColumnType::kReal);
    std::vector<Column> classes;
    for (std::size_t c : class_cols) classes.emplace_back(names[c], ColumnType::kInt);
    std::unordered_set<std::string> keys;
    double constant_min = 1e300;
    double constant_max = -1e300;
    double max_additivity_gap = 0;
    for (const auto& row : rows) {
        auto c = normalise_code(options.level, row.values[*id_col]);
        if (!c) {
            throw InputError(path, row.line, 0,
                             fmt::format("a {} code like {} in column '{}'", level_name(options.level),
                                         level_example(options.level), names[*id_col]),
                             quote_found(row.values[*id_col]));
        }
        std::optional<std::int64_t> y;
        if (year_col) {
            y = csv::parse_integer(row.values[*year_col]);
            if (!y || !is_plausible_year(*y))
                throw InputError(path, row.line, 0, "a year in column 'jaar'",
                                 quote_found(row.values[*year_col]));
        } else if (options.year) {
            y = *options.year;
        }
        const std::string key = *c + "|" + (y ? std::to_string(*y) : "");
        if (!keys.insert(key).second)
            throw InputError(path, row.line, 0, "each area once per year", quote_found(*c) + " again");
        code.push_text(*c);
        if (y) {
            year.push_int(*y);
        } else {
            year.push_missing(Missing::kEmpty);
        }
        std::vector<double> v(kLbm3Scores.size(), std::nan(""));
        for (std::size_t s = 0; s < score_cols.size(); ++s) {
            const std::string& t = row.values[score_cols[s]];
            if (trim(t).empty()) {
                scores[s].push_missing(Missing::kEmpty);
                continue;
            }
            auto num = csv::parse_number(t, false);
            if (!num)
                throw InputError(path, row.line, 0, fmt::format("a number in column '{}'", kLbm3Scores[s]),
                                 quote_found(t));
            scores[s].push_real(*num);
            v[s] = *num;
        }
        if (!std::isnan(v[0]) && !std::isnan(v[1])) {
            constant_min = std::min(constant_min, v[0] - v[1]);
            constant_max = std::max(constant_max, v[0] - v[1]);
        }
        const double sum = v[2] + v[3] + v[4] + v[5] + v[6];
        if (!std::isnan(sum) && !std::isnan(v[1]))
            max_additivity_gap = std::max(max_additivity_gap, std::abs(sum - v[1]));
        for (std::size_t k = 0; k < class_cols.size(); ++k) {
            auto num = csv::parse_integer(row.values[class_cols[k]]);
            if (num) {
                classes[k].push_int(*num);
            } else {
                classes[k].push_missing(Missing::kEmpty);
            }
        }
    }
    ds.table.add_column(std::move(code));
    ds.table.add_column(std::move(year));
    for (auto& s : scores) ds.table.add_column(std::move(s));
    for (auto& k : classes) ds.table.add_column(std::move(k));
    if (constant_min <= constant_max) {
        ds.meta["edition_constant"] = (constant_min + constant_max) / 2;
        ds.meta["edition_constant_spread"] = constant_max - constant_min;
    }
    ds.meta["max_additivity_gap"] = max_additivity_gap;
    ds.meta["model"] = "lbm3";
    if (!year_col && !options.year)
        ds.meta["warning"] = "no year column and no --year: the rows have no measurement year";
    return ds;
}

}  // namespace wz
