"""The lock files pin what pyproject.toml allows, with hashes, and agree with each other."""
from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from guidematch import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)")
PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def _pins(lock_name: str) -> dict[str, tuple[Version, str]]:
    """Return {name: (version, the entry's text)} for every pin in a lock file."""
    text = (PROJECT_ROOT / lock_name).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for entry in entries:
        match = PIN.match(entry)
        if match:
            pins[canonicalize_name(match[1])] = (Version(match[2]), entry)
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    listed = PROJECT["dependencies"] + [r for extra in extras
                                        for r in PROJECT["optional-dependencies"][extra]]
    return [Requirement(line) for line in listed]


LOCKS = {"requirements.lock": ("redis",), "requirements-dev.lock": ("redis", "dev")}


@pytest.mark.parametrize("lock_name, extras", LOCKS.items())
def test_every_dependency_is_pinned_within_its_range(lock_name, extras):
    pins = _pins(lock_name)
    for requirement in _requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is missing from {lock_name}: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{lock_name} pins {name}=={version}, outside pyproject.toml's {requirement}"
        for extra in requirement.extras:  # psycopg[binary]: its extra's package is pinned too
            assert f"{name}-{extra}" in pins, f"{name}[{extra}] is not pinned in {lock_name}"


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_pin_has_a_hash(lock_name):
    unhashed = [name for name, (_, entry) in _pins(lock_name).items()
                if "--hash=sha256:" not in entry]
    assert not unhashed


def test_production_and_development_install_the_same_versions():
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert production.keys() <= development.keys()
    differing = {name: (str(production[name][0]), str(development[name][0]))
                 for name in production if production[name][0] != development[name][0]}
    assert not differing
