"""Runs: requests and handlers (`handlers`), what they take (`schema`), how runs and steps
are kept and shown (`records`), and the state machine that moves them (`engine`)."""

from .engine import release_held
from .handlers import ROUTES, active_run

__all__ = ["ROUTES", "active_run", "release_held"]
