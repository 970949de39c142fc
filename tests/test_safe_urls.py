import pytest

from readinggroup.safe_urls import external_url, is_relative_url, is_safe_url, safe_next, safe_url


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2412.03131",
        "HTTP://example.org",
        "mailto:group@example.org",
        "./slides/x.pdf",
        "notes.md",
        "#top",
        "/papers/5/",
        "  https://example.org  ",
        "1abc:not-a-scheme",
    ],
)
def test_safe(url):
    assert is_safe_url(url)
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_unsafe(url):
    assert not is_safe_url(url)
    assert safe_url(url) == ""
    assert external_url(url) == ""


def test_relative_links_are_safe_but_not_external():
    assert is_relative_url("./slides/x.pdf")
    assert not is_relative_url("https://example.org/x.pdf")
    assert not is_relative_url("//example.org/x.pdf")
    assert external_url("./slides/x.pdf") == ""
    assert external_url("//example.org/x.pdf") == ""
    assert external_url(" https://example.org/x.pdf\n") == "https://example.org/x.pdf"
    assert external_url("mailto:a@b.org") == "mailto:a@b.org"


@pytest.mark.parametrize(
    ("candidates", "secure", "expected"),
    [
        (("/papers/5/",), False, "/papers/5/"),
        (("http://testserver/terms/",), False, "http://testserver/terms/"),
        # The first safe one wins: an off-site `next` falls through to the Referer.
        (("https://evil.example/", "/schedule/"), False, "/schedule/"),
        (("", "/schedule/"), False, "/schedule/"),
        (("//evil.example/x",), False, None),
        (("javascript:alert(1)",), False, None),
        # A page served over https never sends its visitor back over plain http.
        (("http://testserver/terms/",), True, None),
        ((), False, None),
    ],
)
def test_safe_next(rf, candidates, secure, expected):
    request = rf.post("/x/", secure=secure)
    assert safe_next(request, *candidates) == expected
