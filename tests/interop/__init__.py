"""Hub Santé interoperability tests (issue 6)."""
