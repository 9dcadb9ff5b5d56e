"""Generation: view models, the target table, templates and escaping."""
