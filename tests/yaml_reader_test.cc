// MapReader: every error names file, line, column and field, and what would be valid.
#include <gtest/gtest.h>

#include "test_support.h"

#include "core/yaml_reader.h"

namespace aifabric {

using testing::error_of;

TEST(YamlReader, MalformedYamlNamesLineAndColumn) {
  const std::string msg = error_of([] { parse_yaml("a: 1\nb: [1, 2\n", "f.yaml"); });
  EXPECT_NE(msg.find("f.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST(YamlReader, IntegerOutOfRangeNamesFieldAndRange) {
  const YAML::Node n = parse_yaml("top:\n  count: -5\n", "f.yaml");
  MapReader doc(n, "f.yaml", "");
  MapReader top = doc.child("top");
  const std::string msg = error_of([&] { top.integer("count", 1, 1, 100); });
  EXPECT_EQ(msg, "f.yaml:2:10: top.count: -5 is out of range; expected 1 to 100");
}

TEST(YamlReader, UnknownFieldIsRejectedWithValidList) {
  const YAML::Node n = parse_yaml("alpha: 1\nbetta: 2\n", "f.yaml");
  MapReader doc(n, "f.yaml", "");
  doc.integer("alpha", 0, 0, 10);
  doc.integer("beta", 0, 0, 10);
  const std::string msg = error_of([&] { doc.finish(); });
  EXPECT_EQ(msg, "f.yaml:2:1: betta: unknown field; valid fields here: alpha, beta");
}

TEST(YamlReader, ChoiceListsAllowedValues) {
  const YAML::Node n = parse_yaml("mode: fast\n", "f.yaml");
  MapReader doc(n, "f.yaml", "");
  const std::string msg = error_of([&] { doc.choice("mode", "a", {"a", "b"}); });
  EXPECT_EQ(msg, "f.yaml:1:7: mode: 'fast' is not valid; expected one of: a, b");
}

TEST(YamlReader, Ratios) {
  const YAML::Node n = parse_yaml("a: '2:1'\nb: 3\nc: '1:0'\n", "f.yaml");
  MapReader doc(n, "f.yaml", "");
  EXPECT_DOUBLE_EQ(doc.ratio("a", 1, 1, 64), 2.0);
  EXPECT_DOUBLE_EQ(doc.ratio("b", 1, 1, 64), 3.0);
  EXPECT_NE(error_of([&] { doc.ratio("c", 1, 1, 64); }).find("not a ratio"), std::string::npos);
}

TEST(YamlReader, EmptyDocumentIsAnError) {
  EXPECT_NE(error_of([] { parse_yaml("", "e.yaml"); }).find("e.yaml:1:1: the document is empty"), std::string::npos);
}

}  // namespace aifabric
