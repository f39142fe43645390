"""Slot search: the national in-memory index, its query model, radius rules and the brute-force reference."""
