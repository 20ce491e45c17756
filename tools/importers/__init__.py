"""Importers: new entries from arXiv, BibTeX and templates; technique suggestions."""
