"""Platform-neutral features. Each package has ``setup(registry)``; none imports a platform SDK."""

FEATURES: tuple[str, ...] = (
    "help",
    "moderation",
    "welcome",
    "polls",
    "ama",
    "roles",
    "faq",
    "digest",
)
"""Every feature that ships, in load order (middleware order is set by each feature)."""
