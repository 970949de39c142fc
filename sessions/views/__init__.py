"""The schedule's pages, by who uses them, each with its URL module:

- public.py (urls_public.py): home, term, session pages, README download; iCal/feed/JSON come
  from the exports;
- members.py (urls_members.py): sign-ups, a member's page, the lead's talk page;
- organiser.py and organiser_dashboard.py (urls_organiser.py): everything under /organise/.

urls.py joins them under the "schedule" namespace.
"""
