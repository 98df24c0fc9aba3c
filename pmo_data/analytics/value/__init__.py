"""Value: weighted scores and choosing under a budget."""
