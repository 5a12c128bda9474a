"""The local console platform: an interactive chat (``run``) and scripted rehearsals
(``simulate``), both over :class:`bot.adapters.console.platform.ConsolePlatform`."""
