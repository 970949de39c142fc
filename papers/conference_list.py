"""The community's conference-list markdown, read and written: a pure module, no database.

The format (GitBook markdown, see tests/fixtures/sosp-2025.md)::

    # SOSP 2025                               <- venue and year (anything after: the full name)
    ## Meta Info
    Homepage: [https://...](https://...)
    ### Paper List
    * [https://...](https://...)
    ### Acceptance Rate
    17.7% (= 65 / 368)                        <- or a bullet per cycle: * Fall: 13.7% (= 55 / 401)
    ## Papers
    * Title \\[[Paper](...)]                   <- a paper before any area: no topic
    ### LLM                                   <- an area
    * LLM Training                            <- a subtopic (no links of its own); any depth
      * Title \\[[Paper](https://doi...)] \\[[arXiv](https://arxiv.org/abs/...)]
        * HKU & ByteDance Seed                <- first plain sub-bullet: affiliations
        * **ByteRobust**                      <- a bold sub-bullet: the system name ...
        * **Best Paper Award**                <- ... or an award
        * A note                              <- the rest: notes (nested bullets kept)
    ## Acronyms
    * OS: Operating System
    ## References                             <- any other section: kept as proceedings notes

Real lists are looser than this: `parse()` takes what it can and records a `Issue`
(`line`, `message`) for every line it could not place, and keeps such lines in the notes so
nothing is lost. It raises ParseError only for a file that is not a conference list at all.
`write()` gives the canonical form, so that `parse(write(x)) == x`. Line numbers and
warnings are kept for messages but are not part of equality.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

from papers.identifiers import ArxivId, normalize_title, parse_arxiv_id, parse_doi
from readinggroup.gc_pause import gc_paused
from readinggroup.safe_urls import is_safe_url

# Label as written in the list (lower-cased, without a parenthetical) -> PaperLink.Kind value.
LINK_KINDS = {
    "paper": "paper",
    "pdf": "paper",
    "doi": "paper",
    "arxiv": "arxiv",
    "code": "code",
    "source code": "code",
    "github": "code",
    "artifact": "artifact",
    "artifacts": "artifact",
    "slides": "slides",
    "slide": "slides",
    "video": "video",
    "docs": "docs",
    "documentation": "docs",
    "homepage": "homepage",
    "website": "homepage",
    "project page": "homepage",
    "project": "homepage",
    "personal notes": "notes",
    "notes": "notes",
}
OTHER = "other"
# The label the writer uses for a link that has none of its own.
DEFAULT_LABELS = {
    "paper": "Paper",
    "arxiv": "arXiv",
    "code": "Code",
    "artifact": "Artifact",
    "slides": "Slides",
    "video": "Video",
    "docs": "Docs",
    "homepage": "Homepage",
    "notes": "Personal Notes",
    "other": "Link",
}
# A bold sub-bullet naming one of these is an award, not a system name.
_AWARD = re.compile(
    r"\b(?:awards?|best|outstanding|distinguished|honou?rable|winner|runner[- ]up|prize)\b",
    re.IGNORECASE,
)
# Rate lines named like this give the whole conference, not one submission cycle.
OVERALL_NAMES = {"overall", "total", "all", "combined"}
OVERALL = "Overall"
# A rate line names a submission cycle (the conference is the sum of its cycles) when it says
# when the work was submitted and not what kind of work it is: "Spring 2024", "Cycle 1",
# "Second deadline" are cycles; "Posters", "Short papers", "Papers (Fall)" are not.
_CYCLE_WORD = re.compile(
    r"\b(?:spring|summer|fall|autumn|winter|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|"
    r"may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"deadlines?|cycles?|rounds?|submission\s+(?:windows?|periods?))\b",
    re.IGNORECASE,
)
_WORK_KIND_WORD = re.compile(
    r"\b(?:papers?|posters?|demos?|demonstrations?|short|full|long|workshops?|tracks?|"
    r"industry|industrial|artifacts?|abstracts?|tutorials?|talks?|wips?|work[- ]in[- ]progress|"
    r"student|doctoral|journal|research|vision|experience)\b",
    re.IGNORECASE,
)
# A category line that is the proceedings' own rate ("Papers", "Full papers", ...), when the
# list gives no overall line: the other categories (posters, demos) are not in the proceedings.
_PAPERS_RATE_NAME = re.compile(
    r"(?:(?:full|long|regular|research|technical|main(?:[- ]track)?|accepted)\s+)?papers?",
    re.IGNORECASE,
)

# Notes are stored as markdown with four spaces per nesting level: that is what Python-Markdown
# needs to see nested lists (the source lists indent by two).
NOTES_INDENT = 4
LIST_INDENT = 2


class ParseError(ValueError):
    """Not a conference list: `line` (1-based) says where, `message` what was expected."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Issue:
    """A line the reader (or the importer) could not take as it is: what and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _normalize(title: str) -> str:
    """normalize_title, without its per-character accent pass for a title that has none."""
    if title.isascii():
        return normalize_title(title) if "_" in title else _ascii_normalize(title)
    return normalize_title(title)


_ASCII_WORD = re.compile(r"[0-9a-z]+")


def _ascii_normalize(title: str) -> str:
    # NFKD leaves ASCII alone and no ASCII character combines: the same result, quicker (the
    # words joined by one space is what replacing each run of the rest by a space and
    # stripping gives).
    return " ".join(_ASCII_WORD.findall(title.lower()))


_T = TypeVar("_T")


class _computed_once(Generic[_T]):  # lower case: a decorator, like cached_property
    """functools.cached_property without its lock: on Python 3.11 that takes an RLock on every
    first access, and the reader asks three of them of each of 100,000 papers. A listed paper
    belongs to one reader, in one thread."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _computed_once[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # Stored under the same name: later reads find the value before this descriptor.
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@lru_cache(maxsize=1024)
def link_kind(label: str) -> str:
    key = re.sub(r"\(.*?\)", "", " ".join(label.split())).strip(" :-").lower()
    return LINK_KINDS.get(key, OTHER)


def is_award(text: str) -> bool:
    return _AWARD.search(text) is not None


@dataclass
class Link:
    kind: str
    label: str
    # "" for a label written without a URL (`\[Paper]`): a link to come.
    url: str


@dataclass
class ListedPaper:
    title: str
    links: list[Link] = field(default_factory=list)
    affiliations: str = ""
    system_name: str = ""
    notes: str = ""
    awards: list[str] = field(default_factory=list)
    line: int = field(default=0, compare=False)

    # Computed once per paper (the reader and the importer both ask): a listed paper's title
    # and links do not change once it has been read.
    @_computed_once
    def normalized_title(self) -> str:
        return _normalize(self.title)

    @_computed_once
    def arxiv(self) -> ArxivId | None:
        """From the arXiv link, else from any link that points at arxiv.org."""
        for link in self.links:
            if link.kind == "arxiv" and link.url:
                found = parse_arxiv_id(link.url)
                if found is not None:
                    return found
        for link in self.links:
            if link.kind != "arxiv" and link.url and "arxiv" in link.url.lower():
                found = parse_arxiv_id(link.url)
                if found is not None:
                    return found
        return None

    @_computed_once
    def doi(self) -> str | None:
        """From the Paper link (doi.org, dl.acm.org)."""
        for link in self.links:
            if link.kind == "paper" and link.url:
                found = parse_doi(link.url)
                if found is not None:
                    return found
        return None


