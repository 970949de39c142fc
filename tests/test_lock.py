"""The lock files (requirements/, written by `make lock`) against pyproject's ranges.

Every install (`make`, the Dockerfile, CI) uses the lock, so a dependency added to pyproject
without re-locking would be missing everywhere: this test names it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, Version]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(m[1]): Version(m[2]) for m in PIN.finditer(text)}


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("main.txt", PROJECT["dependencies"]),
        ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_lock_pins_every_dependency_within_its_range(lock, requirements):
    locked = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, (
            f"{name} is in pyproject.toml but not in requirements/{lock}: make lock"
        )
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={locked[name]} outside {requirement.specifier}: "
            "make lock"
        )


def test_main_and_dev_locks_agree():
    main, dev = pins("main.txt"), pins("dev.txt")
    assert {name: dev[name] for name in main} == main
    assert "--hash=sha256:" in (ROOT / "requirements" / "main.txt").read_text()
