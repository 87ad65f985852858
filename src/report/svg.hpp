#pragma once
// Inline SVG charts and HTML helpers for the reports: no scripts, no external
// resources, every drawn value also written as a data- attribute (data-series,
// data-x, data-y) so a reader (or a test) can take the numbers back out of the
// picture.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wz::report {

// HTML text and attribute escaping (& < > " ').
std::string escape(std::string_view text);
// A number in Dutch notation with `decimals` decimals ("4,27", "-0,012"); "–"
// when not finite.
std::string dutch(double value, int decimals);
// A whole number with thousands separated by points ("17.901.234"); "–" when
// not finite.
std::string dutch_count(double value);
// A share as a percentage ("3,9%"); "–" when not finite.
std::string dutch_percent(double share, int decimals = 1);
// A number for a data- attribute: shortest round-trip form, "" when not finite.
std::string machine(double value);

// Tick positions: about `count` round numbers (1, 2 or 5 times a power of ten)
// covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

struct Series {
    std::string label;
    std::string color;         // "#rrggbb"
    std::vector<double> x, y;  // NaN y: a gap
    bool dashed = false;
};

struct LineChartOptions {
    std::string id;       // the chart's element id
    std::string title;    // drawn above the chart
    std::string y_label;  // drawn beside the y axis
    int y_decimals = 2;
    int width = 640, height = 280;
};
// Lines over a numeric x (years): axes, ticks, a point per value (circle with
// data- attributes), legend.
std::string line_chart(const std::vector<Series>& series, const LineChartOptions& options);

struct Bar {
    std::string label;
    double value = 0;                 // NaN: no bar ("geen waarde")
    std::optional<double> reference;  // drawn as a marker (e.g. the country)
    std::string color = "#4477aa";
};
struct BarChartOptions {
    std::string id, title;
    std::string value_label = "waarde";
    std::string reference_label = "Nederland";
    int decimals = 3;
    int width = 640;
};
// Horizontal bars around zero with an optional reference marker per bar.
std::string bar_chart(const std::vector<Bar>& bars, const BarChartOptions& options);

struct Stack {
    std::string label;          // "2012"
    std::vector<double> parts;  // shares or counts, one per part
};
struct StackedChartOptions {
    std::string id, title;
    std::vector<std::string> part_names, part_colors;
    int width = 640, height = 300;
};
// Vertical bars of stacked parts (shares per class per year), scaled to each
// bar's total = 100%.
std::string stacked_chart(const std::vector<Stack>& stacks, const StackedChartOptions& options);

}  // namespace wz::report
