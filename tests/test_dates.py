"""Dates that citations give."""

from __future__ import annotations

import datetime as dt

import pytest

from citecheck.dates import cited_date, find_dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X (Mar. 16, 2025, 7:13 AM), <https://x.com/a>", dt.date(2025, 3, 16)),
        ("Letter (April 14, 2025), https://a.example", dt.date(2025, 4, 14)),
        ("Brennan Ctr., Oct. 9, 2024, <https://b.example>", dt.date(2024, 10, 9)),
        ("(Sept. 5, 2024)", dt.date(2024, 9, 5)),
        ("16 March 2025", dt.date(2025, 3, 16)),
        ("2025-03-16", dt.date(2025, 3, 16)),
        ("(updated Apr. 8, 2025)", dt.date(2025, 4, 8)),
        ("Feb. 30, 2025 is no date", None),
        ("no date at all", None),
        ("Mar. 2025 has no day", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert cited_date(text) == expected


def test_last_visited_wins() -> None:
    text = "Inside the Action (Mar. 1, 2025), <https://d.example>(last visited Apr. 16, 2025)."
    assert cited_date(text, at=text.index("https")) == dt.date(2025, 4, 16)


def test_date_before_the_url_wins_over_the_one_after() -> None:
    text = "Title, Outlet (Mar. 20, 2025), <https://a.example>; Next, Outlet (Mar. 24, 2025)"
    assert cited_date(text, at=text.index("https")) == dt.date(2025, 3, 20)


def test_find_dates_marks_visited() -> None:
    assert [v for _, _, v in find_dates("Mar. 1, 2025; last visited Apr. 2, 2025")] == [False, True]
