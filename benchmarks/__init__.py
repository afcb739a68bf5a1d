"""Synthetic city generator, baselines and benchmark suite for the matcher engine."""
