#pragma once
// Small geometry builders for the spatial tests: WKB polygons written by hand, so the tests exercise
// the WKB decoder (geo/rings) and the weights builders together.
#include <cstdint>
#include <cstring>
#include <vector>

#include "geo/rings.hpp"
#include "spatial/weights.hpp"

namespace wz::test {

class WkbWriter {
  public:
    explicit WkbWriter(bool big_endian = false) : big_(big_endian) {}
    void byte_order() { bytes_.push_back(big_ ? 0 : 1); }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            const int shift = big_ ? 8 * (3 - i) : 8 * i;
            bytes_.push_back(static_cast<std::uint8_t>((v >> shift) & 0xffU));
        }
    }
    void f64(double d) {
        std::uint64_t v = 0;
        std::memcpy(&v, &d, 8);
        for (int i = 0; i < 8; ++i) {
            const int shift = big_ ? 8 * (7 - i) : 8 * i;
            bytes_.push_back(static_cast<std::uint8_t>((v >> shift) & 0xffU));
        }
    }
    std::vector<std::uint8_t>& bytes() { return bytes_; }

  private:
    bool big_;
    std::vector<std::uint8_t> bytes_;
};

using Ring = std::vector<std::pair<double, double>>;
using PolygonRings = std::vector<Ring>;  // shell first, then holes

// ISO WKB MultiPolygon of the given polygons.
inline std::vector<std::uint8_t> multipolygon_wkb(const std::vector<PolygonRings>& polygons,
                                                  bool big_endian = false) {
    WkbWriter w(big_endian);
    w.byte_order();
    w.u32(6);
    w.u32(static_cast<std::uint32_t>(polygons.size()));
    for (const auto& poly : polygons) {
        w.byte_order();
        w.u32(3);
        w.u32(static_cast<std::uint32_t>(poly.size()));
        for (const auto& ring : poly) {
            w.u32(static_cast<std::uint32_t>(ring.size()));
            for (const auto& [x, y] : ring) {
                w.f64(x);
                w.f64(y);
            }
        }
    }
    return w.bytes();
}

// A closed counter-clockwise square ring with lower-left corner (x, y).
inline Ring square_ring(double x, double y, double size = 1.0) {
    return {{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}};
}

// Unit squares on a rows x cols grid, row-major from the lower-left: area r*cols+c has corner (c, r).
inline geo::AreaRings square_grid(int rows, int cols) {
    geo::AreaRings rings;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) geo::append_wkb_area(multipolygon_wkb({{square_ring(c, r)}}), rings);
    }
    return rings;
}

inline spatial::PolygonView view_of(const geo::AreaRings& rings) {
    return spatial::PolygonView{rings.xy, rings.ring_start, rings.area_start};
}

inline std::vector<std::uint32_t> row_of(const spatial::Weights& w, std::size_t i) {
    const auto r = w.neighbours_of(i);
    return {r.begin(), r.end()};
}

}  // namespace wz::test
