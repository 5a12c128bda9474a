"""Drafts and posts of the content studio, and members' feedback on posts.

Revision ID: studio_0001
Revises: ideas_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.schema import BigId
from bot.storage.types import UtcDateTime

revision = "studio_0001"
down_revision = "ideas_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "studio_posts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("template", sa.String(40)),
        sa.Column("column_name", sa.String(32)),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("heavy", sa.Boolean, nullable=False),
        sa.Column("channels", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("publish_at", UtcDateTime),
        sa.Column("published_at", UtcDateTime),
        sa.Column("messages", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("prompt_message", sa.String(64)),
        sa.Column("prompt_field", sa.String(32)),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_studio_posts_status", "studio_posts", ["platform", "community", "status"])
    op.create_table(
        "studio_feedback",
        sa.Column(
            "post_id",
            BigId,
            sa.ForeignKey("studio_posts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("useful", sa.Boolean, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("studio_feedback")
    op.drop_table("studio_posts")
