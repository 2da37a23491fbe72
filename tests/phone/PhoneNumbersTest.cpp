#include <gtest/gtest.h>

#include "phone/PhoneNumbers.h"

namespace vo::core::phone {
namespace {

NormalizedNumber accepted(std::string_view text) {
  NormalizedNumber number;
  const auto reason = normalizePhoneNumber(text, number);
  EXPECT_FALSE(reason) << text << ": " << reason.value_or("");
  return number;
}

std::string refusal(std::string_view text) {
  NormalizedNumber number;
  const auto reason = normalizePhoneNumber(text, number);
  EXPECT_TRUE(reason) << text << " was accepted as " << number.e164;
  return reason.value_or("");
}

TEST(PhoneNumbers, ValidNumbersAreStoredInE164WithTheirRegion) {
  struct Case {
    const char* text;
    const char* e164;
    const char* region;
  };
  for (const Case& c : {Case{"+34631021622", "+34631021622", "ES"},  // the seed's numbers
                        Case{"+34 601 89 31 70", "+34601893170", "ES"},
                        Case{"+1 (212) 555-0123", "+12125550123", "US"},
                        Case{"+1.310.555.0123", "+13105550123", "US"},
                        Case{"+81-3-1234-5678", "+81312345678", "JP"},
                        Case{"+55 11 91234-5678", "+5511912345678", "BR"},
                        Case{"+44 20 7946 0958", "+442079460958", "GB"}}) {
    const NormalizedNumber number = accepted(c.text);
    EXPECT_EQ(number.e164, c.e164) << c.text;
    EXPECT_EQ(number.region, c.region) << c.text;
  }
}

TEST(PhoneNumbers, RefusalsSayWhy) {
  EXPECT_EQ(refusal(""), "must not be empty");
  EXPECT_NE(refusal("34631021622").find("international form"), std::string::npos);
  EXPECT_NE(refusal("0034631021622").find("international form"), std::string::npos);
  EXPECT_NE(refusal("+999 1234 5678").find("country code"), std::string::npos);
  EXPECT_NE(refusal("+hello").find("not a phone number"), std::string::npos);
  EXPECT_EQ(refusal("+3463102162"), "too short for a +34 number");
  EXPECT_EQ(refusal("+3463102162212345"), "too long for a +34 number");
  // The right length, but +1 555 is no area code in use.
  EXPECT_EQ(refusal("+15550100100"), "not a valid +1 number (no such range is in use)");
  EXPECT_EQ(refusal("+34 631 021 622 ext. 12"), "has an extension, which cannot be dialed");
  EXPECT_EQ(refusal("+" + std::string(80, '3')), "longer than 64 characters");
}

}  // namespace
}  // namespace vo::core::phone
