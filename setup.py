"""Build step: compile the translation catalogs, so any install serves every language.

`pip install .` (or a wheel built anywhere) runs `build_py`, which first compiles each
guidematch/translations/<lang>/LC_MESSAGES/messages.po into messages.mo next to it and
then copies them into the build as package data. pip builds in the source tree, so the
checkout that gunicorn serves (`wsgi:app`) gets the catalogs too. Compiled at build time,
not at start-up: the installed app never writes into its own code, two gunicorn
instances never race to write one file, and a broken catalog fails the install, not the
first request. Everything else is declared in pyproject.toml.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path(__file__).resolve().parent / "guidematch" / "translations"


def compile_catalogs(folder: Path = CATALOGS) -> list[Path]:
    """Compile every messages.po under `folder` into messages.mo; return the .mo paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        # Written aside and renamed: a server reading the catalog never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=True)  # as `make translations` (-f)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
        written.append(mo_path)
    if not written:
        raise SystemExit(f"no translation catalogs found under {folder}")
    return written


class BuildWithCatalogs(build_py):
    """build_py that compiles the catalogs before it collects the package data."""

    def run(self) -> None:
        compile_catalogs()
        self.__dict__.pop("data_files", None)  # collected lazily: let it see the new .mo files
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
