"""The room's telephone calls (issue 15): call events from the desks' softphones, the case's clocks, lookups."""
