"""pytest plugin: the nexx conformance suite engine."""
