"""agent-ready: audit whether an autonomous AI agent could use a web service or API with no human at hand."""

__version__ = "0.1.0"
