"""The portfolio: projects and variances, one project in detail, risks to customer value."""
