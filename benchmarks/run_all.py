"""`make bench`: every benchmark, one table of figures with their anchors from the same run.

Each benchmark runs in its own process (so memory figures and servers do not disturb one
another) and hands its rows back as JSON. Ratios are what to compare across machines: the
figure and its anchor were measured side by side on the same machine, minutes apart at most.
Run: `.venv/bin/python benchmarks/run_all.py [--only NAME ...]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from figures import rows_from_json, table  # noqa: E402

BENCHMARKS = {
    "http": "http_rate.py",
    "scale": "listing.py",
    "bulk": "bulk.py",
    "heavy": "heavy_jobs.py",
    "callbacks": "callback_delivery.py",
    "console": "console_views.py",
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", load %.1f %.1f %.1f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}){load}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    args = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    rows, failed = [], []
    for name, script in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        print(f"running {script} ...", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), "--json"], stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            failed.append(script)
            continue
        rows.extend(rows_from_json(done.stdout))
        print(f"  {script}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
