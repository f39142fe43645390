"""The demo territory, demo shift and room, and the panel screenshots (never imported by the server)."""
