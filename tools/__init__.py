"""MedGen Atlas tools: load, check, render, search and export the catalog."""
