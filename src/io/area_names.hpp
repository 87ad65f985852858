#pragma once
// Region names as CBS writes them in StatLine downloads ("Aa en Hunze", "'s-Gravenhage (gemeente)",
// "Bergen (NH.)", "Groningen (PV)", "Nederland") matched to area codes. Pure: a list of named areas in,
// the areas a name can mean out; the caller decides what an ambiguous or unknown name is.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.hpp"

namespace wz {

struct NamedArea {
    std::string code;  // GM0014, PV20, WK001400, BU00140000, NL00
    std::string name;  // as the boundary layer has it
    Level level = Level::kGemeente;
    std::string provincie;  // PV20 ... PV31 where the layer links it, else empty
};

// Lower case, accents folded (é -> e, ë -> e, â -> a, …), the apostrophes ’ ‘ ` ´ as ', '-' and '.' and
// runs of spaces as they come but trimmed and single: "’s-Gravenhage  " -> "'s-gravenhage".
std::string normalise_area_name(std::string_view name);

class AreaNameIndex {
  public:
    AreaNameIndex() = default;
    // The land (NL00, "Nederland") is added when absent.
    explicit AreaNameIndex(std::vector<NamedArea> areas);

    // Every area the name can mean, by these rules in order: the whole name as a layer has it
    // ("Bergen (NH.)" in a layer that names it so); "Nederland" is NL00; a CBS suffix narrows the bare
    // name: a level ("(gemeente)", "(PV)", "(CR)", "(CP)", "(wijk)", "(buurt)") or a province ("(NH.)",
    // "(Z-H.)", "(L.)", "(LB.)", "(NB.)", "(Gld.)", "(O.)", "(U.)", "(Fr.)", "(Gr.)", "(Dr.)", "(Fl.)",
    // "(Z.)": the areas of that province, by their provincie link). Indexes into areas().
    std::vector<std::size_t> candidates(std::string_view name) const;
    // The `n` names nearest to `name` (edit distance on the normalised forms) as "Name (CODE)", for
    // error messages.
    std::vector<std::string> closest(std::string_view name, std::size_t n) const;

    const std::vector<NamedArea>& areas() const { return areas_; }
    bool empty() const { return areas_.empty(); }

  private:
    std::vector<NamedArea> areas_;
    std::vector<std::string> normalised_;
    std::vector<std::string> bare_;  // the normalised name without a trailing "(...)"
};

}  // namespace wz
