#include "serve/openapi.h"

#include <fmt/format.h>

namespace gpufleet::serve {

namespace {
// 200 done, 400 bad request, 401 no or unknown token, 403 wrong role or tenant, 404 no such
// job, 409 conflicts with the state, 413 body too large, 429 rate limit, 503 not durable.
const std::vector<int> kMutating = {200, 400, 401, 403, 404, 409, 413, 429, 503};
}  // namespace

const std::vector<RouteDoc>& api_routes() {
  static const std::vector<RouteDoc> routes = {
      {"get", "/openapi.json", "This document.", Access::open, "", {200}},
      {"get", "/healthz", "Liveness and whether changes are still made durable.", Access::open, "", {200, 503}},
      {"get", "/metrics", "Prometheus text: queue length, decisions, decision latency, GPUs per pool, spend.", Access::admin, "", {200, 401, 403, 429}},
      {"post", "/v1/jobs", "Submit a job (acknowledged once committed; an idempotency key makes retries safe).", Access::tenant,
       "JobRequest", {201, 400, 401, 403, 413, 429, 503}},
      {"get", "/v1/jobs", "List jobs (query: tenant, state, site, after, limit).", Access::any_token, "", {200, 400, 401, 403, 429}},
      {"get", "/v1/jobs/{id}", "One job: state, placement, and why it is pending.", Access::any_token, "", {200, 401, 404, 429}},
      {"delete", "/v1/jobs/{id}", "Cancel a job.", Access::any_token, "", {200, 401, 404, 409, 429, 503}},
      {"post", "/v1/jobs/{id}/events", "An event from the job's runner: started, finished, failed, preempted.", Access::admin,
       "JobEvent", kMutating},
      {"get", "/v1/fleet", "Pools: capacity, allocated and free GPUs, outages.", Access::any_token, "", {200, 401, 429}},
      {"post", "/v1/fleet/outages", "An outage of a site or provider begins or ends; jobs there fail over.", Access::admin, "Outage",
       kMutating},
      {"post", "/v1/fleet/nodes/{id}", "A node failed (down: its jobs are requeued) or was repaired, or the operator drains it (drain: no new job starts there and it leaves service when its jobs end) or ends the drain.", Access::admin, "NodeState", kMutating},
      {"get", "/v1/tenants/{name}", "A tenant's usage against its quota, borrowed GPUs and spend by provider.", Access::any_token, "",
       {200, 401, 403, 429}},
      {"post", "/v1/admin/clock", "Move the virtual clock (servers started with --clock virtual), then dispatch unless dispatch is false; lists the jobs stopped and started on the way (with their expected ends) and the next capacity step or policy timer.", Access::admin,
       "ClockAdvance", kMutating},
  };
  return routes;
}

nlohmann::ordered_json openapi_document() {
  using J = nlohmann::ordered_json;
  J doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "gpufleet serve"}, {"version", "1"},
                 {"description", "Where each job runs now: placement across providers with the simulator's own policies."}};
  doc["components"]["securitySchemes"]["bearer"] = {{"type", "http"}, {"scheme", "bearer"}};
  J duration = {{"oneOf", J::array({J{{"type", "number"}, {"minimum", 0}}, J{{"type", "string"}, {"example", "2h"}}})}};
  doc["components"]["schemas"]["JobRequest"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", J::array({"gpus", "estimated_duration"})},
      {"properties",
       {{"name", {{"type", "string"}, {"maxLength", 256}}},
        {"gpus", {{"type", "integer"}, {"minimum", 1}}},
        {"accelerators", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"jurisdiction", {{"type", "string"}}},
        {"kind", {{"type", "string"}, {"enum", J::array({"training", "research", "inference"})}}},
        {"priority", {{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}},
        {"estimated_duration", duration},
        {"checkpoint_interval", duration},
        {"idempotency_key", {{"type", "string"}, {"maxLength", 128}}}}}};
  doc["components"]["schemas"]["JobEvent"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", J::array({"event"})},
      {"properties", {{"event", {{"type", "string"}, {"enum", J::array({"started", "finished", "failed", "preempted"})}}},
                      {"node", {{"type", "integer"}}}}}};
  doc["components"]["schemas"]["Outage"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", J::array({"down"})},
      {"properties", {{"site", {{"type", "string"}}}, {"provider", {{"type", "string"}}}, {"down", {{"type", "boolean"}}}}}};
  doc["components"]["schemas"]["NodeState"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "exactly one of down and drain"},
      {"properties", {{"down", {{"type", "boolean"}}}, {"drain", {{"type", "boolean"}}}}}};
  doc["components"]["schemas"]["ClockAdvance"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", J::array({"advance_to_s"})},
      {"properties", {{"advance_to_s", {{"type", "number"}}}, {"dispatch", {{"type", "boolean"}, {"default", true}}}}}};
  doc["components"]["schemas"]["Error"] = {
      {"type", "object"}, {"properties", {{"error", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}};
  J paths = J::object();
  for (const RouteDoc& r : api_routes()) {
    J op;
    op["summary"] = r.summary;
    op["security"] = r.access == Access::open ? J::array() : J::array({J{{"bearer", J::array()}}});
    if (r.path.find("{id}") != std::string::npos)
      op["parameters"] = J::array({J{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}}});
    if (r.path.find("{name}") != std::string::npos)
      op["parameters"] = J::array({J{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}});
    if (!r.request_schema.empty())
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + r.request_schema}}}}}}}};
    for (int status : r.statuses) {
      J resp = {{"description", status < 400 ? "OK" : "error"}};
      if (status >= 400) resp["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/Error";
      op["responses"][std::to_string(status)] = resp;
    }
    paths[r.path][r.method] = op;
  }
  doc["paths"] = paths;
  return doc;
}

}  // namespace gpufleet::serve
