"""Recognise paper identifiers in whatever form a person pastes them.

Pure functions, no database: arXiv ids (new-style 2412.03131 and old-style cs/0112017, with or
without version, bare, prefixed "arXiv:" or inside any arxiv.org URL), DOIs (bare, "doi:",
doi.org and dl.acm.org URLs) and the normalised title used to find a paper again.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import unquote, urlsplit


class ArxivId(NamedTuple):
    id: str
    version: int | None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


# New-style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on). Old-style: archive(.SUBJ)/YYMMNNN.
_NEW_STYLE = r"(?P<new>\d{4}\.\d{4,5})"
_OLD_STYLE = r"(?P<old>[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_BARE_ARXIV = re.compile(rf"^(?:arxiv:\s*)?(?:{_NEW_STYLE}|{_OLD_STYLE}){_VERSION}$", re.IGNORECASE)
_ARXIV_PATH = re.compile(
    rf"^/(?:abs|pdf|html|format|ps)/(?:{_NEW_STYLE}|{_OLD_STYLE}){_VERSION}(?:\.pdf)?/?$"
)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org", "browse.arxiv.org"}

_DOI = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
# dl.acm.org/doi/<view>/10.1145/... where <view> is one of these (or absent).
_ACM_VIEWS = {"abs", "pdf", "epdf", "full", "fullhtml", "book", "proceedings"}


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Return the arXiv id in `text` (a bare id or an arxiv.org URL), or None."""
    text = (text or "").strip()
    if not text:
        return None
    match = _BARE_ARXIV.match(text)
    if match is None and "arxiv.org" in text.lower():
        url = text if "://" in text else f"https://{text}"
        parts = urlsplit(url)
        if (parts.hostname or "").lower() in _ARXIV_HOSTS:
            match = _ARXIV_PATH.match(parts.path)
    if match is None:
        return None
    identifier = match.group("new") or match.group("old")
    if match.group("old"):
        archive, number = identifier.split("/")
        name, dot, subject = archive.partition(".")
        identifier = f"{name.lower()}{dot}{subject.upper()}/{number}"
    version = match.group("version")
    return ArxivId(identifier, int(version) if version else None)


def parse_doi(text: str) -> str | None:
    """Return the lower-cased DOI in `text` (bare, doi:..., doi.org or dl.acm.org URL), or None."""
    text = (text or "").strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered.startswith("doi:"):
        candidate = text[4:].strip()
    elif "://" in text or lowered.startswith(("doi.org/", "dx.doi.org/", "dl.acm.org/")):
        parts = urlsplit(text if "://" in text else f"https://{text}")
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
