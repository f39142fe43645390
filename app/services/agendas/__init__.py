"""Live agendas (issue 14): the editors' registry, the slots kept fresh from them, their health."""
