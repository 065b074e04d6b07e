"""The leaders' daily summary: its numbers, its paragraph, its printable page and PDF."""
