"""Fixtures for the people pages."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads waiting for their preview go to a folder of the test's own."""
    folder = tmp_path / "imports"
    app.config["IMPORT_FOLDER"] = str(folder)
    yield folder
    app.config.pop("IMPORT_FOLDER", None)
