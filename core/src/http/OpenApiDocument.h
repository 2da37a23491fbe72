#pragma once

#include <string_view>

namespace vo::core::http {

// docs/openapi.json as it was at build time (cmake/VoEmbedText.cmake writes the definition),
// served at GET /openapi.json. tests/http/OpenApiTest.cpp checks it names every route.
std::string_view openApiDocument();

}  // namespace vo::core::http
