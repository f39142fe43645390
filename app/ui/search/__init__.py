"""Slot search on the desk: the filter bar, the slot table, booking and call outcomes."""
