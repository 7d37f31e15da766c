"""citybrand-kg: Chinese city-brand reply letters and publicity reports → a validated RDF knowledge graph."""

__version__ = "0.1.0"
