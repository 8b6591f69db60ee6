#!/usr/bin/env python3
"""Benchmarks kubectl-sandbox against the real kubectl on synthetic clusters, side by side.

Not a test: it measures and writes BENCHMARKS.md. For each size it starts the standalone
fake API server (tests/testkit/src/bin/fake-apiserver.rs) loaded with a synthetic cluster
and points kubectl-sandbox and kubectl at it through one kubeconfig. It also times
explain-pod -f on a many-document manifest, --version start-up, and a live check with the
real gcloud against the GKE mock.

    bench/run.py                          # sizes 1000,10000,50000; 3 runs each
    bench/run.py --sizes 1000,10000 --runs 5 --out /tmp/bench.md
    bench/run.py --sandbox /path/to/other/kubectl-sandbox   # measure another build

Each figure is the median of --runs runs. Wall time and peak RSS come from
/usr/bin/time; API requests from the fake server's request log.
"""

import argparse
import datetime
import http.client
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
GKE_JSON = ROOT / "tests" / "fixtures" / "gke" / "standard-with-sandbox.json"
# The kubeconfig the fake server writes names this GKE cluster (see fake-apiserver.rs).
GKE_TARGET = ["--project", "bench-project", "--location", "europe-west1"]
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
GCLOUD = shutil.which("gcloud") or "/usr/bin/gcloud"


def main():
    args = parse_args()
    if not args.no_build:
        run(["cargo", "build", "--release", "--workspace", "--bins"], cwd=ROOT)
    sandbox = Path(args.sandbox) if args.sandbox else RELEASE / "kubectl-sandbox"
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(tempfile.mkdtemp(prefix="kubectl-sandbox-bench-"))
    results = {"sizes": {}, "runs": args.runs}
    try:
        for size in sizes:
            log(f"== {size} pods")
            results["sizes"][size] = bench_size(size, sandbox, work, args)
        log("== explain-pod -f")
        results["explain"] = bench_explain(sandbox, work, args.docs, args.runs)
        results["explain_json"] = bench_explain(sandbox, work, args.docs, args.runs, json=True)
        log("== --version")
        results["startup"] = bench_startup(sandbox)
        if not args.skip_gcloud:
            size = max(sizes)
            log(f"== check with gcloud against the GKE mock, {size} pods")
            results["gcloud"] = bench_gcloud(size, sandbox, work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = render(results, args, sandbox)
    Path(args.out).write_text(report)
    log(f"wrote {args.out}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="pod counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--docs", type=int, default=10000, help="documents in the explain-pod manifest")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--sandbox", help="kubectl-sandbox binary (default: target/release)")
    parser.add_argument("--skip-kubectl", action="store_true", help="measure only kubectl-sandbox")
    parser.add_argument("--skip-gcloud", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--notes", default=str(ROOT / "bench" / "changes.md"),
                        help="Markdown appended to the report: what each change bought")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, **kwargs):
    subprocess.run(command, check=True, **kwargs)


class Server:
    """The fake API server with a synthetic cluster, serving until stopped."""

    def __init__(self, pods, work):
        self.kubeconfig = work / f"kubeconfig-{pods}.yaml"
        self.request_log = work / f"requests-{pods}.log"
        started = time.monotonic()
        self.process = subprocess.Popen(
            [str(RELEASE / "fake-apiserver"), "--pods", str(pods), "--serve-for", "1800",
             "--kubeconfig", str(self.kubeconfig), "--request-log", str(self.request_log)],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            raise SystemExit(f"fake-apiserver did not start: {line!r}")
        self.url = line.split()[1]
        self.load_seconds = time.monotonic() - started

    def requests(self):
        with open(self.request_log) as log_file:
            return sum(1 for _ in log_file)

    def stop(self):
        self.process.kill()
        self.process.wait()


def measure(command, runs, server=None, env=None, stdin=None, exit_ok=(0, 1)):
    """Median wall seconds, median peak RSS in MiB, and the API requests of one run.
    Exit codes outside `exit_ok` are errors (check exits 1 when it finds failures)."""
    walls, rss, requests = [], [], None
    time_file = Path(tempfile.mktemp(prefix="time-"))
    for _ in range(runs):
        before = server.requests() if server else 0
        started = time.perf_counter()
        with open(stdin or os.devnull, "rb") as input_file:
            completed = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", str(time_file)] + command,
                stdin=input_file, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=env)
        if completed.returncode not in exit_ok:
            raise SystemExit(f"{' '.join(command)} exited {completed.returncode}: "
                             f"{completed.stderr.decode()[-2000:]}")
        # Wall time from here (/usr/bin/time rounds to 10 ms); peak RSS from /usr/bin/time.
        walls.append(time.perf_counter() - started)
        kib = time_file.read_text().split()[-1]
        rss.append(int(kib) / 1024)
        if server:
            requests = server.requests() - before
    time_file.unlink(missing_ok=True)
    return {"wall": statistics.median(walls), "rss": statistics.median(rss),
            "requests": requests, "walls": walls}


