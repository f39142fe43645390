"""The desk phone in the window (issue 15): the ringing panel, its keys, the dialogs."""
