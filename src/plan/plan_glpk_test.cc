// The optimal objective cross-checked against an independent solver: GLPK's glpsol solves the
// same model (written as free MPS) over randomly generated small instances.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "plan/cbc_adapter.h"
#include "plan/mps_writer.h"
#include "plan/plan_model_builder.h"
#include "plan/plan_test_util.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

using namespace plan_test;

bool have_glpsol() { return std::system("glpsol --version > /dev/null 2>&1") == 0; }

// Runs glpsol on the MPS text; returns its objective, or nullopt if it reports no optimum.
std::optional<double> glpsol_objective(const std::string& mps, const std::filesystem::path& dir, int id) {
  const auto model = dir / fmt::format("m{}.mps", id);
  const auto out = dir / fmt::format("m{}.txt", id);
  std::ofstream(model) << mps;
  const std::string cmd = fmt::format("glpsol --freemps {} --min -o {} > /dev/null 2>&1", model.string(), out.string());
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  std::ifstream in(out);
  std::string line;
  bool optimal = false;
  std::optional<double> obj;
  while (std::getline(in, line)) {
    if (line.find("Status:") == 0) optimal = line.find("OPTIMAL") != std::string::npos;
    const auto at = line.find("obj = ");
    if (line.find("Objective:") == 0 && at != std::string::npos) obj = std::stod(line.substr(at + 6));
  }
  if (!optimal) return std::nullopt;
  return obj;
}

PlanInputs random_instance(Rng& rng) {
  const int periods = 4 + static_cast<int>(rng.below(5));
  PlanInputs in = base_inputs(periods);
  in.scenario.accelerators.push_back({"B200", 2250, 180, 1000, 2.274});
  in.discount_rate = 0.1 * rng.uniform();
  in.bill_energy = rng.uniform() < 0.5;
  const char* jur[] = {"US", "EU"};
  const int providers = 2 + static_cast<int>(rng.below(2));
  for (int p = 0; p < providers; ++p) {
    add_provider(in, fmt::format("p{}", p));
    const int sites = 1 + static_cast<int>(rng.below(2));
    for (int s = 0; s < sites; ++s) {
      const int site = add_site(in, fmt::format("p{}-s{}", p, s), p, jur[rng.below(2)], 1 + 4 * rng.uniform(), 1 + 0.3 * rng.uniform());
      in.scenario.sites.back().electricity_usd_per_mwh = 50 + 100 * rng.uniform();
      for (int a = 0; a < 2; ++a) {
        if (rng.uniform() < 0.3) continue;
        ContractOffer o;
        o.name = fmt::format("o{}-{}", site, a);
        o.site = site;
        o.accelerator = a;
        const double list = (a == 0 ? 4.0 : 8.0) * (0.7 + 0.6 * rng.uniform());
        o.terms = {{1, list * 0.7}};
        if (rng.uniform() < 0.6) o.terms.push_back({2, list * 0.55});
        o.block_gpus = 64 * (1 + static_cast<int64_t>(rng.below(4)));
        o.ramp_gpus_per_period = rng.uniform() < 0.5 ? o.block_gpus * (2 + static_cast<int64_t>(rng.below(4))) : 0;
        o.min_gpus = rng.uniform() < 0.2 ? o.block_gpus * 3 : 0;
        o.earliest_period = static_cast<int>(rng.below(2));
        in.offers.push_back(o);
        if (rng.uniform() < 0.5) {
          Market m;
          m.site = site;
          m.accelerator = a;
          m.on_demand_usd_per_gpu_hour = list;
          m.on_demand_gpus = 200 + static_cast<int64_t>(rng.below(400));
          m.spot_usd_per_gpu_hour = list * 0.4;
          m.spot_gpus = static_cast<int64_t>(rng.below(300));
          in.scenario.markets.push_back(m);
        }
      }
    }
  }
  std::vector<double> train;
  double base = 300 + 400 * rng.uniform();
  for (int t = 0; t < periods; ++t) train.push_back(base * std::pow(1.15, t));
  set_training(in, train);
  in.training_critical_share = 0.5 * rng.uniform();
  if (rng.uniform() < 0.6) {
    InferenceDemand d{"US", {}, 0.8};
    for (int t = 0; t < periods; ++t) d.ref_gpus.push_back(100 + 30 * t);
    in.inference.push_back(d);
  }
  if (rng.uniform() < 0.5) in.max_provider_share = 0.7;
  if (rng.uniform() < 0.5) {
    in.n1_providers = true;
    in.n1_share = 0.3;
  }
  if (rng.uniform() < 0.3) in.n1_sites = true;
  return in;
}

TEST(PlanGlpk, ObjectiveMatchesGlpsolOnRandomInstances) {
  if (!have_glpsol()) GTEST_SKIP() << "glpsol not installed (Debian package glpk-utils): cross-check skipped";
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("gpufleet_glpk_{}", ::getpid());
  std::filesystem::create_directories(dir);
  Rng rng(20260101);
  int compared = 0, infeasible_both = 0;
  for (int i = 0; i < 20; ++i) {
    PlanInputs in = random_instance(rng);
    ASSERT_TRUE(prepare_plan_inputs(in));
    const plan::PlanModel m = plan::build_plan_model(in);
    plan::SolveRequest req;
    req.relative_gap = 1e-10;
    req.time_limit_s = 120;
    for (bool relax : {true, false}) {
      req.relax = relax;
      auto cbc = plan::solve_model(m.lp, req);
      ASSERT_TRUE(cbc);
      plan::LpModel lp = m.lp;
      if (relax)
        for (auto& c : lp.columns()) c.integer = false;
      const auto glpk = glpsol_objective(plan::to_free_mps(lp), dir, 2 * i + (relax ? 1 : 0));
      if (cbc->status != plan::SolveStatus::optimal) {
        EXPECT_FALSE(glpk.has_value()) << "instance " << i << ": CBC says " << cbc->words;
        ++infeasible_both;
        continue;
      }
      ASSERT_TRUE(glpk.has_value()) << "instance " << i << (relax ? " (LP)" : " (MILP)") << ": glpsol found no optimum";
      const double ours = cbc->objective - m.lp.objective_offset;
      EXPECT_NEAR(ours, *glpk, 1e-6 * std::max(1.0, std::abs(*glpk))) << "instance " << i << (relax ? " (LP)" : " (MILP)");
      ++compared;
    }
  }
  std::filesystem::remove_all(dir);
  EXPECT_GE(compared, 20) << "too few feasible random instances to be a cross-check";
  RecordProperty("compared", compared);
  RecordProperty("infeasible_both", infeasible_both);
}

}  // namespace
}  // namespace gpufleet
