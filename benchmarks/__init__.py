"""Unscripted's scale benchmark and the sample essays it (and the tests) generate."""
