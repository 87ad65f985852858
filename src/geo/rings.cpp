#include "geo/rings.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace wz::geo {
namespace {

constexpr std::uint32_t kPolygon = 3;
constexpr std::uint32_t kMultiPolygon = 6;
constexpr std::uint32_t kEwkbZ = 0x80000000U;
constexpr std::uint32_t kEwkbM = 0x40000000U;
constexpr std::uint32_t kEwkbSrid = 0x20000000U;

// A cursor over WKB bytes; the byte order is set by each geometry header.
class WkbCursor {
  public:
    explicit WkbCursor(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t offset() const { return pos_; }

    void read_byte_order() {
        need(1);
        const std::uint8_t order = bytes_[pos_++];
        if (order > 1) fail(fmt::format("a byte-order flag 0 or 1, found {}", order));
        swap_ = (order == 1) != (std::endian::native == std::endian::little);
    }

    std::uint32_t read_u32() {
        need(4);
        std::uint32_t v = 0;
        std::memcpy(&v, bytes_.data() + pos_, 4);
        pos_ += 4;
        return swap_ ? __builtin_bswap32(v) : v;
    }

    double read_f64() {
        need(8);
        std::uint64_t v = 0;
        std::memcpy(&v, bytes_.data() + pos_, 8);
        pos_ += 8;
        if (swap_) v = __builtin_bswap64(v);
        return std::bit_cast<double>(v);
    }

    void skip(std::size_t n) {
        need(n);
        pos_ += n;
    }

    // A count that must fit in the bytes left, given each element needs at least `min_bytes`.
    std::uint32_t read_count(std::size_t min_bytes) {
        const std::uint32_t n = read_u32();
        if (static_cast<std::size_t>(n) * min_bytes > bytes_.size() - pos_) {
            fail(fmt::format("a count that fits the {} bytes left, found {}", bytes_.size() - pos_, n));
        }
        return n;
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(fmt::format("WKB byte {}: expected {}", pos_, what));
    }

  private:
    void need(std::size_t n) const {
        if (bytes_.size() - pos_ < n) fail(fmt::format("{} more bytes, found the end of the geometry", n));
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
    bool swap_ = false;
};

struct GeometryHeader {
    std::uint32_t base_type = 0;
    std::size_t dims = 2;
};

GeometryHeader read_header(WkbCursor& in) {
    in.read_byte_order();
    std::uint32_t type = in.read_u32();
    GeometryHeader h;
    bool has_z = false;
    bool has_m = false;
    if ((type & (kEwkbZ | kEwkbM | kEwkbSrid)) != 0) {
        has_z = (type & kEwkbZ) != 0;
        has_m = (type & kEwkbM) != 0;
        if ((type & kEwkbSrid) != 0) in.skip(4);
        type &= 0x0FFFFFFFU;
    }
    if (type >= 3000 && type < 4000) {
        has_z = has_m = true;
        type -= 3000;
    } else if (type >= 2000 && type < 3000) {
        has_m = true;
        type -= 2000;
    } else if (type >= 1000 && type < 2000) {
        has_z = true;
        type -= 1000;
    }
    h.base_type = type;
    h.dims = 2 + (has_z ? 1 : 0) + (has_m ? 1 : 0);
    return h;
}

// Running sums for the area-weighted centroid of one area, relative to a base point for precision.
struct CentroidSums {
    bool have_base = false;
    double base_x = 0;
    double base_y = 0;
    double area = 0;      // signed so that shells count positive and holes negative
    double moment_x = 0;  // sum of area * centroid, relative to the base point
    double moment_y = 0;
    double line_x = 0;  // length-weighted segment midpoints: the fallback for areas of zero area
    double line_y = 0;
    double length = 0;
    double point_sum_x = 0;  // the fallback when all points coincide
    double point_sum_y = 0;
    std::size_t points = 0;
};

// Ring orientation decided at the ring's highest "cap" (the first highest point reached by a rising
// segment and the falling segment after it), as GEOS/JTS Orientation::isCCW decide it. Unlike the sign
// of the signed area it gives GEOS's answer for self-crossing rings too, so centroids of such areas
// agree with GEOS (sf::st_centroid). A flat or degenerate ring counts as clockwise.
bool ring_is_counter_clockwise_at_cap(const double* xy, std::size_t count) {
    std::size_t n = count;  // points without the closing repetition
    if (n >= 2 && xy[0] == xy[2 * (n - 1)] && xy[1] == xy[2 * (n - 1) + 1]) --n;
    if (n < 3) return false;
    auto px = [&](std::size_t i) { return xy[2 * (i % n)]; };
    auto py = [&](std::size_t i) { return xy[2 * (i % n) + 1]; };
    std::size_t up_hi = 0;
    std::size_t up_low = 0;
    double prev_y = py(0);
    for (std::size_t i = 1; i <= n; ++i) {
        const double y = py(i);
        if (y > prev_y && y >= py(up_hi)) {
            up_hi = i;  // i = n is point 0 again (the closing point)
            up_low = i - 1;
        }
        prev_y = y;
    }
    if (up_hi == 0) return false;  // flat ring
    const double hi_x = px(up_hi);
    const double hi_y = py(up_hi);
    std::size_t down_low = up_hi % n;
    do {
        down_low = (down_low + 1) % n;
    } while (down_low != up_hi % n && py(down_low) == hi_y);
    const std::size_t down_hi = down_low > 0 ? down_low - 1 : n - 1;
    if (px(down_hi) == hi_x && py(down_hi) == hi_y) {
        const bool same_low_hi = px(up_low) == hi_x && py(up_low) == hi_y;
        const bool same_down_hi = px(down_low) == hi_x && py(down_low) == hi_y;
        const bool same_lows = px(up_low) == px(down_low) && py(up_low) == py(down_low);
        if (same_low_hi || same_down_hi || same_lows) return false;
        // Is the falling segment's end to the left of the rising segment (up_low -> up_hi)?
        const double det = (hi_x - px(up_low)) * (py(down_low) - py(up_low)) -
                           (hi_y - py(up_low)) * (px(down_low) - px(up_low));
        return det > 0;
    }
    return px(down_hi) - hi_x < 0;  // flat cap: its direction decides
}

void add_ring_to_centroid(const double* xy, std::size_t count, bool is_shell, CentroidSums& c) {
    if (count == 0) return;
    if (!c.have_base) {
        c.base_x = xy[0];
        c.base_y = xy[1];
        c.have_base = true;
    }
    double twice_area = 0;
    double mx = 0;
    double my = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t j = (i + 1 == count) ? 0 : i + 1;
        const double x0 = xy[2 * i] - c.base_x;
        const double y0 = xy[2 * i + 1] - c.base_y;
        const double x1 = xy[2 * j] - c.base_x;
        const double y1 = xy[2 * j + 1] - c.base_y;
        const double cross = x0 * y1 - x1 * y0;
        twice_area += cross;
        mx += (x0 + x1) * cross;
        my += (y0 + y1) * cross;
        c.point_sum_x += xy[2 * i];
        c.point_sum_y += xy[2 * i + 1];
        const double len = std::hypot(x1 - x0, y1 - y0);
        c.line_x += len * (x0 + x1) / 2.0;
        c.line_y += len * (y0 + y1) / 2.0;
        c.length += len;
    }
    c.points += count;
    const double ring_area = twice_area / 2.0;
    // Shells add their area, holes subtract theirs, whatever the ring orientation (for simple rings
    // the signed area's sign and the cap orientation agree).
    const double orientation = ring_is_counter_clockwise_at_cap(xy, count) ? 1.0 : -1.0;
    const double sign = is_shell ? orientation : -orientation;
    c.area += sign * ring_area;
    c.moment_x += sign * mx / 6.0;
    c.moment_y += sign * my / 6.0;
}

void read_polygon_body(WkbCursor& in, std::size_t dims, AreaRings& out, CentroidSums& c) {
    const std::uint32_t rings = in.read_count(4);
    for (std::uint32_t r = 0; r < rings; ++r) {
        const std::uint32_t points = in.read_count(dims * 8);
        const std::size_t first = out.xy.size();
        for (std::uint32_t p = 0; p < points; ++p) {
            const double x = in.read_f64();
            const double y = in.read_f64();
            for (std::size_t d = 2; d < dims; ++d) (void)in.read_f64();
            if (!std::isfinite(x) || !std::isfinite(y)) in.fail("finite coordinates");
            out.xy.push_back(x);
            out.xy.push_back(y);
        }
        if (points == 0) continue;  // an empty ring adds nothing
        out.ring_start.push_back(out.xy.size() / 2);
        add_ring_to_centroid(out.xy.data() + first, points, r == 0, c);
    }
}

}  // namespace

void append_wkb_area(std::span<const std::uint8_t> wkb, AreaRings& out) {
    const std::size_t xy_before = out.xy.size();
    const std::size_t rings_before = out.ring_start.size();
    CentroidSums c;
    try {
        if (!wkb.empty()) {
            WkbCursor in(wkb);
            const GeometryHeader h = read_header(in);
            if (h.base_type == kPolygon) {
                read_polygon_body(in, h.dims, out, c);
            } else if (h.base_type == kMultiPolygon) {
                const std::uint32_t parts = in.read_count(9);
                for (std::uint32_t i = 0; i < parts; ++i) {
                    const GeometryHeader ph = read_header(in);
                    if (ph.base_type != kPolygon)
                        in.fail(fmt::format("a polygon inside a multipolygon, found type {}", ph.base_type));
                    read_polygon_body(in, ph.dims, out, c);
                }
            } else {
                in.fail(
                    fmt::format("a Polygon (3) or MultiPolygon (6), found geometry type {}", h.base_type));
            }
        }
    } catch (...) {
        // Leave `out` as it was.
        out.xy.resize(xy_before);
        out.ring_start.resize(rings_before);
        throw;
    }
    out.area_start.push_back(out.ring_start.size() - 1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (c.points == 0) {
        out.centroid_x.push_back(nan);
        out.centroid_y.push_back(nan);
        out.area.push_back(0.0);
    } else if (c.area != 0.0) {
        out.centroid_x.push_back(c.base_x + c.moment_x / c.area);
        out.centroid_y.push_back(c.base_y + c.moment_y / c.area);
        out.area.push_back(c.area);
    } else if (c.length > 0) {
        out.centroid_x.push_back(c.base_x + c.line_x / c.length);
        out.centroid_y.push_back(c.base_y + c.line_y / c.length);
        out.area.push_back(0.0);
    } else {
        const auto n = static_cast<double>(c.points);
        out.centroid_x.push_back(c.point_sum_x / n);
        out.centroid_y.push_back(c.point_sum_y / n);
        out.area.push_back(0.0);
    }
}

AreaRings rings_of_layer(const VectorLayer& layer) {
    AreaRings out;
    out.area_start.reserve(layer.features.size() + 1);
    out.centroid_x.reserve(layer.features.size());
    out.centroid_y.reserve(layer.features.size());
    out.area.reserve(layer.features.size());
    std::size_t bytes = 0;
    for (const auto& f : layer.features) bytes += f.wkb.size();
    out.xy.reserve(bytes / 8);
    for (const auto& f : layer.features) {
        try {
            append_wkb_area(f.wkb, out);
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("{}:layer {}:feature {}", layer.source, layer.layer_name, f.fid), 0,
                             0, "a readable polygon geometry", e.what());
        }
    }
    return out;
}

}  // namespace wz::geo
