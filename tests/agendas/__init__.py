"""Local agenda editor servers that follow the SAS FHIR guide, run as real processes by the tests."""
