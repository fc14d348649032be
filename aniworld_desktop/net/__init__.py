"""HTTP, in one place: sessions and who owns them, failures in words, when to retry."""
