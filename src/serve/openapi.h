// The HTTP API's routes, in one table that the server registers from and that the OpenAPI 3
// document (GET /openapi.json) is generated from: a route cannot be served undocumented.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpufleet::serve {

enum class Access { open, any_token, tenant, admin };

struct RouteDoc {
  std::string method;      // "get", "post", "delete"
  std::string path;        // OpenAPI template: "/v1/jobs/{id}"
  std::string summary;
  Access access = Access::any_token;
  std::string request_schema;  // components.schemas name of the body, or "" for none
  std::vector<int> statuses;   // every status the route answers with
};

const std::vector<RouteDoc>& api_routes();
nlohmann::ordered_json openapi_document();

}  // namespace gpufleet::serve
