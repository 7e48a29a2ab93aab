# pip takes -f with its folder attached; that folder reaches the builder as --find-links does.
# URLs fetched by pip (a remote -r, a VCS requirement) are left to it.
file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/wheels)
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt
     "-f./wheels\n-r https://example.com/r.txt\ngit+https://example.com/a/b\ngreeting\n")
hubtel_add_lambda_image(
  py
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS requirements.txt)
