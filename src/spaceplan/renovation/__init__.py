"""Renovation: partitions that may move, and what moving them costs.

``spec`` holds the input and result models (formats.md §8), ``walls``
finds the partitions of a building, ``moves`` lists the rooms a
renovation could make (merges and splits) and ``check`` rebuilds a plan's
rooms from its works, independently of any solver.
"""
