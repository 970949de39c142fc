"""Input limits at the edge of every public list and API (issue 12): NUL bytes and numbers out of
range answer 400 with the reason before any query runs, on SQLite and on PostgreSQL.

On the old code `?topic=99999999999999999999` was a 500 on SQLite (OverflowError) and `?venue=%00`,
`?q=%00`, `/api/schedule.json?term=%00` were 500s on PostgreSQL (NUL in text).
"""

from __future__ import annotations

import pytest
from django.http import QueryDict

from readinggroup.params import MAX_NUMBER, BadParameter, Choice, Number, Text, parse_params
from tests import factories

HUGE = "99999999999999999999"

# (url, expected content type of the refusal)
JSON_URLS = [
    f"/api/papers.json?topic={HUGE}",
    f"/api/papers.json?year={HUGE}",
    f"/api/papers.json?page={HUGE}",
    f"/api/papers.json?page_size={HUGE}",
    "/api/papers.json?venue=%00",
    "/api/papers.json?q=%00",
    "/api/papers.json?q=a&q=%00",
    "/api/papers.json?presented=%00",
    "/api/papers.json?topic=-1",
    "/api/schedule.json?term=%00",
    f"/api/schedule.json?page={HUGE}",
    "/api/schedule.json?page=%00",
    f"/api/papers.json?q={'x' * 1001}",
]
PAGE_URLS = [
    f"/papers/?topic={HUGE}",
    f"/papers/?year={HUGE}",
    "/papers/?venue=%00",
    "/papers/?q=%00",
    "/papers/?presented=%00",
    f"/papers/?q={'word ' * 300}",
    f"/papers/export.bib?topic={HUGE}",
    "/papers/export.bib?venue=%00",
    # The catalogue's views have no QueryError branch of their own: a NUL in any `q` given
    # (the form reads the last one) is refused here first, on every view that searches.
    "/papers/export.bib?q=%00",
    "/papers/export.csl.json?q=%00",
    "/papers/?q=a&q=%00",
    "/papers/?q=%00&q=a",
    "/?venue=%00",
    f"/?presenter={HUGE}",
    "/?when=%00",
    f"/?venue={'v' * 101}",
    "/terms/{slug}/?venue=%00",
    f"/terms/{{slug}}/?presenter={HUGE}",
]


@pytest.fixture
def catalogue(db):
    term = factories.TermFactory(slug="2026-fall", name="Fall 2026")
    factories.SessionFactory(term=term)
    factories.PaperFactory(title="Some paper")
    return term


@pytest.mark.parametrize("url", JSON_URLS)
def test_api_refuses_out_of_bounds_values_with_a_message(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error and "Traceback" not in error


@pytest.mark.parametrize("url", PAGE_URLS)
def test_pages_refuse_out_of_bounds_values_with_a_message(client, catalogue, url):
    response = client.get(url.format(slug=catalogue.slug))
    assert response.status_code == 400, response.content[:300]
    html = response.content.decode()
    assert "may not contain a NUL character" in html or "at most" in html


@pytest.mark.parametrize(
    "url",
    [
        "/api/papers.json?topic=5&year=2025&page_size=500",
        "/papers/?year=abc&topic=x&page=zzz",  # the page's form reports these in place
        "/?presenter=abc&when=later",
        "/schedule.ics?venue=%00",  # reads no parameter: an unread one is dropped, not refused
        "/feed/?page=%00",
        f"/api/papers.json?q={'word ' * 150}",  # over 12 words: the rest is dropped, as documented
    ],
)
def test_values_within_bounds_or_unread_still_answer(client, catalogue, url):
    assert client.get(url).status_code == 200


@pytest.mark.services
def test_postgresql_refuses_nul_and_huge_numbers_as_400(client, postgres, catalogue):
    for url in [*JSON_URLS, *PAGE_URLS]:
        response = client.get(url.format(slug=catalogue.slug))
        assert response.status_code == 400, (url, response.content[:200])


# --- the parsers -------------------------------------------------------------------------


def test_number_bounds():
    number = Number(high=100)
    assert number.parse("page", " 7 ") == 7
    assert number.parse("page", "") is None
    assert Number(default=1).parse("page", "") == 1
    for raw, message in [
        ("abc", "page must be a whole number, got 'abc'"),
        ("0", "page must be 1 or more, got 0"),
        ("101", "page must be at most 100"),
        ("9" * 10_000, "page must be at most 100"),
        ("1\x00", "page may not contain a NUL character"),
        ("٣", "page must be a whole number, got '٣'"),  # an Arabic-Indic digit is no ASCII digit
    ]:
        with pytest.raises(BadParameter, match=message):
            number.parse("page", raw)
    assert Number(lenient=True).parse("topic", "abc") is None
    with pytest.raises(BadParameter):
        Number(lenient=True).parse("topic", HUGE)
    assert Number().parse("id", str(MAX_NUMBER)) == MAX_NUMBER


def test_text_and_choice_bounds():
    assert Text(max_chars=5).parse("venue", " SOSP ") == "SOSP"
    with pytest.raises(BadParameter, match="at most 5 characters"):
        Text(max_chars=5).parse("venue", "SOSP'25")
    with pytest.raises(BadParameter, match="NUL"):
        Text().parse("venue", "a\x00")
    assert Choice(("yes", "no")).parse("presented", "YES") == "yes"
    with pytest.raises(BadParameter, match="presented must be one of yes, no, got 'maybe'"):
        Choice(("yes", "no")).parse("presented", "maybe")


def test_a_repeated_parameter_is_checked_in_every_copy():
    query = QueryDict("page=%00&page=2")
    with pytest.raises(BadParameter):
        parse_params(query, {"page": Number()})
    assert parse_params(QueryDict("page=1&page=2"), {"page": Number()}) == {"page": 2}
