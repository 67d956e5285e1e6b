"""Partition works: the rooms a renovation could make, and a plan's check.

:mod:`spaceplan.renovation` is what the architect writes (walls, allowed
moves, prices) and :mod:`spaceplan.data` validates it; this package works
on the validated scenario: ``moves`` lists the merged and split rooms the
solver may choose, ``check`` rebuilds a plan's rooms from its works,
independently of any solver. (Two units, because the data model imports
the first and this one imports the data model.)
"""
