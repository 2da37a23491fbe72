#pragma once

#include <Poco/Version.h>

// Version of the plugin interfaces in this folder. Bump it on any change to a header here that
// alters a vtable, a struct layout or a documented behaviour; the host refuses plugins built
// against another version.
namespace vo::api {
inline constexpr int kApiVersion = 13;
}  // namespace vo::api

#define VO_STRINGIFY_DETAIL(x) #x
#define VO_STRINGIFY(x) VO_STRINGIFY_DETAIL(x)

// Identifies the toolchain and libraries a binary was built with. Host and plugin must agree:
// they share C++ objects (std::string, YAML::Node, spdlog::logger) across the boundary.
#define VO_BUILD_ID                                                                         \
  "gcc-" VO_STRINGIFY(__GNUC__) "." VO_STRINGIFY(__GNUC_MINOR__) ";cxx11abi-" VO_STRINGIFY( \
      _GLIBCXX_USE_CXX11_ABI) ";poco-" VO_STRINGIFY(POCO_VERSION)
