"""``python -m bot``: the same as the ``community-bot`` command."""

import sys

from bot.cli import main

sys.exit(main())
