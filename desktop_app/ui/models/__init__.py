"""Qt models of the desktop application."""
