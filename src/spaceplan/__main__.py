"""``python -m spaceplan``: the command line, as ``spaceplan``."""

from spaceplan.cli import main

if __name__ == "__main__":
    main(prog_name="spaceplan")
