"""`python -m flows.cli` runs the `gazette` command line."""
import sys

from flows.cli.main import main

sys.exit(main())
