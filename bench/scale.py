#!/usr/bin/env python3
"""Measures the live commands that grow with the cluster (issue 18), on the standalone fake
API server (tests/testkit/src/bin/fake-apiserver.rs):

- `migrate -n bench --all --apply` over N Deployments (`fake-apiserver --deployments N`):
  the tool's own CPU time per object written ((user + sys) / objects), peak RSS, the bytes
  the backup directory holds against the bytes of the saved objects, and the file-system
  output blocks /usr/bin/time counts (512 bytes each; 0 on tmpfs).
- `explain-pod -A -o FORMAT` over N pods, in each output format: peak RSS and wall time.

Not a test: it prints a Markdown table to paste into BENCHMARKS.md.

    cargo build --release -p testkit --bin fake-apiserver
    cargo build --release --bin kubectl-sandbox
    bench/scale.py                                   # 250,1000,4000 workloads; 10k,50k pods
    bench/scale.py --migrate 250 --explain 1000 --sandbox /path/to/other/kubectl-sandbox
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
GKE_JSON = ROOT / "tests" / "fixtures" / "gke" / "standard-with-sandbox.json"


def main():
    args = parse_args()
    sandbox = Path(args.sandbox) if args.sandbox else RELEASE / "kubectl-sandbox"
    work = Path(tempfile.mkdtemp(prefix="kubectl-sandbox-scale-"))
    try:
        print(f"load average before: {os.getloadavg()[0]:.1f}", file=sys.stderr)
        print("| command | size | objects | CPU ms/object | peak RSS MiB | wall s | backup bytes | saved objects bytes | fs output bytes |")
        print("|---|---|---|---|---|---|---|---|---|")
        for n in sizes(args.migrate):
            print(migrate_row(sandbox, work, n), flush=True)
        for n in sizes(args.explain):
            print(explain_row(sandbox, work, n), flush=True)
        print(f"load average after: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrate", default="250,1000,4000", help="Deployments per run")
    parser.add_argument("--explain", default="10000,50000", help="pods per run")
    parser.add_argument("--sandbox", help="the kubectl-sandbox binary (default: target/release)")
    parser.add_argument("--fake", default=str(RELEASE / "fake-apiserver"))
    return parser.parse_args()


def sizes(text):
    return [int(s) for s in text.split(",") if s]


class FakeServer:
    """fake-apiserver loaded with `args`, until the `with` block ends."""

    def __init__(self, fake, work, args):
        self.kubeconfig = work / "kubeconfig"
        self.argv = [fake, *args, "--kubeconfig", str(self.kubeconfig), "--serve-for", "1800"]

    def __enter__(self):
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            self.process.kill()
            raise SystemExit(f"fake-apiserver did not start: {line!r}")
        return self

    def __exit__(self, *_):
        self.process.kill()
        self.process.wait()


def timed(argv, env, stdout):
    """Runs argv under /usr/bin/time -v; its figures by name, and the exit code."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *argv], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True
    )
    figures = {}
    for line in result.stderr.splitlines():
        match = re.match(r"\s*(.+?): (.+)$", line)
        if match:
            figures[match.group(1)] = match.group(2)
    return figures, result.returncode


def seconds(clock):
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def row(command, size, objects, figures, backup="", saved=""):
    cpu = float(figures["User time (seconds)"]) + float(figures["System time (seconds)"])
    per_object = f"{cpu * 1000 / objects:.2f}" if objects else "-"
    rss = int(figures["Maximum resident set size (kbytes)"]) / 1024
    wall = seconds(figures["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
    fs_out = int(figures["File system outputs"]) * 512
    return (
        f"| {command} | {size:,} | {objects:,} | {per_object} | {rss:.0f} | {wall:.1f} "
        f"| {backup} | {saved} | {fs_out:,} |"
    )


def migrate_row(sandbox, work, n):
    backup = work / f"backup-{n}"
    with FakeServer(args_fake(), work, ["--pods", "0", "--deployments", str(n)]) as server:
        env = {**os.environ, "KUBECONFIG": str(server.kubeconfig), "NO_COLOR": "1"}
        out = work / "migrate.json"
        with open(out, "w") as stdout:
            argv = [sandbox, "migrate", "-n", "bench", "--all", "--apply", "-o", "json",
                    "--backup-dir", str(backup), "--gke-json", str(GKE_JSON)]
            figures, code = timed(argv, env, stdout)
        report = json.loads(out.read_text())
    migrated = report["summary"]["migrated"]
    files = [p for p in backup.iterdir() if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    saved = sum(p.stat().st_size for p in files if re.match(r"\d+-", p.name))
    shutil.rmtree(backup, ignore_errors=True)
    ratio = f"{total:,} ({total / saved:.2f}x)" if saved else f"{total:,}"
    return row(f"migrate --apply (exit {code})", n, migrated, figures, ratio, f"{saved:,}")


def explain_row(sandbox, work, n):
    """One row per output format: the objects are written as they are explained in each."""
    rows = []
    with FakeServer(args_fake(), work, ["--pods", str(n)]) as server:
        env = {**os.environ, "KUBECONFIG": str(server.kubeconfig), "NO_COLOR": "1"}
        out = work / "explain.out"
        objects = 0
        for output in ["json", "table", "yaml", "sarif"]:
            with open(out, "w") as stdout:
                argv = [sandbox, "explain-pod", "-A", "-o", output, "--gke-json", str(GKE_JSON)]
                figures, code = timed(argv, env, stdout)
            if output == "json":
                objects = json.loads(out.read_text())["summary"]["objects"]
            rows.append(row(f"explain-pod -A -o {output} (exit {code})", n, objects, figures))
        out.unlink()
    return "\n".join(rows)


def args_fake():
    return parse_args().fake


if __name__ == "__main__":
    main()
