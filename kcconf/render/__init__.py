"""Everything generated from the schemas: annotated configs, reStructuredText, man pages."""
