"""Drawing for each page, one module per page."""
