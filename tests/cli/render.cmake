# CLI tests of `hubtel-ai render`: escaping modes, partials, --output, and every bad input.
set(_render_data "${CMAKE_CURRENT_SOURCE_DIR}/data/render")

_hubtel_cli_test(
  render.html
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
  RESULT 0
  STDOUT
    "^name: &lt;demo&gt; &amp; co\n  - one\n  - 2\n  - true\n\\[body of &lt;demo&gt; &amp; co\\]\n$"
  STDERR "^$")
_hubtel_cli_test(
  render.none
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --escape none
  RESULT 0
  STDOUT "^name: <demo> & co\n.*\\[body of <demo> & co\\]\n$"
  STDERR "^$")
_hubtel_cli_test(
  render.strict
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --escape strict
  RESULT 0
  STDOUT "^name: <demo> & co\n"
  STDERR "^$")
_hubtel_cli_test(
  render.partials-dir
  COMMAND render --template "${_render_data}/other.mustache" --data "${_render_data}/data.json"
          --partials "${_render_data}/partials"
  RESULT 0
  STDOUT "^other: \\* one \\* \\* 2 \\* \\* true \\*\n$"
  STDERR "^$")
# Several --partials folders are searched in order: the second serves what the first lacks.
_hubtel_cli_test(
  render.partials-dirs
  COMMAND render --template "${_render_data}/other.mustache" --data "${_render_data}/data.json"
          --partials "${_render_data}/absent" --partials "${_render_data}/partials"
  RESULT 0
  STDOUT "^other: \\* one \\* \\* 2 \\* \\* true \\*\n$"
  STDERR "^$")
_hubtel_cli_test(
  render.strict-newline
  COMMAND render --template "${_render_data}/strict.mustache" --data "${_render_data}/newline.json"
          --escape strict
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: strict escaping: the value of \"build_args.FOO\" contains a newline \\(line feed\\); values in templates of this project must be one line \\([^\n]*/strict.mustache:1\\)\n$"
)
_hubtel_cli_test(
  render.html-newline
  COMMAND render --template "${_render_data}/strict.mustache" --data "${_render_data}/newline.json"
  RESULT 0
  STDOUT "^ARG FOO=1\nRUN rm -rf /\n$"
  STDERR "^$")
_hubtel_cli_test(
  render.missing-template
  COMMAND render --template "${_render_data}/missing.mustache" --data "${_render_data}/data.json"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: cannot read '[^\n]*/missing.mustache': No such file or directory\n$")
_hubtel_cli_test(
  render.missing-data
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/missing.json"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: cannot read '[^\n]*/missing.json': No such file or directory\n$")
_hubtel_cli_test(
  render.invalid-json
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/invalid.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/invalid.json is not valid JSON: parse error at line 2, column 17: [^\n]*\n$"
)
_hubtel_cli_test(
  render.unknown-partial
  COMMAND render --template "${_render_data}/unknown-partial.mustache" --data
          "${_render_data}/data.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/unknown-partial.mustache:2: partial \"nope\" not found \\(no file [^\n]*/data/render/nope.mustache\\)\n$"
)
_hubtel_cli_test(
  render.parse-error
  COMMAND render --template "${_render_data}/unclosed.mustache" --data "${_render_data}/data.json"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: [^\n]*/unclosed.mustache:4: unclosed section \"x\" opened at line 2\n$"
)
_hubtel_cli_test(
  render.recursion
  COMMAND render --template "${_render_data}/recursive.mustache" --data "${_render_data}/data.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/recursive.mustache:1: partials nest more than 100 deep; does \"recursive\" include itself without end\\? \\([^\n]*\\)\n$"
)
_hubtel_cli_test(
  render.bad-escape
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --escape xml
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --escape: xml not in {html,none,strict}")
_hubtel_cli_test(
  render.no-data
  COMMAND render --template "${_render_data}/page.mustache"
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --data is required")

add_test(
  NAME cli.render.output-unchanged
  COMMAND
    ${CMAKE_COMMAND} -DHELPER=$<TARGET_FILE:hubtel-ai> -DDATA_DIR=${_render_data}
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/render-output -P ${_render_data}/output-unchanged.cmake)
set_tests_properties(cli.render.output-unchanged PROPERTIES LABELS cli)
