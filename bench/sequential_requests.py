#!/usr/bin/env python3
"""Time per request of a sequential client against `fake-apiserver`: one connection per
request, each sent when the previous answer is in, as kube's paging loop and kubectl do.
What the server adds to every request shows here (its accept loop once slept 5 ms when
idle, which put up to 5 ms on each one).

    bench/sequential_requests.py [--server target/release/fake-apiserver]
                                 [--requests 200] [--runs 5]

Prints the median over runs of the mean milliseconds per request. Not a test: timings
on a shared machine are noisy.
"""

import argparse
import http.client
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=str(ROOT / "target" / "release" / "fake-apiserver"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = subprocess.Popen([args.server, "--pods", "10", "--serve-for", "120"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit(f"fake-apiserver did not start: {line!r}")
        host, port = line.split()[1].removeprefix("http://").split(":")
        means = []
        for _ in range(args.runs):
            started = time.perf_counter()
            for _ in range(args.requests):
                connection = http.client.HTTPConnection(host, int(port))
                connection.request("GET", "/version")
                connection.getresponse().read()
                connection.close()
            means.append((time.perf_counter() - started) / args.requests * 1000)
        print(f"{args.requests} sequential requests, median of {args.runs} runs: "
              f"{statistics.median(means):.2f} ms per request "
              f"(runs: {', '.join(f'{m:.2f}' for m in means)})")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
