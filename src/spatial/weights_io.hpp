#pragma once
// GeoDa's weights files as text (the caller reads and writes the file): GAL (neighbour lists) and GWT
// (weighted links). Areas are named by their ids, as GeoDa, PySAL (libpysal.io) and spdep
// (read.gal, read.gwt2nb) read them.
#include <span>
#include <string>
#include <string_view>

#include "spatial/weights.hpp"

namespace wz::spatial {

// GAL: header "0 N wijkzicht KEY", then per area a line "ID K" and a line with the K neighbour ids
// (empty for an island). `key` names the id field in the header (no spaces).
std::string format_gal(const Weights& w, std::span<const std::string> ids, std::string_view key = "id");
// GWT: header "0 N wijkzicht KEY", then one line "FROM TO WEIGHT" per link.
std::string format_gwt(const Weights& w, std::span<const std::string> ids, std::string_view key = "id");

// Reads GAL text (header "N" or "0 N SOURCE KEY") for the areas `ids`: every area must appear exactly
// once and every neighbour must be one of `ids`. Binary weights; asymmetric files (k nearest
// neighbours) stay asymmetric. Errors are InputErrors naming `source` and the line.
Weights parse_gal(std::string_view text, std::span<const std::string> ids, const std::string& source);
// Reads GWT text: links "FROM TO WEIGHT" between `ids` (areas without links are islands). General
// weights (transform kGeneral) as given; a link given twice is an error.
Weights parse_gwt(std::string_view text, std::span<const std::string> ids, const std::string& source);

}  // namespace wz::spatial
