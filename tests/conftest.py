# offline is autouse: no test may touch the network; fake and no_sleep serve many files.
from helpers import fake, no_sleep, offline  # noqa: F401

pytest_plugins = ["pytester"]
