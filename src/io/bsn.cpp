// The BSN 11-test (the undermining extract itself goes into the protected zone: io/protected_zone.cpp).
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

}  // namespace wz
