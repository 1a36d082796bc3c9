"""Where talks come from besides files: calendar feeds, researchseminars.org and YouTube.

The building blocks of a sync, each usable alone: `kinds` (what a URL is and which URLs to
fetch for it), `fetch` (one careful HTTP download), `youtube` (playlists read through yt-dlp)
and `matching` (proposals: the same talk from two sources, recordings for talks).
The package imports nothing heavy itself: each module imports what it needs.
"""
