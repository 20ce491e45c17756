"""The catalog: schema, YAML source, loading, checks."""
