"""Hostile input: a catalogue of nasty strings pushed through the API, the console and the map."""
