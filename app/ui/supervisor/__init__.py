"""The supervisor's wall, shift review, case timeline and PDF shift report."""
