"""CLI command modules; each exposes ``register(subparsers)`` and sets ``handler`` on its parser."""
