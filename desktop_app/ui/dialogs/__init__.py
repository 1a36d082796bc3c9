"""Qt dialogs of the desktop application."""
