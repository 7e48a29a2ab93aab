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

# Limits: data, templates and output that would exhaust the stack or memory are errors naming the
# input and the limit. The inputs are written here, at configure time: they are large or many.
set(_render_limits "${CMAKE_CURRENT_BINARY_DIR}/render-limits")
string(REPEAT "[" 60000 _open)
string(REPEAT "]" 60000 _close)
file(WRITE "${_render_limits}/deep.json" "{\"v\": ${_open}${_close}}")
file(WRITE "${_render_limits}/empty.json" "{}")
file(WRITE "${_render_limits}/root.mustache" "{{>p31}}")
# A partial that includes itself inside 500 nested tags of each kind.
foreach(kind IN ITEMS inverted block)
  if(kind STREQUAL "inverted")
    set(_tag_open "{{^a}}")
    set(_tag_close "{{/a}}")
  else()
    set(_tag_open "{{$b}}")
    set(_tag_close "{{/b}}")
  endif()
  string(REPEAT "${_tag_open}" 500 _open)
  string(REPEAT "${_tag_close}" 500 _close)
  file(WRITE "${_render_limits}/${kind}/self.mustache" "${_open}{{>self}}${_close}")
endforeach()
# 31 partials, each the one before it twice: 2^31 copies of p0.
foreach(kind IN ITEMS doubling empty)
  if(kind STREQUAL "doubling")
    string(REPEAT "x" 1024 _first)
  else()
    set(_first "")
  endif()
  file(WRITE "${_render_limits}/${kind}/p0.mustache" "${_first}")
  foreach(i RANGE 1 31)
    math(EXPR _before "${i} - 1")
    file(WRITE "${_render_limits}/${kind}/p${i}.mustache" "{{>p${_before}}}{{>p${_before}}}")
  endforeach()
endforeach()

_hubtel_cli_test(
  render.deep-data
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_limits}/deep.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/deep.json: the data nests more than 1000 deep \\(--max-depth\\)\n$")
_hubtel_cli_test(
  render.deep-data-max-depth
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --max-depth 1
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: [^\n]*/data.json: the data nests more than 1 deep \\(--max-depth\\)\n$"
)
foreach(kind IN ITEMS inverted block)
  _hubtel_cli_test(
    render.deep-${kind}
    COMMAND render --template "${_render_limits}/${kind}/self.mustache" --data
            "${_render_limits}/empty.json"
    RESULT 1
    STDOUT "^$"
    STDERR
      "^hubtel-ai: error: [^\n]*/${kind}/self.mustache:1: sections, blocks and partials nest more than 1000 deep \\(--max-depth. [^\n]*/self.mustache -> self[^\n]*\\)\n$"
  )
endforeach()
_hubtel_cli_test(
  render.output-limit
  COMMAND render --template "${_render_limits}/root.mustache" --data "${_render_limits}/empty.json"
          --partials "${_render_limits}/doubling"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/root.mustache: the output would exceed 67108864 bytes \\(--max-output\\). do partials include each other many times over\\?\n$"
)
_hubtel_cli_test(
  render.max-output
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --max-output 10
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/page.mustache: the output would exceed 10 bytes \\(--max-output\\)")
_hubtel_cli_test(
  render.bad-max-output
  COMMAND render --template "${_render_data}/page.mustache" --data "${_render_data}/data.json"
          --max-output lots
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --max-output: \"lots\" is not a size")
_hubtel_cli_test(
  render.step-limit
  COMMAND render --template "${_render_limits}/root.mustache" --data "${_render_limits}/empty.json"
          --partials "${_render_limits}/empty" --max-steps 100000
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/p[0-9]+.mustache:1: rendering takes more than 100000 steps \\(--max-steps\\)"
)
_hubtel_cli_test(
  render.help-limits
  COMMAND render --help
  RESULT 0
  STDOUT "--missing-partial.*--max-depth.*--max-output.*--max-steps"
  STDERR "^$")

# --missing-partial empty: the spec's "Failed Lookup" (partials.json): a partial that cannot be
# found renders as nothing.
_hubtel_cli_test(
  render.missing-partial-empty
  COMMAND render --template "${_render_data}/failed-lookup.mustache" --data
          "${_render_limits}/empty.json" --missing-partial empty
  RESULT 0
  STDOUT "^\"\"$"
  STDERR "^$")
_hubtel_cli_test(
  render.missing-partial-error
  COMMAND render --template "${_render_data}/failed-lookup.mustache" --data
          "${_render_limits}/empty.json" --missing-partial error
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: [^\n]*/failed-lookup.mustache:1: partial \"text\" not found")
_hubtel_cli_test(
  render.bad-missing-partial
  COMMAND render --template "${_render_data}/failed-lookup.mustache" --data
          "${_render_limits}/empty.json" --missing-partial ignore
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --missing-partial: ignore not in {error,empty}")
