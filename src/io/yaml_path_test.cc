// A numeric field of a YAML document by path: read, replaced (the rest of the document reads
// back the same), and the paths that do not reach one, each with what is there instead.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "io/yaml_path.h"

namespace gpufleet {
namespace {

const char* kDoc = R"(name: lab
sites:
  - {name: east, power_cap_mw: 50, pue: 1.2}
  - {name: west, power_cap_mw: 80}
plan:
  demand:
    inference:
      - {jurisdiction: EU, gpus: 500}
twins:
  - {name: a, x: 1}
  - {name: a, x: 2}
)";

TEST(YamlPath, ReadsAndReplacesOneNumber) {
  EXPECT_EQ(*yaml_number_at(kDoc, "sites[west].power_cap_mw", "--sweep"), 80);
  EXPECT_EQ(*yaml_number_at(kDoc, "sites[0].pue", "--sweep"), 1.2);
  EXPECT_EQ(*yaml_number_at(kDoc, "plan.demand.inference[EU].gpus", "--sweep"), 500);
  auto changed = with_yaml_number(kDoc, "sites[east].power_cap_mw", 12.5, "--sweep");
  ASSERT_TRUE(changed) << changed.error().to_string();
  EXPECT_EQ(*yaml_number_at(*changed, "sites[east].power_cap_mw", "--sweep"), 12.5);
  // Everything else is as it was.
  EXPECT_EQ(*yaml_number_at(*changed, "sites[west].power_cap_mw", "--sweep"), 80);
  EXPECT_EQ(*yaml_number_at(*changed, "sites[east].pue", "--sweep"), 1.2);
  EXPECT_EQ(YAML::Load(*changed)["name"].as<std::string>(), "lab");
  EXPECT_EQ(YAML::Load(*changed)["twins"].size(), 2u);
  // The original is untouched (yaml-cpp's Node = Node would have overwritten the tree).
  EXPECT_EQ(*yaml_number_at(kDoc, "sites[east].power_cap_mw", "--sweep"), 50);
}

TEST(YamlPath, PathsThatReachNoNumberSayWhatIsThere) {
  auto message = [](const std::string& path) {
    auto r = yaml_number_at(kDoc, path, "--sweep");
    EXPECT_FALSE(r) << path;
    if (r) return std::string();
    EXPECT_EQ(r.error().field, "--sweep");
    return r.error().message;
  };
  EXPECT_NE(message("sites[est].power_cap_mw").find("(nearest: east)"), std::string::npos);
  EXPECT_NE(message("sites[east].power_cap").find("(nearest: power_cap_mw)"), std::string::npos);
  EXPECT_NE(message("sites[5].pue").find("2 elements, [0] to [1]"), std::string::npos);
  EXPECT_NE(message("twins[a].x").find("2 elements named 'a' ([0] and [1])"), std::string::npos);
  EXPECT_NE(message("plan.demand").find("holds a map"), std::string::npos);
  EXPECT_NE(message("name").find("holds 'lab'"), std::string::npos);
  EXPECT_NE(message("name.x").find("not a map"), std::string::npos);
  EXPECT_NE(message("sites.x").find("not a map"), std::string::npos);
  EXPECT_NE(message("plan..demand").find("an empty key"), std::string::npos);
  EXPECT_NE(message("sites[0").find("without its ']'"), std::string::npos);
  EXPECT_NE(message("").find("empty path"), std::string::npos);
}

}  // namespace
}  // namespace gpufleet
