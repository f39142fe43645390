"""SAS regulation console: call intake, slot search and the shared orientation journal."""

__version__ = "0.1.0"
