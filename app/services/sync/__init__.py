"""The desk's offline cache (encrypted SQLite with its outbox) and its sync with the server."""
