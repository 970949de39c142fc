"""The shared cache unreachable (Redis down): public pages render and writes go through, only
slower (nothing is cached)."""

from __future__ import annotations

from papers.search.catalogue_version import catalogue_changed
from tests import factories


def test_the_public_pages_render_with_the_cache_down(client, db, cache_down, caplog):
    paper = factories.PaperFactory(title="Paged attention for serving")
    for url in ("/", "/papers/", "/papers/?q=paged", paper.get_absolute_url(), "/api/papers.json"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert paper.title in client.get("/papers/?q=paged").content.decode()
    assert "Cache unavailable" in caplog.text


def test_catalogue_writes_go_through_with_the_cache_down(db, cache_down):
    paper = factories.PaperFactory(title="Before")
    paper.title = "After"
    paper.save()  # its signal moves the catalogue's version: a cache write that fails
    catalogue_changed()
    paper.refresh_from_db()
    assert paper.title == "After"
