"""citecheck: verify the sources cited in a document before it goes out."""

__version__ = "0.1.0"
