"""What other features may read of polls (the digest and roles count votes and quizzes).

The tables below are a published read contract: other features may select from them and
must never write. Their columns change only with a migration, announced here.
"""

from __future__ import annotations

from cogs.polls.store import polls, votes

__all__ = ["polls", "votes"]