@dataclass
class Section:
    """Papers under one topic: `path` runs from the area down ("" areas: papers before any)."""

    path: tuple[str, ...]
    papers: list[ListedPaper] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class Cycle:
    """One submission cycle's acceptance figures (Spring, Fall, ...)."""

    name: str
    accepted: int
    submitted: int
    line: int = field(default=0, compare=False)

    @property
    def rate(self) -> float:
        return round(100 * self.accepted / self.submitted, 1)


@dataclass
class AcronymEntry:
    short: str
    expansion: str
    line: int = field(default=0, compare=False)


@dataclass
class ConferenceList:
    venue: str
    year: int
    # What the title heading says after the year: "ACM Conference on AI and Agentic Systems".
    full_name: str = ""
    homepage: str = ""
    paper_list_urls: list[str] = field(default_factory=list)
    # The whole conference: the "Overall" line, else the sum of the cycles when each is a
    # submission cycle, else the "Papers" line (see _Reader._derived_overall).
    accepted: int | None = None
    submitted: int | None = None
    cycles: list[Cycle] = field(default_factory=list)
    # Meta Info the format has no field for, kept verbatim (markdown).
    meta_notes: str = ""
    sections: list[Section] = field(default_factory=list)
    acronyms: list[AcronymEntry] = field(default_factory=list)
    # Sections the format does not know ("## References") and lines the reader could not place,
    # kept verbatim as markdown starting with a "## " heading.
    extra_notes: str = ""
    warnings: list[Issue] = field(default_factory=list, compare=False)

    def papers(self) -> Iterator[tuple[Section, ListedPaper]]:
        """Every paper in list order, with where it sits."""
        for section in self.sections:
            for paper in section.papers:
                yield section, paper

    @property
    def acceptance_rate(self) -> float | None:
        if not self.accepted or not self.submitted:
            return None
        return round(100 * self.accepted / self.submitted, 1)

    @property
    def notes(self) -> str:
        """Meta notes and extra sections as one markdown text (Proceedings.notes)."""
        return "\n\n".join(part for part in (self.meta_notes, self.extra_notes) if part)


def split_notes(notes: str) -> tuple[str, str]:
    """Proceedings.notes back into (meta notes, extra sections): extras start at a '## ' line."""
    lines = notes.strip().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^#{1,2}\s", line):
            return _tidy_block(lines[:index]), _tidy_block(lines[index:])
    return _tidy_block(lines), ""


# --- Reading --------------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}"
_TITLE = re.compile(rf"^#\s+(?P<venue>\S.*?)\s*['\u2019]?\s*(?P<year>{_YEAR})(?P<rest>(?:\b.*)?)$")
_HEADING = re.compile(r"^(?P<level>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[*+-]|\d+[.)])(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_META_KEY = re.compile(
    r"^(?:[*+-]\s+)?(?:\*\*)?(?P<key>homepage|website|paper\s*lists?|accepted\s+papers|"
    r"acceptance\s+rates?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)")
_AUTOLINK = re.compile(r"<(?P<url>[a-z][a-z0-9+.\-]*:[^>\s]+)>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?P<url>https?://[^\s)\]>]+)", re.IGNORECASE)
# A count, with or without thousands separators ("1,234"); "400, 22%" is 400.
_COUNT = r"(?<![\d,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
# "65 / 368", "90/400", "90 of 400", "90 out of 400", "90 (papers) accepted out of 400 ...".
_COUNTS = re.compile(
    rf"(?P<accepted>{_COUNT})(?:\s*/\s*|\s+(?:(?:papers?\s+)?accepted\s+)?(?:out\s+)?of\s+)"
    rf"(?P<submitted>{_COUNT})",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?P<percent>\d+(?:\.(?P<decimals>\d+))?)\s*%")
_ACRONYM = re.compile(r"^(?P<short>[^:]+?)\s*:\s*(?P<expansion>\S.*)$")
_ACRONYM_DASH = re.compile(
    r"^(?P<short>\S+)\s+(?:[-\u2013\u2014=]|\bstands for\b)\s+(?P<expansion>\S.*)$"
)
_BOLD_START = re.compile(r"^\*\*(?P<name>[^*].*?)\*\*(?P<rest>.*)$")
_BOLD_ANY = re.compile(r"\*\*(?P<name>[^*]+?)\*\*")
_PAREN_AWARD = re.compile(r"\s*\((?P<name>[^()]+)\)\s*$")
# A URL: no spaces, backslash escapes, balanced parentheses one deep. Written as
# "plain*(escape plain*)*" rather than "(plain|escape)*": the same strings, matched without an
# alternation per character (four times quicker, and every link of a list goes through it).
_URL_RUN = r"[^\s()\\]*(?:\\.[^\s()\\]*)*"
_URL = rf"{_URL_RUN}(?:\({_URL_RUN}\){_URL_RUN})*"
_INNER_LINK = re.compile(rf"\[(?P<label>[^\[\]]*)\]\((?P<url>{_URL})\)")
# The usual "\\[[Label](url)]", read in one step.
_LINK_GROUP = re.compile(rf"\\?\[\[(?P<label>[^\[\]]+)\]\((?P<url>{_URL})\)\\?\](?![^\s\\\[])")
_TITLE_LINK = re.compile(rf"^\[(?P<title>[^\[\]]+)\]\((?P<url>{_URL})\)")
# Where the links after a title start: "\[" or "[[" (GitBook escapes the outer bracket).
_TAIL_START = re.compile(r"\\\[|\[\[")
_UNCLOSED = re.compile(r"\\?\[\[(?P<label>[^\[\]]+)\]\((?P<url>[^\s()]+)\)?\\?\]?\s*$")
# `[Paper](url "title")`: markdown's link title (a tooltip), after the URL.
_LINK_TITLE = re.compile(
    rf"(?P<link>\[(?P<label>[^\[\]]*)\]\({_URL})\s+(?P<title>\"[^\"]*\"|'[^']*')\s*\)"
)
_BARE_TAIL = re.compile(rf"\s\[(?P<label>[^\[\]]+)\]\((?P<url>{_URL})\)")
# A bare http(s) URL ending a bullet, after a title: "Title https://...", "Title (https://...)",
# "Title <https://...>". Parentheses in the URL must balance, so "(see https://x)" is not one.
_URL_PLAIN = r"https?://[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*"
_TRAILING_URL = re.compile(
    rf"\s(?:\((?P<paren>{_URL_PLAIN})\)|<(?P<angle>https?://[^\s<>]+)>|(?P<bare>{_URL_PLAIN}))$",
    re.IGNORECASE,
)
_HOST = re.compile(r"https?://(?:www\.)?(?P<host>[^/?#:\s]+)", re.IGNORECASE)
# A bare URL has no label: its host says what it is, where the host is that plain.
_HOST_KINDS = {
    "github.com": "code",
    "gitlab.com": "code",
    "bitbucket.org": "code",
    "youtube.com": "video",
    "youtu.be": "video",
    "vimeo.com": "video",
}
# READMEs end lines with <br> for spacing: the break is layout, not part of the text.
_TRAILING_BREAKS = re.compile(r"(?:\s*<br\s*/?>)+$", re.IGNORECASE)
# Whether a file has any, found once: a file without pays nothing per bullet.
_ANY_TRAILING_BREAK = re.compile(r"<br\s*/?>[ \t]*$", re.IGNORECASE | re.MULTILINE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~|<>])")
_SEPARATORS = re.compile(r"^[\s,;|/·•]*$")