def check_command(sandbox, kubeconfig):
    return [str(sandbox), "check", "--kubeconfig", str(kubeconfig), "--gke-json", str(GKE_JSON),
            "--untrusted-selector", "trust=untrusted", "-o", "json"]


def bench_size(size, sandbox, work, args):
    server = Server(size, work)
    log(f"   fake-apiserver loaded {size} pods in {server.load_seconds:.1f} s")
    try:
        result = {"load": server.load_seconds, "server": server_alone(server, args.runs)}
        log(f"   server alone {result['server']:.2f} s")
        result["check"] = measure(check_command(sandbox, server.kubeconfig), args.runs, server)
        log(f"   check {result['check']}")
        if not args.skip_kubectl:
            # A cache of its own, so discovery is read once per server, not from ~/.kube.
            kubectl = [KUBECTL, "--kubeconfig", str(server.kubeconfig),
                       "--cache-dir", str(work / f"kubectl-cache-{size}"), "get", "pods", "-A"]
            result["kubectl_json"] = measure(kubectl + ["-o", "json"], args.runs, server)
            log(f"   kubectl -o json {result['kubectl_json']}")
            result["kubectl_table"] = measure(kubectl, args.runs, server)
            log(f"   kubectl {result['kubectl_table']}")
        return result
    finally:
        server.stop()


def server_alone(server, runs):
    """Median seconds to fetch every pod page with a client that does nothing with the
    bytes: the part of any client's time that is the fake server's."""
    host, port = server.url.removeprefix("http://").split(":")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        token = ""
        while True:
            connection = http.client.HTTPConnection(host, int(port))
            connection.request("GET", f"/api/v1/pods?limit=500&continue={token}")
            body = connection.getresponse().read()
            connection.close()
            # The continue token sits in the list's metadata, before the items.
            head = body[:300].decode(errors="replace")
            marker = '"continue":"'
            if marker not in head:
                break
            token = head.split(marker, 1)[1].split('"', 1)[0]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_explain(sandbox, work, docs, runs, json=False):
    """explain-pod -f on `docs` documents; with json=True the same objects written as
    indented JSON documents (read by serde_json instead of serde-saphyr)."""
    manifest = work / ("manifest-json.yaml" if json else "manifest.yaml")
    with open(manifest, "w") as out:
        run([str(RELEASE / "synthetic-manifest"), "--docs", str(docs)] + (["--json"] if json else []),
            stdout=out)
    result = measure([str(sandbox), "explain-pod", "-f", str(manifest), "-o", "json"], runs)
    result["docs"] = docs
    result["bytes"] = manifest.stat().st_size
    return result


