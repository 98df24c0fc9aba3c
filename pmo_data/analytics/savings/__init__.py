"""Savings and benefits: the ledger as ranges, PERT sums, estimators, double counting, benefits."""
