"""briefing: turn annotated news articles into a research briefing site."""

__version__ = "0.1.0"
