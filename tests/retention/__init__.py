"""Data retention: purging old cases while the journal stays verifiable."""
