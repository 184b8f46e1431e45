"""The service's options, as `FakeAssistants(...)` and the server take them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._versions import ASSISTANTS_VERSIONS

Clock = Callable[[], Any]
JOURNAL_LIMIT = 10_000


@dataclass(frozen=True)
class Options:
    api_key: str | None = None
    ad_token: str | None = None
    seed: object = 0
    clock: Clock | None = None
    api_versions: frozenset[str] | None = None
    deployments: frozenset[str] | None = None
    journal_limit: int | None = JOURNAL_LIMIT
    run_polls: int = 0
    ingestion_polls: int = 0

    @staticmethod
    def build(
        *,
        api_key: str | None = None,
        ad_token: str | None = None,
        seed: object = 0,
        clock: Clock | None = None,
        api_versions: Iterable[str] | None = None,
        deployments: Iterable[str] | None = None,
        journal_limit: int | None = JOURNAL_LIMIT,
        run_polls: int = 0,
        ingestion_polls: int = 0,
    ) -> Options:
        versions = None if api_versions is None else frozenset(api_versions)
        unknown = sorted((versions or frozenset()) - set(ASSISTANTS_VERSIONS))
        if unknown:
            raise ValueError(f"api_versions: unknown assistants api-versions {unknown}")
        if clock is not None and not callable(clock):
            raise TypeError(
                "clock: a function that returns the time (unix seconds or a datetime), "
                f"such as time.time, not {clock!r}"
            )
        if journal_limit is not None and journal_limit < 1:
            raise ValueError("journal_limit: a positive number of calls, or None for no bound")
        for name, polls in (("run_polls", run_polls), ("ingestion_polls", ingestion_polls)):
            if not isinstance(polls, int) or polls < 0:
                raise ValueError(f"{name}: a number of observations, 0 or more")
        return Options(
            api_key=api_key,
            ad_token=ad_token,
            seed=seed,
            clock=clock,
            api_versions=versions,
            deployments=None if deployments is None else frozenset(deployments),
            journal_limit=journal_limit,
            run_polls=run_polls,
            ingestion_polls=ingestion_polls,
        )
