"""DXF in and out.

- :mod:`~spaceplan.dxf.read`: room outlines from a survey drawing
  (``spaceplan import-dxf``).
- :mod:`~spaceplan.dxf.write`: a candidate back to CAD, one layer per
  floor and category.

ezdxf loads only when one of them is imported.
"""
