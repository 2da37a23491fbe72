#include "Bodies.h"

#include <cstdio>

namespace vo::bench {

std::string numberFor(long index) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "+3460%07ld", index % 10000000);
  return buffer;
}

std::string bulkBody(const LoadOptions& options, long first, long count) {
  std::string body = "{\"workspaceId\":\"" + options.workspace + "\",\"agentId\":\"" +
                     options.agent + "\",\"agentPhoneNumberId\":\"" + options.phone +
                     "\",\"from\":\"+34601893170\",\"calls\":[";
  for (long i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += "{\"to\":\"" + numberFor(first + i) +
            "\",\"variables\":{\"businessName\":\"Restaurante Andres\",\"customerName\":\"Juan "
            "P\\u00e9rez\",\"row\":" +
            std::to_string(first + i) + "}}";
  }
  body += "]}";
  return body;
}

std::string priorityBody(const LoadOptions& options, long index) {
  return "{\"workspaceId\":\"" + options.workspace + "\",\"agentId\":\"" + options.agent +
         "\",\"agentPhoneNumberId\":\"" + options.phone + "\",\"to\":\"" + numberFor(index) +
         "\",\"from\":\"+34601893170\",\"variables\":{\"businessName\":\"Restaurante Andres\","
         "\"customerName\":\"Juan P\\u00e9rez\"}}";
}

}  // namespace vo::bench
