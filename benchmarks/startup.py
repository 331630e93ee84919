"""Start-up of the command line and the web app (issue 9, "Start-up").

Times, as a user waits for them (a fresh process each run, like hyperfine):

- ``python -c pass``: the interpreter alone, the floor every command pays (reference);
- ``dorsi --help``;
- ``dorsi screen`` with an answer sheet on standard input (text out);
- ``dorsi serve`` on an existing, migrated SQLite database: from starting the process to the
  first ``200`` from ``/healthz``.

It prints min / median / max wall time and the median CPU time over the runs, then the
slowest imports of ``dorsi screen``
(``python -X importtime``, cumulative). Targets: median under 0.5 s for ``--help`` and
``screen``, under 3 s for ``serve``. Exits 1 when one is missed.

Usage: ``.venv/bin/python benchmarks/startup.py [--runs 15] [--serve-runs 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
DORSI = str(BIN / "dorsi")
CLI_TARGET_S = 0.5
SERVE_TARGET_S = 3.0
ANSWERS = {
    "foot_drop_onset": "gradual",
    "days_since_onset": 60,
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "face_droop": False,
    "arm_weakness": False,
    "speech_difficulty": False,
    "vision_loss": False,
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "both_legs_weak": False,
    "severe_numbness": False,
    "injury_with_severe_pain_or_swelling": False,
    "back_pain_with_weakness": False,
    "balance_affected": "no",
    "falls_past_month": 0,
}


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_runs(
    command: list[str], runs: int, stdin: str | None = None
) -> tuple[list[float], list[float]]:
    """Wall and CPU time of ``runs`` fresh processes (after one warm-up run that fills the
    OS cache)."""
    walls, cpus = [], []
    for index in range(runs + 1):
        cpu, start = _children_cpu_s(), time.perf_counter()
        proc = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
        spent = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr}")
        if index:
            walls.append(spent)
            cpus.append(_children_cpu_s() - cpu)
    return walls, cpus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_ready(env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Seconds from starting ``dorsi serve`` to the first 200 from /healthz (wall), and the
    server's CPU time until then (read from /proc while it runs)."""
    times, cpus = [], []
    for _ in range(runs):
        port = _free_port()
        start = time.perf_counter()
        proc = subprocess.Popen(
            [DORSI, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            while True:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise SystemExit(f"dorsi serve exited ({proc.returncode}): {err}")
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/healthz", timeout=1
                    ) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.01)
                if time.perf_counter() - start > 30:
                    raise SystemExit("dorsi serve did not answer /healthz within 30 s")
            times.append(time.perf_counter() - start)
            cpus.append(_process_cpu_s(proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return times, cpus


def _process_cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slowest_imports(command: list[str], stdin: str, top: int = 12) -> list[tuple[float, str]]:
    """The ``top`` imports with the largest cumulative time (ms) under ``-X importtime``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        found.append((int(cumulative) / 1000, name))
    return sorted(found, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--serve-runs", type=int, default=3)
    parser.add_argument(
        "--judge",
        choices=("wall", "cpu"),
        default="wall",
        help="judge on wall time (default) or CPU time (a machine shared with other work)",
    )
    args = parser.parse_args(argv)
    answers = json.dumps(ANSWERS)
    rows: list[tuple[str, tuple[list[float], list[float]], float | None]] = []
    measure: list[tuple[str, Callable[[], tuple[list[float], list[float]]], float | None]] = [
        ("python -c pass", lambda: timed_runs([sys.executable, "-c", "pass"], args.runs), None),
        ("dorsi --help", lambda: timed_runs([DORSI, "--help"], args.runs), CLI_TARGET_S),
        (
            "dorsi screen",
            lambda: timed_runs([DORSI, "screen"], args.runs, stdin=answers),
            CLI_TARGET_S,
        ),
    ]
    for name, run, target in measure:
        rows.append((name, run(), target))
    with tempfile.TemporaryDirectory(prefix="dorsi-startup-") as folder:
        env = {
            **os.environ,
            "DORSI_DATA_DIR": folder,
            "DORSI_DATABASE_URL": f"sqlite:///{Path(folder) / 'dorsi.sqlite3'}",
            "DORSI_SECRET_KEY": "startup-benchmark-" + "k" * 32,
        }
        subprocess.run([DORSI, "db", "upgrade"], env=env, check=True, capture_output=True)
        rows.append(("dorsi serve (/healthz)", serve_ready(env, args.serve_runs), SERVE_TARGET_S))

    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}; {args.runs} runs per command")
    head = (
        f"{'command':<24} {'min s':>6} {'median s':>9} {'max s':>6} {'cpu s':>6} "
        f"{'target s':>9}  ok"
    )
    print(head)
    print("-" * len(head))
    missed = []
    for name, (times, cpus), target in rows:
        median = statistics.median(times)
        judged = median if args.judge == "wall" else statistics.median(cpus)
        ok = target is None or judged < target
        shown = f"{target:.1f}" if target is not None else "-"
        print(
            f"{name:<24} {min(times):>6.3f} {median:>9.3f} {max(times):>6.3f} "
            f"{statistics.median(cpus):>6.3f} {shown:>9}  {'yes' if ok else 'NO'}"
        )
        if not ok:
            missed.append(f"{name}: median {judged:.3f} s {args.judge} >= {target} s")
    print(f"(targets judged on the median {args.judge} time; cpu = the command's own CPU time)")
    print("\nslowest imports of `dorsi screen` (cumulative ms):")
    for ms, name in slowest_imports(["-m", "dorsi", "screen"], answers):
        print(f"  {ms:8.1f}  {name}")
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print("all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
