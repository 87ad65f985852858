#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace wz::report {
namespace {

constexpr const char* kAxis = "#555555";
constexpr const char* kGrid = "#e3e3e3";
constexpr const char* kFont = "font-family=\"sans-serif\"";

std::string px(double v) {
    return fmt::format("{:.1f}", v);
}

// Linear map of [d0, d1] onto [r0, r1].
struct Scale {
    double d0, d1, r0, r1;
    double operator()(double v) const {
        return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) / (d1 - d0) * (r1 - r0);
    }
};

// Decimals that show the step of the ticks.
int tick_decimals(const std::vector<double>& ticks, int at_least) {
    if (ticks.size() < 2) return at_least;
    const double step = std::abs(ticks[1] - ticks[0]);
    int d = 0;
    while (d < 6 && std::abs(std::round(step * std::pow(10.0, d)) - step * std::pow(10.0, d)) > 1e-6) ++d;
    return std::max(d, 0);
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string dutch(double value, int decimals) {
    if (!std::isfinite(value)) return "–";
    std::string s = fmt::format("{:.{}f}", value, decimals);
    if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0,00"
    for (char& c : s) {
        if (c == '.') c = ',';
    }
    return s;
}

std::string dutch_count(double value) {
    if (!std::isfinite(value)) return "–";
    const long long v = std::llround(value);
    std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

std::string dutch_percent(double share, int decimals) {
    if (!std::isfinite(share)) return "–";
    return dutch(100.0 * share, decimals) + "%";
}

std::string machine(double value) {
    if (!std::isfinite(value)) return "";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
    if (hi < lo) std::swap(lo, hi);
    if (hi == lo) {
        const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / std::max(count, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * mag;
        if (step >= raw) break;
    }
    std::vector<double> ticks;
    const double first = std::floor(lo / step) * step;
    for (double t = first; t <= hi + step * 0.999; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

std::string line_chart(const std::vector<Series>& series, const LineChartOptions& o) {
    const double left = 64, right = 16, top = 34, bottom = 54;
    const double w = o.width, h = o.height;
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const Series& s : series) {
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            x0 = std::min(x0, s.x[i]);
            x1 = std::max(x1, s.x[i]);
            y0 = std::min(y0, s.y[i]);
            y1 = std::max(y1, s.y[i]);
        }
    }
    std::string out = fmt::format(
        "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"{}\" height=\"{}\" "
        "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
        escape(o.id), o.width, o.height, o.width, o.height, escape(o.title));
    out += fmt::format(
        "<text x=\"{}\" y=\"18\" {} font-size=\"14\" "
        "font-weight=\"bold\">{}</text>\n",
        px(left), kFont, escape(o.title));
    if (!std::isfinite(x0)) {
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"12\">geen "
            "waarden</text>\n</svg>\n",
            px(left), px(h / 2), kFont);
        return out;
    }
    const std::vector<double> yt = nice_ticks(y0, y1, 5);
    const Scale sy{yt.front(), yt.back(), h - bottom, top};
    const Scale sx{x0, x1, left + 10, w - right - 10};
    const int yd = std::max(tick_decimals(yt, 0), 0);
    for (double t : yt) {
        out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n", px(left),
                           px(w - right), px(sy(t)), px(sy(t)), kGrid);
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"11\" "
            "text-anchor=\"end\">{}</text>\n",
            px(left - 6), px(sy(t) + 4), kFont, dutch(t, yd));
    }
    // x ticks: the distinct x values (years).
    std::vector<double> xs;
    for (const Series& s : series) xs.insert(xs.end(), s.x.begin(), s.x.end());
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    for (double x : xs) {
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"11\" "
            "text-anchor=\"middle\">{}</text>\n",
            px(sx(x)), px(h - bottom + 16), kFont, machine(x));
    }
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n", px(left),
                       px(w - right), px(h - bottom), px(h - bottom), kAxis);
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n", px(left), px(left),
                       px(top), px(h - bottom), kAxis);
    if (!o.y_label.empty()) {
        out += fmt::format(
            "<text x=\"14\" y=\"{}\" {} font-size=\"11\" "
            "transform=\"rotate(-90 14 {})\" "
            "text-anchor=\"middle\">{}</text>\n",
            px((top + h - bottom) / 2), kFont, px((top + h - bottom) / 2), escape(o.y_label));
    }
    for (const Series& s : series) {
        std::string points;
        auto flush = [&] {
            if (points.empty()) return;
            out += fmt::format(
                "<polyline fill=\"none\" stroke=\"{}\" "
                "stroke-width=\"2\"{} points=\"{}\"/>\n",
                escape(s.color), s.dashed ? " stroke-dasharray=\"6 4\"" : "", points);
            points.clear();
        };
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) {
                flush();
                continue;
            }
            points += fmt::format("{}{},{}", points.empty() ? "" : " ", px(sx(s.x[i])), px(sy(s.y[i])));
        }
        flush();
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            out += fmt::format(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\" "
                "data-series=\"{}\" data-x=\"{}\" data-y=\"{}\">"
                "<title>{} {}: {}</title></circle>\n",
                px(sx(s.x[i])), px(sy(s.y[i])), escape(s.color), escape(s.label), machine(s.x[i]),
                machine(s.y[i]), escape(s.label), machine(s.x[i]), dutch(s.y[i], o.y_decimals));
        }
    }
    // Legend below the axis.
    double lx = left;
    for (const Series& s : series) {
        out += fmt::format(
            "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" "
            "stroke=\"{}\" stroke-width=\"3\"{}/>\n",
            px(lx), px(lx + 18), px(h - 14), px(h - 14), escape(s.color),
            s.dashed ? " stroke-dasharray=\"6 4\"" : "");
        out += fmt::format("<text x=\"{}\" y=\"{}\" {} font-size=\"11\">{}</text>\n", px(lx + 22), px(h - 10),
                           kFont, escape(s.label));
        lx += 40 + 6.5 * static_cast<double>(s.label.size());
    }
    out += "</svg>\n";
    return out;
}

