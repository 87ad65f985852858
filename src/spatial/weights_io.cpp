#include "spatial/weights_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

namespace wz::spatial {
namespace {

constexpr std::uint32_t kUnknown = std::numeric_limits<std::uint32_t>::max();

void check_ids_writable(std::span<const std::string> ids, std::size_t n) {
    if (ids.size() != n) throw UsageError(fmt::format("weights file: {} ids for {} areas", ids.size(), n));
    for (const auto& id : ids) {
        if (id.empty() || id.find_first_of(" \t\r\n") != std::string::npos) {
            throw UsageError(fmt::format(
                "weights file: area id '{}' is empty or holds white space, which GAL/GWT cannot carry", id));
        }
    }
}

// Lines split into white-space separated tokens, with 1-based line numbers and columns.
struct Token {
    std::string_view text;
    long column;
};

class LineReader {
  public:
    explicit LineReader(std::string_view text) : text_(text) {}
    // Next line's tokens; false at the end of the text.
    bool next(std::vector<Token>& tokens) {
        tokens.clear();
        if (pos_ >= text_.size()) return false;
        ++line_;
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        const std::string_view line = text_.substr(pos_, end - pos_);
        for (std::size_t i = 0; i < line.size();) {
            while (i < line.size() &&
                   (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == ','))
                ++i;
            const std::size_t b = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != ',')
                ++i;
            if (i > b) tokens.push_back({line.substr(b, i - b), static_cast<long>(b + 1)});
        }
        pos_ = end + 1;
        return true;
    }
    long line() const { return line_; }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    long line_ = 0;
};

std::unordered_map<std::string_view, std::uint32_t> index_ids(std::span<const std::string> ids,
                                                              const std::string& source) {
    std::unordered_map<std::string_view, std::uint32_t> index;
    index.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!index.emplace(ids[i], static_cast<std::uint32_t>(i)).second) {
            throw InputError(source, 0, 0, "distinct area ids", fmt::format("'{}' twice", ids[i]));
        }
    }
    return index;
}

std::uint32_t lookup(const std::unordered_map<std::string_view, std::uint32_t>& index, const Token& t,
                     const std::string& source, long line) {
    const auto it = index.find(t.text);
    if (it == index.end())
        throw InputError(source, line, t.column, "the id of an area of the layer", quote_found(t.text));
    return it->second;
}

long parse_count(const Token& t, const std::string& source, long line, const char* what) {
    long v = 0;
    const auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || p != t.text.data() + t.text.size() || v < 0) {
        throw InputError(source, line, t.column, what, quote_found(t.text));
    }
    return v;
}

// Header: "N" or "0 N SOURCE KEY" (GeoDa); returns N.
long read_header(LineReader& in, const std::string& source, std::vector<Token>& tok) {
    while (in.next(tok)) {
        if (tok.empty()) continue;
        if (tok.size() == 1) return parse_count(tok[0], source, in.line(), "the number of areas");
        if (tok.size() >= 2)
            return parse_count(tok[1], source, in.line(), "the number of areas (header '0 N SOURCE KEY')");
    }
    throw InputError(source, in.line(), 0, "a header line 'N' or '0 N SOURCE KEY'", "an empty file");
}

}  // namespace

std::string format_gal(const Weights& w, std::span<const std::string> ids, std::string_view key) {
    check_ids_writable(ids, w.size());
    std::string out = fmt::format("0 {} wijkzicht {}\n", w.size(), key);
    for (std::size_t i = 0; i < w.size(); ++i) {
        out += fmt::format("{} {}\n", ids[i], w.cardinality(i));
        bool first = true;
        for (std::uint32_t j : w.neighbours_of(i)) {
            if (!first) out += ' ';
            out += ids[j];
            first = false;
        }
        out += '\n';
    }
    return out;
}

std::string format_gwt(const Weights& w, std::span<const std::string> ids, std::string_view key) {
    check_ids_writable(ids, w.size());
    std::string out = fmt::format("0 {} wijkzicht {}\n", w.size(), key);
    for (std::size_t i = 0; i < w.size(); ++i) {
        const auto row = w.neighbours_of(i);
        const auto wts = w.weights_of(i);
        for (std::size_t e = 0; e < row.size(); ++e)
            out += fmt::format("{} {} {}\n", ids[i], ids[row[e]], wts[e]);
    }
    return out;
}

