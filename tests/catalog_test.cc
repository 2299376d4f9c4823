// The shipped catalog loads, cites sources, records disagreements, and user files override it.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test_support.h"

namespace aifabric {
using testing::shipped_catalog;

TEST(Catalog, ShippedCatalogHasEverySeedMediumClass) {
  const Catalog& c = shipped_catalog();
  std::set<std::string> kinds, families;
  for (const auto& p : c.parts()) {
    kinds.insert(std::string(to_string(p.kind)));
    families.insert(p.family);
    EXPECT_FALSE(p.source.empty()) << p.name << " cites no source";
  }
  for (const char* k : {"dac", "acc", "aec", "aoc", "transceiver"}) EXPECT_TRUE(kinds.count(k)) << k;
  for (const char* f : {"sr", "dr", "fr", "lr"}) EXPECT_TRUE(families.count(f)) << f;
  for (const auto& s : c.switches()) EXPECT_FALSE(s.source.empty()) << s.name;
  for (const auto& s : c.servers()) EXPECT_FALSE(s.source.empty()) << s.name;
}

TEST(Catalog, SeedReachTableIsRespected) {
  const Catalog& c = shipped_catalog();
  // Seed 000: passive DAC 2-3 m, active copper to ~7 m, SR8 50 m, DR8 500 m, 2xFR4 2 km, LR 10 km.
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-dac")->reach_m, 3);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-aec")->reach_m, 7);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-sr8")->reach_m, 50);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-dr8")->reach_m, 500);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-2xfr4")->reach_m, 2000);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-2xlr4")->reach_m, 10000);
  EXPECT_EQ(c.find_part("osfp-800g-dr8")->fibers, 16);  // seed 001: 16 fibres per SR8/DR8
}

TEST(Catalog, DisagreeingSourcesAreRecorded) {
  const Catalog& c = shipped_catalog();
  const Part* twin = c.find_part("nvidia-mms4x00-ns");
  ASSERT_NE(twin, nullptr);
  EXPECT_DOUBLE_EQ(twin->reach_m, 100);      // seed 002's vendor part
  EXPECT_DOUBLE_EQ(twin->alt_reach_m, 500);  // IEEE 802.3df DR8
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-sr8")->alt_reach_m, 100);
}

TEST(Catalog, BreakoutRadix) {
  const SwitchModel* th5 = shipped_catalog().find_switch("th5-64x800g-osfp");
  ASSERT_NE(th5, nullptr);
  EXPECT_EQ(th5->ports_at(800), 64);
  EXPECT_EQ(th5->ports_at(400), 128);  // 51.2 Tb/s at 400G per port
  EXPECT_EQ(th5->ports_at(100), 512);
  EXPECT_EQ(th5->ports_at(300), 0);
  const SwitchModel* qm = shipped_catalog().find_switch("quantum2-qm9700");
  EXPECT_EQ(qm->ports_at(400), 64);
  EXPECT_EQ(qm->ports_at(200), 0);  // only 1:2 breakouts
}

TEST(Catalog, UserFileOverridesAndExtends) {
  Catalog c = load_catalog({});
  c.load_yaml("parts:\n  - {name: osfp-800g-dr8, rate_gbps: 800, form_factor: osfp, fibers: 16, reach_m: 300, power_w: 12, family: dr}\n"
              "  - {name: my-aoc, kind: aoc, rate_gbps: 800, reach_m: 20, power_w: 10}\n",
              "user.yaml");
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-dr8")->reach_m, 300);
  EXPECT_DOUBLE_EQ(c.find_part("osfp-800g-dr8")->power_w, 12);
  EXPECT_NE(c.find_part("my-aoc"), nullptr);
  EXPECT_EQ(c.parts().size(), shipped_catalog().parts().size() + 1);
}

TEST(Catalog, BadEntriesNameTheirField) {
  Catalog c;
  try {
    c.load_yaml("parts:\n  - {name: x, rate_gbps: 800, reach_m: 5, power_w: 1}\n", "u.yaml");
    FAIL() << "a transceiver without fibres must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("u.yaml:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("parts[0].fibers"), std::string::npos) << e.what();
  }
  // PFC thresholds: XON sits a delta below XOFF, so the delta cannot exceed XOFF nor come without it.
  for (const auto& [yaml, field] : {std::pair{"{name: s, cages: 64, cage_gbps: 800, pfc_xoff_bytes: 1000, pfc_xon_delta_bytes: 2000}", "pfc_xon_delta_bytes"},
                                    std::pair{"{name: s, cages: 64, cage_gbps: 800, pfc_xon_delta_bytes: 2000}", "pfc_xon_delta_bytes"},
                                    std::pair{"{name: s, cages: 64, cage_gbps: 800, pfc_xoff_bytes: -1}", "pfc_xoff_bytes"}}) {
    Catalog e;
    const std::string err = testing::error_of([&] { e.load_yaml(fmt::format("switches:\n  - {}\n", yaml), "u.yaml"); });
    EXPECT_NE(err.find("u.yaml:2:"), std::string::npos) << err;
    EXPECT_NE(err.find(fmt::format("switches[0].{}", field)), std::string::npos) << err;
  }
  Catalog d;
  d.load_yaml("servers:\n  - {name: s, xpus: 8, nic: nope}\n", "u.yaml");
  EXPECT_THROW(d.validate(), InputError);
}

}  // namespace aifabric
