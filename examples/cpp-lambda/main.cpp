// A Lambda function written against the Runtime API (2018-06-01) with libcurl: it greets the
// event's "name" and reports the request it served. An event with "fail": true is a function
// error.
#include <curl/curl.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

// The word the function greets with (the example's HELLO_GREETING).
#ifndef HELLO_GREETING
#define HELLO_GREETING "Hello"
#endif

namespace {

struct Reply {
  long status = 0;
  std::string body;
  std::string request_id;
  std::string function_arn;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<Reply*>(user)->body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<Reply*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto value = line.substr(line.find_first_not_of(' ', colon + 1));
    if (name == "lambda-runtime-aws-request-id") {
      reply->request_id = value;
    } else if (name == "lambda-runtime-invoked-function-arn") {
      reply->function_arn = value;
    }
  }
  return size * count;
}

Reply call(CURL* curl, const std::string& url, const std::string* post_body,
           const char* error_type = nullptr) {
  Reply reply;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 0L);  // /next blocks until an event arrives
  curl_slist* headers = nullptr;
  if (post_body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
    headers = curl_slist_append(headers, "Content-Type: application/json");
    if (error_type != nullptr) {
      headers = curl_slist_append(
          headers, (std::string("Lambda-Runtime-Function-Error-Type: ") + error_type).c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  }
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  return reply;
}

// The value of a top-level string member of a small JSON object, reduced to letters, digits
// and spaces so it can be echoed safely ("" when absent). A real function would use a JSON library.
std::string name_in(const std::string& json) {
  const auto at = json.find("\"name\"");
  if (at == std::string::npos) {
    return "";
  }
  const auto open = json.find('"', json.find(':', at) + 1);
  const auto close = json.find('"', open + 1);
  std::string name;
  if (open != std::string::npos && close != std::string::npos) {
    for (const char c : json.substr(open + 1, close - open - 1)) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ') {
        name += c;
      }
    }
  }
  return name;
}

bool asks_to_fail(const std::string& json) {
  return json.find("\"fail\": true") != std::string::npos ||
         json.find("\"fail\":true") != std::string::npos;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) {
    std::fprintf(stderr,
                 "AWS_LAMBDA_RUNTIME_API is not set: run this in Lambda or hubtel-ai invoke\n");
    return 1;
  }
  const std::string base = std::string("http://") + api + "/2018-06-01/runtime/invocation/";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  for (;;) {
    const Reply next = call(curl, base + "next", nullptr);
    if (next.status != 200) {
      std::fprintf(stderr, "the Runtime API answered %ld to /next\n", next.status);
      return 1;
    }
    std::fprintf(stderr, "request %s: %zu bytes\n", next.request_id.c_str(), next.body.size());
    if (asks_to_fail(next.body)) {
      const std::string error =
          R"({"errorMessage":"the event asked to fail","errorType":"RequestedFailure"})";
      call(curl, base + next.request_id + "/error", &error, "RequestedFailure");
      continue;
    }
    std::string name = name_in(next.body);
    if (name.empty()) {
      name = "world";
    }
    const std::string response = R"({"message":")" + std::string(HELLO_GREETING) + ", " + name +
                                 R"(!","request_id":")" + next.request_id + R"(","curl":")" +
                                 curl_version() + "\"}";
    call(curl, base + next.request_id + "/response", &response);
  }
}
