"""The README's examples work as written."""

import re
from pathlib import Path

pytest_plugins = ["pytester"]

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_pytest_example_passes(pytester):
    block = re.search(r"### 1\. A pytest fixture.*?```python\n(.*?)```", README, re.S)
    assert block, "the README lost its pytest example"
    pytester.makepyfile(test_from_readme=block.group(1))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_readme_names_the_two_set_up_commands():
    setup = README.split("## Set-up: two commands", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make (\w+)", setup, re.M) == ["serve", "test"]
