"""Adapters that serve the core over other transports than in-process httpx."""
