"""The matching core, the vocabularies and the programme rules import no Flask (nor a database)."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["guidematch.matching", "guidematch.vocabulary",
                                    "guidematch.programme"])
def test_importing_the_pure_modules_imports_no_flask(module):
    check = (f"import {module}, sys; "
             "assert 'flask' not in sys.modules, 'flask'; "
             "assert 'flask_babel' not in sys.modules, 'flask_babel'; "
             "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy'")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
