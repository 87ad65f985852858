#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "core/error.hpp"
#include "io/csv_stream.hpp"
#include "io/importers.hpp"
#include "io/typed_table.hpp"

namespace wz {
namespace {

struct DateTime {
    int year, month, day, hour, minute;
};

int parse_small(std::string_view s, bool& ok) {
    if (s.empty() || s.size() > 4) {
        ok = false;
        return 0;
    }
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            ok = false;
            return 0;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

bool valid_date(int y, int m, int d) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

// "20-9-2017 17:30", "20-09-2017", "20-9-2017 6:00:00".
std::optional<DateTime> parse_dutch_datetime(std::string_view text) {
    text = trim(text);
    const auto space = text.find(' ');
    const std::string_view date = text.substr(0, space);
    const std::string_view time =
        space == std::string_view::npos ? std::string_view() : trim(text.substr(space + 1));
    const auto d1 = date.find('-');
    const auto d2 = d1 == std::string_view::npos ? d1 : date.find('-', d1 + 1);
    if (d2 == std::string_view::npos) return std::nullopt;
    bool ok = true;
    DateTime dt{parse_small(date.substr(d2 + 1), ok), parse_small(date.substr(d1 + 1, d2 - d1 - 1), ok),
                parse_small(date.substr(0, d1), ok), 0, 0};
    if (!ok || !is_plausible_year(dt.year) || !valid_date(dt.year, dt.month, dt.day)) return std::nullopt;
    if (!time.empty()) {
        const auto c1 = time.find(':');
        if (c1 == std::string_view::npos) return std::nullopt;
        const auto c2 = time.find(':', c1 + 1);
        dt.hour = parse_small(time.substr(0, c1), ok);
        dt.minute = parse_small(
            time.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1), ok);
        if (!ok || dt.hour > 23 || dt.minute > 59) return std::nullopt;
    }
    return dt;
}

// "2017-09-20T17:30" (written by hand: three per incident, millions of incidents), as characters that
// the column copies into a string it keeps from block to block.
struct IsoText {
    std::array<char, 16> b;
    std::string_view view() const { return {b.data(), b.size()}; }
};

IsoText iso(const DateTime& dt) {
    IsoText out{};
    auto& b = out.b;
    const auto two = [&](int at, int v) {
        b[at] = static_cast<char>('0' + v / 10 % 10);
        b[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, dt.year / 100);
    two(2, dt.year % 100);
    b[4] = '-';
    two(5, dt.month);
    b[7] = '-';
    two(8, dt.day);
    b[10] = 'T';
    two(11, dt.hour);
    b[13] = ':';
    two(14, dt.minute);
    return out;
}

// Columns kept (published name -> our name). Everything else is dropped; see kProtected.
const std::vector<std::pair<std::string, std::string>> kKept{
    {"Incidentsoort code", "type_code"},
    {"Incidentsoort", "type"},
    {"Pleeggemeente", "gemeente_name"},
    {"Pleegwijk", "wijk_name"},
    {"Pleegbuurt", "buurt_name"},
    {"Pleegsubbuurt", "subbuurt_name"},
    {"Buurtnummer", "buurt_number"},
    {"Begin-pleegdagdeel", "begin_daypart"},
    {"Aangifte", "reported"},
    {"Poging", "attempt"},
    {"Opgehelderd", "solved"},
    {"Object", "object"},
};
// Columns that identify a person, address or police record: never stored.
const std::vector<std::string> kProtected{"Incident Identificatie",
                                          "Bronregistratie",
                                          "Pleegstraatnaam",
                                          "Pleeghuisnummer met toev.",
                                          "Pleegpostcode",
                                          "X",
                                          "Y"};

}  // namespace

namespace {

// The export as a stream: a chunk of records at a time, each incident converted to its cell, dates and
// kept columns; the protected columns are dropped as they are read.
class IncidentRows final : public CsvRowStream {
  public:
    IncidentRows(const std::string& path, const IncidentOptions& options, std::size_t chunk_bytes) {
        start(path, options.encoding, chunk_bytes);
    }
    ~IncidentRows() override { drain(); }

    void finish(Dataset& ds) override {
        std::vector<std::string> dropped;
        for (const auto& nm : header()) {
            const bool kept =
                std::any_of(kKept.begin(), kKept.end(), [&](const auto& p) { return p.first == nm; });
            if (!kept && nm != "Begin-pleegdatum/tijd" && nm != "Eind-pleegdatum/tijd" &&
                nm != "Kennisnamedatum/tijd") {
                dropped.push_back(nm);
            }
        }
        ds.meta["protected_columns_dropped"] = kProtected;
        ds.meta["encoding"] = encoding_used();
        ds.meta["dropped_columns"] = dropped;
        ds.meta["location"] = "100 m grid cell of the RD coordinates (exact coordinates are not stored)";
        ds.meta["coordinates_outside_nl"] = outside_.load();
    }

