"""Download engine: resumable, verified HTTP downloads into the library."""
