"""Book a slot for a case, cancel a booking, and the SAS appointments that follow (RS-SAS-RDV)."""
