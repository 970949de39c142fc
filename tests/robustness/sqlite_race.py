"""Run as a script against a file-based SQLite database: N threads race for the lead of one talk.

The test runs it in a subprocess so that the settings (and so the SQLite options) are the
app's own, read from the environment, on a real file: the test suite's in-memory database
has a single connection and cannot show lock contention. Prints one JSON line per round.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readinggroup.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from sessions import signups  # noqa: E402
from sessions.models import Person, Presenter, Session, Talk, Term  # noqa: E402


def race(talk: Talk, people: list[Person]) -> dict:
    barrier = threading.Barrier(len(people))
    won: list[str] = []
    lost: list[str] = []
    crashed: list[str] = []

    def attempt(person: Person) -> None:
        try:
            barrier.wait()
            signups.sign_up(talk, person, "lead")
            won.append(person.name)
        except signups.SignupError as exc:
            lost.append(str(exc))
        except Exception as exc:  # what the test is after: "database is locked"
            crashed.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    leads = Presenter.objects.filter(talk=talk, role=Presenter.Role.LEAD).count()
    return {
        "won": len(won),
        "lost": len(lost),
        "errors": crashed[:3],
        "crashed": len(crashed),
        "leads": leads,
    }


def main(racers: int, rounds: int) -> None:
    today = timezone.localdate()
    term = Term.objects.create(
        name="Race", slug="race", start_date=today, end_date=today + datetime.timedelta(days=60)
    )
    people = [Person.objects.create(name=f"Racer {i}") for i in range(racers)]
    for round_ in range(rounds):
        session = Session.objects.create(
            term=term, date=today + datetime.timedelta(days=7 + round_)
        )
        talk = Talk.objects.create(session=session, position=1)
        print(json.dumps(race(talk, people)), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
