#!/usr/bin/env python3
"""Load for serve.sh's concurrency case: many clients at once against `hubtel-ai serve`.

load.py <port> <requests> <clients>

Sends <requests> POSTs to http://127.0.0.1:<port>, from <clients> threads that start together,
each on a keep-alive connection of its own (reopened when the server closes it; a request is
never sent twice). Request <n> carries its id, "load-<n>", in its path, its query
(?action=http&id=...), an X-Echo header and its body (with two bytes that are not text, so the
event carries it Base64-encoded); the test runtime's "http" action answers 201 with the X-Echo
header back and the body back. Every request must be answered exactly once, 201, with its own id
in both. Prints the figures on one line: requests per second over the whole run, and the p50,
p99 and highest latency of one request. Otherwise it lists what went wrong and exits 1.
"""

import http.client
import math
import sys
import threading
import time


def main():
    port, requests, clients = (int(arg) for arg in sys.argv[1:4])
    ids = [f"load-{n:04d}" for n in range(requests)]
    queue = iter(ids)
    queue_lock = threading.Lock()
    results = []  # (id, what went wrong or None, seconds)
    results_lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        while True:
            with queue_lock:
                request_id = next(queue, None)
            if request_id is None:
                break
            body = request_id.encode() + b"\x00\xff"
            begin = time.monotonic()
            try:
                connection.request(
                    "POST",
                    f"/load/{request_id}?action=http&id={request_id}",
                    body=body,
                    headers={"X-Echo": request_id, "Content-Type": "application/octet-stream"},
                )
                response = connection.getresponse()
                answer = response.read()
                took = time.monotonic() - begin
                echoed = response.getheader("x-echo")
                problem = None
                if response.status != 201:
                    problem = f"HTTP {response.status}: {answer[:200]!r}"
                elif echoed != request_id:
                    problem = f"x-echo {echoed!r}"
                elif answer != body:
                    problem = f"body {answer[:80]!r}"
                result = (request_id, problem, took)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                result = (request_id, f"{type(error).__name__}: {error}", None)
            with results_lock:
                results.append(result)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    begin = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin

    problems = []
    seen = {}
    for request_id, problem, _ in results:
        seen[request_id] = seen.get(request_id, 0) + 1
        if problem:
            problems.append(f"{request_id}: {problem}")
    for request_id in ids:
        if seen.get(request_id, 0) != 1:
            problems.append(f"{request_id}: answered {seen.get(request_id, 0)} times")
    if problems:
        print(f"{len(problems)} problems in {len(results)} answers:", *problems[:20], sep="\n  ")
        return 1

    latencies = sorted(took for _, _, took in results)

    def percentile(fraction):  # nearest rank
        return latencies[max(0, math.ceil(fraction * len(latencies)) - 1)] * 1000

    print(
        f"{requests} requests from {clients} clients, all answered once: "
        f"{requests / elapsed:.0f} requests/s, p50 {percentile(0.50):.1f} ms, "
        f"p99 {percentile(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms "
        f"({elapsed:.2f} s in all)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
