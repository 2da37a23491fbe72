// Request bodies of the priority, registry and campaign routes: the JSON parser, the field
// checks the routes make, and the compact re-serialization (which must parse back the same).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/JsonReader.h"
#include "http/JsonWriter.h"
#include "http/Validation.h"

using namespace vo::core::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const std::optional<JsonValue> value = parseJson(text, error);
  if (!value) return 0;
  const std::string compact = toJson(*value);
  std::string again;
  const std::optional<JsonValue> reparsed = parseJson(compact, again);
  if (!reparsed) std::abort();  // what the parser took, its writer must give back parseable
  if (toJson(*reparsed) != compact) std::abort();
  if (!value->isObject()) return 0;
  // The checks the routes run on a body's fields; their refusals are fine, crashes are not.
  const ObjectFields fields(*value, "");
  std::string out;
  int count = 0;
  double rate = 0;
  bool flag = false;
  (void)fields.onlyKnown({"workspaceId", "agentId", "to", "variables", "name"});
  (void)fields.requiredId("workspaceId", out);
  (void)fields.requiredName("name", out);
  (void)fields.requiredPhone("to", out);
  (void)fields.optionalSecret("providerApiKey", out);
  (void)fields.optionalCount("maxConcurrentCalls", 100000, count);
  (void)fields.optionalRate("callsPerSecond", 10000, rate);
  (void)fields.optionalBool("sharedAcrossWorkspaces", flag);
  (void)fields.optionalVariables("variables", ValidationLimits{}, out);
  return 0;
}
