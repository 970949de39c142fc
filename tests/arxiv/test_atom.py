import datetime

import pytest

from papers.arxiv.atom import Author, FeedError, parse_feed, split_entry_id

UTC = datetime.UTC


@pytest.fixture
def arxiv_fixtures(fixtures_dir):
    return fixtures_dir / "arxiv"


def test_new_style_feed_every_field(arxiv_fixtures):
    feed = parse_feed((arxiv_fixtures / "new-style.xml").read_bytes())

    assert (feed.total_results, feed.start_index, feed.items_per_page) == (2, 0, 2)
    assert feed.errors == []
    # The feed's own <id>, <title> and query <link> are not entries.
    assert [entry.arxiv_id for entry in feed.entries] == ["2412.03131", "2504.15465"]
    entry = feed.entries[0]
    assert entry.version == 2
    assert entry.title == "Unifying KV Cache Compression for Large Language Models with LeanKV"
    assert entry.summary.startswith("Large language model serving keeps a key-value cache")
    assert "  " not in entry.summary and "\n" not in entry.summary
    assert entry.summary.endswith("per head and per token.")
    assert entry.authors == (
        Author("Yanqi Zhang", ("EPFL",)),
        Author("Yuwei Hu", ("EPFL", "Huawei")),
        Author("Runyuan Zhao", ()),
    )
    assert entry.author_names == ["Yanqi Zhang", "Yuwei Hu", "Runyuan Zhao"]
    assert entry.affiliations == ["EPFL", "Huawei"]
    assert entry.published == datetime.datetime(2024, 12, 4, 9, 0, 1, tzinfo=UTC)
    assert entry.updated == datetime.datetime(2025, 3, 11, 17, 42, 5, tzinfo=UTC)
    assert entry.primary_category == "cs.LG"
    assert entry.categories == ("cs.LG", "cs.DC")
    assert entry.doi == "10.1145/3731569.3764801"
    assert entry.journal_ref == "Proceedings of SOSP '25, pages 1-16"
    assert entry.comment == "14 pages, 11 figures; v2: new experiments on longer contexts"
    assert entry.abs_url == "https://arxiv.org/abs/2412.03131v2"
    assert entry.pdf_url == "https://arxiv.org/pdf/2412.03131v2"

    second = feed.entries[1]
    assert second.title == "A paper with a wrapped title"
    assert second.summary == "One short abstract."
    assert (second.doi, second.journal_ref, second.comment) == ("", "", "")
    assert second.version == 4


def test_old_style_feed_per_element_namespaces_and_old_ids(arxiv_fixtures):
    feed = parse_feed((arxiv_fixtures / "old-style.xml").read_bytes())

    assert feed.total_results == 2
    old, new = feed.entries
    assert (old.arxiv_id, old.version) == ("cs/0112017", 1)
    assert old.title == "An old-style identifier: archive, slash, seven digits"
    assert old.authors[0] == Author("Leslie Lamport", ("DEC SRC",))
    assert old.comment == "8 pages"
    assert old.primary_category == "cs.DC"
    assert old.categories == ("cs.DC", "D.4.5")
    assert old.abs_url == "http://arxiv.org/abs/cs/0112017v1"
    assert old.pdf_url == "http://arxiv.org/pdf/cs/0112017v1"
    assert (new.arxiv_id, new.version, new.doi) == ("2412.03131", 1, "10.1145/3731569.3764801")
    assert new.journal_ref == "SOSP 2025"


def test_root_declared_namespaces_with_http_schema_uri_parse_too(arxiv_fixtures):
    body = (arxiv_fixtures / "new-style.xml").read_text()
    body = body.replace("https://arxiv.org/schemas/atom", "http://arxiv.org/schemas/atom")
    entry = parse_feed(body).entries[0]
    assert entry.doi == "10.1145/3731569.3764801"
    assert entry.primary_category == "cs.LG"


def test_prefixes_do_not_matter_only_namespaces(arxiv_fixtures):
    body = (arxiv_fixtures / "new-style.xml").read_text()
    body = body.replace("xmlns:arxiv=", "xmlns:ax=").replace("arxiv:", "ax:")
    assert "<ax:doi>" in body
    entry = parse_feed(body).entries[0]
    assert entry.doi == "10.1145/3731569.3764801"
    assert entry.comment.startswith("14 pages")


@pytest.mark.parametrize("name", ["error-new-style.xml", "error-old-style.xml"])
def test_error_entry_is_not_a_paper(arxiv_fixtures, name):
    feed = parse_feed((arxiv_fixtures / name).read_bytes())
    assert feed.entries == []
    [error] = feed.errors
    assert "/api/errors#incorrect_id_format_for_" in error.id
    assert error.message.startswith("incorrect id format for ")


def test_empty_feed(arxiv_fixtures):
    feed = parse_feed((arxiv_fixtures / "empty.xml").read_bytes())
    assert (feed.entries, feed.errors, feed.total_results) == ([], [], 0)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"Rate exceeded.",
        b"<html><body>502 Bad Gateway</body></html>",
        b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>",
    ],
)
def test_not_a_feed_raises(body):
    with pytest.raises(FeedError):
        parse_feed(body)


def test_truncated_fixture_raises(arxiv_fixtures):
    data = (arxiv_fixtures / "new-style.xml").read_bytes()
    with pytest.raises(FeedError):
        parse_feed(data[: len(data) // 2])


def test_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>'
    )
    with pytest.raises(FeedError):
        parse_feed(bomb)


@pytest.mark.parametrize(
    ("entry_id", "expected"),
    [
        ("https://arxiv.org/abs/2412.03131v2", ("2412.03131", 2)),
        ("http://arxiv.org/abs/cs/0112017v1", ("cs/0112017", 1)),
        ("http://arxiv.org/abs/math.GT/0309136v12", ("math.GT/0309136", 12)),
        ("http://arxiv.org/abs/2412.03131", ("2412.03131", None)),
        ("https://arxiv.org/api/errors#x", None),
    ],
)
def test_split_entry_id(entry_id, expected):
    assert split_entry_id(entry_id) == expected
