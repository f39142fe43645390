"""The address database: one row per address point of the Base Adresse Nationale (BAN).

Imported by ``sas address import FILE.csv`` (:mod:`app.services.reference.ban_import`)
and read by the geocoder (:mod:`app.services.reference.addresses`), which looks
an address up by commune, normalised street name and house number.
"""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Address(Base):
    __tablename__ = "addresses"

    #: The BAN's own key (``cle_interop``: ``67482_2965_00012_bis``): re-importing a file updates, never duplicates.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Commune INSEE code (``67482``).
    insee: Mapped[str] = mapped_column(String(5))
    #: Street name as the BAN writes it (``Rue du Dôme``).
    street: Mapped[str] = mapped_column(String(200))
    #: The street's search key (:func:`app.services.reference.addresses.street_key`: ``RUE DOME``).
    street_key: Mapped[str] = mapped_column(String(200))
    #: House number (0 when the point has none).
    number: Mapped[int] = mapped_column(Integer)
    #: Repetition index, lower case (``bis``, ``ter``, ``a``) or "".
    rep: Mapped[str] = mapped_column(String(10), default="")
    postal_code: Mapped[str] = mapped_column(String(5), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_addresses_lookup", "insee", "street_key", "number"),)
