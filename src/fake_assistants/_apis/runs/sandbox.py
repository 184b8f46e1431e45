"""Code interpreter, scripted: the files a code step makes, the files it can see under
`/mnt/data/<file_id>`, and the `file_path` annotations that point at what it wrote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._context import Context
from ..._replies import CodeStep
from ..._resource import Record
from ..._turn import MadeFile
from .. import files

MOUNT = "/mnt/data/"


def outputs(ctx: Context, code: CodeStep) -> list[MadeFile]:
    """Stores the step's images and files as `assistants_output` files, as captured:
    images named by a uuid with `bytes: null`, written files as `/mnt/data/<name>`."""
    made = []
    for image in code.images:
        name = ctx.resource.ids.request_id()  # uuid-shaped, from the fake's seed
        record = files.add(ctx, "assistants_output", name, image, size=False)
        made.append(MadeFile(record["id"], name, image=True))
    for name, data in code.files.items():
        record = files.add(ctx, "assistants_output", MOUNT + name, data)
        made.append(MadeFile(record["id"], MOUNT + name, image=False))
    return made


def file_paths(text: str, made: Sequence[MadeFile]) -> list[dict[str, Any]]:
    """A `file_path` annotation for each `sandbox:/mnt/data/<name>` of a written file."""
    found = []
    for made_file in made:
        if made_file.image:
            continue
        link = f"sandbox:{made_file.name}"
        start = text.find(link)
        if start >= 0:
            found.append(
                {
                    "type": "file_path",
                    "text": link,
                    "start_index": start,
                    "end_index": start + len(link),
                    "file_path": {"file_id": made_file.id},
                }
            )
    return found


def mounted(ctx: Context, run: Record) -> dict[str, str]:
    """What code interpreter sees: the assistant's, thread's and run's code interpreter
    files and the thread's attachments for it, as `/mnt/data/<file_id>` -> file name."""
    assistant = ctx.resource.store("assistants").get(run["assistant_id"]) or {}
    thread = ctx.resource.store("threads").get(run["thread_id"]) or {}
    ids: list[str] = []
    for owner in (assistant, thread, run):
        ids += ((owner.get("tool_resources") or {}).get("code_interpreter") or {}).get(
            "file_ids"
        ) or []
    for message in ctx.resource.store("threads", run["thread_id"], "messages"):
        ids += [
            item["file_id"]
            for item in message["attachments"]
            if any(tool["type"] == "code_interpreter" for tool in item["tools"])
        ]
    shown = {}
    for file_id in dict.fromkeys(ids):
        record = files.store(ctx).get(file_id)
        if record is not None:
            shown[MOUNT + file_id] = record["filename"]
    return shown
