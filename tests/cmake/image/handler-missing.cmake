hubtel_add_lambda_image(hello RUNTIME python3.12 SOURCES app.py)
