"""Subcommands of `seminar-archive`; each module has `register(subparsers)`."""
