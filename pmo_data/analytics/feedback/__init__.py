"""Feedback: scores with intervals, themes, closing the loop."""
