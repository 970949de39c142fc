"""The schedule's forms, by front end: members.py (the lead's talk page), organiser.py."""
