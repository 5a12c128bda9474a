"""Platform-neutral features, one package each (see ``cogs/README.md``).

The core finds them by looking here: each package defines one ``Feature`` subclass whose
``name`` is the package's name. None imports a platform SDK.
"""
