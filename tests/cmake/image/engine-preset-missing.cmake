# A configure preset that names a missing engine: the warning names the preset, its file and key.
file(
  WRITE "${CMAKE_SOURCE_DIR}/CMakePresets.json"
  [=[{
  "version": 3,
  "configurePresets": [
    {"name": "base", "generator": "Ninja", "binaryDir": "${sourceDir}/build"},
    {"name": "lambda", "inherits": "base", "cacheVariables": {"HUBTEL_ENGINE": {"type": "STRING", "value": "/nonexistent/preset-engine"}}}
  ]
}
]=])
set(HUBTEL_ENGINE "/nonexistent/preset-engine" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
