#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vo::core::phone {

// A number as the service stores and dials it.
struct NormalizedNumber {
  std::string e164;    // "+34601893170"
  std::string region;  // ISO 3166-1 alpha-2 ("ES"), "001" for non-geographic numbers
};

// Parses an international number with libphonenumber (the country code is required: spaces,
// dashes, dots and brackets are allowed) and keeps it only when it is a valid number of its
// country. Returns the reason it is refused, or nullopt with `out` filled.
std::optional<std::string> normalizePhoneNumber(std::string_view text, NormalizedNumber& out);

}  // namespace vo::core::phone
