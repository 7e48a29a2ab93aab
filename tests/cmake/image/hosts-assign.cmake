# Six images over two engines: each image's build, size and push run on its engine, in its pool.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock;unix:///run/hubtel-b.sock" CACHE STRING "" FORCE)
set(HUBTEL_ENGINE_JOBS 2 CACHE STRING "" FORCE)
foreach(name IN ITEMS one two three four five six)
  hubtel_add_lambda_image(
    ${name}
    RUNTIME provided.al2023
    TARGET hello
    REPOSITORY 127.0.0.1:5000/${name})
endforeach()
