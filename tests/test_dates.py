"""German dates, deadlines and date stamps: end of the named period, never a wrong date."""

from __future__ import annotations

from datetime import date

import pytest

from loader.dates import find_deadlines, find_recurrence, parse_date, parse_stamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "dem Jugendhilfeausschuss bis zum 15.11.2015 die Ergebnisse vorzulegen",
            date(2015, 11, 15),
        ),
        (
            "dem Jugendhilfeausschuss biszum 15.September 2016 eine Neufassung vorzulegen",
            date(2016, 9, 15),
        ),
        ("dem Jugendhilfeausschuss bis zum 15- September 2016 vorzulegen", date(2016, 9, 15)),
        (
            "dem Jugendhilfeausschuss bis Ende 2. Quartal 2023 Beispiele vorzulegen",
            date(2023, 6, 30),
        ),
        ("sind dem Stadtrat bis 31. März 2016 vorzulegen", date(2016, 3, 31)),
        ("ist ein Konzept im Jahr 2016 zu erarbeiten", date(2016, 12, 31)),
        ("ist bis Mai 2018 ein Konsens zu finden", date(2018, 5, 31)),
        ("ist bis Ende 1. Halbjahr 2024 vorzulegen", date(2024, 6, 30)),
        ("ist im 3. Quartal 2017 vorzulegen", date(2017, 9, 30)),
    ],
)
def test_deadline_is_the_end_of_the_period_named(text: str, expected: date) -> None:
    assert [d.date for d in find_deadlines(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Aufstockung ab 1. Juni 2016 bis 31. Dezember 2016 auf 0,75 VK",
        "Mittel für das Jahr 2015 i. H. v. 45.000 EUR",
        "in der Fassung vom 9. Mai 1996",
        "Die Beschlussfassung ist für das 1. Halbjahr 2023 vorgesehen.",
    ],
)
def test_funding_periods_and_plans_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text) == []


def test_recurring_duty_is_recognised_as_recurring() -> None:
    assert (
        find_recurrence("Der Jugendhilfeausschuss ist in jeder Sitzung zu informieren.")
        == "in jeder Sitzung"
    )


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("1 5. SEP. 2015", date(2015, 9, 15)),
        ("25. NOV. 2015", date(2015, 11, 25)),
        ("0 8< MAI 2019", date(2019, 5, 8)),
        ("2 0. MRL 2015", date(2015, 3, 20)),
        ("19. BEZ. 2019", date(2019, 12, 19)),
        ("-7, AÜB.2020", date(2020, 8, 7)),
        ("- 6. SEP, 2016", date(2016, 9, 6)),
        ("13, Juni 2022", date(2022, 6, 13)),
    ],
)
def test_noisy_stamps_are_read_when_unambiguous(stamp: str, expected: date) -> None:
    assert parse_stamp(stamp) == expected


@pytest.mark.parametrize(
    "stamp",
    ["-fc OKT. 201", "25. MV. 2015", "JAN. 2016", "2 i. JULI 2019", "- 7. SEP. ?WB", "^ A. JULI 202^",
     "?Z, DEZ. 2Ö15", "^0- SEP, 2019", "* 5. APR. 201?"],
)  # fmt: skip
def test_unreadable_stamps_give_no_date(stamp: str) -> None:
    assert parse_stamp(stamp) is None


def test_written_out_session_date_is_parsed() -> None:
    assert parse_date("13. August 2018") == date(2018, 8, 13)


# Stamps of the documents first seen in issue 12 (ids of the shared corpus): read where day, month
# and year can be read; never a date from half a day.
@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("1 5 fEß 2019", date(2019, 2, 15)),  # 395641: no dot after the day, ß for B
        ("- 6. JOL! 2022", date(2022, 7, 6)),  # 624009: a mark after the month
        ("2 �.9. MRL 2022", None),  # 603496: the day's first digit lost
        ("3 g JUL| 2021", None),  # 586983
        ("211. OKT. 2017", None),  # 319045
        ("2 9 APR.", None),  # 409486: no year
    ],
)
def test_stamps_of_the_unseen_documents(stamp: str, expected: date | None) -> None:
    assert parse_stamp(stamp) == expected
