// The service's HTTP API against its own OpenAPI document: who may call what, and what a bad
// request gets back.
#include <gtest/gtest.h>

#include "serve_fixtures.h"
#include "server_process.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

class ServeApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("serve-api-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    const auto scenario = write_scenario(dir_, fleet_yaml("fifo-backfill", "cost"));
    server_ = std::make_unique<ServerProcess>(dir_, std::vector<std::string>{scenario.string(), "--clock", "virtual"});
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  void TearDown() override {
    if (server_) { EXPECT_EQ(server_->stop(), 0) << server_->log(); }
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

// A valid body for each route that takes one.
json sample_body(const std::string& path) {
  if (path == "/v1/jobs") return {{"gpus", 8}, {"estimated_duration", "1h"}};
  if (path == "/v1/jobs/{id}/events") return {{"event", "started"}};
  if (path == "/v1/fleet/outages") return {{"site", "gcp-eu"}, {"down", false}};
  if (path == "/v1/admin/clock") return {{"advance_to_s", 0}};
  if (path == "/v1/fleet/nodes/{id}") return {{"down", false}};
  return json::object();
}

TEST_F(ServeApi, EveryDocumentedRouteAnswersWithItsDocumentedStatusesAndAccessRules) {
  // A job of research's, so that /v1/jobs/1 exists.
  ASSERT_EQ(server_->post("/v1/jobs", sample_body("/v1/jobs"), tenant_token("research")).status, 201);
  ASSERT_EQ(server_->post("/v1/admin/clock", {{"advance_to_s", 1}}).status, 200);
  const auto doc = server_->get("/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  ASSERT_EQ(doc.body["openapi"], "3.0.3");
  int routes = 0;
  for (const auto& [path, methods] : doc.body["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      ++routes;
      // The path's parameters filled in, piece by piece (g++ 12 warns falsely on replace, bug 105329).
      auto fill = [](const std::string& text, const std::string& key, const std::string& value) {
        const auto at = text.find(key);
        if (at == std::string::npos) return text;
        std::string out = text.substr(0, at);
        out += value;
        out.append(text, at + key.size());
        return out;
      };
      const std::string concrete = fill(fill(path, "{id}", "1"), "{name}", "research");
      const std::string m = method == "get" ? "GET" : method == "post" ? "POST" : "DELETE";
      const std::string body = sample_body(path).dump();
      const bool open = op["security"].empty();
      std::set<int> documented;
      for (const auto& [code, _] : op["responses"].items()) documented.insert(std::stoi(code));
      const std::string where = m + " " + concrete;
      // No token, and a token nobody issued.
      const auto none = server_->request(m, concrete, "", body);
      const auto forged = server_->request(m, concrete, "tok-research-0123456789abcdeX", body);
      if (open) {
        EXPECT_EQ(none.status, 200) << where;
        continue;
      }
      EXPECT_EQ(none.status, 401) << where << ": " << none.text;
      EXPECT_EQ(forged.status, 401) << where;
      EXPECT_TRUE(documented.count(401)) << where;
      // The admin, the job's tenant and another tenant: each answer is a documented one, and a
      // route for the admin refuses tenants with 403.
      const bool admin_only = (path == "/metrics" || path == "/v1/fleet/nodes/{id}" || path == "/v1/jobs/{id}/events" || path == "/v1/fleet/outages" ||
                               path == "/v1/admin/clock");
      for (const std::string& token : {std::string(kAdminToken), tenant_token("research"), tenant_token("prod")}) {
        const auto a = server_->request(m, concrete, token, body);
        EXPECT_TRUE(documented.count(a.status)) << where << " with " << token << " answered " << a.status << ": " << a.text;
        if (admin_only && token != kAdminToken) { EXPECT_EQ(a.status, 403) << where << " with " << token; }
        if (!admin_only && token == kAdminToken && path == "/v1/jobs" && method == "post") { EXPECT_EQ(a.status, 403) << where; }
      }
    }
  }
  EXPECT_EQ(routes, 13);
  // What the document does not list is not served.
  EXPECT_EQ(server_->get("/v1/secret").status, 404);
  EXPECT_EQ(server_->request("DELETE", "/v1/fleet", kAdminToken).status, 404);
}

TEST_F(ServeApi, ATenantSeesAndCancelsOnlyItsOwnJobsAndIdsLeakNothing) {
  const auto mine = server_->post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", "1h"}, {"name", "mine"}}, tenant_token("research"));
  ASSERT_EQ(mine.status, 201);
  const std::string id = std::to_string(mine.body["id"].get<int64_t>());
  EXPECT_EQ(server_->get("/v1/jobs/" + id, tenant_token("research")).body["name"], "mine");
  // Another tenant: the job does not exist for it, in every route that names it.
  const auto other = server_->get("/v1/jobs/" + id, tenant_token("prod"));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body["error"], "no job " + id) << "a foreign id must read as a missing one";
  EXPECT_EQ(server_->get("/v1/jobs/999", tenant_token("prod")).body["error"], "no job 999");
  EXPECT_EQ(server_->request("DELETE", "/v1/jobs/" + id, tenant_token("prod")).status, 404);
  EXPECT_TRUE(server_->get("/v1/jobs", tenant_token("prod")).body["jobs"].empty());
  EXPECT_EQ(server_->get("/v1/jobs?tenant=research", tenant_token("prod")).status, 403);
  EXPECT_EQ(server_->get("/v1/tenants/research", tenant_token("prod")).status, 403);
  EXPECT_EQ(server_->get("/v1/tenants/prod", tenant_token("prod")).status, 200);
  // The admin sees it; its tenant cancels it, once.
  EXPECT_EQ(server_->get("/v1/jobs/" + id).status, 200);
  EXPECT_EQ(server_->request("DELETE", "/v1/jobs/" + id, tenant_token("research")).body["state"], "cancelled");
  EXPECT_EQ(server_->request("DELETE", "/v1/jobs/" + id, tenant_token("research")).status, 409);
}

TEST_F(ServeApi, BadRequestsGet400NamingTheFieldAndTheServerStaysUp) {
  struct Case {
    std::string body, field, says;
  };
  const std::vector<Case> cases = {
      {"{", "", "request body"},
      {"[1, 2]", "", "expected a JSON object"},
      {R"({"gpus": 8})", "estimated_duration", "missing"},
      {R"({"estimated_duration": "1h"})", "gpus", "missing"},
      {R"({"gpus": -8, "estimated_duration": "1h"})", "gpus", "expected a whole number from 1"},
      {R"({"gpus": 2.5, "estimated_duration": "1h"})", "gpus", "whole number"},
      {R"({"gpus": "8", "estimated_duration": "1h"})", "gpus", "whole number"},
      {R"({"gpus": 100000, "estimated_duration": "1h"})", "gpus", "the largest job this fleet can ever hold has 256"},
      {R"({"gpus": 8, "estimated_duration": "forever"})", "estimated_duration", "not a duration"},
      {R"({"gpus": 8, "estimated_duration": -5})", "estimated_duration", "more than 0"},
      {R"({"gpus": 8, "estimated_duration": 1e308})", "estimated_duration", "up to 100 years"},
      {R"({"gpus": 8, "estimated_duration": "1h", "accelerators": ["TPU-v9"]})", "accelerators[0]", "unknown accelerator 'TPU-v9'; expected one of H100-SXM, B200"},
      {R"({"gpus": 8, "estimated_duration": "1h", "jurisdiction": "MARS"})", "jurisdiction", "expected one of US, EU"},
      {R"({"gpus": 8, "estimated_duration": "1h", "kind": "fun"})", "kind", "expected training, research or inference"},
      {R"({"gpus": 8, "estimated_duration": "1h", "priority": 300})", "priority", "0 to 255"},
      {R"({"gpus": 8, "estimated_duration": "1h", "colour": "red"})", "colour", "unknown field"},
      {R"({"gpus": 8, "gpus": 16, "estimated_duration": "1h"})", "gpus", "given twice"},
      {"{\"gpus\": 8, \"estimated_duration\": \"1h\", \"name\": \"\xff\"}", "", "1:50: malformed JSON"},
  };
  for (const Case& c : cases) {
    const auto a = server_->request("POST", "/v1/jobs", tenant_token("research"), c.body);
    EXPECT_EQ(a.status, 400) << c.body << " -> " << a.text;
    if (!c.field.empty()) { EXPECT_EQ(a.body.value("field", ""), c.field) << c.body << " -> " << a.text; }
    EXPECT_NE(a.body.value("error", "").find(c.says), std::string::npos) << c.body << " -> " << a.text;
  }
  // Too large a body, a malformed event, a bad clock, bad list parameters.
  EXPECT_EQ(server_->request("POST", "/v1/jobs", tenant_token("research"), std::string(100000, ' ')).status, 413);
  EXPECT_EQ(server_->post("/v1/jobs/1/events", {{"event", "exploded"}}).status, 404);  // no job 1 yet
  EXPECT_EQ(server_->post("/v1/admin/clock", {{"advance_to_s", -1}}).status, 400);
  EXPECT_EQ(server_->post("/v1/admin/clock", {{"advance_to_s", "soon"}}).status, 400);
  EXPECT_EQ(server_->post("/v1/fleet/outages", {{"site", "atlantis"}, {"down", true}}).body["field"], "site");
  EXPECT_EQ(server_->get("/v1/jobs?limit=0").status, 400);
  EXPECT_EQ(server_->get("/v1/jobs?state=sleeping").body["field"], "state");
  EXPECT_EQ(server_->get("/v1/jobs?colour=red").body["field"], "colour");
  // Nothing was queued by any of it, and the server still answers.
  EXPECT_EQ(server_->get("/healthz", "").body["jobs_known"], 0);
  EXPECT_EQ(server_->post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", 3600}}, tenant_token("research")).status, 201);
}

TEST_F(ServeApi, ARetriedSubmissionWithTheSameIdempotencyKeyGetsTheFirstAnswer) {
  const json body = {{"gpus", 8}, {"estimated_duration", "1h"}, {"idempotency_key", "run-42"}};
  const auto first = server_->post("/v1/jobs", body, tenant_token("research"));
  const auto again = server_->post("/v1/jobs", body, tenant_token("research"));
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body["id"], first.body["id"]);
  // The key is the tenant's own: another tenant's same key is another job.
  EXPECT_NE(server_->post("/v1/jobs", body, tenant_token("prod")).body["id"], first.body["id"]);
  EXPECT_EQ(server_->get("/healthz", "").body["jobs_known"], 2);
}

}  // namespace
}  // namespace gpufleet::testing

namespace gpufleet::testing {
namespace {

TEST(ServeRate, MoreRequestsPerSecondThanAllowedGet429ForThatTokenOnly) {
  const auto dir = fresh_dir("serve-rate");
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo", "cost")).string(), "--clock", "virtual", "--rate", "5"});
  ASSERT_TRUE(server.start()) << server.log();
  int ok = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    const int status = server.get("/v1/fleet", tenant_token("research")).status;
    ok += status == 200;
    limited += status == 429;
  }
  // A burst of twice the rate passes, then about five a second.
  EXPECT_GE(ok, 10);
  EXPECT_LT(ok, 30);
  EXPECT_EQ(ok + limited, 40);
  EXPECT_EQ(server.get("/v1/fleet", tenant_token("prod")).status, 200) << "another token has its own budget";
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
