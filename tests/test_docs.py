"""The README tells the truth: its settings table is `SETTINGS`, and every view is in its tour."""

from __future__ import annotations

import re

from service.config import SETTINGS
from service.queries import QUERIES_DIR, load_queries

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_demo_and_the_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)[:2]
    assert commands[0].endswith("ratsgraph demo")
    assert commands[1].endswith("pytest")


def test_settings_table_lists_every_setting_in_order() -> None:
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.M)
    assert documented == [s.name for s in SETTINGS]


def test_every_setting_has_help_text() -> None:
    assert all(s.help for s in SETTINGS)


def test_every_view_is_in_the_readme() -> None:
    for name in load_queries(QUERIES_DIR):
        assert f"`{name}`" in README, name


def test_where_things_are_names_every_package_and_module_of_the_tree() -> None:
    """Issue 16: the README's architecture section is kept true against the tree."""
    section = README.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    missing = []
    for package in ("loader", "service"):
        for init in sorted((ROOT / package).rglob("__init__.py")):
            folder = init.parent.relative_to(ROOT).as_posix() + "/"
            if f"\n{folder} " not in section:
                missing.append(folder)
                continue
            block = section.split(f"\n{folder} ", 1)[1].split("\n" + package, 1)[0]
            for module in sorted(init.parent.glob("*.py")):
                if module.name != "__init__.py" and not re.search(
                    rf"\b{re.escape(module.name)}\b", block
                ):
                    missing.append(f"{folder}{module.name}")
    named = set(re.findall(r"\b([a-z_]+\.py)\b", section))
    existing = {
        p.name
        for package in ("loader", "service", "bench", "tests")
        for p in (ROOT / package).rglob("*.py")
    }
    assert (missing, sorted(named - existing)) == ([], [])
