"""Recognise paper identifiers in whatever form a person pastes them.

Pure functions, no database, and the one home of arXiv's id grammar: arXiv ids (new-style
2412.03131 and old-style cs/0112017, with or without version, bare, prefixed "arXiv:" or inside
any arxiv.org URL), DOIs (bare, "doi:", doi.org and dl.acm.org URLs) and the normalised title
used to find a paper again.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit

from django.utils.translation import gettext as _


class ArxivId(NamedTuple):
    id: str
    version: int | None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


# The shapes an arXiv id is recognised by; arxiv_id_problem then applies arXiv's grammar, so
# "2409.3108" is recognised as a (malformed) id and refused with a reason, not taken as a title.
_NEW_STYLE = r"(?P<new>\d{4}\.\d{1,6})"
_OLD_STYLE = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{1,9})"
_VERSION = r"(?:v(?P<version>\d+))?"
_BARE_ARXIV = re.compile(rf"^(?:arxiv:\s*)?(?:{_NEW_STYLE}|{_OLD_STYLE}){_VERSION}$", re.IGNORECASE)
_ARXIV_PATH = re.compile(
    rf"^/(?:abs|pdf|html|format|ps)/(?:{_NEW_STYLE}|{_OLD_STYLE}){_VERSION}(?:\.pdf)?/?$"
)
# "https://arxiv.org/abs/..." as lists write it: the path without urlsplit (same result, since
# nothing in it needs splitting: no user, port, query, fragment, escapes or whitespace).
_PLAIN_ARXIV_URL = re.compile(
    r"https?://(?:www\.|export\.|browse\.)?arxiv\.org(?P<path>/[^\s?#%@:\\]*)", re.IGNORECASE
)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org", "browse.arxiv.org"}

# The archives of old-style ids (archive/YYMMNNN, August 1991 to March 2007).
OLD_STYLE_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
        "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
        "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
        "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
        "solv-int", "supr-con",
    }
)  # fmt: skip

_DOI = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")
# "https://dl.acm.org/doi/10..." and "https://doi.org/10...": the DOI without urlsplit.
_PLAIN_DOI_URL = re.compile(
    r"https?://(?:dl\.acm\.org/doi|(?:dx\.|www\.)?doi\.org)/(?P<doi>10\.[^\s?#%@\\]*)",
    re.IGNORECASE,
)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
# dl.acm.org/doi/<view>/10.1145/... where <view> is one of these (or absent).
_ACM_VIEWS = {"abs", "pdf", "epdf", "full", "fullhtml", "book", "proceedings"}


class InvalidArxivId(ValueError):
    """The text holds no well-formed arXiv id; the message says so in words a person can act on."""


def _split(text: str) -> SplitResult | None:
    """`text` as URL parts (https:// assumed when it names no scheme); None when it cannot be
    one at all, such as "https://x[y" (urlsplit raises on an unclosed IPv6 bracket)."""
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        parts.hostname  # noqa: B018 (parsing the host can raise too)
    except ValueError:
        return None
    return parts


def _match_arxiv(text: str) -> re.Match[str] | None:
    text = (text or "").strip()
    if not text:
        return None
    plain = _PLAIN_ARXIV_URL.fullmatch(text)
    if plain is not None:
        return _ARXIV_PATH.match(plain.group("path"))
    match = _BARE_ARXIV.match(text)
    if match is None and "arxiv.org" in text.lower():
        parts = _split(text)
        if parts is not None and (parts.hostname or "").lower() in _ARXIV_HOSTS:
            match = _ARXIV_PATH.match(parts.path)
    return match


def _arxiv_id(match: re.Match[str]) -> ArxivId:
    identifier = match.group("new") or match.group("old")
    if match.group("old"):
        archive, number = identifier.split("/")
        name, dot, subject = archive.partition(".")
        identifier = f"{name.lower()}{dot}{subject.upper()}/{number}"
    version = match.group("version")
    return ArxivId(identifier, int(version) if version else None)


def arxiv_id_problem(identifier: str) -> str | None:
    """Why `identifier` (no version) breaks arXiv's id grammar, or None when it is well-formed.

    New style: YYMM.NNNN from 0704 to 1412, YYMM.NNNNN from 1501. Old style: archive/YYMMNNN
    with one of arXiv's archives (an optional subject class, math.GT/0309136), 9108 to 0703.
    """
    if "/" not in identifier:
        month_part, _dot, number = identifier.partition(".")
        yy, mm = int(month_part[:2]), int(month_part[2:])
        if not 1 <= mm <= 12:
            return _("%(mm)s is not a month (a new-style id starts with YYMM).") % {
                "mm": month_part[2:]
            }
        if yy < 7 or (yy == 7 and mm < 4):
            return _("new-style ids start in April 2007 (0704.0001).")
        digits = 4 if yy < 15 else 5
        if len(number) != digits or int(number) == 0:
            if digits == 4:
                return _(
                    "ids from April 2007 to December 2014 have four digits after the dot "
                    "(YYMM.NNNN, e.g. 0704.0001)."
                )
            return _(
                "ids since January 2015 have five digits after the dot "
                "(YYMM.NNNNN, e.g. 2412.03131)."
            )
        return None
    archive, _slash, number = identifier.partition("/")
    name = archive.partition(".")[0].lower()
    if name not in OLD_STYLE_ARCHIVES:
        return _(
            "“%(archive)s” is not an arXiv archive (old-style ids look like cs/0112017 "
            "or hep-th/9901001)."
        ) % {"archive": archive}
    if len(number) != 7 or int(number[4:]) == 0:
        return _("old-style ids have seven digits after the archive (YYMMNNN, e.g. cs/0112017).")
    yy, mm = int(number[:2]), int(number[2:4])
    year = 1900 + yy if yy >= 91 else 2000 + yy
    if not 1 <= mm <= 12 or not (1991, 8) <= (year, mm) <= (2007, 3):
        return _("old-style ids run from 9108 (August 1991) to 0703 (March 2007), as YYMM.")
    return None


def looks_like_arxiv_id(text: str) -> bool:
    """Shaped like an arXiv id or link, well-formed or not ("2409.3108" does)."""
    return _match_arxiv(text) is not None


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Return the well-formed arXiv id in `text` (a bare id or an arxiv.org URL), or None."""
    match = _match_arxiv(text)
    if match is None:
        return None
    parsed = _arxiv_id(match)
    return None if arxiv_id_problem(parsed.id) else parsed


def validate_arxiv_id(text: str) -> ArxivId:
    """The arXiv id in pasted text; raises InvalidArxivId saying what is wrong with it."""
    shown = " ".join((text or "").split())
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if not shown:
        raise InvalidArxivId(_("Paste an arXiv id or link, e.g. 2412.03131."))
    match = _match_arxiv(text)
    if match is None:
        raise InvalidArxivId(
            _(
                "“%(text)s” is not an arXiv id or arXiv link. Paste an id such as "
                "2412.03131 or cs/0112017, or a link like https://arxiv.org/abs/2412.03131."
            )
            % {"text": shown}
        )
    parsed = _arxiv_id(match)
    problem = arxiv_id_problem(parsed.id)
    if problem:
        raise InvalidArxivId(
            _("“%(id)s” is not a valid arXiv id: %(problem)s")
            % {"id": parsed.id, "problem": problem}
        )
    return parsed


def parse_doi(text: str) -> str | None:
    """Return the lower-cased DOI in `text` (bare, doi:..., doi.org or dl.acm.org URL), or None."""
    text = (text or "").strip()
    if not text:
        return None
    plain = _PLAIN_DOI_URL.fullmatch(text)
    if plain is not None:
        candidate = plain.group("doi")
        match = _DOI.match(candidate)
        return match.group(1).rstrip(".,;)/").lower() if match else None
    lowered = text.lower()
    if lowered.startswith("doi:"):
        candidate = text[4:].strip()
    elif "://" in text or lowered.startswith(("doi.org/", "dx.doi.org/", "dl.acm.org/")):
        parts = _split(text)
        if parts is None:
            return None
        host = (parts.hostname or "").lower()
        path = unquote(parts.path)
        if host in _DOI_HOSTS:
            candidate = path.lstrip("/")
        elif host == "dl.acm.org" and path.startswith("/doi/"):
            rest = path[len("/doi/") :]
            first, _, remainder = rest.partition("/")
            candidate = remainder if first.lower() in _ACM_VIEWS else rest
        else:
            return None
    else:
        candidate = text
    match = _DOI.match(candidate)
    if match is None:
        return None
    return match.group(1).rstrip(".,;)/").lower()


_NON_WORD = re.compile(r"[^\w]+")


def normalize_title(title: str) -> str:
    """Lower-case, accents and punctuation removed, whitespace collapsed.

    "DiffKV: Differentiated Memory Management ..." and "diffkv differentiated memory
    management ..." normalise the same, so a title typed by hand finds its catalogue entry.
    """
    decomposed = unicodedata.normalize("NFKD", title or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).replace("_", " ").strip()


def collapse_whitespace(text: str) -> str:
    return " ".join((text or "").split())
