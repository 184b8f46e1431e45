"""The README's Python examples run as written: test modules under pytest, scripts as scripts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, pytester: pytest.Pytester) -> None:
    code = BLOCKS[index]
    if "def test_" in code:
        pytester.makepyfile(**{f"test_readme_{index}": code})
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=code.count("def test_"))
    else:
        script = pytester.makepyfile(**{f"readme_{index}": code})
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
