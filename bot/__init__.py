"""Community bot for Discord and Telegram: one community logic, several platforms."""

__version__ = "0.1.0"