_SECTION_NAMES = {
    "meta info": "meta",
    "meta": "meta",
    "metadata": "meta",
    "info": "meta",
    "papers": "papers",
    "accepted papers": "papers",
    "paper": "papers",
    "acronyms": "acronyms",
    "abbreviations": "acronyms",
    "glossary": "acronyms",
}
_META_SUBSECTIONS = {
    "paper list": "paper list",
    "paper lists": "paper list",
    "acceptance rate": "acceptance rate",
    "acceptance rates": "acceptance rate",
}


def _unescape(text: str) -> str:
    """Markdown backslash escapes out of a URL: `fp6\\_llm` is `fp6_llm`."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def _section_key(text: str) -> str | None:
    return _SECTION_NAMES.get(" ".join(text.replace("*", "").split()).lower().rstrip(":"))


class _Item:
    """A bullet of the papers section, with the bullets nested below it."""

    __slots__ = ("children", "indent", "line", "text")

    def __init__(self, text: str, indent: int, line: int) -> None:
        self.text, self.indent, self.line = text, indent, line
        self.children: list[_Item] = []

    @property
    def has_links(self) -> bool:
        return _has_links(self.text)


def _has_links(text: str) -> bool:
    return (
        _TAIL_START.search(text) is not None
        or _TITLE_LINK.match(text) is not None
        or _BARE_TAIL.search(text) is not None
        or ("://" in text and _TRAILING_URL.search(text) is not None)
    )


def url_kind(url: str, default: str = OTHER) -> str:
    """The kind of link a URL without a label is, by what it points at: arXiv, a DOI, a code
    or video host; else `default`."""
    if "arxiv" in url.lower() and parse_arxiv_id(url) is not None:
        return "arxiv"
    if parse_doi(url) is not None:
        return "paper"
    host = _HOST.match(url)
    return _HOST_KINDS.get(host.group("host").lower(), default) if host else default


def _indent_width(whitespace: str) -> int:
    return len(whitespace.expandtabs(4)) if "\t" in whitespace else len(whitespace)


class _Reader:
    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        # splitlines() also takes care of Windows (\r\n) and old Mac (\r) line endings.
        self.lines = text.splitlines()
        self.result: ConferenceList | None = None
        self.warnings: list[Issue] = []
        self.section = ""
        self.meta_sub = ""
        # The meta subheading open, unless it is one the format knows: (line, level, text, where
        # it sits in meta_lines). Paper lines right under it make it an area (_meta_line).
        self.meta_heading: tuple[int, int, str, int] | None = None
        self.meta_lines: list[str] = []
        # The open section the format does not know ("## References"), and whether a paper line
        # in it has been warned about.
        self.extra_heading = ""
        self.extra_warned = False
        self.extra_lines: list[str] = []
        self.in_extra = False  # the last extra line belongs to a section heading of its own
        self.rate_lines: list[tuple[int, str]] = []
        self.headings: list[tuple[int, str]] = []  # topic headings open in the papers section
        self.roots: list[_Item] = []
        self.stack: list[_Item] = []
        self.last_item: _Item | None = None
        self.acronym_lines: dict[str, int] = {}
        self.saw_papers_section = False
        self.trailing_breaks = _ANY_TRAILING_BREAK.search(text) is not None

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Issue(line, message))

    def unplaced(self, line: int, text: str, why: str) -> None:
        """Warn and keep the line in the proceedings' notes: nothing the file says is lost."""
        self.warn(line, f"{why}; kept in the proceedings notes")
        if not self.in_extra:
            if self.extra_lines:
                self.extra_lines.append("")
            self.extra_lines += ["## Notes", ""]
            self.in_extra = True
        self.extra_lines.append(text)

    def parse(self) -> ConferenceList:
        if "\x00" in self.text:
            for number, raw in enumerate(self.lines, start=1):
                if "\x00" in raw:
                    self.warn(number, "a NUL character, which no database stores; removed")
                    self.lines[number - 1] = raw.replace("\x00", "")
        line_of = self._line
        bullet = self._bullet
        stack = self.stack
        # Lines of HTML comments, found once: a file without "<!--" pays nothing per line.
        comments = _comment_lines(self.lines) if "<!--" in self.text else {}
        for number, raw in enumerate(self.lines, start=1):
            line = raw.rstrip()
            if comments and number in comments:
                self._comment(number, line, comments[number])
                continue
            # The common line of a list, "  * text" in the papers section, without a call
            # per step: a list may have a million lines (_papers_line has the general case).
            if self.section == "papers" and line:
                body = line.lstrip(" ")
                first = body[0]
                if (
                    first in "*+-"
                    and (len(body) == 1 or body[1] == " ")
                    and not body.startswith("**")
                    and "\t" not in line
                ):
                    indent = len(line) - len(body)
                    if stack and stack[-1].indent < indent:
                        item = _Item(body[1:].strip(), indent, number)
                        stack[-1].children.append(item)
                        stack.append(item)
                        self.last_item = item
                    else:
                        bullet(number, indent, body[1:].strip())
                    continue
            line_of(number, line)
        if self.result is None:
            raise ParseError(
                max(len(self.lines), 1),
                "not a conference list: expected a title heading with a year, like '# SOSP 2025'",
            )
        self._close_papers()
        result = self.result
        self._rates()
        result.meta_notes = _tidy_block(self.meta_lines)
        result.extra_notes = _tidy_block(self.extra_lines)
        has_meta = result.homepage or result.paper_list_urls or result.accepted or result.meta_notes
        if not result.sections and not has_meta and not result.cycles:
            raise ParseError(
                1, "not a conference list: it has neither papers nor meta info (homepage, rate)"
            )
        _check_duplicates(result, self.warn)
        result.warnings = sorted(self.warnings, key=lambda issue: issue.line)
        return result

    def _line(self, number: int, line: str) -> None:
        if self.result is None:
            self._before_title(number, line)
            return
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading is not None and not line.startswith("#!"):
            self._heading(number, len(heading.group("level")), heading.group("text") or "", line)
            return
        if self.section == "meta":
            self._meta_line(number, line)
        elif self.section == "papers":
            self._papers_line(number, line)
        elif self.section == "acronyms":
            self._acronym_line(number, line)
        elif self.section == "extra":
            if not self.extra_warned and _is_paper_line(line):
                # Not guessed to be an area: such a section may hold workshop papers or posters.
                self.extra_warned = True
                self.warn(
                    number,
                    f"a paper line under '## {self.extra_heading}', which is not '## Papers'; "
                    "the section is kept in the proceedings notes (rename it "
                    f"'### {self.extra_heading}' under '## Papers' to import it)",
                )
            self.extra_lines.append(line)
        elif line.strip():
            self._meta_line(number, line, loose=True)

    def _comment(self, number: int, line: str, start: str) -> None:
        """A line of an HTML comment: kept as written, never read (the page does not show it,
        and a commented-out paper is not one of the list's). `start` says whether it opens
        the comment ("open", or "unclosed" when no "-->" follows) or continues it ("")."""
        if self.result is None:
            self._before_title(number, line)
            return
        if start == "unclosed":
            why = "an HTML comment that is never closed (the page shows nothing after it)"
        else:
            why = "an HTML comment (the page does not show it, nor does the reader read it)"
        if self.section in ("papers", "acronyms"):
            if start:
                self.unplaced(number, line, why)
            else:
                self.extra_lines.append(line)
            return
        if start == "unclosed":
            self.warn(number, f"{why}; kept in the proceedings notes")
        # Elsewhere (Meta Info, sections the format does not know) notes are kept as written.
        (self.extra_lines if self.section == "extra" else self.meta_lines).append(line)

    def _before_title(self, number: int, line: str) -> None:
        if not line.strip():
            return
        match = _TITLE.match(line)
        if match is None:
            if line.startswith("# "):
                raise ParseError(
                    number,
                    "not a conference list: expected the title heading to name a venue and "
                    f"year, like '# SOSP 2025', found {line[:60]!r}",
                )
            self.warn(number, "text before the title heading; ignored")
            return
        rest = match.group("rest").strip()
        # "# FAST 2024 #": markdown's closing hashes, not part of the name ("... C#" is).
        unclosed = rest.rstrip("#")
        if not unclosed or unclosed[-1].isspace():
            rest = unclosed
        rest = rest.strip().strip("()[]\u2013\u2014-:,").strip()
        self.result = ConferenceList(
            venue=" ".join(match.group("venue").split()),
            year=int(match.group("year")),
            full_name=rest,
        )

    def _heading(self, number: int, level: int, text: str, line: str) -> None:
        text = " ".join(text.split())
        name = text.replace("*", "").strip().lower().rstrip(":")
        if level <= 2:
            key = _section_key(text)
            self._close_papers()
            self.meta_sub, self.headings, self.meta_heading = "", [], None
            if level == 1 and key is None:
                self.section = "extra"
                self.warn(number, "a second title heading; kept in the proceedings notes")
                self._extra_heading(text)
                return
            if key is None:
                self.section = "extra"
                self._extra_heading(text)
                return
            self.section = key
            self.saw_papers_section |= key == "papers"
            return
        if self.section in ("meta", "", "acronyms") and name in ("papers", "accepted papers"):
            self._close_papers()
            self.section = "papers"
            self.saw_papers_section = True
            self.meta_heading = None
            return
        if self.section in ("meta", ""):
            self.section = "meta"
            sub = _META_SUBSECTIONS.get(name)
            self.meta_heading = None
            if level == 3 and sub is not None:
                self.meta_sub = sub
            else:
                self.meta_sub = "other"
                self.meta_heading = (number, level, text, len(self.meta_lines))
                self.meta_lines.append(f"{'#' * level} {text}")
            return
        if self.section == "papers":
            if name in ("papers", "accepted papers"):
                return
            self._close_papers()
            if not text:
                self.warn(number, "a heading without a name; ignored")
                return
            while self.headings and self.headings[-1][0] >= level:
                self.headings.pop()
            self.headings.append((level, text))
            return
        if self.section == "extra":
            self.extra_lines.append(line)
            return
        # A subheading in the acronyms section.
        self.unplaced(number, line, "a heading inside '## Acronyms'")

    def _extra_heading(self, name: str) -> None:
        if self.extra_lines:
            self.extra_lines.append("")
        self.extra_lines += [f"## {name}", ""]
        self.in_extra = True
        self.extra_heading, self.extra_warned = name, False

    # Meta Info ------------------------------------------------------------------------------

    def _meta_line(self, number: int, line: str, loose: bool = False) -> None:
        assert self.result is not None
        stripped = line.strip()
        if loose:
            # Text between the title and the first section: Meta Info without its heading.
            self.section = "meta"
        if (
            self.meta_heading is not None
            and _is_paper_line(line)
            and self._meta_heading_to_area(number)
        ):
            self._papers_line(number, line)
            return
        keyed = _META_KEY.match(stripped)
        if keyed is not None and self.meta_sub in ("", "other", "paper list", "acceptance rate"):
            key = keyed.group("key").lower()
            value = keyed.group("value")
            if key in ("homepage", "website"):
                if self.result.homepage:
                    self.warn(number, "a second homepage; kept in the meta notes")
                    self.meta_lines.append(line)
                    return
                urls = _urls(value)
                if not urls:
                    self.warn(number, "a homepage without a link; kept in the meta notes")
                    self.meta_lines.append(line)
                    return
                self.result.homepage = self._url(number, urls[0], "homepage") or ""
                if not self.result.homepage:
                    self.meta_lines.append(line)
                return
            if key.startswith("accept") and "rate" in key:
                self.rate_lines.append((number, value))
                return
            # "Paper list: [url](url)", "Accepted papers: ..."
            urls = [u for u in (self._url(number, u, "paper list") for u in _urls(value)) if u]
            if urls:
                self.result.paper_list_urls.extend(urls)
            else:
                self.warn(number, "a paper list without a link; kept in the meta notes")
                self.meta_lines.append(line)
            return
        if self.meta_sub == "paper list" and stripped:
            urls = _urls(stripped)
            if urls:
                self.result.paper_list_urls.extend(
                    url for url in (self._url(number, u, "paper list") for u in urls) if url
                )
                return
            self.warn(number, "a line without a link under 'Paper List'; kept in the meta notes")
        if self.meta_sub == "acceptance rate" and stripped and _looks_like_rate(stripped):
            self.rate_lines.append((number, stripped))
            return
        self.meta_lines.append(line)

    def _meta_heading_to_area(self, number: int) -> bool:
        """A paper line under a meta subheading ("### Storage" with no "## Papers" above it):
        the heading is an area and the papers section starts there, if nothing but blank lines
        came between them. Else the lines stay meta notes, with a warning; False."""
        assert self.meta_heading is not None
        line, level, text, start = self.meta_heading
        heading = f"{'#' * level} {text}"
        if any(row.strip() for row in self.meta_lines[start + 1 :]):
            self.warn(
                number,
                f"a paper line in the meta info, under {heading!r} after other text; kept in "
                "the meta notes",
            )
            self.meta_heading = None
            return False
        self.warn(
            line,
            f"papers under {heading!r} with no '## Papers' heading before them; read as the "
            "papers section",
        )
        del self.meta_lines[start:]
        self.meta_heading, self.meta_sub = None, ""
        self.section = "papers"
        self.saw_papers_section = True
        self.headings = [(level, text)]
        return True

    def _url(self, number: int, url: str, what: str, quoted: bool = False) -> str | None:
        url = _unescape(url.strip())
        if url.startswith("<") and url.endswith(">"):
            # "[Paper](<https://...>)": markdown's angle-bracketed destination.
            url = url[1:-1].strip()
        # An http(s) URL is safe whatever follows its scheme: most links need no closer look.
        if not url.startswith(("https://", "http://")) and not is_safe_url(url):
            what = repr(what) if quoted else what
            if url[:4].lower() == "doi:" and parse_doi(url) is not None:
                # "doi:10.1145/...": the same DOI, as the link a browser can follow.
                resolved = f"https://doi.org/{url[4:].strip()}"
                self.warn(number, f"the {what} link {url[:80]!r} is kept as {resolved}")
                return resolved
            self.warn(
                number,
                f"the {what} link {url[:80]!r} is not http(s), mailto or relative; not kept",
            )
            return None
        return url

    def _rates(self) -> None:
        """Acceptance-rate lines into cycles and the whole conference's figures."""
        assert self.result is not None
        overall: Cycle | None = None
        for number, text in self.rate_lines:
            bullet = _BULLET.match(text)
            body = (bullet.group("text") or "") if bullet else text.strip()
            # "Cycle 1 of 2: 20% (40 of 200)": the name is what comes before the colon, unless
            # that already gives a rate; the figures are read after it.
            head, colon, tail = body.partition(":")
            name = ""
            if colon and "%" not in head and "/" not in head:
                name, body = head.strip().strip("*").strip(), tail
            counts = _COUNTS.search(body)
            if counts is None:
                self.warn(
                    number,
                    "an acceptance rate without 'accepted / submitted' counts; kept in the "
                    "meta notes",
                )
                self._rate_note(text)
                continue
            accepted = int(counts.group("accepted").replace(",", ""))
            submitted = int(counts.group("submitted").replace(",", ""))
            if submitted == 0 or accepted > submitted:
                self.warn(
                    number,
                    f"an acceptance rate of {accepted} / {submitted} (more accepted than "
                    "submitted); kept in the meta notes",
                )
                self._rate_note(text)
                continue
            percent = _PERCENT.search(body)
            computed = round(100 * accepted / submitted, 1)
            if percent is not None and _disagrees(percent, accepted, submitted):
                self.warn(
                    number,
                    f"the rate says {percent.group('percent')}% but {accepted} / {submitted} "
                    f"is {computed}%; the counts are kept",
                )
            cycle = Cycle(name=name, accepted=accepted, submitted=submitted, line=number)
            if not name or name.lower() in OVERALL_NAMES:
                if overall is not None:
                    self.warn(
                        number,
                        f"a second overall acceptance rate (first at line {overall.line}); "
                        "kept in the meta notes",
                    )
                    self._rate_note(text)
                    continue
                overall = cycle
            else:
                self.result.cycles.append(cycle)
        if overall is None and self.result.cycles:
            overall = self._derived_overall(self.result.cycles)
        if overall is not None:
            self.result.accepted, self.result.submitted = overall.accepted, overall.submitted

    def _derived_overall(self, cycles: list[Cycle]) -> Cycle | None:
        """The whole conference from its named rate lines, when no overall line gives it: the
        sum of submission cycles; else the one line that names the proceedings' papers (posters
        or demos are not part of its rate); else none, said once."""
        other = [cycle for cycle in cycles if not _names_a_cycle(cycle.name)]
        if not other:
            return Cycle(
                name=OVERALL,
                accepted=sum(cycle.accepted for cycle in cycles),
                submitted=sum(cycle.submitted for cycle in cycles),
            )
        papers = [cycle for cycle in cycles if _PAPERS_RATE_NAME.fullmatch(cycle.name)]
        if len(papers) == 1:
            return papers[0]
        self.warn(
            other[0].line,
            f"{other[0].name!r} names no submission cycle (Spring, Fall, Cycle 1, ...), so the "
            "rate lines are not summed and the overall acceptance rate is left empty (give it "
            "as '* Overall: ...', or the proceedings' own as '* Papers: ...')",
        )
        return None

    def _rate_note(self, text: str) -> None:
        self.meta_lines.append(text if _BULLET.match(text) else f"Acceptance rate: {text.strip()}")

    # Papers ---------------------------------------------------------------------------------

    def _papers_line(self, number: int, line: str) -> None:
        body = line.lstrip(" \t")
        if not body:
            return
        # The common bullet ("  * text") without a regex: a list may have a million lines.
        if body[0] in "*+-" and (len(body) == 1 or body[1] in " \t") and not body.startswith("**"):
            self._bullet(number, _indent_width(line[: len(line) - len(body)]), body[1:].strip())
            return
        bullet = _BULLET.match(line)
        if bullet is None:
            indent = _indent_width(line[: len(line) - len(line.lstrip())])
            if indent > 0 and self.last_item is not None:
                # A wrapped line continues the bullet above it, as in markdown.
                self.last_item.text = f"{self.last_item.text} {line.strip()}".strip()
                return
            self.unplaced(number, line, "text in the papers section that is not a bullet")
            return
        self._bullet(
            number, _indent_width(bullet.group("indent")), (bullet.group("text") or "").strip()
        )

    def _bullet(self, number: int, indent: int, text: str) -> None:
        item = _Item(text, indent, number)
        while self.stack and self.stack[-1].indent >= item.indent:
            self.stack.pop()
        if self.stack:
            self.stack[-1].children.append(item)
        else:
            self.roots.append(item)
        self.stack.append(item)
        self.last_item = item

    def _close_papers(self) -> None:
        roots = self.roots
        # The same stack list: parse() holds on to it.
        self.roots, self.last_item = [], None
        self.stack.clear()
        path = tuple(name for _, name in self.headings)
        if not roots:
            return
        if self.trailing_breaks:
            # Here, once the bullets are whole: a wrapped line may follow a "<br>", which is then
            # in the middle of the text and stays.
            _drop_trailing_breaks(roots)
        for root in roots:
            self._place(root, path)

    def _place(self, item: _Item, path: tuple[str, ...]) -> None:
        assert self.result is not None
        if _is_topic(item):
            name = item.text.strip()
            if _could_be_a_linkless_paper(item):
                self.warn(
                    item.line,
                    f"{name!r} is read as a subtopic, as its bullets have no links; if it is a "
                    "paper, give it a link (\\[[Paper](url)], or \\[Paper] for one to come)",
                )
            bold = re.fullmatch(r"\*\*(.+)\*\*", name)
            for child in item.children:
                self._place(child, (*path, bold.group(1) if bold else name))
            return
        if not item.text.strip():
            if item.children:
                for child in item.children:
                    self._place(child, path)
            else:
                self.warn(item.line, "an empty bullet where a paper was expected; ignored")
            return
        paper = self._paper(item)
        sections = self.result.sections
        if not sections or sections[-1].path != path:
            sections.append(Section(path=path, line=item.line))
        sections[-1].papers.append(paper)

    def _paper(self, item: _Item) -> ListedPaper:
        paper = ListedPaper(title="", line=item.line)
        extra_notes = self._title_and_links(item.text, item.line, paper)
        notes: list[_Item] = []
        affiliations_taken = False
        for child in item.children:
            text = child.text
            bold = _BOLD_START.match(text) if text.startswith("**") else None
            if bold is not None:
                name, rest = bold.group("name").strip(), bold.group("rest").strip()
                if is_award(name) and not rest.strip(" .,;:"):
                    paper.awards.append(name)
                    notes.extend(child.children)
                    continue
                if (
                    not paper.system_name
                    and not child.children
                    and len(name.split()) <= 3
                    and not is_award(name)
                ):
                    paper.system_name = name
                    if rest:
                        # "**Jiagu**, a serverless ..." says more than the name: keep it.
                        notes.append(child)
                    continue
            elif not affiliations_taken and not notes:
                paper.affiliations = text
                affiliations_taken = True
                # Nested under the affiliations: notes all the same.
                notes.extend(child.children)
                continue
            affiliations_taken = True
            notes.append(child)
        lines = [f"* {text}" for text in extra_notes]
        lines += _notes_lines(notes, 0)
        paper.notes = "\n".join(lines)
        return paper

    def _title_and_links(self, text: str, line: int, paper: ListedPaper) -> list[str]:
        """Fill the paper's title, links and title awards; returns text to keep as notes."""
        leftovers: list[str] = []
        title_link = _TITLE_LINK.match(text)
        rest = text
        if title_link is not None:
            title = title_link.group("title").strip()
            url = self._url(line, title_link.group("url"), "title")
            if url:
                paper.links.append(Link(kind=link_kind("paper"), label="Paper", url=url))
            rest = text[title_link.end() :]
            start = _tail_start(rest)
            if start > 0 and rest[:start].strip():
                title = f"{title} {rest[:start].strip()}"
            rest = rest[start:] if start >= 0 else ""
            if start < 0 and text[title_link.end() :].strip():
                title = f"{title} {text[title_link.end() :].strip()}"
        else:
            start = _tail_start(text)
            title = (text[:start] if start >= 0 else text).strip()
            rest = text[start:] if start >= 0 else ""
            if start < 0 and "://" in title:
                title = self._trailing_url(title, line, paper)
        title, awards = _title_awards(title)
        paper.awards.extend(awards)
        if not title:
            self.warn(line, "a paper without a title before its links; titled '(untitled)'")
            title = "(untitled)"
        paper.title = title
        self._links(rest, line, paper, leftovers)
        seen: dict[tuple[str, str], Link] = {}
        kept = []
        for link in paper.links:
            key = (link.kind, link.url)
            if key in seen and link.url:
                self.warn(line, f"the {link.label} link {link.url} is given twice; kept once")
                continue
            seen[key] = link
            kept.append(link)
        paper.links = kept
        return leftovers

    def _trailing_url(self, title: str, line: int, paper: ListedPaper) -> str:
        """A bare URL ending the bullet, after a title, out of the title as the paper's link
        (else its DOI or arXiv id is never found); the title without it."""
        match = _TRAILING_URL.search(title)
        if match is None or not title[: match.start()].strip():
            return title
        url = self._url(
            line, match.group("paren") or match.group("angle") or match.group("bare"), "bare"
        )
        assert url is not None  # http(s): always kept
        kind = url_kind(url)
        paper.links.append(Link(kind=kind, label=DEFAULT_LABELS[kind], url=url))
        self.warn(
            line,
            f"a bare URL after the title ({url}); taken out of the title as its "
            f"{DEFAULT_LABELS[kind]!r} link",
        )
        return title[: match.start()].strip()

    def _links(self, rest: str, line: int, paper: ListedPaper, leftovers: list[str]) -> None:
        position = 0
        while position < len(rest):
            if rest[position].isspace():
                position += 1
                continue
            simple = _LINK_GROUP.match(rest, position)
            if simple is not None:
                self._add_link(simple.group("label"), simple.group("url"), line, paper)
                position = simple.end()
                continue
            if rest.startswith("\\[", position) or rest.startswith("[[", position):
                inner_start = position + (2 if rest[position] == "\\" else 1)
                end = _matching_bracket(rest, inner_start)
                if end < 0:
                    broken = _UNCLOSED.match(rest, position)
                    if broken is not None:
                        self.warn(line, "an unclosed link bracket; read as a link all the same")
                        self._add_link(broken.group("label"), broken.group("url"), line, paper)
                    else:
                        self.warn(
                            line,
                            f"an unclosed link bracket {rest[position : position + 40]!r}; kept "
                            "as a note",
                        )
                        leftovers.append(rest[position:].strip())
                    return
                inner = rest[inner_start:end]
                if inner.endswith("\\"):
                    inner = inner[:-1]
                self._bracket(inner, line, paper, leftovers)
                position = end + 1
                continue
            match = _INNER_LINK.match(rest, position)
            if match is not None:
                self._add_link(match.group("label"), match.group("url"), line, paper)
                position = match.end()
                continue
            # Text after the links: kept, but as a note (it is not part of the title).
            following = _tail_start(rest[position:])
            chunk = rest[position : position + following] if following > 0 else rest[position:]
            chunk = chunk.strip()
            if chunk and not _SEPARATORS.match(chunk):
                _, awards = _title_awards(chunk)
                if awards and not _title_awards(chunk)[0]:
                    paper.awards.extend(awards)
                else:
                    self.warn(line, f"text after the links ({chunk[:60]!r}); kept as a note")
                    leftovers.append(chunk)
            position = position + following if following > 0 else len(rest)

    def _bracket(self, inner: str, line: int, paper: ListedPaper, leftovers: list[str]) -> None:
        """`\\[...]`: one or more [Label](url), text after a link, or a label alone."""
        if '"' in inner or "'" in inner:
            inner = self._drop_link_titles(inner, line)
        position = 0
        found: list[list[str]] = []  # [label, url] pairs, the label extended as text follows
        for match in _INNER_LINK.finditer(inner):
            between = inner[position : match.start()]
            if between.strip(" ,;|/") and found:
                # "[Code](...) (incoming)": the text goes with the link before it.
                found[-1][0] = f"{found[-1][0]} {between.strip(' ,;|/')}"
            elif between.strip(" ,;|/"):
                self.warn(line, f"text before a link ({between.strip()[:60]!r}); kept as a note")
                leftovers.append(between.strip())
            found.append([match.group("label"), match.group("url")])
            position = match.end()
        tail = inner[position:].strip(" ,;|/")
        if found and tail:
            found[-1][0] = f"{found[-1][0]} {tail}"
        if not found:
            # "\[Paper]" or "\[[Paper]]": a label whose link is still to come.
            label = " ".join(inner.strip().strip("[]").split())
            if label:
                # "\[Paper]": a link to come.
                paper.links.append(Link(kind=link_kind(label), label=label, url=""))
            return
        for label, url in found:
            self._add_link(label, url, line, paper)

    def _drop_link_titles(self, inner: str, line: int) -> str:
        """`[Paper](url "title")` as `[Paper](url)`, saying what is left out."""

        def drop(match: re.Match) -> str:
            self.warn(
                line,
                f"the {' '.join(match.group('label').split())!r} link's title "
                f"{match.group('title')[1:-1]!r} is not kept (a tooltip the catalogue has no "
                "field for)",
            )
            return f"{match.group('link')})"

        return _LINK_TITLE.sub(drop, inner)

    def _add_link(self, label: str, url: str, line: int, paper: ListedPaper) -> None:
        label = " ".join(label.split()) or "Link"
        safe = self._url(line, url, label, quoted=True) if url.strip() else ""
        if safe is None:
            return
        paper.links.append(Link(kind=link_kind(label), label=label, url=safe))

    # Acronyms -------------------------------------------------------------------------------

    def _acronym_line(self, number: int, line: str) -> None:
        assert self.result is not None
        if not line.strip():
            return
        bullet = _BULLET.match(line)
        body = (bullet.group("text") or "") if bullet else line.strip()
        body = body.replace("**", "")
        match = _ACRONYM.match(body) or _ACRONYM_DASH.match(body)
        if match is None:
            self.unplaced(number, line, "not an acronym as '* OS: Operating System'")
            return
        short = match.group("short").strip()
        if short in self.acronym_lines:
            self.unplaced(
                number,
                line,
                f"acronym {short!r} is defined twice (first at line {self.acronym_lines[short]})",
            )
            return
        self.acronym_lines[short] = number
        self.result.acronyms.append(
            AcronymEntry(short=short, expansion=match.group("expansion").strip(), line=number)
        )


