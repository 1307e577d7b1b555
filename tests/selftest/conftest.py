"""Selftests of the suite engine; `pytester` runs the plugin in throwaway pytest runs."""

pytest_plugins = ["pytester"]
