"""The OSA back-ends, each behind one ``solve_*`` function.

``portfolio`` (the ``cpsat`` back-end of the bench) shares one time budget
between ``cpsat``, ``anneal``, ``pattern`` and ``lns``; ``highs`` and
``greedy`` also run alone.  Every back-end returns a
:class:`~spaceplan.osa.solvers.result.OsaResult`.
"""
