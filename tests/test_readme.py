"""The README's examples run as written: test modules under pytest with the README's own
pytest configuration, scripts as scripts; neither may print a warning."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.DOTALL)
TOML = re.findall(r"```toml\n(.*?)```", TEXT, flags=re.DOTALL)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5
    assert len(TOML) == 1  # the pytest configuration every test example runs with


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, pytester: pytest.Pytester) -> None:
    code = BLOCKS[index]
    if "def test_" in code:
        pytester.makepyprojecttoml(TOML[0])
        pytester.makepyfile(**{f"test_readme_{index}": code})
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=code.count("def test_"), warnings=0)
    else:
        script = pytester.makepyfile(**{f"readme_{index}": code})
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr
