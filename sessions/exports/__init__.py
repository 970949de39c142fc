"""The schedule in other formats: iCalendar (ical), an Atom feed (feed) and JSON (schedule_json).

Each module builds its format from the selectors and serves it through sessions.caching.
"""
