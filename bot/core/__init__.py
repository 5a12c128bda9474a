"""The platform-neutral kernel: features program against this package only.

Nothing under ``bot.core`` may import ``discord`` or ``telegram`` (enforced by
``tests/unit/test_architecture.py``).
"""
