# HubtelAI added with add_subdirectory() from outside the context, at a path the builder cannot
# recreate (a space): what add_subdirectory() records is set here directly.
set_property(GLOBAL PROPERTY _HUBTEL_SUBDIRECTORY_ROOT "/opt/hubtel ai")
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