def _comment_lines(lines: list[str]) -> dict[int, str]:
    """Line numbers of whole-line HTML comments (`<!--` opening a line, to the `-->`): "open"
    or "unclosed" for the first line of each, "" for the rest."""
    found: dict[int, str] = {}
    index = 0
    while index < len(lines):
        if not lines[index].lstrip().startswith("<!--"):
            index += 1
            continue
        end = index
        while end < len(lines) and "-->" not in (
            lines[end].split("<!--", 1)[1] if end == index else lines[end]
        ):
            end += 1
        found[index + 1] = "open" if end < len(lines) else "unclosed"
        for number in range(index + 2, min(end, len(lines) - 1) + 2):
            found[number] = ""
        index = end + 1
    return found


def _is_paper_line(line: str) -> bool:
    """A bullet with links as a paper has them (`\\[[Paper](...)]`)."""
    return _BULLET.match(line) is not None and _TAIL_START.search(line) is not None


def _names_a_cycle(name: str) -> bool:
    """A rate line's name says when the work was submitted, not what kind of work it is."""
    return _CYCLE_WORD.search(name) is not None and _WORK_KIND_WORD.search(name) is None


def _disagrees(percent: re.Match, accepted: int, submitted: int) -> bool:
    """The written percentage is not the counts' rate to the places it is written with: half a
    unit of its last place (rounding), and a tenth of a point more for lists that truncate or
    round twice ("17.7%" for 17.66 is right, "23%" for 22.5 too, "25%" for 20.0 is not)."""
    places = len(percent.group("decimals") or "")
    slack = 0.5 * 10**-places + 0.1
    return abs(float(percent.group("percent")) - 100 * accepted / submitted) > slack


