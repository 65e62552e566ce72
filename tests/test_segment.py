"""Segmenting works for any council: the closing "<place>, <date>" line comes from reference data."""

from __future__ import annotations

from loader import SAMPLES_DIR
from loader.segment import segment

BA = (SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt").read_text(encoding="utf-8")


def last_point_text(text: str, places: tuple[str, ...]) -> str:
    layout = segment(text, places)
    last = layout.points[-1]
    return text[last.start : last.end]


def test_the_resolution_ends_at_the_councils_own_place_and_date_line() -> None:
    leipzig = BA.replace("Dresden, 17.10.2022", "Leipzig, 17.10.2022")
    assert "Leipzig" not in last_point_text(leipzig, ("Leipzig",))
    assert last_point_text(leipzig, ("Leipzig",)).rstrip().endswith("vorzulegen.")
    assert last_point_text(BA, ("Dresden",)) == last_point_text(leipzig, ("Leipzig",))


def test_another_citys_place_line_is_not_taken_for_the_end() -> None:
    leipzig = BA.replace("Dresden, 17.10.2022", "Leipzig, 17.10.2022").replace("Vorsitzende\n", "")
    assert "Leipzig, 17.10.2022" in last_point_text(leipzig, ("Dresden",))


def test_without_a_place_line_the_chairs_signature_ends_the_resolution() -> None:
    # 651553 and 732524 sign "Vorsitzender" with no "<place>, <date>" line before it
    leipzig = BA.replace("Dresden, 17.10.2022", "Leipzig, 17.10.2022")
    assert last_point_text(leipzig, ("Dresden",)) == last_point_text(BA, ("Dresden",))
