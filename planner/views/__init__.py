"""Planner pages: the queue (members), My talks additions (members), suggestions (organisers),
and the suggestion JSON (organisers)."""