std::string bar_chart(const std::vector<Bar>& bars, const BarChartOptions& o) {
    const double label_w = 150, right = 70, top = 34, row = 28, bottom = 40;
    const double w = o.width;
    const double h = top + row * static_cast<double>(bars.size()) + bottom;
    double lo = 0, hi = 0;
    for (const Bar& b : bars) {
        if (std::isfinite(b.value)) {
            lo = std::min(lo, b.value);
            hi = std::max(hi, b.value);
        }
        if (b.reference && std::isfinite(*b.reference)) {
            lo = std::min(lo, *b.reference);
            hi = std::max(hi, *b.reference);
        }
    }
    const std::vector<double> ticks = nice_ticks(lo, hi, 4);
    const Scale sx{ticks.front(), ticks.back(), label_w, w - right};
    const int td = tick_decimals(ticks, 0);
    std::string out = fmt::format(
        "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"{}\" height=\"{}\" "
        "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
        escape(o.id), o.width, px(h), o.width, px(h), escape(o.title));
    out += fmt::format(
        "<text x=\"8\" y=\"18\" {} font-size=\"14\" "
        "font-weight=\"bold\">{}</text>\n",
        kFont, escape(o.title));
    for (double t : ticks) {
        out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n", px(sx(t)),
                           px(sx(t)), px(top - 4), px(h - bottom + 4), t == 0 ? kAxis : kGrid);
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"10\" "
            "text-anchor=\"middle\">{}</text>\n",
            px(sx(t)), px(h - bottom + 18), kFont, dutch(t, td));
    }
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const double y = top + row * static_cast<double>(i);
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"12\" "
            "text-anchor=\"end\">{}</text>\n",
            px(label_w - 8), px(y + row / 2 + 4), kFont, escape(b.label));
        if (std::isfinite(b.value)) {
            const double a = sx(std::min(0.0, b.value)), z = sx(std::max(0.0, b.value));
            out += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                "fill=\"{}\" data-series=\"{}\" data-x=\"{}\" "
                "data-y=\"{}\"><title>{}: {}</title></rect>\n",
                px(a), px(y + 5), px(std::max(z - a, 1.0)), px(row - 10), escape(b.color),
                escape(o.value_label), escape(b.label), machine(b.value), escape(b.label),
                dutch(b.value, o.decimals));
            out += fmt::format("<text x=\"{}\" y=\"{}\" {} font-size=\"10\">{}</text>\n", px(w - right + 6),
                               px(y + row / 2 + 4), kFont, dutch(b.value, o.decimals));
        } else {
            out += fmt::format("<text x=\"{}\" y=\"{}\" {} font-size=\"10\">geen waarde</text>\n",
                               px(label_w + 4), px(y + row / 2 + 4), kFont);
        }
        if (b.reference && std::isfinite(*b.reference)) {
            const double x = sx(*b.reference);
            out += fmt::format(
                "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" "
                "stroke=\"#000000\" stroke-width=\"2\" "
                "data-series=\"{}\" data-x=\"{}\" data-y=\"{}\"/>\n",
                px(x), px(x), px(y + 2), px(y + row - 2), escape(o.reference_label), escape(b.label),
                machine(*b.reference));
        }
    }
    const bool any_reference =
        std::any_of(bars.begin(), bars.end(), [](const Bar& b) { return b.reference.has_value(); });
    if (any_reference) {
        out += fmt::format(
            "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#000000\" "
            "stroke-width=\"2\"/>"
            "<text x=\"{}\" y=\"{}\" {} font-size=\"11\">{}</text>\n",
            px(label_w), px(label_w), px(h - 14), px(h - 2), px(label_w + 6), px(h - 4), kFont,
            escape(o.reference_label));
    }
    out += "</svg>\n";
    return out;
}

