"""Measured goals of the console, run by ``make bench``."""
