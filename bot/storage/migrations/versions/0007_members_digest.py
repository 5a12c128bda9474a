"""Who each actor was (member class in the event log), the member directory, and the digest.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("actor_class", sa.String(12)))
    op.create_table(
        "members",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("actor_class", sa.String(12), nullable=False),
        sa.Column("first_seen_at", UtcDateTime, nullable=False),
        sa.Column("joined_at", UtcDateTime),
        sa.Column("left_at", UtcDateTime),
    )
    op.create_table(
        "digest_topics",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "digest_heroes",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("week", sa.String(20), primary_key=True),
        sa.Column("member", sa.String(64)),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "digest_posts",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("week", sa.String(20), primary_key=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("message", sa.String(64)),
        sa.Column("hero", sa.String(64)),
        sa.Column("posted_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "faq_seen",
        sa.Column("entry_id", sa.String(40), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("faq_seen")
    op.drop_table("digest_posts")
    op.drop_table("digest_heroes")
    op.drop_table("digest_topics")
    op.drop_table("members")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("actor_class")
