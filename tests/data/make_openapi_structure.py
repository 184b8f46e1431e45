"""Makes `openapi-assistants-structure.json` from the Azure 2024-05-01-preview spec.

Keeps the assistants, threads, messages, runs and run steps operations (`PATHS`) and the
schemas they reach by `$ref`, with every `description`, `summary`, `example`,
`examples`, `x-ms-examples` and `title` keyword removed: the structure only. Property
names are kept, even where a property is called `description` or `title`.

Usage: python tests/data/make_openapi_structure.py [SOURCE.json]

SOURCE defaults to `../shared/reference/openapi/azure-2024-05-01-preview-assistants.json`
beside the repository (the trimmed copy of the spec; the full `inference.json` works too).
The output is written next to this script. Tests read only the output, so they run in a
clone without the source.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "openapi-assistants-structure.json"
DEFAULT_SOURCE = (
    HERE.parents[2]
    / "shared"
    / "reference"
    / "openapi"
    / "azure-2024-05-01-preview-assistants.json"
)
PATHS = (
    "/assistants",
    "/assistants/{assistant_id}",
    "/threads",
    "/threads/{thread_id}",
    "/threads/{thread_id}/messages",
    "/threads/{thread_id}/messages/{message_id}",
    "/threads/runs",
    "/threads/{thread_id}/runs",
    "/threads/{thread_id}/runs/{run_id}",
    "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
    "/threads/{thread_id}/runs/{run_id}/cancel",
    "/threads/{thread_id}/runs/{run_id}/steps",
    "/threads/{thread_id}/runs/{run_id}/steps/{step_id}",
)
DROPPED = frozenset({"description", "summary", "example", "examples", "x-ms-examples", "title"})
SCHEMA_REF = "#/components/schemas/"


def strip(node: Any, *, names: bool = False) -> Any:
    """`node` without the documentation keywords. `names`: the keys are property names."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept = {}
    for key, value in node.items():
        if key in DROPPED and not names:
            continue
        # the values of `properties` (and the path/schema maps) are keyed by name, not keyword
        kept[key] = strip(value, names=key in ("properties", "schemas", "paths"))
    return kept


def reached(node: Any, schemas: dict[str, Any], found: set[str]) -> set[str]:
    """The names of the component schemas `node` reaches through `$ref`, transitively."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            name = ref.removeprefix(SCHEMA_REF)
            if name not in found:
                found.add(name)
                reached(schemas[name], schemas, found)
        for key, value in node.items():
            if key != "$ref":
                reached(value, schemas, found)
    elif isinstance(node, list):
        for item in node:
            reached(item, schemas, found)
    return found


def structure(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec["components"]["schemas"]
    paths = {path: spec["paths"][path] for path in PATHS}
    names = reached(paths, schemas, set())
    components: dict[str, Any] = {"schemas": {name: schemas[name] for name in sorted(names)}}
    if "securitySchemes" in spec["components"]:
        components["securitySchemes"] = spec["components"]["securitySchemes"]
    trimmed = {
        "openapi": spec["openapi"],
        "info": {"version": spec["info"]["version"]},
        "servers": spec["servers"],
        "security": spec.get("security", []),
        "paths": paths,
        "components": components,
    }
    return strip(trimmed)


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.exists():
        print(f"source spec not found: {source} (pass its path)", file=sys.stderr)
        return 1
    raw = source.read_bytes()
    result = structure(json.loads(raw))
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    operations = sum(
        1 for item in result["paths"].values() for method in item if method != "parameters"
    )
    print(
        f"wrote {OUTPUT.name}: {operations} operations, "
        f"{len(result['components']['schemas'])} schemas; "
        f"source {source.name} sha256 {hashlib.sha256(raw).hexdigest()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
