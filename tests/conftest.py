from helpers import offline  # noqa: F401  (autouse: no test may touch the network)

pytest_plugins = ["pytester"]
