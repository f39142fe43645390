"""Who a command acts for: the authenticated user of a desk, or the Hub connector for a sending SAMU.

The server builds the :class:`Actor` from the bearer token only, never from what a
client writes in a document: authors and roles of everything stored come from here.
Hub messages are posted by the Hub connector's technical account (role ``HUB``);
what they carry is attributed to the sending SAMU (:meth:`Actor.for_hub_sender`),
never to a local user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Role of the Hub connector's technical account: it may post Hub messages and nothing else.
HUB_ROLE = "HUB"
#: Prefix of the author recorded for what a neighbouring SAMU sent through the Hub.
HUB_AUTHOR_PREFIX = "hub:"


@dataclass(frozen=True)
class Actor:
    """The user a command acts for, as the server authenticated it."""

    username: str
    role: str
    display_name: str = ""
    user_id: int = 0
    #: For Hub content: the sending SAMU's Hub id (``fr.health.samu690``); None for a local user.
    hub_sender: str | None = None

    @property
    def author(self) -> str:
        """The author written on what this actor stores."""
        return f"{HUB_AUTHOR_PREFIX}{self.hub_sender}"[:64] if self.hub_sender else self.username

    @property
    def is_hub(self) -> bool:
        return self.role == HUB_ROLE

    def for_hub_sender(self, sender_id: str) -> Actor:
        """This Hub connector acting for ``sender_id``: its content is that SAMU's, not a local user's."""
        return replace(self, hub_sender=sender_id or "inconnu")
