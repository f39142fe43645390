"""The domain and all I/O, in plain Python (no Qt): intake, search, sync, auth, demo data."""
