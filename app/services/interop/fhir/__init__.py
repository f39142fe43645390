"""The SAS FHIR agenda interface (SAS IG 1.2.0, domain.md B): agenda editors' FHIR servers.

* :mod:`.codes` — systems, OIDs and codes of the guide, national identifier prefixes;
* :mod:`.model` — plain dataclasses of what a slot search gives (slot, effecteur, place, CPTS);
* :mod:`.bundle` — reads searchset Bundles (individual PS, CPTS, SOS Médecins) into them;
* :mod:`.places` — an address without coordinates gets its commune's centroid;
* :mod:`.client` — the httpx client: Slot searches batched by 25 identifiers, 7 s per editor,
  Appointment create / update;
* :mod:`.appointment` — builds ``FrAppointmentSAS`` resources;
* :mod:`.importer` — stores parsed slots as Effecteur / ConsultationSite / Slot rows.

No Qt here (import-linter).
"""
