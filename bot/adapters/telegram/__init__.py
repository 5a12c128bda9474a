"""The Telegram platform on python-telegram-bot 22.x: the only package importing ``telegram``."""
