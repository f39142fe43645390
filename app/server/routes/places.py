"""Places on the map: the territory's effecteurs, and placing a case's address.

* ``GET /api/v1/territory/effecteurs?departement=67`` (repeatable) — every
  effecteur with a consultation site in the départements, with its soonest free
  slot within 72 hours and how many it has: what the map shows before a search.
  No patient data.
* ``POST /api/v1/addresses/geocode`` ``{"insee", "address"}`` — the address placed
  in its commune through the server's address database (Base Adresse Nationale,
  ``sas address import``): at the house number (``ADRESSE``), else on the street
  (``RUE``), else at the commune's centre (``VILLE``), with the Hub Santé
  ``coord.precision`` code.  A POST, so the patient's address never sits in a URL
  (access logs, proxies); it is not logged.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel, Field

from app.codes import case_codes, places
from app.server.deps import Principal, ServerState, get_state, require
from app.server.errors import ERROR_RESPONSES
from app.services.records.clock import utcnow
from app.services.reference import addresses
from app.services.reference.communes import default_index
from app.services.search import territory
from app.services.security import permissions



@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Read the communes (the fallback place, ~3 s) in the background now, not on the first geocoding."""
    threading.Thread(target=default_index, name="communes-preload", daemon=True).start()
    yield


router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["carte"], lifespan=lifespan)


class TerritoryEffecteurOut(BaseModel):
    id: str
    name: str
    kind: str
    phone: str | None = None
    lat: float
    lon: float
    city_name: str | None = None
    next_start: datetime | None = Field(default=None, description="Début du premier créneau libre sous 72 h")
    free_slots: int = Field(description="Créneaux libres sous 72 h")


class TerritoryOut(BaseModel):
    departements: list[str]
    effecteurs: list[TerritoryEffecteurOut]


class GeocodeIn(BaseModel):
    insee: str = Field(pattern=places.INSEE_PATTERN, description="Commune INSEE, ex. 67482")
    address: str = Field(min_length=1, max_length=300, description="Adresse, ex. « 12 bis rue du Dôme »")


class GeocodeOut(BaseModel):
    lat: float | None
    lon: float | None
    precision: Literal[case_codes.COORD_PRECISIONS] = Field(  # type: ignore[valid-type]
        description="coord.precision du Hub Santé : ADRESSE (numéro), RUE (voie), VILLE (commune), INCONNUE")
    label: str = Field(description="Ce qui a été trouvé : « 12 bis Rue du Dôme », « Rue du Dôme », la commune")


@router.get("/territory/effecteurs", response_model=TerritoryOut,
            summary="Effecteurs du territoire et leur prochain créneau libre (carte avant recherche)")
def territory_effecteurs(
    departement: Annotated[list[Annotated[str, Field(pattern=places.DEPARTEMENT_PATTERN)]],
                           Query(description="Département du territoire (répétable), ex. 67")],
    principal: Principal = Depends(require(permissions.TERRITORY_EFFECTEURS)),
    state: ServerState = Depends(get_state),
) -> TerritoryOut:
    codes = list(dict.fromkeys(departement))
    with state.read() as session:
        items = territory.territory_effecteurs(session, codes, utcnow())
    return TerritoryOut(departements=codes, effecteurs=[TerritoryEffecteurOut(**item) for item in items])


@router.post("/addresses/geocode", response_model=GeocodeOut, summary="Localiser une adresse dans sa commune")
def geocode(
    body: GeocodeIn,
    principal: Principal = Depends(require(permissions.ADDRESSES_GEOCODE)),
    state: ServerState = Depends(get_state),
) -> GeocodeOut:
    with state.read() as session:
        placed = addresses.geocode(session, body.insee, body.address)
    return GeocodeOut(lat=placed.lat, lon=placed.lon, precision=placed.precision, label=placed.label)
