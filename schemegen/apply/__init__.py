"""Apply: project detection and in-place text-splice patching."""
