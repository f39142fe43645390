"""The room's records: wire documents, the shared journal, its export and the retention purge."""
