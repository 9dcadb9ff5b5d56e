"""The registry: model, loading and validation, selection and the maintainer tools."""