def _looks_like_rate(text: str) -> bool:
    """A line under 'Acceptance Rate' that gives a rate (else it is a plain meta note)."""
    return _COUNTS.search(text) is not None or _PERCENT.search(text) is not None


def _urls(text: str) -> list[str]:
    """Every URL of a line: [text](url), <url>, or bare."""
    found = [m.group("url") for m in _MD_LINK.finditer(text) if m.group("url")]
    if found:
        return found
    found = [m.group("url") for m in _AUTOLINK.finditer(text)]
    if found:
        return found
    found = [m.group("url") for m in _BARE_URL.finditer(text)]
    if found:
        return found
    stripped = text.strip()
    if stripped and " " not in stripped and ("/" in stripped or "." in stripped):
        return [stripped]
    return []


def _tail_start(text: str) -> int:
    """Where the links after a title begin, or -1."""
    tail = _TAIL_START.search(text)
    # A bare "[label](url)" needs a "[" after a space: none before the first "\\[" or "[[",
    # none that starts earlier (the common line, read without a second search).
    if tail is not None and "[" not in text[: tail.start()]:
        return tail.start()
    starts = [m.start() for m in (_TAIL_START.search(text), _BARE_TAIL.search(text)) if m]
    return min(starts) if starts else -1


def _matching_bracket(text: str, start: int) -> int:
    """Index of the ']' closing a bracket opened just before `start` (URLs may hold brackets)."""
    depth, position, in_url = 0, start, 0
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text) and text[position + 1] != "]":
            position += 2
            continue
        if in_url:
            if char == "(":
                in_url += 1
            elif char == ")":
                in_url -= 1
        elif char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return position
            depth -= 1
            if text.startswith("(", position + 1):
                in_url = 1
                position += 1
        position += 1
    return -1


