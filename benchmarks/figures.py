"""One row of the `make bench` table: a figure, its anchor measured in the same run, the target.

Every benchmark script can print its rows alone (`--json` writes them for `run_all.py`).
A target is a comparison of the figure with a bound (`<= 1 ms`) or of the ratio figure/anchor
with a bound (`ratio >= 0.6`); the table says whether this run met it.
"""

from __future__ import annotations

import argparse
import json
import operator
import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterable

_COMPARE = {"<=": operator.le, ">=": operator.ge}


@dataclass
class Row:
    name: str
    figure: float
    unit: str
    anchor_name: str = ""
    anchor: float | None = None
    target: str = ""  # "ratio <= 2", "figure >= 2000", or "" (reported, no target)

    @property
    def ratio(self) -> float | None:
        if self.anchor in (None, 0):
            return None
        return self.figure / self.anchor

    def met(self) -> bool | None:
        if not self.target:
            return None
        subject, op, bound = self.target.split()
        value = self.ratio if subject == "ratio" else self.figure
        if value is None:
            return None
        return _COMPARE[op](value, float(bound))


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(rows: Iterable[Row]) -> str:
    header = ("figure", "value", "anchor (same run)", "anchor value", "ratio", "target", "met")
    lines = [header]
    for row in rows:
        met = row.met()
        lines.append((
            row.name,
            f"{_num(row.figure)} {row.unit}",
            row.anchor_name or "-",
            f"{_num(row.anchor)} {row.unit}" if row.anchor is not None else "-",
            f"{row.ratio:.2f}x" if row.ratio is not None else "-",
            row.target or "-",
            {True: "yes", False: "NO", None: "-"}[met],
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def arguments(doc: str) -> argparse.ArgumentParser:
    """The command line every benchmark script shares (`--json` for run_all.py); add its own."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="rows as JSON (for run_all.py)")
    return parser


def emit(rows: list[Row], argv: list[str] | None = None) -> None:
    """`--json`: rows as JSON on stdout (for run_all.py); otherwise the table."""
    if "--json" in (sys.argv if argv is None else argv):
        print(json.dumps([asdict(r) for r in rows]))
    else:
        print(table(rows))


def rows_from_json(text: str) -> list[Row]:
    return [Row(**item) for item in json.loads(text.strip().splitlines()[-1])]


def side_by_side(calls: list[Callable[[], object]], rounds: int) -> list[float]:
    """The best time in seconds of each call over `rounds` rounds, the calls taking turns in
    each round: on a shared, noisy machine the best is the figure least disturbed by others,
    and taking turns gives each call the same conditions."""
    best = [float("inf")] * len(calls)
    for _ in range(rounds):
        for index, run in enumerate(calls):
            started = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best
