"""``python -m nnwidgets``: the same as the ``nnwidgets`` command (see :mod:`nnwidgets.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
