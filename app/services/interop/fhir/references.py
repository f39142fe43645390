"""Finding the resources a Bundle's references point to, whatever form the reference takes.

Real bundles write references as ``Type/id``, as absolute URLs (``https://x/fhir/Type/id``,
maybe with ``/_history/n``), as ``urn:uuid:`` full URLs, or as ``#id`` for a resource
contained in the referring one; some entries come twice.  :class:`ResourceIndex` answers
all of these and returns None for a reference the bundle does not carry.
"""

from __future__ import annotations

from collections.abc import Iterator


def _type_id(url: str) -> str | None:
    """``Type/id`` from the end of a relative or absolute reference (history part dropped)."""
    parts = [p for p in url.split("?")[0].split("/") if p]
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return f"{parts[-2]}/{parts[-1]}"
    return None


class ResourceIndex:
    """The resources of a Bundle by ``Type/id`` and by full URL (first occurrence wins)."""

    def __init__(self, entries: list) -> None:
        self.by_key: dict[str, dict] = {}
        self.by_url: dict[str, dict] = {}
        self.order: list[dict] = []
        self.duplicates = 0
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            resource = entry.get("resource")
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                continue
            key = self.key(resource)
            full_url = entry.get("fullUrl")
            if key is not None and key in self.by_key:
                self.duplicates += 1
                if isinstance(full_url, str):
                    self.by_url.setdefault(full_url, self.by_key[key])
                continue
            if key is not None:
                self.by_key[key] = resource
            if isinstance(full_url, str):
                self.by_url.setdefault(full_url, resource)
            self.order.append(resource)

    @staticmethod
    def key(resource: dict) -> str | None:
        rid = resource.get("id")
        return f"{resource['resourceType']}/{rid}" if isinstance(rid, (str, int)) else None

    def of_type(self, resource_type: str) -> Iterator[dict]:
        return (r for r in self.order if r.get("resourceType") == resource_type)

    def resolve(self, ref: object, context: dict | None = None) -> dict | None:
        """The resource ``ref`` (a FHIR Reference) points to, or None."""
        if not isinstance(ref, dict):
            return None
        target = ref.get("reference")
        if not isinstance(target, str) or not target:
            return None
        if target.startswith("#"):
            for contained in (context or {}).get("contained") or []:
                if isinstance(contained, dict) and contained.get("id") == target[1:]:
                    return contained
            return None
        if target in self.by_url:
            return self.by_url[target]
        key = _type_id(target)
        return self.by_key.get(key) if key else None


def identifier_of(ref: object) -> dict | None:
    """The logical identifier of a Reference (``{"identifier": {...}}``), if any."""
    if isinstance(ref, dict) and isinstance(ref.get("identifier"), dict):
        return ref["identifier"]
    return None
