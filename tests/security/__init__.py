"""Security tests: health data at rest on the desk, the session lock, logout."""
