# A requirements file that includes another: only the file named reaches the builder.
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/base.txt "six\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt "# pinned\n  -r base.txt\nrequests\n")
hubtel_add_lambda_image(
  py
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS requirements.txt)
