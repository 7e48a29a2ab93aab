file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/wheels ${CMAKE_CURRENT_SOURCE_DIR}/pkg)
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pkg/__init__.py "")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt "--find-links wheels\ngreeting==1.0\n")
hubtel_add_lambda_image(
  py
  RUNTIME python3.12
  HANDLER app.handler
  SOURCES app.py pkg
  REQUIREMENTS requirements.txt
  RUNTIME_IMAGE localhost:5000/python:3.12)
