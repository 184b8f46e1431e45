"""The warning the fake gives for a request it does not serve, and where it points: core,
so the fake and its interception both use it without importing each other."""

from __future__ import annotations

import os
import sys


class UnsupportedRequestWarning(UserWarning):
    """Requests to an Azure host that the fake answered with 404 because it does not serve them."""


def user_stacklevel() -> int:
    """The stacklevel of the first frame outside this package: the user's `with` or test."""
    package = os.path.dirname(__file__)
    frame, level = sys._getframe(1), 1  # level 1 is the frame that calls warn()
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level
