"""The supervisor's indicators, shift review, case timeline and shift report content."""
