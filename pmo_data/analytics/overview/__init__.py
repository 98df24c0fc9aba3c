"""The tailored overview: each group's metrics and the trend charts' data."""