def _title_awards(title: str) -> tuple[str, list[str]]:
    """Awards written into a title line (`**Best Paper**`, `(Best Paper Award)`) out of it."""
    awards: list[str] = []
    if "**" not in title and not title.rstrip().endswith(")"):
        # Neither a bold award nor a parenthesised one: the common title, left as it is.
        return " ".join(title.split()), awards

    def take(match: re.Match) -> str:
        if is_award(match.group("name")):
            awards.append(match.group("name").strip())
            return " "
        return match.group(0)

    title = _BOLD_ANY.sub(take, title)
    paren = _PAREN_AWARD.search(title)
    if paren is not None and is_award(paren.group("name")):
        awards.append(paren.group("name").strip())
        title = title[: paren.start()]
    return " ".join(title.split()), awards


def _is_topic(item: _Item) -> bool:
    """A bullet with no links of its own whose children are papers or topics.

    A paper has links or, failing that, sub-bullets that are plain lines (its affiliations); a
    topic has no links and its bullets have links, or bullets of their own.
    """
    if (
        item.has_links
        or not item.children
        or (_BOLD_START.match(item.text) and is_award(item.text))
    ):
        return False
    if not item.text.strip():
        return False
    first = item.children[0]
    return (
        bool(first.children)
        or any(_TAIL_START.search(c.text) for c in item.children)
        or (first.has_links)
    )


