"""What happens to presenters and talks, announced as Django signals.

The schedule's services (sessions/signups.py, sessions/planning.py, planner/swaps.py) send one
of these when a change is made, inside their transaction. Whoever cares listens: the
`notifications` app turns them into mails. It sits above sessions in the import order, so
sessions announces rather than calls it and never knows about mail.

Every signal is sent with `sender` = the sending module's name and the keyword arguments named
below; a receiver that writes does so in the sender's transaction (roll back, nothing stays).
"""

from __future__ import annotations

from django.dispatch import Signal

# presenter: the new Presenter row (a member's own sign-up, unconfirmed)
signed_up = Signal()
# presenter: the row an organiser confirmed
confirmed = Signal()
# presenter: the row an organiser created (confirmed)
assigned = Signal()
# talk, person, role, presenter_id: a presenter an organiser took off the talk (row deleted)
removed = Signal()
# talk, person, role, presenter_id: a member withdrew from the talk (row deleted)
withdrew = Signal()
# talk (in its new session), from_session: the talk with its presenters moved
talk_moved = Signal()
# swap: a SwapRequest made (planner)
swap_requested = Signal()
# swap, presenter: a swap accepted, the row now the new person's (planner)
swap_accepted = Signal()
