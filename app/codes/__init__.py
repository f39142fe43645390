"""The room's code lists and field limits, declared once for the models, the core, the server and the UI.

Plain Python with no dependency on the rest of the application, so every layer
may import it (an import-linter contract keeps it so):

* :mod:`.places` — départements (01–95, 2A, 2B, 971–976), commune INSEE codes, the room's time zone;
* :mod:`.priorities` — P0–P3 and NR, their colours, which ones are urgent;
* :mod:`.effecteurs` — effecteur kinds and slot consultation modes;
* :mod:`.case_codes` — case statuses, perimeters and the other closed lists of a case;
* :mod:`.fields` — the longest text each stored field takes.

The official Hub Santé nomenclatures (motives, attributions, caller types…) stay
the shipped CSV files read by :mod:`app.codes.nomenclatures`.
"""
