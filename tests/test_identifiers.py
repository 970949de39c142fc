import pytest

from papers.identifiers import (
    ArxivId,
    InvalidArxivId,
    looks_like_arxiv_id,
    normalize_title,
    parse_arxiv_id,
    parse_doi,
    validate_arxiv_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2412.03131", ArxivId("2412.03131", None)),
        ("2412.03131v2", ArxivId("2412.03131", 2)),
        ("arXiv:2412.03131", ArxivId("2412.03131", None)),
        ("arxiv: 2412.03131v3", ArxivId("2412.03131", 3)),
        ("0704.0001", ArxivId("0704.0001", None)),
        ("https://arxiv.org/abs/2412.03131", ArxivId("2412.03131", None)),
        ("https://arxiv.org/abs/2412.03131v2", ArxivId("2412.03131", 2)),
        ("http://arxiv.org/pdf/2412.03131", ArxivId("2412.03131", None)),
        ("https://arxiv.org/pdf/2412.03131v1.pdf", ArxivId("2412.03131", 1)),
        ("https://arxiv.org/html/2412.03131v2", ArxivId("2412.03131", 2)),
        ("https://browse.arxiv.org/abs/2504.15465", ArxivId("2504.15465", None)),
        ("https://export.arxiv.org/abs/2504.15465v4", ArxivId("2504.15465", 4)),
        ("https://www.arxiv.org/abs/2504.15465/", ArxivId("2504.15465", None)),
        ("arxiv.org/abs/2504.15465", ArxivId("2504.15465", None)),
        ("cs/0112017", ArxivId("cs/0112017", None)),
        ("cs/0112017v1", ArxivId("cs/0112017", 1)),
        ("math.GT/0309136", ArxivId("math.GT/0309136", None)),
        ("hep-th/9901001v2", ArxivId("hep-th/9901001", 2)),
        ("https://arxiv.org/abs/cs/0112017v1", ArxivId("cs/0112017", 1)),
        ("https://arxiv.org/pdf/cs/0112017", ArxivId("cs/0112017", None)),
    ],
)
def test_arxiv_ids_in_every_form(text, expected):
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not an id",
        "2412.031",
        "12345.67890",
        "https://example.org/abs/2412.03131",
        "https://arxiv.org/list/cs.OS/recent",
        "https://dl.acm.org/doi/10.1145/3731569.3764838",
        "https://arxiv.org[/abs/2412.03131",
        "arxiv.org/abs/[2412.03131",
    ],
)
def test_not_arxiv_ids(text):
    assert parse_arxiv_id(text) is None


def test_arxiv_id_str_carries_version():
    assert str(ArxivId("2412.03131", 2)) == "2412.03131v2"
    assert str(ArxivId("cs/0112017", None)) == "cs/0112017"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("doi:10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("https://doi.org/10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("http://dx.doi.org/10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("https://dl.acm.org/doi/10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("https://dl.acm.org/doi/pdf/10.1145/3731569.3764838", "10.1145/3731569.3764838"),
        ("https://dl.acm.org/doi/epdf/10.1145/3731569.3764806", "10.1145/3731569.3764806"),
        ("https://dl.acm.org/doi/abs/10.1145/3731569.3764806", "10.1145/3731569.3764806"),
        ("https://dl.acm.org/doi/fullHtml/10.1145/3731569.3764806", "10.1145/3731569.3764806"),
        ("https://dl.acm.org/doi/10.1145/3731569.3764838?cid=99", "10.1145/3731569.3764838"),
        ("https://doi.org/10.5555/ABC.DEF", "10.5555/abc.def"),
        ("https://dl.acm.org/doi/proceedings/10.1145/3731569", "10.1145/3731569"),
    ],
)
def test_dois_in_every_form(text, expected):
    assert parse_doi(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nothing",
        "https://arxiv.org/abs/2412.03131",
        "https://dl.acm.org/",
        "https://x.org/10.1/2",
        # Not URLs at all (urlsplit raises on them): not DOIs, never an error.
        "https://x[y",
        "https://doi.org[/10.1145/1",
        "dl.acm.org]/doi/10.1145/1",
    ],
)
def test_not_dois(text):
    assert parse_doi(text) is None


def test_normalize_title_ignores_case_punctuation_accents():
    assert normalize_title("DiffKV: Differentiated  Memory-Management!") == normalize_title(
        "diffkv differentiated memory management"
    )
    assert normalize_title("Café: Système") == "cafe systeme"


@pytest.mark.parametrize(
    "text",
    [
        "0704.0001",
        "1412.9999",
        "1501.00001",
        "2412.03131v12",
        "astro-ph/9108001",
        "hep-th/0703999",
        "math.GT/0309136",
        "cond-mat/0001001",
    ],
)
def test_the_grammar_accepts(text):
    assert parse_arxiv_id(text) is not None
    assert validate_arxiv_id(text) == parse_arxiv_id(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2409.3108", "five digits after the dot"),
        ("2412.031", "five digits after the dot"),
        ("1501.0001", "five digits after the dot"),
        ("1412.00001", "four digits after the dot"),
        ("2412.00000", "five digits after the dot"),
        ("2400.03131", "00 is not a month"),
        ("0703.0001", "start in April 2007"),
        ("abc/0112017", "not an arXiv archive"),
        ("cs/01120", "seven digits"),
        ("cs/0112000", "seven digits"),
        ("hep-th/9107001", "9108 (August 1991) to 0703"),
        ("hep-th/0704001", "9108 (August 1991) to 0703"),
        ("https://arxiv.org/abs/2409.3108v2", "five digits after the dot"),
    ],
)
def test_the_grammar_refuses_with_a_reason(text, reason):
    assert looks_like_arxiv_id(text)
    assert parse_arxiv_id(text) is None
    with pytest.raises(InvalidArxivId) as raised:
        validate_arxiv_id(text)
    assert "is not a valid arXiv id" in str(raised.value)
    assert reason in str(raised.value)


@pytest.mark.parametrize("text", ["", "  ", "hello", "12345.67890"])
def test_not_id_shaped_text_is_refused_as_such(text):
    assert not looks_like_arxiv_id(text)
    with pytest.raises(InvalidArxivId):
        validate_arxiv_id(text)
