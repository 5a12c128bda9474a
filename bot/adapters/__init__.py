"""Platform adapters. Only ``bot.adapters.discord`` and ``bot.adapters.telegram`` may import
their SDKs; everything else speaks the neutral core."""
