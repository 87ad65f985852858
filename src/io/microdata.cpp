// The undermining micro-data extract: checked completely, identifiers pseudonymised.
#include <fmt/format.h>

#include "core/error.hpp"
#include "io/synth_sources.hpp"

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

std::vector<Dataset> import_microdata(const std::string& dir, const MicrodataOptions&) {
    throw UsageError(fmt::format("import microdata {}: not implemented yet", dir));
}

}  // namespace wz
