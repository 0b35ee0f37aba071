"""Migration scripts, one per revision, oldest first by their numbered names."""
