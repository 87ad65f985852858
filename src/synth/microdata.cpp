#include "synth/parts.hpp"

namespace wz::synth {

nlohmann::json write_microdata(const Country&, const KeyFigures&, const std::string&, const Progress&) { return nlohmann::json::object(); }

}  // namespace wz::synth
