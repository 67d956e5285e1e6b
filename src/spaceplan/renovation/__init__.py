"""Renovation input: partitions that may move (docs/formats.md, renovation).

``spec`` holds the models a scenario writes (walls, allowed moves,
prices, and the works a plan carries) and ``walls`` finds the partitions
of a building. Neither imports the data model, which imports them; the
options and the check live in :mod:`spaceplan.works`.
"""
