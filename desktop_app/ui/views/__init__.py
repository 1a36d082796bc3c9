"""Qt views of the desktop application."""
