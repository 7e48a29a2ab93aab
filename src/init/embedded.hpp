// The templates of new function projects (templates/init), embedded into the helper at build time.
#pragma once

#include <map>
#include <string_view>

namespace hubtel::init {

// Each template by its path below templates/init ("cpp/CMakeLists.txt.mustache").
const std::map<std::string_view, std::string_view>& embedded_templates();

}  // namespace hubtel::init
