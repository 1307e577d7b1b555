"""Root conftest: the nexx plugin itself is loaded through its pytest11 entry point."""

# Cassettes are recorded data, never tests.
collect_ignore_glob = ["cassettes/*"]
