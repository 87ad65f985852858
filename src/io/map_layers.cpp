#include "io/map_layers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace wz {
namespace {

class WkbReader {
  public:
    explicit WkbReader(const std::vector<std::uint8_t>& wkb) : wkb_(wkb) {}

    void geometry(std::array<double, 4>& env, bool& any) {
        const bool little = byte() == 1;
        std::uint32_t type = u32(little);
        // ISO (1000s) and EWKB-style (high bits) Z/M flags.
        bool z = false, m = false;
        if ((type & 0x80000000u) != 0) z = true;
        if ((type & 0x40000000u) != 0) m = true;
        type &= 0x0fffffffu;
        if (type >= 3000) {
            z = m = true;
            type -= 3000;
        } else if (type >= 2000) {
            m = true;
            type -= 2000;
        } else if (type >= 1000) {
            z = true;
            type -= 1000;
        }
        const std::size_t dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
        switch (type) {
            case 1:
                points(1, dims, little, env, any);
                break;
            case 2:
                points(u32(little), dims, little, env, any);
                break;
            case 3: {
                const std::uint32_t rings = u32(little);
                for (std::uint32_t r = 0; r < rings; ++r) points(u32(little), dims, little, env, any);
                break;
            }
            case 4:
            case 5:
            case 6:
            case 7: {
                const std::uint32_t parts = u32(little);
                for (std::uint32_t p = 0; p < parts; ++p) geometry(env, any);
                break;
            }
            default:
                throw std::runtime_error(fmt::format("WKB: unsupported geometry type {}", type));
        }
    }

  private:
    void need(std::size_t n) const {
        if (wkb_.size() - at_ < n || at_ > wkb_.size()) throw std::runtime_error("WKB: truncated geometry");
    }
    std::uint8_t byte() {
        need(1);
        return wkb_[at_++];
    }
    std::uint32_t u32(bool little) {
        need(4);
        std::uint8_t b[4];
        std::memcpy(b, wkb_.data() + at_, 4);
        at_ += 4;
        if (!little) std::reverse(b, b + 4);
        std::uint32_t v = 0;
        std::memcpy(&v, b, 4);
        return v;
    }
    double f64(bool little) {
        need(8);
        std::uint8_t b[8];
        std::memcpy(b, wkb_.data() + at_, 8);
        at_ += 8;
        if (!little) std::reverse(b, b + 8);
        double v = 0;
        std::memcpy(&v, b, 8);
        return v;
    }
    void points(std::uint32_t n, std::size_t dims, bool little, std::array<double, 4>& env, bool& any) {
        need(static_cast<std::size_t>(n) * dims * 8);
        for (std::uint32_t i = 0; i < n; ++i) {
            const double x = f64(little), y = f64(little);
            for (std::size_t d = 2; d < dims; ++d) f64(little);
            if (std::isnan(x) || std::isnan(y)) continue;  // an empty point
            env[0] = std::min(env[0], x);
            env[1] = std::min(env[1], y);
            env[2] = std::max(env[2], x);
            env[3] = std::max(env[3], y);
            any = true;
        }
    }

    const std::vector<std::uint8_t>& wkb_;
    std::size_t at_ = 0;
};

}  // namespace

std::optional<std::array<double, 4>> wkb_envelope(const std::vector<std::uint8_t>& wkb) {
    if (wkb.empty()) return std::nullopt;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::array<double, 4> env = {kInf, kInf, -kInf, -kInf};
    bool any = false;
    WkbReader(wkb).geometry(env, any);
    if (!any) return std::nullopt;
    return env;
}

std::vector<std::uint8_t> promote_to_multipolygon(const std::vector<std::uint8_t>& wkb) {
    if (wkb.size() < 5) return wkb;
    const bool little = wkb[0] == 1;
    std::uint8_t t[4];
    std::memcpy(t, wkb.data() + 1, 4);
    if (!little) std::reverse(t, t + 4);
    std::uint32_t type = 0;
    std::memcpy(&type, t, 4);
    if (type != 3) return wkb;  // 2D polygons only; every area layer holds 2D geometries
    std::vector<std::uint8_t> out = {1, 6, 0, 0, 0, 1, 0, 0, 0};  // little endian, MultiPolygon, 1 part
    out.insert(out.end(), wkb.begin(), wkb.end());
    return out;
}

std::vector<std::uint8_t> gpkg_geometry_blob(const std::vector<std::uint8_t>& wkb, std::int32_t srs_id) {
    const auto env = wkb_envelope(wkb);
    // flags: bit 0 little endian; bits 1-3 envelope (1: minx, maxx, miny, maxy); bit 4 empty geometry.
    const std::uint8_t flags = env ? 0x03 : 0x11;
    std::vector<std::uint8_t> out = {'G', 'P', 0, flags};
    const auto put = [&](const void* p, std::size_t n) {
        const auto* b = static_cast<const std::uint8_t*>(p);
        out.insert(out.end(), b, b + n);
    };
    put(&srs_id, 4);
    if (env) {
        for (const double v : {(*env)[0], (*env)[2], (*env)[1], (*env)[3]}) put(&v, 8);
    }
    out.insert(out.end(), wkb.begin(), wkb.end());
    return out;
}

}  // namespace wz
