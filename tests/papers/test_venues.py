import pytest

from papers.models import Proceedings, Venue
from papers.venues import (
    PREPRINT_VENUE,
    is_preprint,
    parse_venue_label,
    proceedings_for,
    venue_for_label,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("SOSP'25", ("SOSP", 2025)),
        ("SOSP '25", ("SOSP", 2025)),
        ("OSDI\u201924", ("OSDI", 2024)),
        ("EuroSys 2024", ("EuroSys", 2024)),
        ("arXiv", ("arXiv", None)),
    ],
)
def test_labels(label, expected):
    assert parse_venue_label(label) == expected


def test_preprint_by_name_label_and_row():
    assert is_preprint("arXiv")
    assert is_preprint("arxiv")
    assert is_preprint("arXiv'24")
    assert not is_preprint("SOSP'25")
    assert not is_preprint("")
    assert not is_preprint(None)
    assert is_preprint(Venue(name="bioRxiv", kind=Venue.Kind.PREPRINT))
    assert not is_preprint(Venue(name="SOSP"))


@pytest.mark.django_db
def test_venue_and_proceedings_are_found_or_created_once():
    sosp = venue_for_label("SOSP'25")
    assert (sosp.name, sosp.kind) == ("SOSP", Venue.Kind.CONFERENCE)
    assert venue_for_label("sosp") == sosp
    arxiv = venue_for_label("arxiv")
    assert (arxiv.name, arxiv.kind) == (PREPRINT_VENUE, Venue.Kind.PREPRINT)
    assert proceedings_for(sosp, 2025) == proceedings_for(sosp, 2025)
    assert Venue.objects.count() == 2
    assert Proceedings.objects.count() == 1
    with pytest.raises(ValueError):
        venue_for_label("  ")
