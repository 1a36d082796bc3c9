"""Seminar Archive: a desktop archive of research seminar talks."""

__version__ = "0.1.0"
