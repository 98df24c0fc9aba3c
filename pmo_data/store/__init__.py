"""The versioned store, the viewer and the scope of every read."""