Weights parse_gal(std::string_view text, std::span<const std::string> ids, const std::string& source) {
    const auto index = index_ids(ids, source);
    LineReader in(text);
    std::vector<Token> tok;
    const long n = read_header(in, source, tok);
    if (static_cast<std::size_t>(n) != ids.size()) {
        throw InputError(source, in.line(), 0,
                         fmt::format("a GAL file for the {} areas of the layer", ids.size()),
                         fmt::format("{} areas", n));
    }
    std::vector<std::uint8_t> seen(ids.size(), 0);
    std::vector<std::uint64_t> links;
    for (long a = 0; a < n; ++a) {
        do {
            if (!in.next(tok)) {
                throw InputError(source, in.line(), 0, fmt::format("{} areas", n),
                                 fmt::format("the end of the file after {}", a));
            }
        } while (tok.empty());
        if (tok.size() != 2)
            throw InputError(source, in.line(), 1, "a line 'ID NUMBER-OF-NEIGHBOURS'",
                             fmt::format("{} fields", tok.size()));
        const long row_line = in.line();
        const std::uint32_t from = lookup(index, tok[0], source, row_line);
        if (seen[from] != 0)
            throw InputError(source, row_line, 1, "each area once", fmt::format("'{}' again", ids[from]));
        seen[from] = 1;
        const long k = parse_count(tok[1], source, row_line, "a number of neighbours");
        if (!in.next(tok)) {
            if (k == 0) break;
            throw InputError(source, in.line(), 0, fmt::format("{} neighbour ids", k), "the end of the file");
        }
        if (static_cast<long>(tok.size()) != k) {
            throw InputError(source, in.line(), 1,
                             fmt::format("{} neighbour ids (as line {} says)", k, row_line),
                             fmt::format("{}", tok.size()));
        }
        for (const Token& t : tok) links.push_back(pack_link(from, lookup(index, t, source, in.line())));
    }
    const auto it = std::find(seen.begin(), seen.end(), std::uint8_t{0});
    if (it != seen.end()) {
        throw InputError(source, in.line(), 0, "every area of the layer",
                         fmt::format("no entry for '{}'", ids[static_cast<std::size_t>(it - seen.begin())]));
    }
    Weights w = weights_from_links(ids.size(), std::move(links), false);
    return w;
}

Weights parse_gwt(std::string_view text, std::span<const std::string> ids, const std::string& source) {
    const auto index = index_ids(ids, source);
    LineReader in(text);
    std::vector<Token> tok;
    const long n = read_header(in, source, tok);
    if (static_cast<std::size_t>(n) != ids.size()) {
        throw InputError(source, in.line(), 0,
                         fmt::format("a GWT file for the {} areas of the layer", ids.size()),
                         fmt::format("{} areas", n));
    }
    struct Link {
        std::uint32_t from;
        std::uint32_t to;
        double weight;
        long line;
    };
    std::vector<Link> links;
    while (in.next(tok)) {
        if (tok.empty()) continue;
        if (tok.size() != 3)
            throw InputError(source, in.line(), 1, "a line 'FROM TO WEIGHT'",
                             fmt::format("{} fields", tok.size()));
        const std::uint32_t from = lookup(index, tok[0], source, in.line());
        const std::uint32_t to = lookup(index, tok[1], source, in.line());
        double v = 0;
        const auto [p, ec] = std::from_chars(tok[2].text.data(), tok[2].text.data() + tok[2].text.size(), v);
        if (ec != std::errc() || p != tok[2].text.data() + tok[2].text.size() || !std::isfinite(v)) {
            throw InputError(source, in.line(), tok[2].column, "a finite weight", quote_found(tok[2].text));
        }
        if (from == to) continue;  // self-links are not neighbours; G_i* adds its own
        links.push_back({from, to, v, in.line()});
    }
    std::sort(links.begin(), links.end(),
              [](const Link& a, const Link& b) { return a.from != b.from ? a.from < b.from : a.to < b.to; });
    Weights w;
    w.transform = Transform::kGeneral;
    w.offsets.assign(ids.size() + 1, 0);
    for (std::size_t k = 0; k < links.size(); ++k) {
        if (k > 0 && links[k].from == links[k - 1].from && links[k].to == links[k - 1].to) {
            throw InputError(source, std::max(links[k].line, links[k - 1].line), 1, "each link once",
                             fmt::format("{} -> {} twice (lines {} and {})", ids[links[k].from],
                                         ids[links[k].to], std::min(links[k].line, links[k - 1].line),
                                         std::max(links[k].line, links[k - 1].line)));
        }
        ++w.offsets[links[k].from + 1];
        w.neighbours.push_back(links[k].to);
        w.weights.push_back(links[k].weight);
    }
    for (std::size_t i = 0; i < ids.size(); ++i) w.offsets[i + 1] += w.offsets[i];
    return w;
}

}  // namespace wz::spatial
