"""``python -m cashcast``: the same command line as the ``cashcast`` script."""
import sys

from cashcast.reports.cli.main import main

sys.exit(main())
