"""Limits every layer shares."""

# The largest request body taken (32 MiB): far above any valid JSON request of these APIs,
# small enough that a runaway stream cannot eat the machine. Transports stop reading past it.
MAX_BODY_BYTES = 32 * 1024 * 1024
