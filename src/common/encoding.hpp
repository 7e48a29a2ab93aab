// Byte encodings the helper writes: Base64, an MD5 digest in hex, gzip, and a UTF-8 check.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hubtel {

// Base64 (RFC 4648, with padding) of `bytes`.
std::string base64(std::string_view bytes);

// The bytes Base64 text (RFC 4648, with padding, no line breaks) stands for; nullopt when it is
// not such text.
std::optional<std::string> from_base64(std::string_view text);

// The MD5 digest of `bytes`, 32 lower-case hex digits (what SQS puts in md5OfBody).
std::string md5_hex(std::string_view bytes);

// `bytes` gzip-compressed (RFC 1952), as CloudWatch Logs compresses subscription data.
std::string gzip(std::string_view bytes);

// True when `bytes` is well-formed UTF-8 with no NUL byte: text a JSON string can carry as is.
bool is_text(std::string_view bytes);

}  // namespace hubtel
