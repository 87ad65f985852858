// The undermining micro-data extract: checked completely (BSN 11-test, KvK and BAG forms, dates, every
// foreign key), identifiers replaced by keyed pseudonyms before anything is stored.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "io/importers.hpp"
#include "io/synth_sources.hpp"
#include "io/typed_table.hpp"

namespace wz {

bool bsn_valid(std::string_view d) {
    if (d.size() != 9) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) {
        if (d[i] < '0' || d[i] > '9') return false;
        const int v = d[i] - '0';
        sum += i < 8 ? static_cast<int>(9 - i) * v : -v;
    }
    return sum % 11 == 0 && d != "000000000";
}

namespace {

bool all_digits(std::string_view s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2015-03-12" -> year, or nullopt.
std::optional<int> iso_date_year(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!all_digits(s.substr(0, 4), 4) || !all_digits(s.substr(5, 2), 2) || !all_digits(s.substr(8, 2), 2))
        return std::nullopt;
    const int y = std::stoi(std::string(s.substr(0, 4))), m = std::stoi(std::string(s.substr(5, 2))),
              d = std::stoi(std::string(s.substr(8, 2)));
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return std::nullopt;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return std::nullopt;
    return y;
}

struct File {
    std::string path;
    std::string data;
    char delim = ',';
    std::vector<std::string> header;
    Table t;
    RecordPositions pos;

    std::size_t col(const std::string& name) const {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    }
    const std::string& text(std::size_t r, const std::string& name) const {
        static const std::string kEmpty;
        const Column& c = t.columns()[col(name)];
        return c.is_missing(r) ? kEmpty : c.text_at(r);
    }
    [[noreturn]] void fail(std::size_t r, const std::string& name, const std::string& expected,
                           const std::string& found) const {
        throw field_error(path, data, delim, pos.offsets[r], col(name), expected, quote_found(found));
    }
    std::int64_t integer(std::size_t r, const std::string& name, std::int64_t lo, std::int64_t hi) const {
        auto v = csv::parse_integer(text(r, name));
        if (!v || *v < lo || *v > hi)
            fail(r, name, fmt::format("a whole number from {} to {} in '{}'", lo, hi, name), text(r, name));
        return *v;
    }
};

File load(const std::string& dir, const std::string& name, const std::vector<std::string>& columns,
          csv::Encoding enc) {
    File f;
    f.path = (std::filesystem::path(dir) / (name + ".csv")).string();
    if (!std::filesystem::exists(f.path))
        throw UsageError(fmt::format("import microdata: missing file {}", f.path));
    f.data = load_text(f.path, enc);
    f.delim = csv::sniff_delimiter(f.data);
    csv::Reader reader(f.data, f.delim);
    std::vector<csv::Field> fields;
    if (!reader.next(fields)) throw InputError(f.path, 1, 1, "a header row", "an empty file");
    for (const auto& x : fields) f.header.emplace_back(trim(x.text));
    for (const auto& c : columns) {
        if (std::find(f.header.begin(), f.header.end(), c) == f.header.end()) {
            throw InputError(f.path, 1, 0, fmt::format("a column '{}' ({})", c, fmt::join(columns, ",")),
                             fmt::format("columns {}", fmt::join(f.header, ",")));
        }
    }
    TableReadOptions read;
    read.cells = CellRules{false, false, false};
    read.text_columns = f.header;
    f.t = read_typed_records(reader, f.header, read, f.path, &f.pos);
    return f;
}

class Pseudonymiser {
  public:
    explicit Pseudonymiser(const std::string& key) : key_(key) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        if (key_.size() < crypto_generichash_KEYBYTES_MIN)
            throw UsageError("microdata: the pseudonymisation key must have at least 16 bytes");
        if (key_.size() > crypto_generichash_KEYBYTES_MAX) key_.resize(crypto_generichash_KEYBYTES_MAX);
    }
    // Keyed BLAKE2b of "domain:id", 16 hex characters.
    std::string operator()(char domain, const std::string& id) const {
        std::string msg;
        msg.reserve(id.size() + 2);
        msg.push_back(domain);
        msg.push_back(':');
        msg += id;
        unsigned char out[8];
        crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                           reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
        static const char* kHex = "0123456789abcdef";
        std::string s(16, '0');
        for (std::size_t i = 0; i < 8; ++i) {
            s[2 * i] = kHex[out[i] >> 4];
            s[2 * i + 1] = kHex[out[i] & 15];
        }
        return s;
    }

