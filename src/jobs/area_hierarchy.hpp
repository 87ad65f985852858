#pragma once
// The hierarchy of areas above the buurten of one vintage, read from the store's area layers.
#include <string>

#include "io/dataset.hpp"
#include "monitor/aggregate.hpp"

namespace wz::jobs {

// buurt -> wijk -> gemeente -> COROP-plus -> COROP -> provincie -> Nederland. Parent codes come from
// the buurt layer (wijk, gemeente) and from the gemeente layers in the store (corop_plus, corop,
// provincie; any vintage, newest first), else from the codes themselves (WK###### -> GM####). Levels
// that no buurt reaches are left out. `unlinked` counts buurten without a link at some level.
monitor::AreaHierarchy area_hierarchy(const std::string& store, const AreaLayer& buurten,
                                      std::size_t* unlinked);

}  // namespace wz::jobs
