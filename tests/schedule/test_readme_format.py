# ruff: noqa: RUF001  (full-width commas, curly quotes and mojibake are the test data)
"""The README reader and writer, without a database, against both seed files and odd input."""

from __future__ import annotations

import datetime
from dataclasses import asdict

import pytest

from sessions.readme.parsed import FormatWarning, ScheduleFormatError
from sessions.readme.reader import parse_schedule
from sessions.readme.syntax import split_decoration, split_names
from sessions.readme.writer import format_schedule
from tests.conftest import FIXTURES
from tests.schedule.expected import (
    EXPECTED,
    EXPECTED_TERM,
    FOLDER_SLIDES_LINE,
    STRAY_LINE,
)

SEEDS = ["schedule-2025-fall.md", "schedule-2025-fall.mojibake.md"]


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def as_table(schedule) -> list:
    return [
        (
            session.date.isoformat(),
            session.kind,
            session.title,
            [
                (
                    talk.position,
                    talk.venue_label,
                    talk.title,
                    talk.url,
                    [(p.name, p.affiliation, p.role) for p in talk.presenters or []],
                    talk.slides_url,
                    talk.video_url,
                )
                for talk in session.talks
            ],
        )
        for session in schedule.sessions
    ]


def without_lines(value):
    if isinstance(value, dict):
        return {k: without_lines(v) for k, v in value.items() if k not in ("line",)}
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_reads_session_by_session(seed):
    schedule = parse_schedule(read(seed))

    assert schedule.term_name == EXPECTED_TERM
    table = as_table(schedule)
    assert [row[0] for row in table] == [row[0] for row in EXPECTED]
    for got, expected in zip(table, EXPECTED, strict=True):
        assert got[:3] == expected[:3], got[0]
        assert got[3] == expected[3], got[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_warnings_name_their_lines(seed):
    schedule = parse_schedule(read(seed))

    assert [w.line for w in schedule.warnings] == [STRAY_LINE, FOLDER_SLIDES_LINE]
    assert "'c'" in schedule.warnings[0].message
    assert "folder" in schedule.warnings[1].message


def test_sections_keep_their_markdown():
    schedule = parse_schedule(read("schedule-2025-fall.md"))

    assert schedule.requirements.startswith("- We focus on the latest papers from SOSP and OSDI")
    assert "the paper’s strengths and weaknesses" in schedule.requirements  # curly quote kept
    assert schedule.requirements.count("\n- ") == 2
    assert schedule.other_information.startswith("The playback video and text summary")
    assert '<a href="https://www.zhihu.com/column/c_1819774258647277568"' in (
        schedule.other_information
    )
    assert "## Schedule" not in schedule.other_information


def test_mojibake_copy_reads_like_the_clean_file():
    clean = parse_schedule(read("schedule-2025-fall.md"))
    broken = parse_schedule(read("schedule-2025-fall.mojibake.md"))

    assert clean.repaired_lines == 0
    assert broken.repaired_lines > 20
    assert asdict(broken) | {"repaired_lines": 0} == asdict(clean)


def test_mojibake_structure_does_not_need_the_emoji():
    # Strip every emoji (and its mojibake) entirely: place and shape still find the structure.
    text = read("schedule-2025-fall.md")
    for mark in ("💡 ", "🙋\u200d♂️ ", "✨ ", "📕 ", "📺 "):
        text = text.replace(mark, "")
    assert as_table(parse_schedule(text)) == EXPECTED


def test_years_come_from_the_term_and_newest_first_order():
    schedule = parse_schedule(read("schedule-2025-fall.md"))
    dates = [session.date for session in schedule.sessions]

    assert dates[0] == datetime.date(2026, 1, 20)
    assert datetime.date(2025, 12, 30) in dates
    assert dates[-1] == datetime.date(2025, 9, 16)
    assert dates == sorted(dates, reverse=True)


# --- Odd and broken input --------------------------------------------------------------------

MINIMAL = """# 2026 Spring

## Schedule
### March 10
#### Topic I
- 💡 [OSDI'25] [A Paper](https://arxiv.org/abs/2501.00001)
- 🙋‍♂️ Ada Lovelace, Alan Turing (Bletchley Park)

#### Topic II
- 💡 [arXiv] [Another Paper](https://arxiv.org/abs/2501.00002)
- 🙋‍♂️ Grace Hopper
<br><br>

### March 3
- 💡 [SOSP'25] [Only Topic](https://dl.acm.org/doi/10.1145/1.2)
- 🙋‍♂️ Barbara Liskov
"""


def test_windows_line_endings_read_the_same():
    unix = parse_schedule(MINIMAL)
    windows = parse_schedule(MINIMAL.replace("\n", "\r\n"))

    assert asdict(windows) == asdict(unix)
    assert windows.sessions[0].talks[0].title == "A Paper"


def test_seed_with_windows_line_endings_reads_the_same():
    text = read("schedule-2025-fall.md")
    assert as_table(parse_schedule(text.replace("\n", "\r\n"))) == EXPECTED


def test_session_without_topic_headings_has_one_talk():
    schedule = parse_schedule(MINIMAL)

    only = schedule.sessions[1]
    assert only.date == datetime.date(2026, 3, 3)
    assert [(t.position, t.title, t.venue_label) for t in only.talks] == [
        (1, "Only Topic", "SOSP'25")
    ]


def test_missing_term_heading_is_an_error_with_a_line():
    text = MINIMAL.replace("# 2026 Spring\n", "")

    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule(text)

    assert error.value.line == 2  # "## Schedule", now on line 2
    assert "'# <term name>' heading" in error.value.message


def test_missing_term_heading_is_fine_with_a_term_name():
    text = MINIMAL.replace("# 2026 Spring\n", "")

    schedule = parse_schedule(text, term_name="2026 Spring")

    assert schedule.term_name == "2026 Spring"
    assert len(schedule.sessions) == 2


def test_missing_section_headings_are_not_needed():
    schedule = parse_schedule(MINIMAL.replace("## Schedule\n", ""))
    assert [s.date.isoformat() for s in schedule.sessions] == ["2026-03-10", "2026-03-03"]
    assert (schedule.requirements, schedule.other_information, schedule.warnings) == ("", "", [])


def test_empty_file_is_an_error():
    with pytest.raises(ScheduleFormatError, match="no '# <term name>' heading"):
        parse_schedule("")


@pytest.mark.parametrize(
    ("heading", "term"),
    [("### February 30", "2026 Spring"), ("### April 31", "2026 Spring")],
)
def test_a_day_that_does_not_exist_is_an_error_with_its_line(heading, term):
    text = f"# {term}\n\n## Schedule\n### March 3\n- 💡 X\n{heading}\n- 💡 Y\n"

    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule(text)

    assert error.value.line == 6
    assert "not a date that exists" in error.value.message


def test_february_29_exists_only_in_leap_years():
    leap = parse_schedule("# 2028 Spring\n### February 29\n- 💡 X\n")
    assert leap.sessions[0].date == datetime.date(2028, 2, 29)

    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule("# 2026 Spring\n### February 29\n- 💡 X\n")
    assert error.value.line == 2
    assert "does not exist in 2026" in error.value.message


def test_term_without_a_year_cannot_place_dates():
    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule("# Fall term\n### March 3\n- 💡 X\n")
    assert error.value.line == 1
    assert "has no year" in error.value.message


def test_explicit_years_need_no_term_year():
    schedule = parse_schedule("# Fall term\n### March 3, 2027\n- 💡 X\n### 2026-12-01\n- 💡 Y\n")
    assert [s.date for s in schedule.sessions] == [
        datetime.date(2027, 3, 3),
        datetime.date(2026, 12, 1),
    ]


def test_stray_line_is_a_warning_and_the_rest_is_read():
    text = MINIMAL.replace("- 🙋‍♂️ Grace Hopper\n", "- 🙋‍♂️ Grace Hopper\nlorem ipsum\n")

    schedule = parse_schedule(text)

    assert schedule.warnings == [
        FormatWarning(12, "unrecognised line 'lorem ipsum' in a session; ignored")
    ]
    assert [p.name for p in schedule.sessions[0].talks[1].presenters] == ["Grace Hopper"]
    assert len(schedule.sessions) == 2


def test_empty_presenters_line_is_a_warning_and_an_empty_list():
    text = MINIMAL.replace("- 🙋‍♂️ Grace Hopper", "- 🙋‍♂️ ")

    schedule = parse_schedule(text)

    talk = schedule.sessions[0].talks[1]
    assert talk.title == "Another Paper"
    assert talk.presenters == []
    assert [(w.line, w.message) for w in schedule.warnings] == [(11, "empty presenters line")]


def test_topic_without_presenters_line_leaves_presenters_unknown():
    text = MINIMAL.replace("- 🙋‍♂️ Grace Hopper\n", "")
    talk = parse_schedule(text).sessions[0].talks[1]
    assert talk.presenters is None
    assert talk.title == "Another Paper"


def test_empty_topic_is_an_open_slot():
    text = "# 2026 Spring\n### March 3\n#### Topic I\n- 💡 [arXiv] X\n\n#### Topic II\n"
    talks = parse_schedule(text).sessions[0].talks
    assert [(t.position, t.title, t.presenters) for t in talks] == [(1, "X", None), (2, "", None)]


def test_heading_that_is_not_a_date_is_a_warning():
    text = "# 2026 Spring\n### Someday\n- 💡 X\n### March 3\n- 💡 Y\n"
    schedule = parse_schedule(text)
    assert [s.date for s in schedule.sessions] == [datetime.date(2026, 3, 3)]
    assert schedule.warnings[0].line == 2
    assert "not a session date" in schedule.warnings[0].message


def test_unknown_section_is_a_warning():
    text = "# 2026 Spring\n## Sponsors\nACME\n## Schedule\n### March 3\n- 💡 Y\n"
    schedule = parse_schedule(text)
    assert [(w.line, "Sponsors" in w.message) for w in schedule.warnings] == [(2, True)]
    assert len(schedule.sessions) == 1


def test_same_date_twice_is_an_error():
    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule("# 2026 Spring\n### March 3\n- 💡 X\n### March 3\n- 💡 Y\n")
    assert error.value.line == 4
    assert "listed twice (also line 2)" in error.value.message


def test_second_term_heading_is_an_error():
    with pytest.raises(ScheduleFormatError) as error:
        parse_schedule("# 2026 Spring\n### March 3\n- 💡 X\n# 2026 Fall\n")
    assert error.value.line == 4


def test_oldest_first_file_is_read_with_a_warning():
    text = "# 2025 Fall\n### September 9\n- 💡 A\n### October 7\n- 💡 B\n### January 6\n- 💡 C\n"
    schedule = parse_schedule(text)
    assert [s.date.isoformat() for s in schedule.sessions] == [
        "2025-09-09",
        "2025-10-07",
        "2026-01-06",
    ]
    assert "oldest first" in schedule.warnings[0].message


def test_relative_links_resolve_against_the_base_url():
    text = (
        "# 2026 Spring\n### March 3\n- 💡 [arXiv] [T](./papers/t.pdf)\n- 🙋‍♂️ A\n"
        "- [📕 slides](./slides/x.pdf), [📺 video](https://v.example/1?t=1.4)\n"
    )
    plain = parse_schedule(text).sessions[0].talks[0]
    based = parse_schedule(text, base_url="https://github.com/g/r/blob/main").sessions[0].talks[0]

    assert (plain.slides_url, plain.url) == ("./slides/x.pdf", "./papers/t.pdf")
    assert based.slides_url == "https://github.com/g/r/blob/main/slides/x.pdf"
    assert based.url == "https://github.com/g/r/blob/main/papers/t.pdf"
    assert based.video_url == "https://v.example/1?t=1.4"


def test_names_split_on_every_separator_outside_parentheses():
    assert split_names("A Li，B Wang、C Zhao and D Qian (X Lab, Y University), E") == [
        "A Li",
        "B Wang",
        "C Zhao",
        "D Qian (X Lab, Y University)",
        "E",
    ]


def test_presenters_with_affiliations_and_roles():
    people = parse_schedule(MINIMAL).sessions[0].talks[0].presenters
    assert [(p.name, p.affiliation, p.role) for p in people] == [
        ("Ada Lovelace", "", "lead"),
        ("Alan Turing", "Bletchley Park", "support"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("💡 [SOSP'25] [T](u)", ("💡", "[SOSP'25] [T](u)")),
        ("🙋\u200d♂️ Chao Bi", ("🙋\u200d♂️", "Chao Bi")),
        ("ğŸ™â€â™‚ï¸ Chao Bi", ("ğŸ™â€â™‚ï¸", "Chao Bi")),
        ("张三，李四", ("", "张三，李四")),
        ("Élodie Durand", ("", "Élodie Durand")),
        ("💡[arXiv] X", ("💡", "[arXiv] X")),
    ],
)
def test_decoration_is_split_off_without_eating_names(text, expected):
    assert split_decoration(text) == expected


def test_special_session_title_and_kind_come_from_text():
    text = (
        "# 2026 Spring\n### March 10\n- ✨ Cancelled: holiday\n"
        "### March 3\n- ✨ OSDI Rehearsal\n#### Topic I\n- 💡 A\n- 🙋‍♂️ X\n#### Topic II\n- 💡 B\n"
    )
    sessions = parse_schedule(text).sessions
    assert [(s.kind, s.title, len(s.talks)) for s in sessions] == [
        ("cancelled", "Cancelled: holiday", 0),
        ("rehearsal", "OSDI Rehearsal", 2),
    ]


# --- Writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_written_file_reads_back_to_the_same_schedule(seed):
    first = parse_schedule(read(seed))

    text = format_schedule(first)
    again = parse_schedule(text)

    assert without_lines(asdict(again)["sessions"]) == without_lines(asdict(first)["sessions"])
    assert (again.requirements, again.other_information) == (
        first.requirements,
        first.other_information,
    )
    # The folder link is still odd; the stray "c" is gone.
    assert [w.message for w in again.warnings] == [
        "the slides link './slides/' is a folder, not a file"
    ]


def test_writer_uses_the_groups_format():
    text = format_schedule(parse_schedule(read("schedule-2025-fall.md")))

    assert text.startswith("# 2025 Fall\n\n## Specific Requirements\n")
    assert text.index("### January 20") < text.index("### September 16")
    assert (
        "### January 20\n#### Topic I\n- 💡 [SOSP'25] [DiffKV: Differentiated Memory Management"
        in text
    )
    assert "- 🙋\u200d♂️ Chengru Yang, Jiawei Yi\n" in text
    assert "- 🙋\u200d♂️ Mingxuan Liu (Northwestern Polytechnical University)\n" in text
    assert (
        "- [📕 slides](./slides/251216_Nanoflow.pdf), "
        "[📺 video](https://www.bilibili.com/video/BV15RBzBYEhu?t=1.0)\n"
    ) in text
    assert "### September 29\n\n- ✨ SOSP Rehearsal\n- 💡 Mantle:" in text
    assert "### September 16\n\n- 💡 Kick-off meeting\n" in text


def test_writer_leaves_out_years_the_reader_can_guess():
    text = format_schedule(parse_schedule(read("schedule-2025-fall.md")))
    assert "### January 20\n" in text
    assert "### September 16\n" in text


def test_writer_states_a_year_the_reader_could_not_guess():
    schedule = parse_schedule("# 2025 Fall\n### January 20\n- 💡 A\n### September 16\n- 💡 B\n")
    schedule.sessions.append(type(schedule.sessions[0])(date=datetime.date(2024, 12, 1), talks=[]))

    text = format_schedule(schedule)

    assert "### December 1, 2024\n" in text
    assert [s.date for s in parse_schedule(text).sessions] == [
        datetime.date(2026, 1, 20),
        datetime.date(2025, 9, 16),
        datetime.date(2024, 12, 1),
    ]


def test_mangled_files_give_a_schedule_or_a_format_error_never_a_crash():
    import random

    rng = random.Random(4)
    lines = read("schedule-2025-fall.md").splitlines()
    junk = ["", "#", "##", "###", "####", "- ", "-", "[x](", "](", "### 31 January", "- 🙋‍♂️ ,,",
            "#### Topic XLII", "- [📕 slides]()", "### February 29", "- 💡 [] []()", "* (",
            "### 2026-13-01", "- and and", "<br>", "```", "- ✨", "- ✨ ✨ Rehearsal"]  # fmt: skip
    for _ in range(150):
        mangled = list(lines)
        for _ in range(rng.randint(1, 8)):
            where = rng.randrange(len(mangled) + 1)
            action = rng.random()
            if action < 0.4 and mangled:
                del mangled[min(where, len(mangled) - 1)]
            elif action < 0.7:
                mangled.insert(where, rng.choice(junk))
            elif mangled:
                line = mangled[min(where, len(mangled) - 1)]
                cut = rng.randrange(len(line) + 1)
                mangled[min(where, len(mangled) - 1)] = line[:cut]
        try:
            schedule = parse_schedule("\n".join(mangled))
        except ScheduleFormatError as error:
            assert error.line >= 0 and error.message
            continue
        assert all(w.line >= 1 for w in schedule.warnings)
        format_schedule(schedule)  # whatever was read can be written back


def test_script_and_data_links_are_dropped_with_a_warning():
    text = (
        "# 2025 Fall\n## Schedule\n### January 20\n#### Topic I\n"
        "- [SOSP'25] [Evil](javascript:alert(1))\n"
        "- A B\n"
        "- [video](javascript:alert(2)),[slides](data:text/html,x),[summary](https://ok.example/s)\n"
    )
    schedule = parse_schedule(text)
    talk = schedule.sessions[0].talks[0]
    assert (talk.title, talk.url, talk.video_url, talk.slides_url) == ("Evil", "", "", "")
    assert talk.summary_url == "https://ok.example/s"
    assert [(w.line, w.message) for w in schedule.warnings] == [
        (5, "link 'javascript:alert(1)' is not http(s); ignored"),
        (7, "link 'javascript:alert(2)' is not http(s); ignored"),
        (7, "link 'data:text/html,x' is not http(s); ignored"),
    ]
