"""Fixtures for the people pages."""
from __future__ import annotations

import pytest


@pytest.fixture
def english(logged_in, db):
    """The logged-in coordinator, with English as their language (assertions read English)."""
    logged_in.locale = "en"
    db.session.commit()
    return logged_in


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads waiting for their preview go to a folder of the test's own."""
    folder = tmp_path / "imports"
    app.config["IMPORT_FOLDER"] = str(folder)
    yield folder
    app.config.pop("IMPORT_FOLDER", None)
