# Bad engine addresses and engines that do not answer: each named, with what it lacks, exit 1.
set(_hubtel_engines_dir "${CMAKE_CURRENT_BINARY_DIR}/engines")
file(MAKE_DIRECTORY "${_hubtel_engines_dir}/certs")
file(WRITE "${_hubtel_engines_dir}/certs/ca.pem" "")
file(WRITE "${_hubtel_engines_dir}/not-a-socket" "")

_hubtel_cli_test(
  engines-malformed
  COMMAND engines --host tcp://127.0.0.1
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: engine address 'tcp://127.0.0.1' is malformed: a tcp:// address is tcp://<host>:<port>, its port given; an engine address is unix:///<socket>, tcp://<host>:<port> \\(with TLS\\), ssh://\\[<user>@\\]<host>\\[:<port>\\], or the name of a docker context\n$"
)
_hubtel_cli_test(
  engines-scheme
  COMMAND engines --host http://127.0.0.1:2375
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine address 'http://127.0.0.1:2375' is malformed: scheme 'http://' is not unix://, tcp:// or ssh://"
)
_hubtel_cli_test(
  engines-tls-unset
  COMMAND engines --host tcp://127.0.0.1:2376
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine tcp://127.0.0.1:2376 is reached over TCP, which needs TLS: set HUBTEL_ENGINE_CERT_PATH \\(for `hubtel-ai engines --host`: --cert-path\\) to a folder holding ca.pem, cert.pem, key.pem \\(or a folder 127.0.0.1:2376 in it for this engine alone\\)\n$"
)
_hubtel_cli_test(
  engines-tls-missing
  COMMAND engines --host tcp://127.0.0.1:2376 --cert-path "${_hubtel_engines_dir}/certs"
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine tcp://127.0.0.1:2376: TLS files missing in [^ ]*/engines/certs: cert.pem, key.pem \\(a tcp:// engine is reached with TLS"
)
_hubtel_cli_test(
  engines-unreachable
  COMMAND engines --check --host "unix://${_hubtel_engines_dir}/no-engine.sock" --image one --image
          two
  RESULT 1
  STDOUT "^unix://[^ ]*/no-engine.sock \\(does not answer\\): one two\n$"
  STDERR
    "^hubtel-ai: error: engine unix://[^ ]*/no-engine.sock does not answer: nothing accepts a connection there \\([^ ]*/no-engine.sock: No such file or directory\\); start its dockerd, or remove it from HUBTEL_ENGINE_HOSTS; the images it builds: one, two\n$"
)
_hubtel_cli_test(
  engines-not-an-engine
  COMMAND engines --check --engine /usr/bin/docker --host
          "unix://${_hubtel_engines_dir}/not-a-socket"
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine unix://[^ ]*/not-a-socket is not a Docker engine: something answers there, but not the Docker API \\(the client said: [^\n]+\\); name the engine's own socket or port in HUBTEL_ENGINE_HOSTS; the images it builds: none\n$"
)
_hubtel_cli_test(
  engines-twice
  COMMAND engines --host unix:///run/a.sock --host unix:///run/a.sock
  RESULT 1
  STDERR "^hubtel-ai: error: engine unix:///run/a.sock is named twice\n$")
_hubtel_cli_test(
  engines-no-assignment
  COMMAND engines --engines "${_hubtel_engines_dir}/engines.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the engine assignment '[^']*/engines/engines.json' is missing \\(HUBTEL_ENGINE_HOSTS writes it when it names engines\\): run this in the project's build folder, name the file with --engines, or configure the project again\n$"
)
_hubtel_cli_test(
  engines-assigns
  COMMAND engines --host unix:///run/a.sock --host unix:///run/b.sock --image one --image two
          --image three
  RESULT 0
  STDOUT "^unix:///run/a.sock: [a-z ]+\nunix:///run/b.sock: [a-z ]+\n$"
  STDERR "^$")
_hubtel_cli_test(
  engines-no-context
  COMMAND engines --check --engine /usr/bin/docker --host hubtel-no-such-context
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine hubtel-no-such-context is no docker context here \\(`docker context ls` lists them; `docker context create hubtel-no-such-context --docker host=...` makes it\\): [^\n]*context[^\n]*; the images it builds: none\n$"
)
_hubtel_cli_test(
  engines-image-bad
  COMMAND engines --host unix:///run/a.sock --image "a\nevil: b"
  RESULT 1
  STDERR
    "^hubtel-ai: error: --image \"a\\\\nevil: b\": not an image name as hubtel_add_lambda_image\\(\\) takes it \\(at most 64 lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit\\)\n$"
)
_hubtel_cli_test(
  engines-image-twice
  COMMAND engines --host unix:///run/a.sock --image a --image a
  RESULT 1
  STDERR "^hubtel-ai: error: --image a is named twice\n$")
_hubtel_cli_test(
  engines-ssh-port
  COMMAND engines --host ssh://ci@build-3:99999
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine address 'ssh://ci@build-3:99999' is malformed: port 99999 is not between 1 and 65535; [^\n]*\n$"
)
_hubtel_cli_test(
  engines-port-zero
  COMMAND engines --host tcp://127.0.0.1:0002376
  RESULT 1
  STDERR
    "^hubtel-ai: error: engine address 'tcp://127.0.0.1:0002376' is malformed: a tcp:// address is tcp://<host>:<port>, its port given; [^\n]*\n$"
)
