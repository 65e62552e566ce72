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
