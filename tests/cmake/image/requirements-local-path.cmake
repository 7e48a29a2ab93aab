# A local project or wheel named in a requirements file is not in the builder either.
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt "six==1.16\n-e ./pkg\n")
hubtel_add_lambda_image(
  py
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS requirements.txt)
