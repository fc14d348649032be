"""The pure domain: keys, queue items, download states, naming and the event bus. No I/O here."""
