# cmake-format settings, and the argument specs of HubtelAI's public and test functions so that
# formatters lay out their calls. hubtel_add_lambda_image()'s keywords are read from the spec
# module that parses them (its _hubtel_one_value and _hubtel_multi_value lists), so a new keyword
# is declared in one place.
import os
import re

with section("format"):
    line_width = 100
    tab_size = 2
    max_subgroups_hwrap = 3
    dangle_parens = False

with section("markup"):
    enable_markup = False


def _keywords(list_name, arity):
    path = os.path.join(os.path.dirname(__file__), "modules", "HubtelAISpec.cmake")
    with open(path, encoding="utf-8") as module:
        found = re.search(r"^set\(" + list_name + r"\s+([A-Z_\s]+)\)", module.read(), re.M)
    if not found:
        raise ValueError("modules/HubtelAISpec.cmake has no set(" + list_name + " ...)")
    return {keyword: arity for keyword in found.group(1).split()}


with section("parse"):
    additional_commands = {
        "hubtel_add_lambda_image": {
            "pargs": {"nargs": 1},
            "kwargs": {**_keywords("_hubtel_one_value", 1), **_keywords("_hubtel_multi_value", "+")},
        },
        "_hubtel_rule": {
            "pargs": {"nargs": 1, "flags": ["SIZE"]},
            "kwargs": {"LIMIT": 1, "NOT": 1, "MATCHES": 2, "ONE_OF": "+", "RANGE": 2,
                       "RESERVED": 2, "PART": 4},
        },
        "_hubtel_cli_test": {
            "pargs": {"nargs": 1},
            "kwargs": {"COMMAND": "+", "STDIN": 1, "RESULT": 1, "STDOUT": 1, "STDERR": 1,
                       "WORKING_DIRECTORY": 1, "LABELS": "+"},
        },
        "_hubtel_e2e_test": {
            "pargs": {"nargs": 1},
            "kwargs": {"COMMAND": "+", "FIXTURES": "+", "LABELS": "+", "TIMEOUT": 1},
        },
        "_hubtel_e2e_fixture": {
            "pargs": {"nargs": 1},
            "kwargs": {"SETUP": "+", "CLEANUP": "+", "REQUIRES": "+", "TIMEOUT": 1},
        },
    }
