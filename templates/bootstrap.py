"""HubtelAI's Lambda runtime client for Python images on bases without AWS's own.

Speaks the Lambda Runtime API (2018-06-01) at AWS_LAMBDA_RUNTIME_API: fetches each event,
calls the handler named on the command line (module.function) and posts its result or error.
"""
import importlib
import json
import os
import sys
import time
import traceback
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"


class Context:
    """The fields of Lambda's context object that handlers use."""

    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def post(path, body, error_type=None):
    request = urllib.request.Request(API + path, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if error_type:
        request.add_header("Lambda-Runtime-Function-Error-Type", error_type)
    urllib.request.urlopen(request).read()


def error_document(error):
    return json.dumps({
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "stackTrace": traceback.format_exception(type(error), error, error.__traceback__),
    }).encode()


def main():
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    # Init errors go to the API with AWS's classification: the module, then the function in it.
    try:
        module_name, function_name = sys.argv[1].rsplit(".", 1)
        module = importlib.import_module(module_name)
    except Exception as error:
        post("/init/error", error_document(error), "Runtime.ImportModuleError")
        raise
    try:
        handler = getattr(module, function_name)
    except AttributeError as error:
        post("/init/error", error_document(error), "Runtime.HandlerNotFound")
        raise
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as response:
            headers = response.headers
            event = json.loads(response.read() or b"null")
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        try:
            result = handler(event, Context(headers))
            post("/invocation/" + request_id + "/response", json.dumps(result).encode())
        except Exception as error:
            post("/invocation/" + request_id + "/error", error_document(error), "Unhandled")


if __name__ == "__main__":
    main()
