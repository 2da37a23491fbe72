// docs/openapi.json against the router's own route table: every route the API serves is described
// with its method, and every operation described is a route the API serves. (That the document
// is valid OpenAPI 3.1 is tests/openapi's check, with a validator on node.)
#include <cctype>
#include <set>
#include <utility>

#include "ApiFixture.h"
#include "http/OpenApiDocument.h"
#include "vo/testing/Json.h"

namespace vo::core::http::testing {
namespace {

using vo::testing::Json;
// (method, path) as OpenAPI writes a path: the router's patterns use the same "{name}" syntax,
// so a route's pattern is its OpenAPI path as it is.
using Operation = std::pair<std::string, std::string>;

const std::set<std::string> kOpenApiMethods{"get",     "put",  "post",  "delete",
                                            "options", "head", "patch", "trace"};

std::set<Operation> routedOperations(const Router& router) {
  std::set<Operation> operations;
  for (const Route& route : router.routes()) operations.emplace(route.method, route.pattern);
  return operations;
}

std::set<Operation> documentedOperations(const Json& document) {
  std::set<Operation> operations;
  for (const auto& [path, item] : document["paths"].members()) {
    for (const auto& [key, operation] : item.members()) {
      if (!kOpenApiMethods.contains(key)) continue;  // "parameters", "summary", ...
      std::string method = key;
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operations.emplace(method, path);
    }
  }
  return operations;
}

// "GET /a, POST /b" for the operations of `these` that `others` lacks; "" when none.
std::string notIn(const std::set<Operation>& these, const std::set<Operation>& others) {
  std::string listed;
  for (const auto& operation : these) {
    if (others.contains(operation)) continue;
    listed += (listed.empty() ? "" : ", ") + operation.first + " " + operation.second;
  }
  return listed;
}

// The "{name}" placeholders of an OpenAPI path, in order.
std::set<std::string> placeholders(const std::string& path) {
  std::set<std::string> names;
  for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
    const std::size_t close = path.find('}', open);
    names.insert(path.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

// A parameter object, or the one its "$ref": "#/components/parameters/<name>" names.
Json resolveParameter(const Json& document, const Json& parameter) {
  if (!parameter.has("$ref")) return parameter;
  const std::string prefix = "#/components/parameters/";
  const std::string ref = parameter["$ref"].string();
  EXPECT_TRUE(ref.starts_with(prefix)) << ref;
  return document["components"]["parameters"][ref.substr(prefix.size())];
}

using OpenApi = ApiFixture;

TEST_F(OpenApi, EveryRouteIsDescribedAndEveryDescribedOperationIsARoute) {
  const Json document = Json::parse(openApiDocument());
  const std::set<Operation> routed = routedOperations(api_->router());
  const std::set<Operation> documented = documentedOperations(document);
  ASSERT_GE(routed.size(), 20u) << "the route table looks empty";
  EXPECT_EQ(notIn(routed, documented), "")
      << "routes missing from docs/openapi.json's paths (add each with its parameters, body, "
         "answers and errors)";
  EXPECT_EQ(notIn(documented, routed), "")
      << "operations in docs/openapi.json that no route serves (stale: remove or fix them)";
}

TEST(OpenApiComparison, CatchesAMissingAndAStaleOperation) {
  // A route table of two against a document describing one of them and one that does not exist.
  Router router;
  router.add("GET", "/calls/{id}", [](const RouteContext&) { return ApiResponse{}; });
  router.add("POST", "/calls/bulk", [](const RouteContext&) { return ApiResponse{}; });
  const Json document = Json::parse(R"({"paths": {"/calls/{id}": {"get": {}, "parameters": []},
                                                  "/calls/old": {"delete": {}}}})");
  const std::set<Operation> routed = routedOperations(router);
  const std::set<Operation> documented = documentedOperations(document);
  EXPECT_EQ(notIn(routed, documented), "POST /calls/bulk");
  EXPECT_EQ(notIn(documented, routed), "DELETE /calls/old");
}

TEST_F(OpenApi, EachPathPlaceholderIsADeclaredPathParameter) {
  const Json document = Json::parse(openApiDocument());
  for (const auto& [path, item] : document["paths"].members()) {
    for (const auto& [method, operation] : item.members()) {
      if (!kOpenApiMethods.contains(method)) continue;
      std::set<std::string> declared;
      for (const Json& source : {item, operation}) {
        if (!source.has("parameters")) continue;
        for (const Json& parameter : source["parameters"].elements()) {
          const Json resolved = resolveParameter(document, parameter);
          if (resolved["in"].string() != "path") continue;
          EXPECT_TRUE(resolved["required"].boolean()) << method << " " << path;
          declared.insert(resolved["name"].string());
        }
      }
      EXPECT_EQ(declared, placeholders(path)) << method << " " << path;
    }
  }
}

TEST_F(OpenApi, ServedWithoutAKeyAsJson) {
  const ApiResponse served = get("/openapi.json", "");
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.contentType, "application/json");
  EXPECT_EQ(served.body, openApiDocument());
  EXPECT_EQ(Json::parse(served.body)["openapi"].string(), "3.1.0");
  // A key changes nothing: the document is the same for everyone.
  EXPECT_EQ(get("/openapi.json").body, served.body);
}

}  // namespace
}  // namespace vo::core::http::testing
