// librpm's own data, read through the library loaded on first use (lazy_rpm.cpp).
#pragma once

namespace hubtel::sbom {

// librpm's version ("4.18.0"), as its RPMVERSION says.
const char* librpm_version();

}  // namespace hubtel::sbom
