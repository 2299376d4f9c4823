// Seed 001's 1,024-GPU proposal: its power, module and fibre sums reproduced, and where it does not add up.
#include <gtest/gtest.h>

#include "plan/proposal.h"
#include "test_support.h"

namespace aifabric {
using testing::source_path;

namespace {
const ProposalReport& seed_report() {
  static const ProposalReport r = check_proposal(load_proposal(source_path("examples/seed-001-1024-gpu-proposal.yaml")),
                                                 testing::shipped_catalog(), {});
  return r;
}
const Finding& finding(const std::string& topic) {
  for (const auto& f : seed_report().findings) if (f.topic == topic) return f;
  static Finding none;
  ADD_FAILURE() << "no finding " << topic;
  return none;
}
}  // namespace

TEST(Proposal, SeedPowerExampleReproducedExactly) {
  // 256 DR8 x 16 W + 8 x 400 W = 7,296 W; x 1.3 = 9,484.8 W.
  const Finding& it = finding("800G leaf switch rack: IT power");
  EXPECT_DOUBLE_EQ(it.value, 256 * 16.0 + 8 * 400.0);
  EXPECT_EQ(it.status, FindingStatus::Consistent);
  const Finding& fac = finding("800G leaf switch rack: with cooling");
  EXPECT_NEAR(fac.value, 9484.8, 1e-9);
  EXPECT_NE(fac.detail.find("9,484.8 W"), std::string::npos) << fac.detail;
}

TEST(Proposal, SeedLineCardAndFibres) {
  EXPECT_DOUBLE_EQ(finding("32-port 800G line card: optics power").value, 32 * 17.0);
  // The upper end of the seed's range: (544 + 500) x 1.3 = 1,357.2 W, not the 1,300 W it states.
  const Finding& cool = finding("32-port 800G line card: with cooling");
  EXPECT_NEAR(cool.value, (544 + 500) * 1.3, 1e-9);
  EXPECT_EQ(cool.status, FindingStatus::Inconsistent);
  EXPECT_DOUBLE_EQ(finding("fibres").value, 1792 * 16.0);
  EXPECT_DOUBLE_EQ(finding("module total").value, 1024 + 256 + 512);
}

TEST(Proposal, SeedExampleDoesNotAddUp) {
  const ProposalReport& r = seed_report();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(finding("server model").status, FindingStatus::Inconsistent);      // a DGX H100 has 8 GPUs
  EXPECT_EQ(finding("leaf-spine ports").status, FindingStatus::Inconsistent);  // 256 uplinks vs 512 spine ports
  EXPECT_EQ(finding("host-link modules").status, FindingStatus::Inconsistent); // one end counted
  EXPECT_EQ(finding("leaf-spine modules").status, FindingStatus::Inconsistent);
  EXPECT_EQ(finding("leaf SerDes").status, FindingStatus::Inconsistent);       // 50G and 100G lanes on one ASIC
  EXPECT_EQ(finding("aggregate bandwidth").status, FindingStatus::Inconsistent);
  EXPECT_NE(finding("aggregate bandwidth").detail.find("819.2 Tb/s"), std::string::npos);
  EXPECT_EQ(finding("leaf oversubscription").status, FindingStatus::Note);
  ASSERT_TRUE(r.plan.has_value());
}

TEST(Proposal, ConsistentProposalAddsUp) {
  const Proposal p = parse_proposal(R"(
servers: {count: 64, xpus_per_server: 8}
claims: {xpus: 512}
tiers:
  - {role: leaf, switches: 16, down: {ports: 32, gbps: 400}, up: {ports: 32, gbps: 400}}
  - {role: spine, switches: 8, down: {ports: 64, gbps: 400}}
modules:
  - {part: osfp-400g-dr4, count: 512, at: nic}
  - {part: osfp-400g-dr4, count: 512, at: leaf-down}
  - {part: osfp-400g-dr4, count: 512, at: leaf-up}
  - {part: osfp-400g-dr4, count: 512, at: spine-down}
)", "ok.yaml");
  const ProposalReport r = check_proposal(p, testing::shipped_catalog(), {});
  for (const auto& f : r.findings) EXPECT_NE(f.status, FindingStatus::Inconsistent) << f.topic << ": " << f.detail;
  EXPECT_TRUE(r.ok());
}

TEST(Proposal, UnknownModuleLocationIsAnInputError) {
  EXPECT_THROW(parse_proposal("servers: {count: 1, xpus_per_server: 8}\ntiers:\n  - {role: leaf, switches: 1, down: {ports: 8, gbps: 400}}\n"
                              "modules:\n  - {part: osfp-400g-dr4, count: 8, at: spine-down}\n", "x.yaml"),
               InputError);
}

}  // namespace aifabric
