"""User generated articles, playlists and collections (/user/addarticle, ...)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from .. import faults
from ..settings import DomainSettings
from . import catalogue

STREAMTYPE_OF = {"addarticle": "article", "addplaylist": "playlist", "addcollection": "collection"}


def is_published(domain: DomainSettings, auto_publish: bool) -> bool:
    """A user's new item is published at once only if asked and the domain does not restrict UGC."""
    asked = auto_publish or faults.active("ugc-drafts-published")
    return asked and not domain.ugcrestricted


def create(
    db: sqlite3.Connection,
    domain: DomainSettings,
    user_id: int,
    streamtype: str,
    params: Mapping[str, Any],
    now: float,
) -> sqlite3.Row:
    return catalogue.create_item(
        db,
        domain.id,
        user_id,
        streamtype,
        title=params["title"],
        subtitle=params.get("subtitle", ""),
        teaser=params.get("teaser", ""),
        # An article's text is its body, not its description (the contract lists no field for it).
        description=params.get("description", ""),
        body=params.get("text"),
        published=is_published(domain, params.get("autoPublish") == 1),
        now=now,
    )
