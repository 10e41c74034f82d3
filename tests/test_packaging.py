"""`pip install .` without make gives compiled catalogs, in the wheel and in the checkout."""
from __future__ import annotations

import gettext
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from guidematch import PROJECT_ROOT

CATALOG = "guidematch/translations/{}/LC_MESSAGES/messages.mo"


@pytest.fixture(scope="module")
def clean_checkout(tmp_path_factory) -> Path:
    """Copy the project's files as a fresh clone has them: no compiled catalogs."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=PROJECT_ROOT, check=True, capture_output=True).stdout
    target = tmp_path_factory.mktemp("checkout")
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file() and not name.endswith(".mo") and not name.startswith("node_modules/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    assert not list(target.glob("guidematch/translations/*/LC_MESSAGES/*.mo"))
    return target


@pytest.fixture(scope="module")
def wheel(clean_checkout, tmp_path_factory) -> Path:
    """Build the wheel as pip does for `pip install .` (in the tree, the project's setup.py)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(clean_checkout)],
                   check=True, capture_output=True)
    (built,) = out.glob("guidematch-*.whl")
    return built


@pytest.mark.parametrize("language, translated", [
    ("nb", "Noe gikk galt hos oss"),
    ("uk", "Сталася помилка з нашого боку"),
    ("ar", "حدث خطأ من جهتنا"),
])
def test_the_wheel_carries_compiled_catalogs(wheel, language, translated):
    with zipfile.ZipFile(wheel) as archive:
        catalog = gettext.GNUTranslations(io.BytesIO(archive.read(CATALOG.format(language))))
    assert catalog.gettext("Something went wrong on our side") == translated


def test_the_checkout_pip_built_serves_norwegian(wheel, clean_checkout):
    # pip builds in the source tree, so the checkout gunicorn serves (`wsgi:app`) has them too.
    assert (clean_checkout / CATALOG.format("nb")).is_file()
    probe = (
        "import guidematch, sys\n"
        "assert guidematch.__file__.startswith(sys.argv[1]), guidematch.__file__\n"
        "app = guidematch.create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x',"
        " 'TESTING': True})\n"
        "page = app.test_client().get('/login', headers={'Accept-Language': 'nb'})\n"
        "print(page.get_data(as_text=True))\n"
    )
    served = subprocess.run([sys.executable, "-c", probe, str(clean_checkout)], cwd=clean_checkout,
                            check=True, capture_output=True, text=True).stdout
    assert 'lang="nb"' in served
    assert "Passord" in served and "Password" not in served
