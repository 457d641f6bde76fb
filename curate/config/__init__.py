"""Configuration files: the pipeline model and loader, YAML errors with lines, schemas."""
