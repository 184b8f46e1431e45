"""User code type-checks under `mypy --strict`: mock() and its decorators keep their types.

mypy is in the `dev` extra, not `test`: without it this test skips (CI runs it in the
dev venv explicitly).
"""

from __future__ import annotations

from pathlib import Path

import pytest

TYPED_USAGE = Path(__file__).resolve().parent / "data" / "typed_usage.py"


def test_typed_user_code_passes_mypy_strict(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (the dev extra has it)")
    config = tmp_path / "mypy.ini"  # the user's own settings, not this project's
    config.write_text("[mypy]\n")
    arguments = ["--strict", "--config-file", str(config), "--cache-dir", str(tmp_path)]

    misspelt = tmp_path / "misspelt.py"  # the lazy module attributes stay checked
    misspelt.write_text("import fake_assistants\n\nfake_assistants.mokc()\n")

    out, err, status = api.run([*arguments, str(TYPED_USAGE), str(misspelt)])

    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1, out + err
    assert errors[0].startswith(f'{misspelt}:3: error: Module has no attribute "mokc"')
    assert status == 1
