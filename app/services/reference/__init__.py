"""Shipped reference data: communes and the official Hub Santé code lists."""