def _could_be_a_linkless_paper(topic: _Item) -> bool:
    """A topic read off bullets that could as well be a paper without links: its bullets and
    theirs have no links, and go one level deep at most ("* Title / * MIT / * a note" is
    "* Subtopic / * Title / * MIT"). The reader does not guess which; it says so."""
    return not any(
        child.has_links or any(grand.has_links or grand.children for grand in child.children)
        for child in topic.children
    )


def _drop_trailing_breaks(items: list[_Item]) -> None:
    """`<br>` tags ending a bullet (paper, affiliations, note, subtopic) out of it, where the
    bullet says something else: a bullet of nothing but `<br>` stays as written."""
    for item in items:
        if item.text.endswith(">"):
            match = _TRAILING_BREAKS.search(item.text)
            if match is not None and match.start() > 0:
                item.text = item.text[: match.start()]
        if item.children:
            _drop_trailing_breaks(item.children)


def _notes_lines(items: list[_Item], level: int, lines: list[str] | None = None) -> list[str]:
    """The bullets as notes lines, nested ones indented (one list, not a generator per level)."""
    lines = [] if lines is None else lines
    pad = f"{' ' * (NOTES_INDENT * level)}* "
    for item in items:
        lines.append(f"{pad}{item.text}".rstrip())
        if item.children:
            _notes_lines(item.children, level + 1, lines)
    return lines