def bench_startup(sandbox):
    """hyperfine's mean of many runs when installed, else the median of a timed loop."""
    if shutil.which("hyperfine"):
        export = Path(tempfile.mktemp(suffix=".json"))
        run(["hyperfine", "--shell=none", "--warmup", "20", "--runs", "300",
             "--export-json", str(export), f"{sandbox} --version"],
            stdout=subprocess.DEVNULL)
        import json
        data = json.loads(export.read_text())["results"][0]
        export.unlink()
        return {"tool": "hyperfine", "median": data["median"], "mean": data["mean"]}
    times = []
    for _ in range(300):
        started = time.perf_counter()
        subprocess.run([str(sandbox), "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return {"tool": "a Python loop (includes fork/exec)", "median": statistics.median(times),
            "mean": statistics.mean(times)}


def bench_gcloud(size, sandbox, work, runs):
    server = Server(size, work)
    env_file = work / "gcloud.env"
    mock = subprocess.Popen(
        [str(RELEASE / "gke-mock"), "--cluster-json", str(GKE_JSON), "--env-file", str(env_file),
         "--gcloud-config", str(work / "gcloud-config"), "--serve-for", "1800"],
        stdout=subprocess.PIPE, text=True)
    try:
        if not mock.stdout.readline().startswith("READY"):
            raise SystemExit("gke-mock did not start")
        env = dict(os.environ)
        for line in env_file.read_text().splitlines():
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = value.strip("'")
        gcloud = [GCLOUD, "container", "clusters", "describe", "prod-eu", *GKE_TARGET,
                  "--format", "json"]
        live = [str(sandbox), "check", "--kubeconfig", str(server.kubeconfig),
                "--untrusted-selector", "trust=untrusted", "-o", "json"]
        # One unmeasured gcloud run first: its first start compiles Python files.
        subprocess.run(gcloud, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = {"size": size}
        result["gcloud"] = measure(gcloud, runs, env=env)
        result["kube"] = measure(check_command(sandbox, server.kubeconfig), runs, server)
        result["live"] = measure(live, runs, server, env=env)
        for name in ("gcloud", "kube", "live"):
            log(f"   {name} {result[name]}")
        return result
    finally:
        mock.kill()
        mock.wait()
        server.stop()


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1]
    kubectl = subprocess.run([KUBECTL, "version", "--client"], capture_output=True,
                             text=True).stdout.splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory.split()[1],
            "kernel": platform.release(), "kubectl": kubectl}


def render(results, args, sandbox):
    m = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {now} by `bench/run.py` on {m['cores']} cores ({m['cpu']}), "
        f"{m['memory']} RAM, Linux {m['kernel']}; {m['kubectl']}. "
        f"Every figure is the median of {results['runs']} runs. The machine was shared with "
        "other jobs, so expect noise of some tens of percent.",
        "",
        "Reproduce:",
        "",
        "```sh",
        f"bench/run.py --sizes {args.sizes} --runs {args.runs}   # writes BENCHMARKS.md",
        "```",
        "",
        "The cluster is synthetic (`tests/testkit/src/synthetic.rs`): one namespace per 100",
        "pods (one in four an untrusted tenant), one node per 30 pods (one in four a gVisor",
        "node), pods of about 3.5 KB of JSON with labels, annotations, a ReplicaSet owner, two or",
        "three containers (env, resources, probes, volume mounts) and full status. It is served",
        "by `fake-apiserver` on loopback, in pages of 500 for both clients. kubectl-sandbox reads",
        "the GKE side from `--gke-json` here, so gcloud start-up is not in these figures.",
        "Wall time is measured around the process; peak RSS is `/usr/bin/time`'s maximum",
        "resident set size. API requests are counted in the fake server's request log",
        "(kubectl's include discovery on its first run against a server).",
        "",
        "## check against kubectl",
        "",
        "| pods | command | wall (s) | peak RSS (MiB) | API requests |",
        "|---:|---|---:|---:|---:|",
    ]
    names = [("check", "`kubectl sandbox check -o json`"),
             ("kubectl_json", "`kubectl get pods -A -o json > /dev/null`"),
             ("kubectl_table", "`kubectl get pods -A > /dev/null`")]
    for size, result in results["sizes"].items():
        for key, label in names:
            if key in result:
                r = result[key]
                lines.append(f"| {size:,} | {label} | {r['wall']:.2f} | {r['rss']:.0f} | {r['requests']} |")
    lines += ["", "The fake server's own share: fetching every pod page with a client that "
              "discards the bytes takes " +
              ", ".join(f"{r['server']:.2f} s at {size:,} pods" for size, r in results["sizes"].items()) +
              " (every client pays this). Generating and loading the cluster, outside every "
              "figure: " +
              ", ".join(f"{r['load']:.1f} s at {size:,}" for size, r in results["sizes"].items()) + ".",
              "", "## Targets", ""]
    lines += targets(results)
    e = results["explain"]
    j = results["explain_json"]
    s = results["startup"]
    lines += [
        "",
        "## explain-pod -f and start-up",
        "",
        f"- `kubectl sandbox explain-pod -f manifest.yaml -o json` on {e['docs']:,} documents "
        f"({e['bytes'] / 1e6:.1f} MB of YAML, half Deployments, half Pods, from "
        f"`synthetic-manifest`): {e['wall']:.2f} s, {e['docs'] / e['wall']:,.0f} documents/s, "
        f"peak RSS {e['rss']:.0f} MiB, read by serde-saphyr (`src/manifest/yaml.rs`).",
        f"- The same {j['docs']:,} objects as indented JSON documents ({j['bytes'] / 1e6:.1f} MB, "
        f"read by serde_json, `src/manifest/json.rs`): {j['wall']:.2f} s, "
        f"{j['docs'] / j['wall']:,.0f} documents/s, peak RSS {j['rss']:.0f} MiB.",
        f"- `kubectl sandbox --version`: median {s['median'] * 1000:.2f} ms "
        f"(mean {s['mean'] * 1000:.2f} ms) by {s['tool']}.",
    ]
    if "gcloud" in results:
        g = results["gcloud"]
        slower = max(g["gcloud"]["wall"], g["kube"]["wall"])
        total = g["gcloud"]["wall"] + g["kube"]["wall"]
        lines += [
            "",
            f"## check with the real gcloud ({g['size']:,} pods, GKE mock)",
            "",
            "| run | wall (s) |",
            "|---|---:|",
            f"| `gcloud container clusters describe` alone | {g['gcloud']['wall']:.2f} |",
            f"| check, Kubernetes side alone (`--gke-json`) | {g['kube']['wall']:.2f} |",
            f"| check live: gcloud and the Kubernetes reads together | {g['live']['wall']:.2f} |",
            "",
            f"The slower side takes {slower:.2f} s and the two in sequence would take {total:.2f} s; "
            f"the live check takes {g['live']['wall']:.2f} s, "
            f"{(g['live']['wall'] / slower - 1) * 100:+.0f}% of the slower side.",
        ]
    if args.notes and Path(args.notes).exists():
        lines += ["", Path(args.notes).read_text().rstrip()]
    # The many-clusters section is measured by bench/fleet.py; keep its latest figures.
    fleet = ROOT / "bench" / "fleet.md"
    if fleet.exists():
        lines += ["", fleet.read_text().rstrip()]
    return "\n".join(lines) + "\n"


