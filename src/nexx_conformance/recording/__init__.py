"""Cassettes: what a recording may hold, how a replay matches it, and the audits of both."""