  protected:
    void on_header(const std::vector<std::string>& names, const std::vector<csv::Field>&) override {
        auto require = [&](const std::string& n) {
            auto i = column_index(n);
            if (!i) {
                throw InputError(path(), 1, 0, fmt::format("a column '{}' (police incident export)", n),
                                 fmt::format("columns {}", fmt::join(names, "; ")));
            }
            return *i;
        };
        begin_col_ = require("Begin-pleegdatum/tijd");
        x_col_ = require("X");
        y_col_ = require("Y");
        end_col_ = column_index("Eind-pleegdatum/tijd");
        known_col_ = column_index("Kennisnamedatum/tijd");
        read_.cells = CellRules{false, false, delimiter() != ','};
        for (const auto& n : names) {
            if (n == "X" || n == "Y") continue;
            read_.text_columns.push_back(n);
            // Columns that are dropped (the protected ones among them) are read past, not kept.
            const bool kept =
                std::any_of(kKept.begin(), kKept.end(), [&](const auto& p) { return p.first == n; });
            if (!kept && n != "Begin-pleegdatum/tijd" && n != "Eind-pleegdatum/tijd" &&
                n != "Kennisnamedatum/tijd")
                read_.skip_columns.push_back(n);
        }
        for (const char* c : {"code", "begin", "end", "known"}) schema_.add_column(c, ColumnType::kText);
        schema_.add_column("year", ColumnType::kInt);
        schema_.add_column("month", ColumnType::kInt);
        // The published order: code, year, month, begin, end, known, then the kept columns.
        std::vector<Column> ordered;
        for (const char* c : {"code", "year", "month", "begin", "end", "known"})
            ordered.push_back(*schema_.find(c));
        schema_ = Table();
        for (Column& c : ordered) schema_.add_column(std::move(c));
        for (const auto& [from, to] : kKept) {
            if (auto i = column_index(from)) {
                kept_.emplace_back(*i, schema_.column_count());
                schema_.add_column(to, ColumnType::kText);
            }
        }
    }

    TableReadOptions read_options() const override { return read_; }

    // Every incident on its own; the one count kept is atomic.
    bool converts_in_parallel() const override { return true; }

    void convert(Table& raw, const RecordPositions& pos, std::string_view text, Table& out) override {
        std::vector<Column>& o = out.columns();
        const std::size_t n = raw.row_count();
        const char delim = delimiter();
        for (std::size_t r = 0; r < n; ++r) {
            auto date_of = [&](std::size_t col, bool required) -> std::optional<DateTime> {
                const Column& c = raw.columns()[col];
                if (c.is_missing(r)) {
                    if (required)
                        throw field_error(path(), text, delim, pos.offsets[r], col,
                                          "a date like 20-9-2017 17:30", "an empty field");
                    return std::nullopt;
                }
                auto dt = parse_dutch_datetime(c.text_at(r));
                if (!dt)
                    throw field_error(path(), text, delim, pos.offsets[r], col, "a date like 20-9-2017 17:30",
                                      quote_found(c.text_at(r)));
                return dt;
            };
            const DateTime b = *date_of(begin_col_, true);
            o[1].push_int(b.year);
            o[2].push_int(b.month);
            o[3].push_text(iso(b).view());
            auto e = end_col_ ? date_of(*end_col_, false) : std::nullopt;
            if (e) {
                o[4].push_text(iso(*e).view());
            } else {
                o[4].push_missing(Missing::kEmpty);
            }
            auto k = known_col_ ? date_of(*known_col_, false) : std::nullopt;
            if (k) {
                o[5].push_text(iso(*k).view());
            } else {
                o[5].push_missing(Missing::kEmpty);
            }
            const Column& xs = raw.columns()[x_col_];
            const Column& ys = raw.columns()[y_col_];
            if (xs.type() == ColumnType::kText || ys.type() == ColumnType::kText) {
                const std::size_t bad = xs.type() == ColumnType::kText ? x_col_ : y_col_;
                throw field_error(path(), text, delim, pos.offsets[r], bad, "RD coordinates in metres",
                                  quote_found(raw.columns()[bad].to_text(r)));
            }
            if (xs.is_missing(r) || ys.is_missing(r)) {
                o[0].push_missing(Missing::kEmpty);
                continue;
            }
            const double x = xs.number_at(r);
            const double y = ys.number_at(r);
            if (x < 0 || x > 300000 || y < 289000 || y > 629000) {
                ++outside_;
                o[0].push_missing(Missing::kEmpty);
                continue;
            }
            o[0].push_text(grid_cell_of_point(x, y).code());
        }
        // The kept columns, one row per record as above, handed on a column at a time: taken whole when
        // `out` had no rows before (the raw table is refilled next), else copied.
        for (const auto& [from, to] : kept_) {
            if (o[to].size() == 0 && raw.columns()[from].size() == n) {
                o[to].swap_values(raw.columns()[from]);
            } else {
                o[to].push_texts_taken(raw.columns()[from], 0, n);
            }
        }
    }

  private:
    std::size_t begin_col_ = 0, x_col_ = 0, y_col_ = 0;
    std::optional<std::size_t> end_col_, known_col_;
    std::vector<std::pair<std::size_t, std::size_t>> kept_;  // raw column -> output column
    TableReadOptions read_;
    std::atomic<std::size_t> outside_{0};
};

}  // namespace

Dataset stream_incidents(const std::string& path, const IncidentOptions& options, std::size_t chunk_bytes) {
    auto rows = std::make_shared<IncidentRows>(path, options, chunk_bytes);
    Table schema = rows->schema();
    Dataset ds =
        streamed_dataset(std::move(rows), std::move(schema), "incidents", options.name, Level::kGrid);
    ds.meta["protected_columns_dropped"] = kProtected;  // known before a row is read
    return ds;
}

Dataset import_incidents(const std::string& path, const IncidentOptions& options) {
    return collect_rows(stream_incidents(path, options));
}

}  // namespace wz
