// The service moving work: an outage fails jobs over to another provider, a tenant's
// guarantee reclaims GPUs others borrowed, and the client commands drive a real server.
#include <gtest/gtest.h>

#include <cstdlib>

#include "serve_fixtures.h"
#include "server_process.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

json advance(const ServerProcess& server, double t) {
  const auto a = server.post("/v1/admin/clock", {{"advance_to_s", t}});
  EXPECT_EQ(a.status, 200) << a.text;
  return a.body;
}

TEST(ServeFleet, AnOutageOfAProviderMovesItsJobsToAnother) {
  const auto dir = fresh_dir("serve-outage");
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo", "cost")).string(), "--clock", "virtual"});
  ASSERT_TRUE(server.start()) << server.log();
  const auto job = server.post("/v1/jobs", {{"gpus", 64}, {"estimated_duration", "10h"}, {"accelerators", {"H100-SXM"}}},
                               tenant_token("research"));
  ASSERT_EQ(job.status, 201);
  const std::string path = "/v1/jobs/" + std::to_string(job.body["id"].get<int64_t>());
  advance(server, 60);
  advance(server, 90);
  auto j = server.get(path).body;
  ASSERT_EQ(j["state"], "running");
  EXPECT_EQ(j["placement"]["provider"], "aws") << "committed capacity first";
  EXPECT_EQ(j["placement"]["source"], "contract");

  const auto down = server.post("/v1/fleet/outages", {{"provider", "aws"}, {"down", true}});
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.body["jobs_requeued"], 1);
  j = server.get(path).body;
  EXPECT_EQ(j["state"], "queued");
  EXPECT_EQ(j["restarts"], 1);
  advance(server, 120);
  j = server.get(path).body;
  ASSERT_EQ(j["state"], "running");
  EXPECT_EQ(j["placement"]["provider"], "gcp");
  EXPECT_EQ(j["placement"]["source"], "on-demand") << "the only H100s left";
  EXPECT_DOUBLE_EQ(j["start_s"].get<double>(), 120);
  // The first run was billed at the contract's price: 64 GPUs x 30 s x $2.5/h.
  EXPECT_NEAR(server.get("/v1/tenants/research").body["spend_usd_by_provider"]["aws"].get<double>(), 64 * 30 / 3600.0 * 2.5, 1e-9);
  bool aws_down = false;
  const json fleet = server.get("/v1/fleet").body;
  for (const auto& p : fleet["pools"]) aws_down |= p["provider"] == "aws" && p["down"].get<bool>();
  EXPECT_TRUE(aws_down) << server.get("/v1/fleet").text;
  EXPECT_EQ(server.post("/v1/fleet/outages", {{"provider", "aws"}, {"down", true}}).status, 409);
  // A restart keeps the outage and the failed-over job where it is.
  EXPECT_EQ(server.stop(), 0);
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_EQ(server.get(path).body["placement"]["provider"], "gcp");
  EXPECT_EQ(server.post("/v1/fleet/outages", {{"provider", "aws"}, {"down", true}}).status, 409) << "still down";
  ASSERT_EQ(server.post("/v1/fleet/outages", {{"provider", "aws"}, {"down", false}}).status, 200);
  const json after = server.get("/v1/fleet").body;
  for (const auto& p : after["pools"])
    if (p["provider"] == "aws") { EXPECT_FALSE(p["down"].get<bool>()); }
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeFleet, AFailedNodeRequeuesItsJobWhichRunsOnOtherNodes) {
  const auto dir = fresh_dir("serve-node");
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo", "cost")).string(), "--clock", "virtual"});
  ASSERT_TRUE(server.start()) << server.log();
  const auto job = server.post("/v1/jobs", {{"gpus", 64}, {"estimated_duration", "10h"}}, tenant_token("research"));
  ASSERT_EQ(job.status, 201);
  const std::string path = "/v1/jobs/" + std::to_string(job.body["id"].get<int64_t>());
  advance(server, 10);
  auto j = server.get(path).body;
  ASSERT_EQ(j["state"], "running");
  const int64_t node = j["placement"]["nodes"][3].get<int64_t>();
  const auto down = server.post("/v1/fleet/nodes/" + std::to_string(node), {{"down", true}});
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.body["jobs_requeued"], 1);
  EXPECT_EQ(server.get(path).body["state"], "queued");
  EXPECT_EQ(server.post("/v1/fleet/nodes/" + std::to_string(node), {{"down", true}}).status, 409);
  advance(server, 20);
  j = server.get(path).body;
  ASSERT_EQ(j["state"], "running");
  EXPECT_EQ(j["placement"]["provider"], "aws") << "15 nodes are left there";
  for (const auto& n : j["placement"]["nodes"]) EXPECT_NE(n.get<int64_t>(), node);
  const json fleet = server.get("/v1/fleet").body;
  EXPECT_EQ(fleet["pools"][0]["nodes_out_of_service"], json::array({{{"node", node}, {"state", "down"}}}));
  EXPECT_EQ(fleet["pools"][0]["in_service_gpus"], 120);
  EXPECT_EQ(server.post("/v1/fleet/nodes/" + std::to_string(node), {{"down", false}}).status, 200);
  EXPECT_EQ(server.get("/v1/fleet").body["pools"][0]["in_service_gpus"], 128);
  EXPECT_EQ(server.post("/v1/fleet/nodes/99999", {{"down", true}}).status, 404);
  EXPECT_EQ(server.post("/v1/fleet/nodes/1", {{"down", "yes"}}).body["field"], "down");
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

