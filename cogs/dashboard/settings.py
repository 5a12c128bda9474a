"""The ``[dashboard]`` section: where the moderators' web pages are served."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from bot.core.settings import FeatureSettings


class DashboardSettings(FeatureSettings):
    enabled: bool = False
    """Serve the pages (the same as listing "dashboard" in [features] enabled)."""
    listen: Annotated[str, Field(pattern=r"^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$")] = (
        "127.0.0.1:8090"
    )
    """host:port the pages are served on (loopback by default: put a reverse proxy with HTTPS
    in front to reach them from elsewhere, see docs/dashboard.md)."""
    public_url: str = ""
    """The address moderators open (e.g. https://bot.example.org); login links start with
    it. Empty: http://<listen>."""
    session_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 12
    """How long a login lasts without use."""

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("public_url must start with https:// (or http:// on loopback)")
        return value.rstrip("/")

    def base_url(self) -> str:
        return self.public_url or f"http://{self.listen}"
