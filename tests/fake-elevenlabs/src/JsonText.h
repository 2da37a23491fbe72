#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace vo::fake_elevenlabs {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A compact JSON writer and the text it has written.
class JsonText {
 public:
  JsonWriter& writer() { return writer_; }
  std::string str() const { return {buffer_.GetString(), buffer_.GetSize()}; }

 private:
  rapidjson::StringBuffer buffer_;
  JsonWriter writer_{buffer_};
};

}  // namespace vo::fake_elevenlabs
