"""The central server: FastAPI over the shared models and services."""