def _check_duplicates(result: ConferenceList, warn) -> None:
    """Two entries with one DOI or arXiv id (a copy-paste slip): both stay, the reader says so."""
    seen: dict[tuple[str, str], int] = {}
    for _, paper in result.papers():
        line = paper.line
        arxiv = paper.arxiv
        doi = paper.doi
        normalized = paper.normalized_title
        for kind, value in (
            ("arXiv id", arxiv.id if arxiv is not None else None),
            ("DOI", doi),
            ("title", normalized),
        ):
            if not value:
                continue
            first = seen.setdefault((kind, value), line)
            if first != line:
                shown = value if kind != "title" else repr(paper.title[:60])
                warn(
                    line,
                    f"same {kind} {shown} as the paper at line {first}; both kept as "
                    "separate papers, neither merged (a copy-paste slip?)",
                )


def _tidy_block(lines: list[str]) -> str:
    """Collapse runs of blank lines and trim the ends, so the round trip is stable."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1]:
                out.append("")
        else:
            out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out)


def parse(text: str) -> ConferenceList:
    """Read a conference list; warnings in `.warnings`. ParseError: not a conference list."""
    with gc_paused():
        return _Reader(text).parse()


# --- Writing --------------------------------------------------------------------------------


def write(conference: ConferenceList) -> str:
    """The list as markdown in the community's format: `parse(write(x)) == x`."""
    title = f"# {conference.venue} {conference.year}"
    if conference.full_name:
        title += f" ({conference.full_name})"
    out: list[str] = [title, ""]
    has_rate = (conference.accepted is not None and conference.submitted) or conference.cycles
    if conference.homepage or conference.paper_list_urls or has_rate or conference.meta_notes:
        out += ["## Meta Info", ""]
        if conference.homepage:
            out += [f"Homepage: [{conference.homepage}]({conference.homepage})", ""]
        if conference.meta_notes:
            out += [conference.meta_notes, ""]
        if conference.paper_list_urls:
            out += ["### Paper List", ""]
            out += [f"* [{url}]({url})" for url in conference.paper_list_urls]
            out.append("")
        if has_rate:
            out += ["### Acceptance Rate", ""]
            if conference.cycles:
                for cycle in conference.cycles:
                    out.append(f"* {cycle.name}: {_rate(cycle.accepted, cycle.submitted)}")
                if conference.accepted is not None and conference.submitted:
                    out.append(f"* {OVERALL}: {_rate(conference.accepted, conference.submitted)}")
            else:
                out.append(_rate(conference.accepted, conference.submitted))
            out.append("")
    out += ["## Papers", ""]
    area: str | None = None
    open_path: tuple[str, ...] = ()
    for section in conference.sections:
        path = section.path
        if path and path[0] != area:
            if out[-1]:
                out.append("")
            out += [f"### {path[0]}", ""]
            area, open_path = path[0], ()
        below = path[1:]
        common = 0
        while common < min(len(open_path), len(below)) and open_path[common] == below[common]:
            common += 1
        for depth in range(common, len(below)):
            out.append(f"{' ' * (LIST_INDENT * depth)}* {below[depth]}")
        open_path = below
        for paper in section.papers:
            out += _paper_lines(paper, len(below))
    if out[-1]:
        out.append("")
    if conference.acronyms:
        out += ["## Acronyms", ""]
        out += [f"* {entry.short}: {entry.expansion}" for entry in conference.acronyms]
        out.append("")
    if conference.extra_notes:
        out += [conference.extra_notes, ""]
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _rate(accepted: int | None, submitted: int | None) -> str:
    assert accepted is not None and submitted
    return f"{100 * accepted / submitted:.1f}% (= {accepted} / {submitted})"


def _paper_lines(paper: ListedPaper, depth: int) -> list[str]:
    pad = " " * (LIST_INDENT * depth)
    sub = " " * (LIST_INDENT * (depth + 1))
    links = "".join(
        f" \\[[{link.label or DEFAULT_LABELS.get(link.kind, 'Link')}]({link.url})]"
        if link.url
        else f" \\[{link.label or DEFAULT_LABELS.get(link.kind, 'Link')}]"
        for link in paper.links
    )
    lines = [f"{pad}* {paper.title}{links}"]
    if paper.affiliations:
        lines.append(f"{sub}* {paper.affiliations}")
    elif paper.notes or (not paper.links and not paper.system_name and not paper.awards):
        # An empty first sub-bullet says "no affiliations", so the next one is not taken for
        # them and a paper without links is not taken for a subtopic.
        lines.append(f"{sub}*")
    if paper.system_name:
        lines.append(f"{sub}* **{paper.system_name}**")
    lines += [f"{sub}* **{award}**" for award in paper.awards]
    lines += _notes_to_list(paper.notes, depth + 1)
    return lines


def _notes_to_list(notes: str, depth: int) -> list[str]:
    """Notes markdown (four spaces per level) as sub-bullets of a paper (two per level)."""
    lines = []
    for raw in notes.splitlines():
        if not raw.strip():
            continue
        width = _indent_width(raw[: len(raw) - len(raw.lstrip())])
        level = width // NOTES_INDENT
        bullet = _BULLET.match(raw)
        text = (bullet.group("text") or "") if bullet else raw.strip()
        lines.append(f"{' ' * (LIST_INDENT * (depth + level))}* {text}".rstrip())
    return lines
