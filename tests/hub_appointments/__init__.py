"""Tests of the SAS platform appointments (RS-SAS-RDV): Hub import, matching, worklists, migration, UI."""
