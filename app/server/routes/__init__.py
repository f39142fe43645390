"""The REST API's routers, one module per part of the room; thin callers of the regulation core."""
