"""spaceplan: plan community comprehensive service facilities."""

__version__ = "0.1.0"
