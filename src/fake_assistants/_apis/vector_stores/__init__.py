"""Vector stores: handlers (`handlers`), records and ingestion state (`records`), and the
way from a file to searchable chunks (`ingest`)."""

from .handlers import ROUTES, forget_file
from .ingest import Result, search

__all__ = ["ROUTES", "Result", "forget_file", "search"]
