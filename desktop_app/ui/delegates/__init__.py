"""Item delegates of the desktop application."""
