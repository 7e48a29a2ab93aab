// Unit tests of the byte encodings: Base64, MD5, gzip and the UTF-8 check.
#include "common/encoding.hpp"

#include "common/gunzip_fixture.hpp"

#include <gtest/gtest.h>

namespace hubtel {
namespace {

using test::gunzip;

TEST(Encoding, Base64) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("AWS:secret"), "QVdTOnNlY3JldA==");
  EXPECT_EQ(base64("ab"), "YWI=");
  EXPECT_EQ(base64(std::string("\0\xff", 2)), "AP8=");
}

TEST(Encoding, ReadsBase64) {
  EXPECT_EQ(from_base64(""), "");
  EXPECT_EQ(from_base64("QVdTOnNlY3JldA=="), "AWS:secret");
  EXPECT_EQ(from_base64("YWI="), "ab");
  EXPECT_EQ(from_base64("YWJj"), "abc");
  EXPECT_EQ(from_base64("AP8="), std::string("\0\xff", 2));
  for (const auto* bad : {"YWI", "YW I=", "YWI=\n", "Y=WI", "YW=I", "YWI*", "====", "YQ==YQ=="}) {
    EXPECT_FALSE(from_base64(bad)) << bad;
  }
}

TEST(Encoding, Md5) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("Hello from SQS!"), "7b270e59b47ff90a553787216d55d91d");
}

TEST(Encoding, GzipRoundTrips) {
  const std::string text(100000, 'x');
  const auto packed = gzip(text);
  ASSERT_GE(packed.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_LT(packed.size(), 1000U);
  EXPECT_EQ(gunzip(packed), text);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(Encoding, TellsTextFromBytes) {
  EXPECT_TRUE(is_text(""));
  EXPECT_TRUE(is_text("plain {\"json\": 1}\n"));
  EXPECT_TRUE(is_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_text(std::string("a\0b", 3)));
  EXPECT_FALSE(is_text("\xff\xfe"));
  EXPECT_FALSE(is_text("\xc3"));              // cut short
  EXPECT_FALSE(is_text("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_text("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_text("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace hubtel
