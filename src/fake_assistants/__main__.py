"""`python -m fake_assistants`: the `fake-assistants` command."""

import sys

from ._cli import main

sys.exit(main())
