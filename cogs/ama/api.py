"""What other features may read of AMAs (the digest and roles count questions and upvotes).

The tables below are a published read contract: other features may select from them and
must never write. Their columns change only with a migration, announced here.
"""

from __future__ import annotations

from cogs.ama.store import questions, sessions, upvotes

__all__ = ["questions", "sessions", "upvotes"]
