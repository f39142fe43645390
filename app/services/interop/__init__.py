"""The world outside: Hub Santé messages (hub) and the SAS FHIR agenda editors (fhir)."""
