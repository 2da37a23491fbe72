# Writes a C++ source whose function returns a text file's contents, so the file ships inside the
# binary (docs/openapi.json, served at GET /openapi.json). Run at build time by a custom command:
#   cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DHEADER=<header to include> -DNAMESPACE=<ns>
#         -DFUNCTION=<name> -P VoEmbedText.cmake
# The text goes in a raw string literal; a file holding its delimiter is refused.
foreach(argument INPUT OUTPUT HEADER NAMESPACE FUNCTION)
  if(NOT DEFINED ${argument})
    message(FATAL_ERROR "VoEmbedText.cmake: -D${argument}=... is required")
  endif()
endforeach()
set(delimiter "vo_embedded_text")
file(READ "${INPUT}" text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${delimiter}\", the raw string's delimiter")
endif()
set(source "// Generated from ${INPUT} by cmake/VoEmbedText.cmake; edit that file instead.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr std::string_view kText = R\"${delimiter}(${text})${delimiter}\";
  return kText;
}

}  // namespace ${NAMESPACE}
")
# Written only when it changes, so an unchanged document recompiles nothing.
file(WRITE "${OUTPUT}.new" "${source}")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
