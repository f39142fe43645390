"""Hub Santé messages (issue 6): schema validation, EDXL-DE envelopes, RS-EDA, acknowledgements.

Plain Python, no Qt and no database: the server (:mod:`app.server.routes.hub`) and
the ``sas hub`` command build on these modules.

* :mod:`.schemas` — the official JSON Schemas (draft-07) shipped in ``resources/hub-sante``;
* :mod:`.envelope` — EDXL-DE envelopes with their RC-DE header, Hub times;
* :mod:`.rs_eda` / :mod:`.rs_eda_import` — a case as RS-EDA ``createCaseHealth`` and back,
  RS-EDA-MAJ ``createCaseHealthUpdate`` read as an update;
* :mod:`.ack` — RC-REF acknowledgements and RS-ERROR errors with the official codes.
"""