std::string stacked_chart(const std::vector<Stack>& stacks, const StackedChartOptions& o) {
    const double left = 50, right = 150, top = 34, bottom = 30;
    const double w = o.width, h = o.height;
    const double plot_w = w - left - right, plot_h = h - top - bottom;
    const double slot = stacks.empty() ? plot_w : plot_w / static_cast<double>(stacks.size());
    std::string out = fmt::format(
        "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"{}\" height=\"{}\" "
        "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
        escape(o.id), o.width, o.height, o.width, o.height, escape(o.title));
    out += fmt::format(
        "<text x=\"8\" y=\"18\" {} font-size=\"14\" "
        "font-weight=\"bold\">{}</text>\n",
        kFont, escape(o.title));
    for (int p = 0; p <= 100; p += 25) {
        const double y = top + plot_h * (1 - p / 100.0);
        out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\n", px(left),
                           px(left + plot_w), px(y), px(y), kGrid);
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"10\" "
            "text-anchor=\"end\">{}%</text>\n",
            px(left - 4), px(y + 4), kFont, p);
    }
    for (std::size_t i = 0; i < stacks.size(); ++i) {
        const Stack& s = stacks[i];
        double total = 0;
        for (double v : s.parts) total += std::isfinite(v) ? v : 0;
        const double x = left + slot * static_cast<double>(i) + slot * 0.15;
        double acc = 0;
        for (std::size_t k = 0; k < s.parts.size(); ++k) {
            const double v = std::isfinite(s.parts[k]) ? s.parts[k] : 0;
            const double y_hi = top + plot_h * (1 - (acc + v) / (total > 0 ? total : 1));
            const double y_lo = top + plot_h * (1 - acc / (total > 0 ? total : 1));
            const std::string name = k < o.part_names.size() ? o.part_names[k] : std::to_string(k + 1);
            const std::string color = k < o.part_colors.size() ? o.part_colors[k] : "#999999";
            out += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                "fill=\"{}\" data-series=\"{}\" data-x=\"{}\" "
                "data-y=\"{}\"><title>{} {}: {}</title></rect>\n",
                px(x), px(y_hi), px(slot * 0.7), px(std::max(y_lo - y_hi, 0.0)), escape(color), escape(name),
                escape(s.label), machine(s.parts[k]), escape(s.label), escape(name),
                dutch_percent(total > 0 ? v / total : std::nan("")));
            acc += v;
        }
        out += fmt::format(
            "<text x=\"{}\" y=\"{}\" {} font-size=\"11\" "
            "text-anchor=\"middle\">{}</text>\n",
            px(x + slot * 0.35), px(h - bottom + 16), kFont, escape(s.label));
    }
    for (std::size_t k = 0; k < o.part_names.size(); ++k) {
        const double y = top + 4 + 18.0 * static_cast<double>(o.part_names.size() - 1 - k);
        const std::string color = k < o.part_colors.size() ? o.part_colors[k] : "#999999";
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>",
                           px(w - right + 10), px(y), escape(color));
        out += fmt::format("<text x=\"{}\" y=\"{}\" {} font-size=\"11\">{}</text>\n", px(w - right + 28),
                           px(y + 10), kFont, escape(o.part_names[k]));
    }
    out += "</svg>\n";
    return out;
}

}  // namespace wz::report