// A drained node takes no new job; one that runs jobs keeps them until they end and then leaves
// service; undrained, it is back. Nothing is requeued by a drain.
TEST(ServeFleet, ADrainedNodeTakesNoNewJobAndLeavesWhenItsJobsEnd) {
  const auto dir = fresh_dir("serve-drain");
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo", "cost")).string(), "--clock", "virtual"});
  ASSERT_TRUE(server.start()) << server.log();
  auto pool0 = [&] { return server.get("/v1/fleet").body["pools"][0]; };
  const auto a = server.post("/v1/jobs", {{"gpus", 64}, {"estimated_duration", "10h"}}, tenant_token("research"));
  ASSERT_EQ(a.status, 201);
  const std::string a_path = "/v1/jobs/" + std::to_string(a.body["id"].get<int64_t>());
  advance(server, 10);
  const json a_nodes = server.get(a_path).body["placement"]["nodes"];
  ASSERT_EQ(a_nodes.size(), 8u);
  const int64_t busy = a_nodes[0].get<int64_t>();
  int64_t idle = -1;
  for (int64_t n = 0; n < 16 && idle < 0; ++n)
    if (std::find(a_nodes.begin(), a_nodes.end(), json(n)) == a_nodes.end()) idle = n;
  ASSERT_GE(idle, 0);
  auto drain = [&](int64_t n, bool on) { return server.post("/v1/fleet/nodes/" + std::to_string(n), {{"drain", on}}); };
  auto r = drain(busy, true);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["state"], "draining");
  EXPECT_EQ(r.body["jobs_requeued"], 0);
  r = drain(idle, true);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["state"], "drained");
  EXPECT_EQ(drain(idle, true).status, 409) << "already drained";
  EXPECT_EQ(server.get(a_path).body["state"], "running") << "a drain stops no job";
  EXPECT_EQ(pool0()["in_service_gpus"], 120);
  EXPECT_EQ(pool0()["free_gpus"], 56) << "the 8 GPUs of the idle drained node are not free to use";
  // A job that needs every free GPU of the pool but the drained one's does not start there.
  const auto b = server.post("/v1/jobs", {{"gpus", 64}, {"estimated_duration", "1h"}, {"accelerators", {"H100-SXM"}}},
                             tenant_token("research"));
  ASSERT_EQ(b.status, 201) << b.text;
  const std::string b_path = "/v1/jobs/" + std::to_string(b.body["id"].get<int64_t>());
  advance(server, 20);
  const auto bj = server.get(b_path).body;
  ASSERT_EQ(bj["state"], "running") << bj.dump();
  EXPECT_EQ(bj["placement"]["provider"], "gcp") << "aws has 56 usable GPUs, not 64: b runs on gcp's on-demand";
  // a ends: its drained node leaves service.
  ASSERT_EQ(server.post(a_path + "/events", {{"event", "finished"}}).status, 200);
  const json out = pool0()["nodes_out_of_service"];
  EXPECT_EQ(out.size(), 2u) << out.dump();
  for (const auto& n : out) EXPECT_EQ(n["state"], "drained") << out.dump();
  EXPECT_EQ(pool0()["in_service_gpus"], 112);
  ASSERT_EQ(drain(busy, false).status, 200);
  ASSERT_EQ(drain(idle, false).status, 200);
  EXPECT_EQ(drain(idle, false).status, 409) << "not drained any more";
  EXPECT_EQ(pool0()["in_service_gpus"], 128);
  EXPECT_EQ(pool0()["nodes_out_of_service"], json::array());
  EXPECT_EQ(server.post("/v1/fleet/nodes/1", {{"drain", true}, {"down", true}}).status, 400) << "one of the two";
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeFleet, AGuaranteedTenantReclaimsWhatAnotherBorrowed) {
  const auto dir = fresh_dir("serve-quota");
  const std::string quotas = "[{tenant: prod, guaranteed_gpus: 128, can_borrow: true}, {tenant: research, guaranteed_gpus: 0}]";
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo", "cost", quotas)).string(), "--clock", "virtual"});
  ASSERT_TRUE(server.start()) << server.log();
  // research borrows the whole fleet at time 0: 128 + 64 + 64 + 32 GPUs.
  for (int i = 0; i < 36; ++i)
    ASSERT_EQ(server.post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", "1d"}}, tenant_token("research")).status, 201);
  advance(server, 10);
  auto research = server.get("/v1/tenants/research", tenant_token("research")).body;
  EXPECT_EQ(research["gpus_in_use"], 288);
  EXPECT_EQ(research["borrowed_gpus"], 288);
  // prod asks for 16 GPUs within its guarantee: the two newest borrowed jobs make room.
  const auto prod = server.post("/v1/jobs", {{"gpus", 16}, {"estimated_duration", "1h"}}, tenant_token("prod"));
  ASSERT_EQ(prod.status, 201);
  EXPECT_NE(prod.body["why_pending"].get<std::string>().find("quota of tenant prod is 128 GPUs guaranteed, 0 in use"), std::string::npos)
      << prod.body["why_pending"];
  advance(server, 20);
  const auto p = server.get("/v1/jobs/" + std::to_string(prod.body["id"].get<int64_t>())).body;
  EXPECT_EQ(p["state"], "running") << p.dump();
  int requeued = 0;
  for (int id = 1; id <= 36; ++id) {
    const auto j = server.get("/v1/jobs/" + std::to_string(id)).body;
    if (j["restarts"] == 1) {
      ++requeued;
      EXPECT_EQ(j["state"], "queued");
      EXPECT_GE(id, 35) << "the newest borrowed jobs are reclaimed first";
    }
  }
  EXPECT_EQ(requeued, 2);
  research = server.get("/v1/tenants/research").body;
  EXPECT_EQ(research["gpus_in_use"], 272);
  const auto prod_usage = server.get("/v1/tenants/prod", tenant_token("prod")).body;
  EXPECT_EQ(prod_usage["gpus_in_use"], 16);
  EXPECT_EQ(prod_usage["borrowed_gpus"], 0);
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeClient, SubmitStatusQueueAndCancelTalkToARealServer) {
  const auto dir = fresh_dir("serve-client");
  ServerProcess server(dir, {write_scenario(dir, fleet_yaml("fifo-backfill", "cost")).string()});
  ASSERT_TRUE(server.start()) << server.log();
  ::setenv("GPUFLEET_TOKEN", tenant_token("research").c_str(), 1);
  const std::string at = " --server " + server.url();
  auto r = run_gpufleet("submit" + at + " --gpus 8 --duration 2h --name llama-ft --kind training --idempotency-key ft-1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "job 1 submitted (queued)\n");
  // A job that waits: 256 GPUs fit only the aws contract, where the first job holds 8.
  r = run_gpufleet("submit" + at + " --gpus 256 --duration 2h --name big");
  ASSERT_EQ(r.status, 0) << r.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r = run_gpufleet("status 1" + at);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("llama-ft"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("running"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aws/aws-east contract"), std::string::npos) << r.out;
  r = run_gpufleet("queue --state all" + at);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("big"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("needs 256 GPUs"), std::string::npos) << r.out;
  r = run_gpufleet("status" + at);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("gcp-eu"), std::string::npos) << r.out;
  r = run_gpufleet("cancel 2" + at);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "job 2 cancelled\n");
  // Bad input: exit 2 with the server's reason; another tenant's job: 2 (not found).
  r = run_gpufleet("submit" + at + " --gpus 100000 --duration 1h");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("the largest job this fleet can ever hold"), std::string::npos) << r.err;
  ::setenv("GPUFLEET_TOKEN", tenant_token("prod").c_str(), 1);
  r = run_gpufleet("cancel 1" + at);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  ::unsetenv("GPUFLEET_TOKEN");
  r = run_gpufleet("queue" + at);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("GPUFLEET_TOKEN"), std::string::npos);
  // A server that is not there: exit 4.
  ::setenv("GPUFLEET_TOKEN", tenant_token("research").c_str(), 1);
  EXPECT_EQ(server.stop(), 0);
  r = run_gpufleet("status 1" + at);
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_NE(r.err.find("cannot reach the server"), std::string::npos) << r.err;
  ::unsetenv("GPUFLEET_TOKEN");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
