"""The Discord platform: discord.py 2.x in, the core's neutral events out, and back."""
