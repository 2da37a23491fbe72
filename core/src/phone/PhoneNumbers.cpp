#include "phone/PhoneNumbers.h"

#include <phonenumbers/phonenumberutil.h>

namespace vo::core::phone {

namespace {

using i18n::phonenumbers::PhoneNumberUtil;

// Longer input is no phone number; libphonenumber's own bound is 250 characters.
constexpr std::size_t kMaxInputLength = 64;

std::string parseErrorReason(PhoneNumberUtil::ErrorType error) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "has no known country code: write it in international form, + then the country "
             "code (+34 601 89 31 70)";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too short to be a phone number";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too long to be a phone number";
    default:
      return "not a phone number";
  }
}

std::string invalidNumberReason(const PhoneNumberUtil& util,
                                const i18n::phonenumbers::PhoneNumber& number) {
  const std::string country = "+" + std::to_string(number.country_code());
  switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::TOO_SHORT:
      return "too short for a " + country + " number";
    case PhoneNumberUtil::TOO_LONG:
      return "too long for a " + country + " number";
    case PhoneNumberUtil::INVALID_LENGTH:
      return "has a length no " + country + " number has";
    default:
      return "not a valid " + country + " number (no such range is in use)";
  }
}

}  // namespace

std::optional<std::string> normalizePhoneNumber(std::string_view text, NormalizedNumber& out) {
  if (text.empty()) return "must not be empty";
  if (text.size() > kMaxInputLength) return "longer than 64 characters";
  if (text.front() != '+') {
    return "must be in international form: + then the country code (+34 601 89 31 70)";
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  // "ZZ": no default region, so only an international number parses.
  const auto error = util.Parse(std::string(text), "ZZ", &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) return parseErrorReason(error);
  if (number.has_extension()) return "has an extension, which cannot be dialed";
  if (!util.IsValidNumber(number)) return invalidNumberReason(util, number);
  out.e164.clear();
  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  out.region.clear();
  util.GetRegionCodeForNumber(number, &out.region);
  return std::nullopt;
}

}  // namespace vo::core::phone