  private:
    std::string key_;
};

Column text_column(const std::string& name, std::size_t n) {
    Column c(name, ColumnType::kText);
    c.reserve(n);
    return c;
}
Column int_column(const std::string& name, std::size_t n) {
    Column c(name, ColumnType::kInt);
    c.reserve(n);
    return c;
}

Dataset make(const std::string& name, std::vector<Column> cols) {
    Dataset d;
    d.name = name;
    d.kind = "microdata";
    for (auto& c : cols) d.table.add_column(std::move(c));
    d.meta["protected"] = true;
    d.meta["identifiers"] = "keyed pseudonyms (BLAKE2b); the key is not stored";
    return d;
}

}  // namespace

std::vector<Dataset> import_microdata(const std::string& dir, const MicrodataOptions& options) {
    const Pseudonymiser pseudo(options.key);
    const auto enc = options.encoding;
    // ---- addresses
    const File ad = load(dir, "addresses", {"address", "buurt", "cell"}, enc);
    std::unordered_map<std::string, std::size_t> address;  // BAG id -> row
    for (std::size_t r = 0; r < ad.t.row_count(); ++r) {
        const std::string& id = ad.text(r, "address");
        if (!all_digits(id, 16)) ad.fail(r, "address", "a 16-digit BAG id", id);
        if (!address.emplace(id, r).second) ad.fail(r, "address", "each address once", id + " again");
        if (!is_code_of_level(Level::kBuurt, ad.text(r, "buurt")))
            ad.fail(r, "buurt", "a buurt code like BU00140000", ad.text(r, "buurt"));
        if (!ad.text(r, "cell").empty() && !parse_grid_cell(ad.text(r, "cell")))
            ad.fail(r, "cell", "a cell code like E1993N3660 or nothing", ad.text(r, "cell"));
    }
    auto buurt_of_address = [&](const std::string& id) { return ad.text(address.at(id), "buurt"); };
    // ---- persons
    const File pe =
        load(dir, "persons", {"bsn", "birth_year", "household", "address", "income", "assets"}, enc);
    std::unordered_set<std::string> persons;
    persons.reserve(pe.t.row_count());
    const std::size_t np = pe.t.row_count();
    std::vector<Column> pc{text_column("person", np),    int_column("birth_year", np),
                           text_column("household", np), text_column("address", np),
                           text_column("buurt", np),     int_column("income", np),
                           int_column("assets", np)};
    for (std::size_t r = 0; r < np; ++r) {
        const std::string& bsn = pe.text(r, "bsn");
        if (!bsn_valid(bsn)) pe.fail(r, "bsn", "a 9-digit BSN passing the 11-test", bsn);
        if (!persons.insert(bsn).second) pe.fail(r, "bsn", "each person once", bsn + " again");
        const std::string& a = pe.text(r, "address");
        if (!address.count(a)) pe.fail(r, "address", "an address of addresses.csv", a);
        if (pe.text(r, "household").empty()) pe.fail(r, "household", "a household id", "");
        pc[0].push_text(pseudo('P', bsn));
        pc[1].push_int(pe.integer(r, "birth_year", 1890, 2100));
        pc[2].push_text(pseudo('H', pe.text(r, "household")));
        pc[3].push_text(pseudo('A', a));
        pc[4].push_text(buurt_of_address(a));
        pc[5].push_int(pe.integer(r, "income", 0, 1000000000));
        pc[6].push_int(pe.integer(r, "assets", 0, 100000000000));
    }
    // ---- entities
    const File en = load(dir, "entities", {"kvk", "legal_form", "founded", "address"}, enc);
    std::unordered_set<std::string> entities;
    const std::size_t ne = en.t.row_count();
    std::vector<Column> ec{text_column("entity", ne), text_column("legal_form", ne),
                           text_column("founded", ne), text_column("address", ne), text_column("buurt", ne)};
    static const std::vector<std::string> kForms{"stichting", "bv",         "nv", "eenmanszaak",
                                                 "vof",       "vereniging", "cv"};
    for (std::size_t r = 0; r < ne; ++r) {
        const std::string& k = en.text(r, "kvk");
        if (!all_digits(k, 8)) en.fail(r, "kvk", "an 8-digit KvK number", k);
        if (!entities.insert(k).second) en.fail(r, "kvk", "each entity once", k + " again");
        const std::string& form = en.text(r, "legal_form");
        if (std::find(kForms.begin(), kForms.end(), form) == kForms.end())
            en.fail(r, "legal_form", fmt::format("one of {}", fmt::join(kForms, ", ")), form);
        if (!iso_date_year(en.text(r, "founded")))
            en.fail(r, "founded", "a date like 2015-03-12", en.text(r, "founded"));
        const std::string& a = en.text(r, "address");
        if (!address.count(a)) en.fail(r, "address", "an address of addresses.csv", a);
        ec[0].push_text(pseudo('E', k));
        ec[1].push_text(form);
        ec[2].push_text(en.text(r, "founded"));
        ec[3].push_text(pseudo('A', a));
        ec[4].push_text(buurt_of_address(a));
    }
    auto party = [&](const File& f, std::size_t r, const std::string& type_col, const std::string& id_col) {
        const std::string& type = f.text(r, type_col);
        const std::string& id = f.text(r, id_col);
        if (type == "person") {
            if (!persons.count(id)) f.fail(r, id_col, "a BSN of persons.csv", id);
            return pseudo('P', id);
        }
        if (type == "entity") {
            if (!entities.count(id)) f.fail(r, id_col, "a KvK number of entities.csv", id);
            return pseudo('E', id);
        }
        f.fail(r, type_col, "person or entity", type);
    };
    // ---- dwellings
    const File dw =
        load(dir, "dwellings", {"address", "dwelling_type", "floor_area", "value", "tenure"}, enc);
    const std::size_t nd = dw.t.row_count();
    std::vector<Column> dc{text_column("address", nd),       text_column("buurt", nd),
                           text_column("dwelling_type", nd), int_column("floor_area", nd),
                           int_column("value", nd),          text_column("tenure", nd)};
    std::unordered_set<std::string> dwellings;
    for (std::size_t r = 0; r < nd; ++r) {
        const std::string& a = dw.text(r, "address");
        if (!address.count(a)) dw.fail(r, "address", "an address of addresses.csv", a);
        if (!dwellings.insert(a).second) dw.fail(r, "address", "each dwelling once", a + " again");
        const std::string& t = dw.text(r, "tenure");
        if (t != "owner" && t != "corporation" && t != "private")
            dw.fail(r, "tenure", "owner, corporation or private", t);
        dc[0].push_text(pseudo('A', a));
        dc[1].push_text(buurt_of_address(a));
        dc[2].push_text(dw.text(r, "dwelling_type"));
        dc[3].push_int(dw.integer(r, "floor_area", 1, 100000));
        dc[4].push_int(dw.integer(r, "value", 0, 1000000000));
        dc[5].push_text(t);
    }
    // ---- ownership
    const File ow = load(dir, "ownership", {"address", "owner_type", "owner", "since"}, enc);
    const std::size_t no = ow.t.row_count();
    std::vector<Column> oc{text_column("address", no), text_column("buurt", no),
                           text_column("owner_type", no), text_column("owner", no), text_column("since", no)};
    for (std::size_t r = 0; r < no; ++r) {
        const std::string& a = ow.text(r, "address");
        if (!dwellings.count(a)) ow.fail(r, "address", "a dwelling of dwellings.csv", a);
        if (!iso_date_year(ow.text(r, "since")))
            ow.fail(r, "since", "a date like 2015-03-12", ow.text(r, "since"));
        oc[0].push_text(pseudo('A', a));
        oc[1].push_text(buurt_of_address(a));
        oc[2].push_text(ow.text(r, "owner_type"));
        oc[3].push_text(party(ow, r, "owner_type", "owner"));
        oc[4].push_text(ow.text(r, "since"));
    }
    // ---- purchases
    const File pu =
        load(dir, "purchases", {"purchase", "address", "buyer_type", "buyer", "date", "price"}, enc);
    const std::size_t nq = pu.t.row_count();
    const bool has_capacity =
        std::find(pu.header.begin(), pu.header.end(), "household_income") != pu.header.end() &&
        std::find(pu.header.begin(), pu.header.end(), "household_assets") != pu.header.end();
    std::vector<Column> qc{text_column("purchase", nq),
                           text_column("address", nq),
                           text_column("buurt", nq),
                           text_column("buyer_type", nq),
                           text_column("buyer", nq),
                           text_column("date", nq),
                           int_column("year", nq),
                           int_column("price", nq),
                           int_column("household_income", nq),
                           int_column("household_assets", nq)};
    std::unordered_set<std::string> purchase_ids;
    for (std::size_t r = 0; r < nq; ++r) {
        const std::string& id = pu.text(r, "purchase");
        if (id.empty() || !purchase_ids.insert(id).second) pu.fail(r, "purchase", "a unique purchase id", id);
        const std::string& a = pu.text(r, "address");
        if (!dwellings.count(a)) pu.fail(r, "address", "a dwelling of dwellings.csv", a);
        const auto y = iso_date_year(pu.text(r, "date"));
        if (!y) pu.fail(r, "date", "a date like 2015-03-12", pu.text(r, "date"));
        qc[0].push_text(pseudo('K', id));
        qc[1].push_text(pseudo('A', a));
        qc[2].push_text(buurt_of_address(a));
        qc[3].push_text(pu.text(r, "buyer_type"));
        qc[4].push_text(party(pu, r, "buyer_type", "buyer"));
        qc[5].push_text(pu.text(r, "date"));
        qc[6].push_int(*y);
        qc[7].push_int(pu.integer(r, "price", 1, 10000000000));
        if (has_capacity) {
            qc[8].push_int(pu.integer(r, "household_income", 0, 1000000000));
            qc[9].push_int(pu.integer(r, "household_assets", 0, 100000000000));
        } else {
            qc[8].push_missing(Missing::kEmpty);
            qc[9].push_missing(Missing::kEmpty);
        }
    }
    // ---- directors
    const File di = load(dir, "directors", {"kvk", "bsn", "since"}, enc);
    const std::size_t nr = di.t.row_count();
    std::vector<Column> rc{text_column("entity", nr), text_column("person", nr), text_column("since", nr)};
    for (std::size_t r = 0; r < nr; ++r) {
        if (!entities.count(di.text(r, "kvk")))
            di.fail(r, "kvk", "a KvK number of entities.csv", di.text(r, "kvk"));
        if (!persons.count(di.text(r, "bsn"))) di.fail(r, "bsn", "a BSN of persons.csv", di.text(r, "bsn"));
        if (!iso_date_year(di.text(r, "since")))
            di.fail(r, "since", "a date like 2015-03-12", di.text(r, "since"));
        rc[0].push_text(pseudo('E', di.text(r, "kvk")));
        rc[1].push_text(pseudo('P', di.text(r, "bsn")));
        rc[2].push_text(di.text(r, "since"));
    }
    // ---- suspicions
    const File su = load(dir, "suspicions", {"suspicion", "bsn", "offence", "date", "convicted"}, enc);
    static const std::vector<std::string> kOffences{"drugs_possession", "drugs_trafficking",
                                                    "money_laundering", "violence", "property"};
    const std::size_t ns = su.t.row_count();
    std::vector<Column> sc{text_column("person", ns), text_column("offence", ns), text_column("date", ns),
                           int_column("year", ns), int_column("convicted", ns)};
    std::unordered_set<std::string> sids;
    for (std::size_t r = 0; r < ns; ++r) {
        if (!sids.insert(su.text(r, "suspicion")).second)
            su.fail(r, "suspicion", "a unique suspicion id", su.text(r, "suspicion"));
        if (!persons.count(su.text(r, "bsn"))) su.fail(r, "bsn", "a BSN of persons.csv", su.text(r, "bsn"));
        const std::string& off = su.text(r, "offence");
        if (std::find(kOffences.begin(), kOffences.end(), off) == kOffences.end())
            su.fail(r, "offence", fmt::format("one of {}", fmt::join(kOffences, ", ")), off);
        const auto y = iso_date_year(su.text(r, "date"));
        if (!y) su.fail(r, "date", "a date like 2015-03-12", su.text(r, "date"));
        sc[0].push_text(pseudo('P', su.text(r, "bsn")));
        sc[1].push_text(off);
        sc[2].push_text(su.text(r, "date"));
        sc[3].push_int(*y);
        sc[4].push_int(su.integer(r, "convicted", 0, 1));
    }
    // ---- transactions
    const File tr = load(dir, "transactions",
                         {"transaction", "date", "from_type", "from", "to_type", "to", "amount"}, enc);
    const std::size_t nt = tr.t.row_count();
    std::vector<Column> tc{text_column("date", nt),  int_column("year", nt),     text_column("from_type", nt),
                           text_column("from", nt),  text_column("to_type", nt), text_column("to", nt),
                           int_column("amount", nt), int_column("unusual", nt)};
    std::unordered_set<std::string> tids;
    const bool has_unusual = std::find(tr.header.begin(), tr.header.end(), "unusual") != tr.header.end();
    for (std::size_t r = 0; r < nt; ++r) {
        if (!tids.insert(tr.text(r, "transaction")).second)
            tr.fail(r, "transaction", "a unique transaction id", tr.text(r, "transaction"));
        const auto y = iso_date_year(tr.text(r, "date"));
        if (!y) tr.fail(r, "date", "a date like 2015-03-12", tr.text(r, "date"));
        tc[0].push_text(tr.text(r, "date"));
        tc[1].push_int(*y);
        tc[2].push_text(tr.text(r, "from_type"));
        tc[3].push_text(party(tr, r, "from_type", "from"));
        tc[4].push_text(tr.text(r, "to_type"));
        tc[5].push_text(party(tr, r, "to_type", "to"));
        tc[6].push_int(tr.integer(r, "amount", 1, 100000000000));
        if (has_unusual) {
            tc[7].push_int(tr.integer(r, "unusual", 0, 1));
        } else {
            tc[7].push_missing(Missing::kEmpty);
        }
    }
    std::vector<Dataset> out;
    out.push_back(make("md_persons", std::move(pc)));
    out.push_back(make("md_entities", std::move(ec)));
    out.push_back(make("md_dwellings", std::move(dc)));
    out.push_back(make("md_ownership", std::move(oc)));
    out.push_back(make("md_purchases", std::move(qc)));
    out.push_back(make("md_directors", std::move(rc)));
    out.push_back(make("md_suspicions", std::move(sc)));
    out.push_back(make("md_transactions", std::move(tc)));
    return out;
}

std::vector<std::string> microdata_files(const std::string& dir) {
    std::vector<std::string> files;
    for (const char* f : {"persons", "addresses", "dwellings", "ownership", "purchases", "entities",
                          "directors", "suspicions", "transactions"}) {
        files.push_back(dir + "/" + f + ".csv");
    }
    return files;
}

}  // namespace wz
