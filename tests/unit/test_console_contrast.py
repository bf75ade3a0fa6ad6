"""The console's text colours meet WCAG AA contrast (4.5:1) on the backgrounds they are used on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).parents[2] / "mock_server" / "console" / "static" / "console.css").read_text()
VARIABLES = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour(name: str) -> str:
    return VARIABLES[name] if not name.startswith("#") else name


# (text, background) pairs as console.css uses them.
PAIRS = [
    ("ink", "bg"), ("ink", "card"), ("muted", "card"), ("muted", "bg"), ("brand", "card"), ("brand", "bg"),
    ("#ffffff", "brand"), ("ok", "ok-bg"), ("bad", "bad-bg"), ("busy", "busy-bg"), ("bad", "card"), ("ok", "card"),
    ("ink", "#e4e8ee"), ("#f2f6fb", "#0f2742"), ("#ffc9c9", "#0f2742"), ("#b9f2c9", "#0f2742"), ("#ffffff", "#0b3363"),
    ("#ffffff", "bad"), ("brand", "#e6eef8"),
]


@pytest.mark.parametrize("text, background", PAIRS)
def test_text_is_readable(text, background):
    assert contrast(colour(text), colour(background)) >= 4.5


def test_the_check_can_fail():
    assert contrast("#777777", "#ffffff") < 4.5
