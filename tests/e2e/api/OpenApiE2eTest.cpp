// GET /openapi.json from the real process: the document built into the binary, with no key.
#include "ApiE2e.h"
#include "vo/testing/Json.h"

namespace vo::e2e {
namespace {

using OpenApiE2e = ApiE2e;

TEST_F(OpenApiE2e, ServesTheOpenApi31DocumentWithoutAKey) {
  vo::testing::HttpClient anonymous(server_->port());
  auto response = anonymous.get("/openapi.json");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  const vo::testing::Json document = response.json();
  EXPECT_EQ(document["openapi"].string(), "3.1.0");
  EXPECT_TRUE(document["paths"].has("/calls/priority"));
  EXPECT_TRUE(document["paths"].has("/calls/bulk"));
}

}  // namespace
}  // namespace vo::e2e
