"""The open case: queue, routing and regulation actions, journal, appointments, Hub send."""
