#!/usr/bin/env bash
# SAM: one template for two images passes cfn-lint, pins ImageUri by the pushed digest, and
# carries every value through YAML exactly, however it is spelled; an ALIAS is SAM's
# AutoPublishAlias.
source "$(dirname "$0")/lib.sh"

digest=sha256:$(printf 'ab%.0s' $(seq 32))
one=$(write_spec one '"repository": "123456789012.dkr.ecr.us-east-1.amazonaws.com/one"' '"tag": "v1"' \
  '"function_name": "one-fn"' '"role": "arn:aws:iam::123456789012:role/lambda"' '"memory": 512' \
  '"timeout": 30' '"environment": {"TRICKY": "a: b # c \"d\" '"'"'e'"'"' {f} [g] &h *i !j |k >l %m @n `o`", "EMPTY": ""}' \
  '"build_args": {"BASE": "x: y"}' '"architectures": ["arm64", "x86_64"]' '"alias": "live"')
echo "123456789012.dkr.ecr.us-east-1.amazonaws.com/one@$digest" >"$(dirname "$one")/push-arm64.ref"
two=$(write_spec two '"repository": "123456789012.dkr.ecr.us-east-1.amazonaws.com/two"' '"tag": "v2"')

"$hubtel_ai" sam --spec "$one" --spec "$two" --output "$work/template.yaml"
cat "$work/template.yaml"
cfn-lint "$work/template.yaml" || fail "cfn-lint rejected the template"
python3 - "$work/template.yaml" "$one" "$digest" <<'PY' || fail "the template does not hold the specs' values"
import json, os, sys, yaml

class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
template = yaml.load(open(sys.argv[1]), Loader=Loader)
spec = json.load(open(sys.argv[2]))
one = template["Resources"]["OneFnFunction"]
props = one["Properties"]
assert props["PackageType"] == "Image", props
assert props["ImageUri"] == spec["repository"] + "@" + sys.argv[3], props["ImageUri"]
assert props["Architectures"] == ["arm64"], props
assert props["MemorySize"] == 512 and props["Timeout"] == 30, props
assert props["Environment"]["Variables"] == spec["environment"], props["Environment"]
assert props["Role"] == spec["role"] and props["FunctionName"] == "one-fn", props
assert props["AutoPublishAlias"] == "live", props
meta = one["Metadata"]
# Relative to the template's folder, as SAM reads it, so the template moves with its checkout.
assert not meta["DockerContext"].startswith("/"), meta
context = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), meta["DockerContext"]))
assert context == os.path.normpath(spec["context"]), (context, spec["context"])
assert meta["Dockerfile"] == "hubtel/one/Dockerfile", meta
assert meta["DockerTag"] == "v1-arm64", meta
assert meta["DockerBuildArgs"] == {"BASE": "x: y"}, meta
two = template["Resources"]["TwoFunction"]["Properties"]
assert two["ImageUri"].endswith("/two:v2"), two  # not pushed yet: repository:tag
assert "FunctionName" not in two and "Role" not in two and "AutoPublishAlias" not in two, two
PY

# A value with a line break never reaches the template.
bad=$(write_spec bad '"repository": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bad"' \
  '"environment": {"X": "a\nEvil: yes"}')
set +e
err=$("$hubtel_ai" sam --spec "$bad" --output "$work/bad.yaml" 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "a value with a newline exited $code"
expect_in "$err" "bad 'environment': the value of \"X\" is not a string free of control characters"
[ ! -e "$work/bad.yaml" ] || fail "a template was written from a bad spec"
echo "1 passed, 0 failed"