def targets(results):
    sizes = results["sizes"]
    rows = ["| target | measured | met |", "|---|---|---|"]

    def row(target, measured, met):
        rows.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")

    for size in (10000, 50000):
        r = sizes.get(size)
        if not r or "kubectl_json" not in r:
            continue
        ratio = r["check"]["wall"] / r["kubectl_json"]["wall"]
        row(f"{size:,} pods: check wall ≤ 1/5 of `kubectl get pods -A -o json`",
            f"{r['check']['wall']:.2f} s vs {r['kubectl_json']['wall']:.2f} s (1/{1 / ratio:.0f})",
            ratio <= 0.2)
        ratio = r["check"]["rss"] / r["kubectl_json"]["rss"]
        row(f"{size:,} pods: check peak RSS ≤ 1/10 of kubectl's",
            f"{r['check']['rss']:.0f} MiB vs {r['kubectl_json']['rss']:.0f} MiB (1/{1 / ratio:.0f})",
            ratio <= 0.1)
    if 10000 in sizes and 50000 in sizes:
        ratio = sizes[50000]["check"]["wall"] / sizes[10000]["check"]["wall"]
        row("check time 50k / 10k ≤ 5.5 (linear)", f"{ratio:.2f}", ratio <= 5.5)
    e = results["explain"]
    rate = e["docs"] / e["wall"]
    row("explain-pod -f ≥ 5,000 documents/s", f"{rate:,.0f}/s", rate >= 5000)
    startup = results["startup"]["median"] * 1000
    row("`--version` start-up < 5 ms", f"{startup:.2f} ms", startup < 5)
    if "gcloud" in results:
        g = results["gcloud"]
        slower = max(g["gcloud"]["wall"], g["kube"]["wall"])
        row("with gcloud: total within 10% of the slower side",
            f"{g['live']['wall']:.2f} s vs {slower:.2f} s", g["live"]["wall"] <= slower * 1.1)
    return rows


if __name__ == "__main__":
    main()
